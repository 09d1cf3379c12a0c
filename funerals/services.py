"""Deaths from every source, and the funeral services they lead to (docs/domain.md §14).

One death per person (`Death`, unique per person): the first source that reports it goes through the
single death service `registry.services.register_death` (the registry's record, then every death
listener: the ledger stops benefits, holds roll lines, opens the review and notes it on the timeline
once); every later source — a second file, a registry edit, the same file again — adds a confirmation
and stops nothing.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import F, Q

from areas.codes import county_of
from areas.jurisdiction import current_scope
from audit.models import AuditEntry
from audit.services import record
from core.errors import DomainError
from funerals import rules
from funerals.capabilities import MANAGE_DEATHS
from funerals.errors import FuneralCode
from funerals.importing import Reading
from funerals.models import Death, DeathFile, DeathReport, FuneralService, SettlementAccount
from ledger.models import Enrolment
from policy.parameters import Policy
from policy.programmes import Programme
from registry.models import Membership, Organisation, Person
from registry.services import register_death

# set-based matching, the same statements on SQLite and PostgreSQL: the file's lines go into a staging
# table (COPY on PostgreSQL), one INSERT … SELECT writes them with their resident joined by ID number, then
# for the lines left a suggestion where exactly one resident of the scope has the name and birth date
STAGE_COLUMNS = ("row_no", "name", "id_number", "birth_date", "died_on", "place", "cremated_on")
STAGE_CREATE_SQL = """
CREATE TEMPORARY TABLE funerals_stage (row_no integer, name varchar(50), id_number varchar(18), birth_date date,
 died_on date, place varchar(100), cremated_on date)
"""
STAGE_INSERT_SQL = """
INSERT INTO funerals_stage (row_no, name, id_number, birth_date, died_on, place, cremated_on)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
MATCH_BY_ID_SQL = """
INSERT INTO funerals_deathreport (file_id, row_no, name, id_number, birth_date, died_on, place, cremated_on,
 person_id, match, death_id, first_report, area_code)
SELECT %(file)s, s.row_no, s.name, s.id_number, s.birth_date, s.died_on, s.place, s.cremated_on, p.id,
 CASE WHEN p.id IS NULL THEN 'unmatched' ELSE 'matched' END, NULL, FALSE, COALESCE(p.area_code, %(area)s)
FROM funerals_stage s
LEFT JOIN registry_person p ON p.id_number = s.id_number AND s.id_number <> '' AND p.area_code LIKE %(prefix)s
"""
SUGGEST_SQL = """
UPDATE funerals_deathreport SET person_id = c.pid, match = 'suggested', area_code = c.area
FROM (
  SELECT r.id AS rid, MIN(p.id) AS pid, MIN(p.area_code) AS area
  FROM funerals_deathreport r JOIN registry_person p ON p.name = r.name AND p.birth_date = r.birth_date
  WHERE r.file_id = %(file)s AND r.match = 'unmatched' AND r.birth_date IS NOT NULL AND p.area_code LIKE %(prefix)s
  GROUP BY r.id HAVING COUNT(*) = 1
) c
WHERE funerals_deathreport.id = c.rid
"""


def may_manage(user) -> bool:
    return user.can(MANAGE_DEATHS)


def _require(user) -> None:
    if user is not None and not may_manage(user):
        raise DomainError(FuneralCode.FORBIDDEN, "您没有登记死亡信息的权限")


def write_and_match(death_file: DeathFile, rows, *, area_code: str) -> dict[str, int]:
    """Write a checked file's lines (tuples in STAGE_COLUMNS order) matched to the residents of the
    current scope: staging table, one INSERT … SELECT join by ID number, one UPDATE for suggestions."""
    params = {"file": death_file.pk, "prefix": current_scope().prefix + "%", "area": area_code}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS funerals_stage")
        cursor.execute(STAGE_CREATE_SQL)
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY funerals_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("ANALYZE funerals_stage")
        else:
            cursor.executemany(STAGE_INSERT_SQL, list(rows))
        cursor.execute(MATCH_BY_ID_SQL, params)
        cursor.execute(SUGGEST_SQL, params)
        cursor.execute("DROP TABLE funerals_stage")
    counts = dict.fromkeys(DeathReport.Match.values, 0)
    for match, n in _count_by_match(death_file):
        counts[match] = n
    return counts


