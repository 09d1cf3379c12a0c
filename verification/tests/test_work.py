"""The sweep's follow-up at scale: every finding, in chunks, by the system; findings' moves written by
one statement per 500 that answers as the ORM's update of each would."""

import pytest
from django.utils import timezone

from cases.models import Case
from ledger.reviews import open_review_case
from monitoring.models import Warning
from verification import work
from verification.jobs import sweep_and_open
from verification.models import Finding
from verification.tests.factories import DAY, enrol, family, load

pytestmark = pytest.mark.django_db
K = Finding.Kind
CAR = ["所有人身份证号", "姓名", "号牌号码", "初次登记日期", "车辆类型"]


def finding(key, household=None, status=Finding.Status.OPEN):
    household = household or family()
    return Finding.objects.create(
        kind=K.VEHICLE,
        natural_key=key,
        household=household,
        area_code=household.area_code,
        found_at=timezone.now(),
        status=status,
    )


def state(pk):
    return Finding.objects.filter(pk=pk).values_list("status", "case_id", "work_note").get()


def test_recording_moves_answers_as_the_orm_update_of_each_finding(clerk_a):
    household = family()
    case_id = open_review_case(household, reason="核对", on_date=DAY).case.pk
    moves = {  # (status, case, note) for an open finding, one left open with a note, one already resolved
        "opened": ("work_opened", case_id, "已发起复核：X1"),
        "kept": ("open", None, "该户所在乡镇没有民政办，无法发起复核"),
        "done": ("work_opened", case_id, "不应写入"),
    }
    by_sql, by_orm = {}, {}
    for key, status in [("opened", "open"), ("kept", "open"), ("done", "resolved")]:
        by_sql[key] = finding(f"sql-{key}", household, status).pk
        by_orm[key] = finding(f"orm-{key}", household, status).pk

    written = work.record_moves([(by_sql[key], *moves[key]) for key in moves])
    for key, (status, case, note) in moves.items():
        Finding.objects.filter(pk=by_orm[key], status=Finding.Status.OPEN).update(
            status=status, case_id=case, work_note=note
        )

    assert written == 2
    assert {key: state(pk) for key, pk in by_sql.items()} == {key: state(pk) for key, pk in by_orm.items()}
    assert state(by_sql["done"]) == ("resolved", None, "")


def test_moves_are_written_in_statements_of_a_bounded_size(monkeypatch, clerk_a):
    monkeypatch.setattr(work, "MOVES_PER_STATEMENT", 2)
    ids = [finding(f"f{n}").pk for n in range(5)]
    assert work.record_moves([(pk, "open", None, f"说明{pk}") for pk in ids]) == 5
    assert [state(pk)[2] for pk in ids] == [f"说明{pk}" for pk in ids]


def test_every_finding_gets_its_work_however_many_chunks_it_takes(monkeypatch, clerk_a, worker_a):
    monkeypatch.setattr(work, "CHUNK", 2)  # the cap of 5,000 findings per sweep is gone: chunks until done
    owners = [family({"name": f"车主{n}"}) for n in range(3)]
    for owner in owners:
        enrol(owner)
    load(
        "vehicle",
        CAR,
        [[o.head.id_number, o.head.name, f"湘E1234{n}", "2025-06-01", "小型汽车"] for n, o in enumerate(owners)],
    )
    lonely = family({"name": "蒋奶", "birth_date": DAY.replace(year=1950)})  # missed 特困: a visit

    result = sweep_and_open(on_date=DAY)

    assert result["work_opened"] == 4
    assert set(Finding.objects.values_list("status", flat=True)) == {"work_opened"}
    reviews = Case.objects.filter(item__code="dibao_change")
    assert reviews.count() == 3 and set(reviews.values_list("accepted_by", flat=True)) == {None}
    visit = Warning.objects.get(household=lonely)
    assert (visit.assigned_to, visit.stage) == (worker_a, "assigned")


def test_a_death_that_cannot_be_recorded_waits_for_a_clerk_and_the_rest_goes_on(clerk_a):
    household = family({"name": "无日期"})
    undated = Finding.objects.create(
        kind=K.DEATH,
        natural_key="death-undated",
        household=household,
        person=household.head,
        area_code=household.area_code,
        found_at=timezone.now(),
    )
    other = finding("car")

    assert work.open_work(on_date=DAY) == 1

    undated.refresh_from_db()
    assert undated.status == "open" and undated.work_note == "转办失败：登记死亡须填写死亡日期"
    assert state(other.pk)[0] == "work_opened"


def test_the_sweep_job_shows_the_work_being_opened(monkeypatch, clerk_a, django_capture_on_commit_callbacks):
    from jobs.models import Job
    from jobs.services import start_job

    owners = [family({"name": f"车主{n}"}) for n in range(3)]
    for owner in owners:
        enrol(owner)
    rows = [[o.head.id_number, o.head.name, f"湘E5678{n}", "2025-06-01", "小型汽车"] for n, o in enumerate(owners)]
    load("vehicle", CAR, rows)
    monkeypatch.setattr(work, "CHUNK", 2)
    monkeypatch.setattr(work.timezone, "localdate", lambda: DAY)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("verification.sweep", "数据比对", user=clerk_a, area_code="430522000000")
    job = Job.unscoped.get(pk=job.pk)
    assert job.status == "succeeded", job.message
    assert job.result["work_opened"] == 3
    assert job.message == "已转办3条"  # the bar moved through the findings, chunk by chunk
