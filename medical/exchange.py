"""The list of persons eligible for medical assistance (医疗救助对象), sent to the 医保局 monthly in full
and, on every change, as a delta since the last file (docs/domain.md §4.9 gives the layout).

Who is eligible, and under which 资助参保类别 (the first that applies, `AidClass` order):
特困 (open enrolment, the beneficiary), 孤儿 and 事实无人抚养儿童 (open enrolments, the child), 低保
(open household enrolment, every current member), 低收入 monitored households (monitoring, every
current member). Read set-based: one query per source, whatever the county's size."""

from dataclasses import dataclass
from datetime import date

from django.core.files import File
from django.db import transaction
from django.db.models import Q

from areas.jurisdiction import current_scope
from core.excel import write_csv, write_xlsx
from jobs.models import Job
from jobs.services import JobRun, job_function, start_job
from ledger.models import Enrolment
from medical.models import AidClass, ExchangeFile, SentPerson
from monitoring.models import MonitoredHousehold
from policy.programmes import Programme
from registry.models import Membership, Person

COLUMNS = [
    "变动类型",
    "公民身份号码",
    "姓名",
    "资助参保类别代码",
    "资助参保类别",
    "资格起始日期",
    "资格终止日期",
    "行政区划代码",
]
CHANGE_LABELS = {"": "在册", "new": "新增", "changed": "变更", "stopped": "终止"}
PERSONAL = {
    Programme.TEKUN: AidClass.TEKUN,
    Programme.ORPHAN: AidClass.ORPHAN,
    Programme.UNSUPPORTED_CHILD: AidClass.UNSUPPORTED,
}
KIND = "medical.exchange"


@dataclass
class Eligible:
    person_id: int
    id_number: str
    name: str
    aid_class: str
    valid_from: date
    valid_to: date | None
    area_code: str


def _take(found: dict, row: Eligible) -> None:
    """Keep the first class that applies (lowest code); within a class the earliest start."""
    old = found.get(row.person_id)
    if old is None or (row.aid_class, row.valid_from) < (old.aid_class, old.valid_from):
        found[row.person_id] = row


def eligible(as_of: date) -> dict[int, Eligible]:
    """Everyone eligible on `as_of` in the current scope, by person id."""
    found: dict[int, Eligible] = {}
    open_ = ~Q(status=Enrolment.Status.STOPPED) & Q(start_month__lte=as_of)
    alive = {"beneficiary__life_status": Person.LifeStatus.ALIVE}
    for programme, aid_class in PERSONAL.items():
        rows = Enrolment.objects.filter(open_, programme=programme, beneficiary__isnull=False, **alive).values_list(
            "beneficiary_id", "beneficiary__id_number", "beneficiary__name", "start_month", "end_month", "area_code"
        )
        for pid, number, name, start, end, area in rows.iterator():
            _take(found, Eligible(pid, number, name, aid_class, start, end, area))
    household_sources = [
        (
            AidClass.DIBAO,
            Enrolment.objects.filter(open_, programme=Programme.DIBAO).values_list("household_id", "start_month"),
        ),
        (
            AidClass.LOW_INCOME,
            MonitoredHousehold.objects.filter(until__isnull=True, since__lte=as_of).values_list(
                "household_id", "since"
            ),
        ),
    ]
    for aid_class, households in household_sources:
        members = Membership.objects.filter(
            end_date__isnull=True,
            household_id__in=households.values("household_id"),
            person__life_status=Person.LifeStatus.ALIVE,
        ).values_list("household_id", "person_id", "person__id_number", "person__name", "area_code")
        start_of = dict(households)
        for hid, pid, number, name, area in members.iterator():
            _take(found, Eligible(pid, number, name, aid_class, start_of.get(hid) or as_of, None, area))
    return found


def _row(e: Eligible, change: str) -> list:
    return [
        CHANGE_LABELS[change],
        e.id_number,
        e.name,
        e.aid_class,
        str(AidClass(e.aid_class).label),
        e.valid_from,
        e.valid_to or "",
        e.area_code,
    ]


def compare(current: dict[int, Eligible], as_of: date) -> tuple[list, list, list]:
    """new, changed, stopped against what the bureau was last told (SentPerson, current scope)."""
    sent = {
        s.person_id: s
        for s in SentPerson.objects.only(
            "person_id", "id_number", "name", "aid_class", "valid_from", "valid_to", "area_code"
        ).iterator()
    }
    new = [e for pid, e in current.items() if pid not in sent]
    changed = [
        e
        for pid, e in current.items()
        if pid in sent
        and (sent[pid].aid_class, sent[pid].valid_from, sent[pid].valid_to, sent[pid].id_number, sent[pid].name)
        != (e.aid_class, e.valid_from, e.valid_to, e.id_number, e.name)
    ]
    stopped = [
        Eligible(s.person_id, s.id_number, s.name, s.aid_class, s.valid_from, as_of, s.area_code)
        for pid, s in sent.items()
        if pid not in current
    ]
    return new, changed, stopped


