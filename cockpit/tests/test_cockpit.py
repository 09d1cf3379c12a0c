"""The cockpit counts what a person would count by hand, drills county → township → village →
records, and never shows a leader an area outside their jurisdiction."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStep
from cockpit.figures import breakdown, refresh_figures
from cockpit.models import Figure
from cockpit.tests.conftest import VILLAGE_A, VILLAGE_B

pytestmark = pytest.mark.django_db

COUNTY, TOWNSHIP_A, TOWNSHIP_B = "430522000000", "430522100000", "430522101000"


@pytest.fixture
def county(clerk_a, clerk_b, worker_a, village_b, open_case):
    """Hand-counted: 酿溪镇 has 2 open cases, one overdue (due 5 days ago) and one due in 60 days,
    and 1 case closed on time; 严塘镇 has 1 overdue open case."""
    today = timezone.localdate()
    overdue_a = open_case(clerk_a, VILLAGE_A, today - timedelta(days=40))
    later_a = open_case(clerk_a, VILLAGE_A, today - timedelta(days=1))
    closed_a = open_case(clerk_a, VILLAGE_A, today - timedelta(days=30))
    overdue_b = open_case(clerk_b, VILLAGE_B, today - timedelta(days=40))
    Case.objects.filter(pk__in=[overdue_a.pk, overdue_b.pk]).update(due_on=today - timedelta(days=5))
    Case.objects.filter(pk=later_a.pk).update(due_on=today + timedelta(days=60))
    Case.objects.filter(pk=closed_a.pk).update(
        status=Case.Status.APPROVED, closed_on=today - timedelta(days=2), due_on=today
    )
    CaseStep.objects.filter(case=closed_a).update(state=CaseStep.State.DONE)
    refresh_figures(today)
    return {"overdue_a": overdue_a, "later_a": later_a, "closed_a": closed_a, "overdue_b": overdue_b}


def test_figures_match_the_hand_count_at_each_level(county):
    lights = breakdown("case_light", COUNTY)
    assert lights == {"430522100": {"red": 1, "green": 1}, "430522101": {"red": 1}}
    assert breakdown("case_light", TOWNSHIP_A) == {VILLAGE_A: {"red": 1, "green": 1}}
    assert breakdown("on_time", COUNTY) == {"430522100": {"on_time": 1}}
    statuses = breakdown("case_status", COUNTY)
    assert statuses["430522100"] == {"in_progress": 2, "approved": 1}
    assert statuses["430522101"] == {"in_progress": 1}


def test_a_refresh_replaces_the_figures_instead_of_adding_to_them(county):
    before = Figure.objects.count()
    refresh_figures(timezone.localdate())
    assert Figure.objects.count() == before


def test_leader_drills_from_county_to_the_overdue_cases_of_a_village(client, county, leader):
    client.force_login(leader)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    page = home.content.decode()
    # The leader's home is the cockpit of the county: the townships' figures and how fresh they are.
    assert "局领导工作台" in page and 'data-testid="cockpit-map"' in page
    assert "酿溪镇" in page and "严塘镇" in page and "截至" in page

    township = client.get(reverse("cockpit:index"), {"area": TOWNSHIP_A}).content.decode()
    assert "城西社区" in township and "严塘镇" not in township.split("cockpit-trail", 1)[1].split("</ol>", 1)[0]

    listed = client.get(reverse("cockpit:records", args=["case_light", "red"]), {"area": VILLAGE_A})
    text = listed.content.decode()
    assert county["overdue_a"].receipt_no in text
    assert county["later_a"].receipt_no not in text and county["overdue_b"].receipt_no not in text


def test_a_township_leader_sees_only_the_township(client, county, township_leader):
    client.force_login(township_leader)
    own = client.get(reverse("cockpit:records", args=["case_light", "red"]), {"area": TOWNSHIP_B}).content.decode()
    assert county["overdue_b"].receipt_no in own
    refused = client.get(reverse("cockpit:index"), {"area": TOWNSHIP_A})
    assert refused.status_code == 400 and "不在您的管辖范围内" in refused.content.decode()
    county_wide = client.get(reverse("cockpit:records", args=["case_light", "red"]), {"area": COUNTY})
    assert county_wide.status_code == 400


def test_bad_input_is_a_clear_chinese_400_not_a_500(client, county, leader):
    client.force_login(leader)
    assert client.get(reverse("cockpit:index"), {"area": "12x"}).status_code == 400
    assert client.get(reverse("cockpit:records", args=["case_light", "nope"])).status_code == 404
    bad_month = client.get(reverse("cockpit:records", args=["recipients", "dibao"]), {"month": "2025-13"})
    assert bad_month.status_code == 400 and "月份" in bad_month.content.decode()


def test_only_leaders_reach_the_cockpit(client, county, clerk_a):
    client.force_login(clerk_a)
    assert client.get(reverse("cockpit:index")).status_code == 403
    assert "数据驾驶舱" not in client.get(reverse("home")).content.decode()


def test_recipients_by_programme_month_and_urban_rural_match_the_ledger(county, leader, client):
    """Hand-counted: an urban 低保 household of 3 (600 元 a month) since two months ago, a rural one
    of 2 (400 元) since this month, and a stopped one that no longer counts."""
    from decimal import Decimal

    from ledger.models import Enrolment
    from registry.models import Household
    from registry.tests.factories import HouseholdFactory

    today = timezone.localdate()
    this_month = today.replace(day=1)
    two_ago = (this_month - timedelta(days=40)).replace(day=1)

    def enrol(area, kind, members, amount, start, end=None):
        household = HouseholdFactory(area_code=area, kind=kind)
        Enrolment.objects.create(
            programme="dibao",
            household=household,
            covered_members=members,
            monthly_amount=Decimal(amount),
            start_month=start,
            end_month=end,
            last_reviewed_on=start,
            area_code=area,
        )

    enrol(VILLAGE_A, Household.Kind.URBAN, 3, "600", two_ago)
    enrol(VILLAGE_B, Household.Kind.RURAL, 2, "400", this_month)
    enrol(VILLAGE_B, Household.Kind.RURAL, 4, "800", two_ago, end=this_month)
    refresh_figures(today)

    now = breakdown("recipients", COUNTY, this_month)
    assert now == {"430522100": {"dibao": 3}, "430522101": {"dibao": 2}}
    assert breakdown("recipients", COUNTY, two_ago) == {"430522100": {"dibao": 3}, "430522101": {"dibao": 4}}
    from cockpit.figures import monthly_spending

    latest = monthly_spending(COUNTY)[-1]
    assert (latest["urban"], latest["rural"]) == (3, 2)
    assert latest["fen_urban"] + latest["fen_rural"] == 100_000

    client.force_login(leader)
    listed = client.get(reverse("cockpit:records", args=["recipients", "all"]), {"area": TOWNSHIP_B}).content.decode()
    assert "最低生活保障" in listed and "汇总数 2人" in listed and listed.count("<tr>") == 2


def test_overdue_steps_by_responsible_unit_lead_to_that_units_cases(client, county, leader, clerk_a, clerk_b):
    from cockpit.figures import by_unit

    units = {u["name"]: u for u in by_unit(COUNTY, timezone.localdate())}
    assert {name: u["overdue"] for name, u in units.items()} == {clerk_a.unit.name: 1, clerk_b.unit.name: 1}

    client.force_login(leader)
    page = client.get(reverse("cockpit:index")).content.decode()
    assert 'data-testid="cockpit-units"' in page and clerk_a.unit.name in page
    listed = client.get(
        reverse("cockpit:records", args=["supervision", "overdue_steps"]),
        {"area": COUNTY, "unit": units[clerk_b.unit.name]["id"]},
    ).content.decode()
    assert county["overdue_b"].receipt_no in listed and county["overdue_a"].receipt_no not in listed


def test_refresh_returns_to_the_page_but_never_to_another_site(client, county, leader):
    client.force_login(leader)
    back = client.post(reverse("cockpit:refresh"), {"next": f"/cockpit/?area={TOWNSHIP_A}"})
    assert back.status_code == 302 and back["Location"] == f"/cockpit/?area={TOWNSHIP_A}"
    away = client.post(reverse("cockpit:refresh"), {"next": "https://example.com/"})
    assert away["Location"] == reverse("cockpit:index")


def test_the_change_report_page_and_its_excel_for_the_leader_only(client, leader, clerk_a):
    import io
    from datetime import date
    from decimal import Decimal

    from openpyxl import load_workbook

    from ledger import services
    from payments.tests.factories import household
    from policy.programmes import Programme

    services.enrol(
        programme=Programme.DIBAO,
        household=household(),
        monthly_amount=Decimal("600.00"),
        decided_on=date(2026, 11, 20),
        covered_members=3,
    )
    client.force_login(leader)
    page = client.get("/cockpit/changes/", {"month": "2026-12"})
    assert page.status_code == 200 and "最低生活保障（低保）" in page.content.decode()
    workbook = client.get("/cockpit/changes/", {"month": "2026-12", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert [c.value for c in sheet[2]][:4] == ["最低生活保障（低保）", 1, 3, 600]
    assert client.get("/cockpit/changes/", {"month": "2026-13"}).status_code == 400
    client.force_login(clerk_a)
    assert client.get("/cockpit/changes/").status_code == 403