def _count_by_match(death_file: DeathFile):
    from django.db.models import Count

    return DeathReport.unscoped.filter(file=death_file).values_list("match").annotate(n=Count("id"))


def death_listener(person: Person, *, died_on: date, source: str, user) -> list[str]:
    """`registry.hooks` listener: every death the registry records (a registry edit, the API, a file,
    a verification sweep's finding) has its one `Death`, made by the first report. A later source
    that reaches the death service (a sweep finding a death a file or a clerk recorded before) is a
    confirmation; a later line of a file is counted by the import itself (`_apply`), which does not
    call the death service again."""
    death, created = Death.unscoped.get_or_create(
        person=person,
        defaults={
            "died_on": person.death_date or died_on,
            "first_source": source,
            "area_code": person.area_code,
            "recorded_by": user if getattr(user, "pk", None) else None,
        },
    )
    if not created:
        Death.unscoped.filter(pk=death.pk).update(confirmations=F("confirmations") + 1)
    return []


def _apply(report: DeathReport, kind: str, user) -> tuple[bool, str]:
    """One matched line: the first report of this death goes through the death service; a later one
    confirms it. Returns (new death?, what was done)."""
    person = Person.unscoped.select_for_update().get(pk=report.person_id)
    death = Death.unscoped.filter(person=person).first()
    if death is None:
        done = register_death(person, died_on=report.died_on, source=kind, user=user)
        death = Death.unscoped.get(person=person)
        outcome = "；".join(done) or "已登记死亡，无在享待遇"
        Death.unscoped.filter(pk=death.pk).update(outcome=outcome[:500])
        DeathReport.unscoped.filter(pk=report.pk).update(death=death, first_report=True)
        return True, outcome
    Death.unscoped.filter(pk=death.pk).update(confirmations=F("confirmations") + 1)
    DeathReport.unscoped.filter(pk=report.pk).update(death=death)
    return False, "该死亡此前已登记，本条作为确认"


@transaction.atomic
def import_death_file(
    reading: Reading, *, kind: str, month: date, filename: str, user, area_code: str, organisation=None, mapping=None
) -> DeathFile:
    """Write a checked file (all or nothing), match its lines and record every matched death."""
    _require(user)
    if reading.problems or reading.unknown:
        raise DomainError(FuneralCode.FILE_NOT_CHECKED, "文件尚有问题或未对应的列，未导入任何数据")
    if kind not in DeathFile.Kind.values:
        raise DomainError(FuneralCode.BAD_KIND, "请选择死亡信息的来源")
    if kind == DeathFile.Kind.FUNERAL and organisation is None:
        raise DomainError(FuneralCode.NO_FUNERAL_HOME, "殡仪馆火化名单须选择殡仪馆")
    death_file = DeathFile.objects.create(
        kind=kind,
        organisation=organisation,
        month=month.replace(day=1),
        filename=filename[:200],
        mapping=mapping or {},
        line_count=len(reading.lines),
        uploaded_by=user,
        area_code=area_code,
    )
    counts = write_and_match(
        death_file,
        (
            (line.row_no, line.name, line.id_number, line.birth_date, line.died_on, line.place, line.cremated_on)
            for line in reading.lines
        ),
        area_code=area_code,
    )
    new = confirmed = 0
    for report in DeathReport.unscoped.filter(file=death_file, match=DeathReport.Match.MATCHED).order_by("row_no"):
        created, _ = _apply(report, kind, user)
        new += created
        confirmed += not created
    death_file.matched_count = counts["matched"]
    death_file.suggested_count = counts["suggested"]
    death_file.unmatched_count = counts["unmatched"]
    death_file.new_deaths, death_file.confirmations = new, confirmed
    death_file.save()
    record(
        AuditEntry.Action.IMPORT,
        obj=death_file,
        changes={"lines": len(reading.lines), "new_deaths": new, "confirmations": confirmed},
    )
    return death_file


