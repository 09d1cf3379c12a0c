"""What each role may do in disaster relief and campaigns (declared here, not in accounts.roles)."""

from accounts.roles import RoleCode, register_capability

R = RoleCode

REPORT_LOSSES = register_capability(
    "relief_report_losses", "报送灾情", roles=[R.LIVELIHOOD_WORKER, R.GRID_WORKER, R.CLERK]
)
CHECK_LOSSES = register_capability("relief_check_losses", "核查上报灾情", roles=[R.CLERK, R.REVIEWER, R.APPROVER])
MANAGE_EVENTS = register_capability("relief_manage_events", "登记灾害事件", roles=[R.REVIEWER, R.APPROVER])
VIEW_RELIEF = register_capability(
    "relief_view",
    "查看灾情和专项行动",
    roles=[R.LIVELIHOOD_WORKER, R.GRID_WORKER, R.CLERK, R.REVIEWER, R.APPROVER, R.LEADER, R.AUDITOR],
)
ASSESS_RELIEF = register_capability("relief_assess", "受灾家庭救助评定", roles=[R.CLERK, R.REVIEWER, R.APPROVER])
APPROVE_RELIEF = register_capability("relief_approve", "审批受灾家庭救助", roles=[R.APPROVER])
MANAGE_STOCK = register_capability("relief_manage_stock", "救灾物资出入库", roles=[R.CLERK, R.REVIEWER, R.APPROVER])
MANAGE_CAMPAIGNS = register_capability(
    "relief_manage_campaigns", "发起专项行动", roles=[R.CLERK, R.REVIEWER, R.APPROVER]
)
DELIVER = register_capability(
    "relief_deliver", "入户送达登记", roles=[R.LIVELIHOOD_WORKER, R.GRID_WORKER, R.CLERK, R.SOCIAL_WORKER]
)
