"""家庭经济状况调查: the structured home-visit form and the income computed from it by the rules
in force on the acceptance date, with the working shown."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from areas.codes import is_county_or_above
from assistance.casework import Application, Survey
from assistance.errors import AssistanceCode
from cases import hooks
from core.errors import DomainError
from policy import rules
from policy.parameters import Policy
from policy.programmes import IncomeKind, Programme

INCOME_KINDS = {kind.value: str(kind.label) for kind in IncomeKind}


def _money(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip() or "0")
    except InvalidOperation as error:
        raise DomainError(AssistanceCode.AMOUNT, f"{what}金额格式不正确：{value}") from error
    if amount < 0:
        raise DomainError(AssistanceCode.AMOUNT, f"{what}金额不能为负数")
    return amount


def assess_means(application: Application, survey: Survey) -> dict:
    """Per-capita income, asset limits and the proposed benefit, each with its working."""
    policy = Policy.for_area(application.area_code, application.accepted_on)
    items = [
        rules.IncomeItem(
            i["kind"], _money(i["annual_amount"], INCOME_KINDS.get(i["kind"], i["kind"])), i.get("note", "")
        )
        for i in survey.income_items
    ]
    income = rules.per_capita_income(items, application.covered_members, policy)
    standard = rules.dibao_standard(policy, application.urban)
    breaches = rules.asset_breaches(
        rules.Assets(deposits=survey.deposits, vehicles=survey.vehicles, houses=survey.houses),
        application.covered_members,
        policy,
        standard,
    )
    lines = [line.replace(f"{i.kind} ", f"{INCOME_KINDS.get(i.kind, i.kind)} ") for line, i in _labelled(income)]
    lines.append(f"适用{'城市' if application.urban else '农村'}低保标准{standard}元/人·月（{policy.on}起执行的政策）")
    benefit = rules.dibao_benefit(
        policy,
        urban=application.urban,
        household_monthly_income=income.monthly_household,
        members=application.covered_members,
    )
    eligible = benefit.eligible and not breaches
    if application.programme == Programme.EDGE:
        eligible = not breaches and rules.is_edge_household(
            policy, urban=application.urban, monthly_per_capita=income.monthly_per_capita
        )
    lines += breaches
    lines.append(benefit.working)
    return {
        "monthly_per_capita": income.monthly_per_capita,
        "amount": benefit.monthly_amount if eligible else Decimal("0"),
        "eligible": eligible,
        "lines": lines,
        "breaches": breaches,
    }


def _labelled(income: rules.IncomeWorking):
    items = income.counted + income.excluded
    lines = income.lines()
    for index, line in enumerate(lines):
        yield line, items[index] if index < len(items) else rules.IncomeItem("", Decimal("0"))


@transaction.atomic
def record_survey(
    *,
    user,
    application: Application,
    visited_on: date,
    investigators: list[dict],
    income_items: list[dict],
    neighbours: list[dict] = (),
    deposits=0,
    vehicles: int = 0,
    houses: int = 1,
    finding: str = "",
    signature_scan=None,
    kind: str = Survey.Kind.HOME_VISIT,
) -> Survey:
    """入户调查表: ≥ 2 investigators, each signed (on the uploaded scan or confirmed in person)."""
    named = [i for i in investigators if str(i.get("name", "")).strip()]
    if len(named) < 2:
        raise DomainError(AssistanceCode.INVESTIGATORS, "入户调查须有2名以上调查人员")
    if signature_scan is None and not all(i.get("confirmed") for i in named):
        raise DomainError(AssistanceCode.INVESTIGATORS, "每位调查人员须签字确认（上传签字的调查表扫描件，或逐一确认）")
    if kind == Survey.Kind.COUNTY_VISIT and not (user.unit_id and is_county_or_above(user.unit.area_code)):
        raise DomainError(AssistanceCode.NO_PERMISSION, "县级入户核查须由县级民政部门人员录入")
    survey = Survey(
        application=application,
        kind=kind,
        visited_on=visited_on,
        investigators=[{"name": i["name"].strip(), "confirmed": bool(i.get("confirmed"))} for i in named],
        neighbours=[n for n in neighbours if str(n.get("name", "")).strip()],
        income_items=[
            {"kind": i["kind"], "annual_amount": str(_money(i["annual_amount"], "收入")), "note": i.get("note", "")}
            for i in income_items
            if str(i.get("annual_amount", "")).strip()
        ],
        deposits=_money(deposits, "金融资产"),
        vehicles=int(vehicles or 0),
        houses=int(houses if houses not in (None, "") else 1),
        finding=finding,
        recorded_by=user,
        area_code=application.area_code,
    )
    if signature_scan is not None:
        survey.signature_scan.save(signature_scan.name, signature_scan, save=False)
    means = None
    if application.programme in (Programme.DIBAO, Programme.EDGE, Programme.RIGID_SPENDING):
        means = assess_means(application, survey)
        survey.monthly_per_capita = means["monthly_per_capita"]
        survey.working = {"lines": means["lines"], "eligible": means["eligible"]}
    survey.save()
    if means is not None:
        Application.objects.filter(pk=application.pk).update(
            monthly_per_capita=means["monthly_per_capita"],
            proposed_amount=means["amount"],
            working={"lines": means["lines"], "eligible": means["eligible"], "survey": survey.pk},
        )
        application.refresh_from_db()
    names = "、".join(i["name"] for i in survey.investigators)
    summary = f"{survey.get_kind_display()}（{names}）"
    if means is not None:
        summary += f"：月人均收入{means['monthly_per_capita']}元，拟保障{means['amount']}元/月"
    hooks.note(application.case, user, visited_on, summary, data={"survey": survey.pk})
    return survey