def _remember(new: list, changed: list, stopped: list) -> None:
    """The bureau now knows this: SentPerson follows the file (bulk statements)."""
    SentPerson.objects.filter(person_id__in=[e.person_id for e in stopped + changed]).delete()
    SentPerson.objects.bulk_create(
        [
            SentPerson(
                person_id=e.person_id,
                id_number=e.id_number,
                name=e.name,
                aid_class=e.aid_class,
                valid_from=e.valid_from,
                valid_to=e.valid_to,
                area_code=e.area_code,
            )
            for e in new + changed
        ],
        batch_size=2000,
    )


@transaction.atomic
def build_file(*, kind: str, as_of: date, area_code: str, user=None, job: Job | None = None, progress=None):
    """Write one exchange file (xlsx + csv); a delta with no change writes nothing and returns None."""
    current = eligible(as_of)
    new, changed, stopped = compare(current, as_of)
    if kind == ExchangeFile.Kind.DELTA:
        if not (new or changed or stopped):
            return None
        pairs = [(e, "new") for e in new] + [(e, "changed") for e in changed]
    else:
        marks = {e.person_id: "new" for e in new} | {e.person_id: "changed" for e in changed}
        pairs = [(e, marks.get(pid, "")) for pid, e in sorted(current.items(), key=lambda kv: kv[1].area_code)]
    pairs += [(e, "stopped") for e in stopped]
    rows = [_row(e, change) for e, change in pairs]
    if progress:
        progress(len(rows))
    exchange = ExchangeFile.objects.create(
        kind=kind,
        as_of=as_of,
        area_code=area_code,
        rows=len(rows),
        added=len(new),
        changed=len(changed),
        stopped=len(stopped),
        job=job,
        created_by=user,
    )
    stem = f"医疗救助对象_{area_code[:6]}_{as_of:%Y%m%d}_{'全量' if kind == ExchangeFile.Kind.FULL else '增量'}_{exchange.pk}"
    xlsx = write_xlsx(COLUMNS, rows, "医疗救助对象")
    exchange.xlsx.save(f"{stem}.xlsx", File(xlsx), save=False)
    xlsx.close()
    csv = write_csv(COLUMNS, rows)
    exchange.csv.save(f"{stem}.csv", File(csv), save=False)
    csv.close()
    exchange.save(update_fields=["xlsx", "csv"])
    _remember(new, changed, stopped)
    exchange.pairs = pairs  # what was sent, for the partners' API (medical.partners_exchange)
    return exchange


def start_exchange(*, kind: str, user, as_of: date) -> Job:
    label = "月度全量" if kind == ExchangeFile.Kind.FULL else "变动增量"
    return start_job(
        KIND,
        f"生成医疗救助对象{label}文件（{as_of:%Y-%m-%d}）",
        user=user,
        area_code=user.area_code,
        params={"kind": kind, "as_of": as_of.isoformat()},
    )


@job_function(KIND)
def run_exchange(run: JobRun) -> dict:
    as_of = date.fromisoformat(run.params["as_of"])
    run.progress(0, None, "正在比对保障对象……")
    exchange = build_file(
        kind=run.params["kind"],
        as_of=as_of,
        area_code=run.job.area_code,
        user=run.job.created_by,
        job=Job.unscoped.get(pk=run.job.pk),
        progress=lambda n: run.progress(0, n, f"正在写入{n}行"),
    )
    if exchange is None:
        run.progress(0, 0, "自上次报送以来没有变化，未生成文件")
        return {"rows": 0}
    run.progress(exchange.rows, exchange.rows, f"已完成，共{exchange.rows}行")
    return {"rows": exchange.rows, "file": exchange.pk}


def _counties() -> list[str]:
    codes = set(Enrolment.objects.exclude(status=Enrolment.Status.STOPPED).values_list("area_code", flat=True))
    codes |= set(MonitoredHousehold.objects.filter(until__isnull=True).values_list("area_code", flat=True))
    codes |= set(SentPerson.objects.values_list("area_code", flat=True))
    return sorted({c[:6] + "000000" for c in codes if c})


def scheduled(kind: str, on_date: date) -> dict:
    """The scheduler's run: one file per county with anything to say."""
    from areas.jurisdiction import scope_for_area, system_scope, within

    made = []
    with system_scope():
        counties = _counties()
    for county in counties:
        with within(scope_for_area(county)):
            if current_scope().allows(county) and build_file(kind=kind, as_of=on_date, area_code=county):
                made.append(county)
    return {"files": len(made)}


def monthly_full(on_date: date) -> dict:
    return scheduled(ExchangeFile.Kind.FULL, on_date)


def daily_delta(on_date: date) -> dict:
    return scheduled(ExchangeFile.Kind.DELTA, on_date)
