"""Economic verification for an application (居民家庭经济状况核对, MZ/T 072): with the household's
recorded authorisation, every member against every source; a report (screen and PDF) listing each
result with its source, batch and date and the limit it breaks; a disputed result can be re-checked
(复查) and the outcome is recorded on the line.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from core.masking import mask_id_number
from registry.hooks import marital_register
from verification.errors import VerificationCode
from verification.models import Batch, DatasetRow, ReportLine, VerificationReport
from verification.sources import SOURCES
from verification.sweeps import sweep_params

AUTHORISATION_TYPE = "verification_authorization"
FEN = Decimal("0.01")


def authorisations_for(household):
    """Current signed authorisations (核对授权书) of the household or its members."""
    from django.db.models import Q

    from registry.models import Document

    members = household.current_memberships().values("person_id")
    return Document.objects.filter(doc_type_id=AUTHORISATION_TYPE, is_current=True).filter(
        Q(household=household) | Q(person_id__in=members)
    )


def _lines_for(person, rows: list[DatasetRow], params: dict, year_ago: date) -> tuple[list[dict], Decimal, Decimal]:
    """Report lines of one member; returns (lines, income in the last 12 months, deposits)."""
    lines, income, deposits = [], Decimal("0"), Decimal("0")
    by_source = defaultdict(list)
    for row in rows:
        by_source[row.source].append(row)
    for code, found in by_source.items():
        source = SOURCES[code]
        for row in found:
            when = f"{row.event_date:%Y-%m-%d}" if row.event_date else ""
            line = {"person": person, "source": code, "batch": row.batch, "row": row, "threshold": "", "breach": False}
            if code in ("death", "funeral"):
                line.update(text=f"{source.date_label} {when}", threshold="成员死亡须在规定期限内复核", breach=True)
            elif code == "vehicle":
                exempt = row.kind == "disabled_mobility"
                line.update(
                    text=f"机动车 {row.ref}（{when}登记）" + ("，残疾人功能性补偿代步车" if exempt else ""),
                    threshold=f"机动车上限{params['max_vehicles']}辆",
                    breach=not exempt,
                )
            elif code == "real_estate":
                line.update(
                    text=f"不动产 {row.ref}（{when}登记，{row.amount or '-'}㎡）",
                    threshold=f"住房上限{params['max_houses']}套",
                )
            elif code == "business":
                active = row.kind == "active"
                line.update(
                    text=f"市场主体 {row.ref}（{when}成立，{'存续' if active else '已注销'}）",
                    threshold="经营收入计入家庭收入" if active else "",
                )
            elif code == "deposit":
                deposits += row.amount or 0
                continue  # reported only as over/under the household limit
            elif code in ("wage", "pension", "tax", "housing_fund"):
                if (
                    code in ("wage", "pension")
                    and row.kind != "pension_basic"
                    and row.event_date
                    and row.event_date > year_ago
                ):
                    income += row.amount or 0
                line.update(text=f"{source.name} {when} {row.amount}元")
            else:
                amount = f" {row.amount}元" if row.amount is not None else ""
                line.update(text=f"{source.name} {when}{amount} {row.kind}".strip())
            lines.append(line)
    return lines, income, deposits


def _register_lines(members, register) -> list[dict]:
    """Lines of the 婚姻登记 source from the platform's marriage register (registry.hooks), read now."""
    entries = register.records_for([p.id_number for p in members])
    return [
        {
            "person": person,
            "source": "marriage",
            "batch": None,
            "row": None,
            "text": f"{entry.label} {entry.on_date:%Y-%m-%d}（{entry.office}，字号{entry.number}）",
            "threshold": "",
            "breach": False,
        }
        for person in members
        for entry in entries.get(person.id_number, [])
    ]