@transaction.atomic
def decide_suggestion(report: DeathReport, *, same_person: bool, user) -> str:
    """A clerk confirms (the death is recorded or confirmed) or rejects a name-and-birth suggestion."""
    _require(user)
    report = DeathReport.objects.select_for_update().select_related("file").get(pk=report.pk)
    if report.match != DeathReport.Match.SUGGESTED:
        raise DomainError(FuneralCode.NOT_SUGGESTED, "该行不是待确认的匹配")
    if not same_person:
        DeathReport.unscoped.filter(pk=report.pk).update(match=DeathReport.Match.REJECTED, person=None)
        DeathFile.unscoped.filter(pk=report.file_id).update(suggested_count=F("suggested_count") - 1)
        return "已确认不是同一人，本行不作处理"
    DeathReport.unscoped.filter(pk=report.pk).update(match=DeathReport.Match.CONFIRMED)
    created, done = _apply(report, report.file.kind, user)
    DeathFile.unscoped.filter(pk=report.file_id).update(
        suggested_count=F("suggested_count") - 1,
        new_deaths=F("new_deaths") + int(created),
        confirmations=F("confirmations") + int(not created),
    )
    return done


# --------------------------------------------------------------------- funeral services


def _is_assisted(person: Person, on: date) -> bool:
    """The deceased's household (or the deceased) held 低保 or 特困 at the death."""
    households = (
        Membership.unscoped.filter(person=person)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("household_id")
    )
    return (
        Enrolment.unscoped.filter(
            Q(beneficiary=person) | Q(household_id__in=households),
            programme__in=[Programme.DIBAO, Programme.TEKUN],
            start_month__lte=on,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gt=on.replace(day=1)))
        .exists()
    )


def _next_number(on: date) -> str:
    prefix = f"BZ{on:%Y%m}"
    last = (
        FuneralService.unscoped.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last[len(prefix) :]) + 1) if last else 1:05d}"


@transaction.atomic
def record_service(
    death: Death,
    *,
    served_on: date,
    charges: dict,
    user,
    funeral_home: Organisation | None = None,
    burial: str = "",
    cemetery: Organisation | None = None,
    buried_on: date | None = None,
    family_name: str = "",
    family_id_number: str = "",
    family_bank_name: str = "",
    family_bank_account: str = "",
) -> FuneralService:
    """登记殡葬服务: the waiver and the reward are computed now, by the policy in force on the day."""
    _require(user)
    if FuneralService.unscoped.filter(death=death).exists():
        raise DomainError(FuneralCode.SERVICE_TWICE, "该逝者已登记殡葬服务，一人只能减免一次")
    if served_on < death.died_on:
        raise DomainError(FuneralCode.BAD_DATE, "服务日期不能早于死亡日期")
    if burial and (cemetery is None or buried_on is None):
        raise DomainError(FuneralCode.BAD_BURIAL, "生态安葬须填写安葬公墓和安葬日期")
    if burial and not (family_name.strip() and family_bank_account.strip()):
        raise DomainError(FuneralCode.BAD_BURIAL, "生态安葬奖补发给家属，请填写领取人姓名和银行账号")
    person = death.person
    county = county_of(person.area_code)
    policy = Policy.for_area(person.area_code, served_on)
    resident = rules.is_county_resident(person.hukou_area_code or person.area_code, county)
    waiver = rules.funeral_waiver(
        policy, resident=resident, assisted=_is_assisted(person, death.died_on), charges=charges
    )
    reward, reward_note = rules.eco_burial_reward(policy, resident=resident, method=burial, rewarded_before=False)
    return FuneralService.objects.create(
        number=_next_number(served_on),
        death=death,
        funeral_home=funeral_home,
        served_on=served_on,
        charges={k: str(v) for k, v in charges.items()},
        waiver={k: str(v) for k, v in waiver.items.items()},
        waiver_fen=rules.fen(waiver.total),
        waiver_note=waiver.note,
        burial=burial,
        cemetery=cemetery if burial else None,
        buried_on=buried_on if burial else None,
        reward_fen=rules.fen(reward),
        reward_note=reward_note,
        family_name=family_name.strip(),
        family_id_number=family_id_number.strip().upper(),
        family_bank_name=family_bank_name.strip(),
        family_bank_account=family_bank_account.replace(" ", ""),
        created_by=user,
        area_code=person.area_code,
    )


