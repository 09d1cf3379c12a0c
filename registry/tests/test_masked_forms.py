"""Edit forms send a personal value only to a role that may see it unmasked, and log that reveal."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from registry.models import Household, Person
from registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang_household(township_a):
    from accounts.tests.factories import ensure_area

    ensure_area("430522100201", "城西社区")
    return HouseholdFactory(
        head=PersonFactory(name="张三", phone="13812345678"), bank_account="6217001234567890123", phone="13900001111"
    )


def _reveals():
    return AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PERSONAL_DATA).count()


def test_a_livelihood_worker_never_receives_the_full_phone_in_an_edit_form(client, worker_a, zhang_household):
    client.force_login(worker_a)
    head = zhang_household.head
    person_form = client.get(reverse("registry:person_edit", args=[head.pk])).content.decode()
    household_form = client.get(reverse("registry:household_edit", args=[zhang_household.pk])).content.decode()
    assert "13812345678" not in person_form and "138****5678" in person_form
    assert "13900001111" not in household_form and "139****1111" in household_form
    assert _reveals() == 0


def test_a_blank_masked_field_keeps_the_stored_value_and_a_new_one_replaces_it(client, worker_a, zhang_household):
    client.force_login(worker_a)
    head = zhang_household.head
    form = {"name": head.name, "ethnicity": "汉族", "hukou_area_code": head.hukou_area_code, "phone": ""}
    client.post(reverse("registry:person_edit", args=[head.pk]), {**_person_defaults(head), **form})
    assert Person.objects.get(pk=head.pk).phone == "13812345678"
    client.post(
        reverse("registry:person_edit", args=[head.pk]), {**_person_defaults(head), **form, "phone": "13700000000"}
    )
    assert Person.objects.get(pk=head.pk).phone == "13700000000"


def test_a_clerk_who_may_unmask_gets_the_full_value_and_the_reveal_is_logged(client, clerk_a, zhang_household):
    client.force_login(clerk_a)
    page = client.get(reverse("registry:household_edit", args=[zhang_household.pk])).content.decode()
    assert "13900001111" in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PERSONAL_DATA)
    assert entry.changes["fields"] == ["phone"] and entry.object_id == str(zhang_household.pk)
    assert Household.objects.get(pk=zhang_household.pk).phone == "13900001111"


def _person_defaults(person):
    from registry.forms import PersonEditForm

    return {
        name: value
        for name, value in PersonEditForm(instance=person, user=_nobody()).initial.items()
        if value is not None
    }


def _nobody():
    class Nobody:
        def can(self, capability):
            return False

    return Nobody()