@transaction.atomic
def verify_household(*, user, household, authorisation, programme: str, on_date: date, case=None) -> VerificationReport:
    """核对: a report for the household as it is now, against every loaded batch."""
    if authorisation is None or not authorisations_for(household).filter(pk=authorisation.pk).exists():
        raise DomainError(VerificationCode.NO_AUTHORISATION, "没有该家庭签署的核对授权书，不能开展信息核对")
    members = [m.person for m in household.current_memberships()]
    if not members:
        raise DomainError(VerificationCode.NO_MEMBERS, "该家庭没有现有成员")
    params = sweep_params(household.area_code, on_date, household.area_code[:6])
    year_ago = params["year_ago"]  # the sweep's year: the same calendar months back, 29 February included
    rows = (
        DatasetRow.objects.filter(id_number__in=[p.id_number for p in members], batch__status=Batch.Status.LOADED)
        .select_related("batch")
        .order_by("source", "event_date", "pk")
    )
    per_person = defaultdict(list)
    for row in rows:
        per_person[row.id_number].append(row)
    all_lines, income, deposits = [], Decimal("0"), Decimal("0")
    for person in members:
        lines, person_income, person_deposits = _lines_for(person, per_person[person.id_number], params, year_ago)
        all_lines += lines
        income += person_income
        deposits += person_deposits
    register = marital_register()
    if register is not None:  # the platform's own marriage register answers the 婚姻登记 source live
        all_lines += _register_lines(members, register)
    size = len(members)
    standard = params["std_urban"] if household.kind == "urban" else params["std_rural"]
    per_capita = (income / 12 / size).quantize(FEN)
    deposit_limit = Decimal(standard) * params["deposit_months"] * size
    houses = len({ln["row"].ref for ln in all_lines if ln["source"] == "real_estate" and ln["row"].kind == "house"})
    if houses > params["max_houses"]:
        for line in all_lines:
            if line["source"] == "real_estate":
                line["breach"] = True
    latest = {
        code: Batch.objects.filter(source=code, status=Batch.Status.LOADED).order_by("-version").first()
        for code in SOURCES
    }
    report = VerificationReport.objects.create(
        number=f"tmp-{timezone.now().timestamp()}",
        household=household,
        case=case,
        programme=programme,
        applicant=case.applicant if case else household.head,
        authorisation=authorisation,
        members=[
            {"name": p.name, "id": mask_id_number(p.id_number), "alive": p.is_alive, "id_pk": p.pk} for p in members
        ],
        requested_by=user if getattr(user, "pk", None) else None,
        checked_at=timezone.now(),
        summary={
            "members": size,
            "income_per_capita": str(per_capita),
            "standard": str(standard),
            "income_over": per_capita > Decimal(standard),
            "deposit_over": deposits > deposit_limit,
            "deposit_threshold": f"低保标准×{params['deposit_months']}个月×{size}人",
            "houses": houses,
            "sources": {
                **{
                    code: {"version": b.version, "loaded_at": b.loaded_at.isoformat() if b.loaded_at else ""}
                    for code, b in latest.items()
                    if b
                },
                **(
                    {"marriage": {"version": 0, "loaded_at": timezone.now().isoformat(), "live": True}}
                    if register
                    else {}
                ),
            },
        },
        area_code=household.area_code,
    )
    report.number = f"HD{household.area_code[:6]}{on_date:%Y%m%d}{report.pk:06d}"
    VerificationReport.objects.filter(pk=report.pk).update(number=report.number)
    ReportLine.objects.bulk_create(
        ReportLine(
            report=report,
            person=line["person"],
            source=line["source"],
            batch=line["batch"],
            row=line["row"],
            text=line["text"][:300],
            threshold=line["threshold"][:200],
            breach=line["breach"],
            area_code=household.area_code,
        )
        for line in all_lines
    )
    report.summary["breaches"] = (
        sum(1 for line in all_lines if line["breach"])
        + int(report.summary["income_over"])
        + int(report.summary["deposit_over"])
    )
    VerificationReport.objects.filter(pk=report.pk).update(summary=report.summary)
    if case is not None:
        _note_on_case(case, user, on_date, report, [line for line in all_lines if line["breach"]])
    return report


def _note_on_case(case, user, on_date: date, report: VerificationReport, breaches: list[dict]) -> None:
    """The report feeds the survey: its summary and each breach on the case timeline, at the step in
    progress (the household survey when the application asks for a verification)."""
    from cases import hooks
    from cases.models import CaseStep

    summary = report.summary
    step = case.steps.filter(state=CaseStep.State.ACTIVE).order_by("pk").first()
    items = [f"{SOURCES[line['source']].name}：{line['text']}（{line['threshold']}）" for line in breaches]
    if summary["income_over"]:
        items.append(f"月人均收入{summary['income_per_capita']}元，高于标准{summary['standard']}元")
    if summary["deposit_over"]:
        items.append(f"金融资产超过上限（{summary['deposit_threshold']}）")
    text = f"信息核对报告{report.number}：" + ("；".join(items) if items else "未发现超出规定的情况")
    hooks.note(
        case,
        user,
        on_date,
        text,
        step=step,
        data={"verification_report": report.pk, "breaches": summary["breaches"]},
    )


def request_recheck(line: ReportLine, *, user, reason: str) -> ReportLine:
    """复查申请: the applicant disputes a result."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(VerificationCode.REASON_REQUIRED, "请填写异议理由")
    if line.recheck == ReportLine.Recheck.REQUESTED:
        raise DomainError(VerificationCode.RECHECK_PENDING, "该结果已在复查中")
    ReportLine.objects.filter(pk=line.pk).update(recheck=ReportLine.Recheck.REQUESTED, recheck_reason=reason[:300])
    line.refresh_from_db()
    return line


def record_recheck(line: ReportLine, *, user, corrected: bool, outcome: str) -> ReportLine:
    """复查结果: kept (维持) or corrected (更正, the result no longer counts against the limit)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError(VerificationCode.OUTCOME_REQUIRED, "请填写复查结果")
    if line.recheck != ReportLine.Recheck.REQUESTED:
        raise DomainError(VerificationCode.NO_RECHECK, "该结果没有待处理的复查申请")
    updates = {
        "recheck": ReportLine.Recheck.CORRECTED if corrected else ReportLine.Recheck.CONFIRMED,
        "recheck_outcome": outcome[:300],
        "rechecked_by": user,
        "rechecked_at": timezone.now(),
    }
    if corrected:
        updates["breach"] = False
    ReportLine.objects.filter(pk=line.pk, recheck=ReportLine.Recheck.REQUESTED).update(**updates)
    line.refresh_from_db()
    return line