@transaction.atomic
def record_burial(
    service: FuneralService,
    *,
    burial: str,
    cemetery: Organisation,
    buried_on: date,
    user,
    family_name: str = "",
    family_id_number: str = "",
    family_bank_name: str = "",
    family_bank_account: str = "",
) -> FuneralService:
    """A cemetery buried a deceased whose funeral service is recorded (its monthly list): the burial
    and, for an eco burial, the reward by the policy in force on the burial day, once per deceased."""
    _require(user)
    service = FuneralService.unscoped.select_for_update().get(pk=service.pk)
    if service.buried_on is not None:
        raise DomainError(FuneralCode.SERVICE_TWICE, "该逝者已登记安葬")
    if buried_on < service.death.died_on:
        raise DomainError(FuneralCode.BAD_DATE, "安葬日期不能早于死亡日期")
    if burial and not (family_name.strip() and family_bank_account.strip()):
        raise DomainError(FuneralCode.BAD_BURIAL, "生态安葬奖补发给家属，请填写领取人姓名和银行账号")
    person = service.death.person
    policy = Policy.for_area(person.area_code, buried_on)
    resident = rules.is_county_resident(person.hukou_area_code or person.area_code, county_of(person.area_code))
    reward, reward_note = rules.eco_burial_reward(policy, resident=resident, method=burial, rewarded_before=False)
    service.burial, service.cemetery, service.buried_on = burial, cemetery, buried_on
    service.reward_fen, service.reward_note = rules.fen(reward), reward_note
    service.family_name, service.family_id_number = family_name.strip(), family_id_number.strip().upper()
    service.family_bank_name, service.family_bank_account = (
        family_bank_name.strip(),
        family_bank_account.replace(" ", ""),
    )
    service.save()
    return service


# --------------------------------------------------------------------- payment rolls (ledger.hooks)

# 基本殡葬服务费用减免: the month's services settled to each funeral home, one line per service
WAIVER_LINES_SQL = """
SELECT s.area_code AS area_code, s.number AS reference, p.name AS beneficiary_name,
 p.id_number AS beneficiary_id_number, o.name AS payee_name, o.credit_code AS payee_id_number,
 COALESCE(a.bank_name, '') AS bank_name, COALESCE(a.bank_account, '') AS bank_account, s.waiver_fen AS amount_fen
FROM funerals_funeralservice s
JOIN funerals_death d ON d.id = s.death_id
JOIN registry_person p ON p.id = d.person_id
JOIN registry_organisation o ON o.id = s.funeral_home_id
LEFT JOIN funerals_settlementaccount a ON a.organisation_id = o.id
WHERE s.waiver_fen > 0 AND s.served_on >= %(month)s AND s.served_on < %(x_next)s AND s.area_code LIKE %(prefix)s
"""
# 生态安葬奖补: the month's eco burials, paid to the family
REWARD_LINES_SQL = """
SELECT s.area_code AS area_code, s.number AS reference, p.name AS beneficiary_name,
 p.id_number AS beneficiary_id_number, s.family_name AS payee_name, s.family_id_number AS payee_id_number,
 s.family_bank_name AS bank_name, s.family_bank_account AS bank_account, s.reward_fen AS amount_fen
FROM funerals_funeralservice s
JOIN funerals_death d ON d.id = s.death_id
JOIN registry_person p ON p.id = d.person_id
WHERE s.reward_fen > 0 AND s.buried_on >= %(month)s AND s.buried_on < %(x_next)s AND s.area_code LIKE %(prefix)s
"""


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def waiver_lines(*, month: date, prefix: str) -> tuple[str, dict]:
    return WAIVER_LINES_SQL, {"x_next": _next_month(month)}


def reward_lines(*, month: date, prefix: str) -> tuple[str, dict]:
    return REWARD_LINES_SQL, {"x_next": _next_month(month)}


def set_settlement_account(organisation: Organisation, *, bank_name: str, bank_account: str, user) -> SettlementAccount:
    _require(user)
    account = bank_account.replace(" ", "")
    if not account.isdigit():
        raise DomainError(FuneralCode.BAD_ACCOUNT, "银行账号只能是数字")
    row, _ = SettlementAccount.objects.update_or_create(
        organisation=organisation,
        defaults={"bank_name": bank_name.strip(), "bank_account": account, "area_code": organisation.area_code},
    )
    return row
