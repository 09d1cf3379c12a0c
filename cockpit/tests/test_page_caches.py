"""The production page caches (PAGE_CACHE_SECONDS, ADR 0025): the home page's cards are kept per browser
session and dropped by that session's own writes; the cockpit's charts are kept until the next figures refresh;
the menu is drawn once per set of roles. What a user sees stays right."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStep
from cockpit.figures import refresh_figures
from cockpit.tests.conftest import VILLAGE_A
from core.navigation import nav_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept():
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=30):
        yield
    cache.clear()


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_keeps_its_counts_until_the_clerk_changes_something(client, clerk_a, open_case):
    today = timezone.localdate()
    first = open_case(clerk_a, VILLAGE_A, today - timedelta(days=1))
    CaseStep.objects.filter(case=first, state=CaseStep.State.ACTIVE).update(responsible_unit=clerk_a.unit)
    client.force_login(clerk_a)
    assert first.receipt_no in home(client)

    second = open_case(clerk_a, VILLAGE_A, today - timedelta(days=1))  # another's work, arriving meanwhile
    CaseStep.objects.filter(case=second, state=CaseStep.State.ACTIVE).update(responsible_unit=clerk_a.unit)
    assert second.receipt_no not in home(client)  # kept: counted again within the interval

    # Any write of the clerk's own session drops what was kept: they see at once what they just did.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = home(client)
    assert first.receipt_no in page and second.receipt_no in page


def test_another_session_of_the_same_clerk_counts_afresh(client, clerk_a, open_case):
    today = timezone.localdate()
    client.force_login(clerk_a)
    home(client)
    case = open_case(clerk_a, VILLAGE_A, today - timedelta(days=1))
    CaseStep.objects.filter(case=case, state=CaseStep.State.ACTIVE).update(responsible_unit=clerk_a.unit)
    client.logout()
    client.force_login(clerk_a)  # a new session
    assert case.receipt_no in home(client)


def test_the_cockpit_shows_a_new_refresh_at_once(client, leader, clerk_a, open_case):
    today = timezone.localdate()
    client.force_login(leader)
    refresh_figures(today)
    before = client.get(reverse("cockpit:index")).context["charts"]
    status_before = next(chart for chart in before if chart["id"] == "case_status")["totals"]
    open_case(clerk_a, VILLAGE_A, today - timedelta(days=1))
    kept = client.get(reverse("cockpit:index")).context["charts"]
    assert next(chart for chart in kept if chart["id"] == "case_status")["totals"] == status_before
    refresh_figures(today)  # the scheduler's next refresh
    after = client.get(reverse("cockpit:index")).context["charts"]
    total = sum(t["value"] for t in next(chart for chart in after if chart["id"] == "case_status")["totals"])
    assert total == sum(t["value"] for t in status_before) + 1


def test_the_menu_is_the_same_whether_drawn_once_or_every_time(client, clerk_a, auditor):
    def menu_of(page: str) -> str:  # the top bar's entries (the rest of the header carries a fresh CSRF token)
        return page.split('<ul class="navbar-nav me-auto">', 1)[1].split('data-testid="whoami"', 1)[0]

    client.force_login(clerk_a)
    menu = menu_of(home(client))
    assert menu == menu_of(home(client))
    for group in nav_for(clerk_a):
        for item in group["items"]:
            assert f'href="{item["url"]}"' in menu
    client.force_login(auditor)  # another set of roles: its own menu
    assert "操作日志" in menu_of(home(client)) and "操作日志" not in menu
