from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "资金与发放"

    def ready(self) -> None:
        from datetime import time

        from accounts.roles import Capability
        from core.navigation import NavItem, register_nav
        from jobs.exports import register_export
        from jobs.periodic import Every, Periodic, register_periodic
        from ledger.hooks import register_one_off_spending, register_payment_orders, register_payment_stopped_by_death
        from payments import home_cards, jobs  # noqa: F401 - the worker must know the roll job; the home card
        from payments.funds import post_one_off_spending
        from payments.orders import PAYMENT_ORDERS
        from payments.periodic import draft_monthly_rolls
        from payments.rolls import hold_after_death
        from payments.views import ROLL_LINES_EXPORT, roll_lines_export

        register_payment_stopped_by_death(hold_after_death)
        register_one_off_spending(post_one_off_spending)
        register_payment_orders(PAYMENT_ORDERS)
        register_export(ROLL_LINES_EXPORT, "发放名册明细", roll_lines_export)
        register_periodic(
            Periodic(
                "payments.draft_monthly_rolls", "当月发放名册草稿", Every.MONTHLY, draft_monthly_rolls, time(4, 0), 1
            )
        )
        funds = (Capability.HANDLE_FUNDS, Capability.VIEW_AUDIT_LOG, Capability.VIEW_DASHBOARD)

        register_nav(
            NavItem("发放名册", "payments:roll_list", funds, 300, "按月生成、审批发放名册，导出银行文件，回盘对账")
        )
        register_nav(
            NavItem("资金专户", "payments:fund_list", funds, 310, "专户管理、封闭运行：下达、配套、拨付、支出")
        )
        register_nav(
            NavItem(
                "收款人（代领）",
                "payments:payee_list",
                Capability.UNMASK_PERSONAL_DATA,
                305,
                "子女代领等收款人不是户主的对象，及一卡通规则例外的理由",
            )
        )
        register_nav(
            NavItem(
                "银行文件版式",
                "payments:layout_list",
                Capability.MANAGE_BANK_LAYOUTS,
                330,
                "各银行代发文件和一卡通花名册的格式、单位代码、流水号格式、回盘格式",
            )
        )
        register_nav(NavItem("三查", "payments:three_checks", funds, 320, "台账是否完善、是否公开公示、是否发放到位"))
