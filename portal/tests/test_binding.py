"""Binding a resident to their registry person: ID number + name + the registry's phone, or the
township clerk's confirmation."""

import pytest

from core.errors import DomainError
from portal import services
from portal.models import ResidentAccount
from portal.tests.conftest import PHONE

pytestmark = pytest.mark.django_db


def test_id_name_and_registered_phone_bind_at_once(household):
    account = ResidentAccount.objects.create(phone=PHONE)
    services.bind(account, name="王秀兰", id_number=household.head.id_number.lower())
    assert account.is_bound and services.household_of(account) == household


def test_a_wrong_name_is_refused_without_saying_which_part(household):
    account = ResidentAccount.objects.create(phone=PHONE)
    with pytest.raises(DomainError, match="姓名或身份证号"):
        services.bind(account, name="王秀", id_number=household.head.id_number)
    assert not account.is_bound


def test_another_phone_needs_the_township(household, clerk_a, client):
    account = ResidentAccount.objects.create(phone="13700000000")
    with pytest.raises(DomainError) as error:
        services.bind(account, name="王秀兰", id_number=household.head.id_number)
    assert error.value.details["can_ask_township"]
    services.bind(account, name="王秀兰", id_number=household.head.id_number, ask_township=True)
    assert account.binding == ResidentAccount.Binding.PENDING and not account.is_bound
    client.force_login(clerk_a)
    assert "王*兰" in client.get("/my/desk/").content.decode()
    client.post(f"/my/desk/bindings/{account.pk}/", {"action": "confirm"})
    account.refresh_from_db()
    assert account.is_bound and account.bound_by == ResidentAccount.Method.TOWNSHIP


def test_another_townships_clerk_cannot_see_the_request(household, clerk_b, client):
    account = ResidentAccount.objects.create(phone="13700000000")
    services.bind(account, name="王秀兰", id_number=household.head.id_number, ask_township=True)
    client.force_login(clerk_b)
    assert client.post(f"/my/desk/bindings/{account.pk}/", {"action": "confirm"}).status_code == 404
