"""近亲属备案 register kept by township and county staff: recorded from a page, listed and exported
inside the jurisdiction only, ended but never deleted; what it records flags the household's application."""

import pytest

from assistance.casework import CloseRelative
from assistance.household import close_relative_links
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident():
    return PersonFactory(name="孙小梅", area_code="430522100201")


def record(client, resident, **extra):
    data = {"id_number": resident.id_number, "position": "village_cadre", "relation": "sibling", **extra}
    return client.post("/assistance/close-relatives/", data, follow=True)


def test_township_clerk_records_a_cadre_relation_and_it_flags_the_resident(client, clerk_a, resident):
    client.force_login(clerk_a)
    page = record(client, resident, cadre_name="李支书").content.decode()
    assert "近亲属关系已登记" in page and "孙小梅" in page and "李支书" in page
    relation = CloseRelative.objects.get()
    assert (relation.area_code, relation.get_relation_display()) == ("430522100201", "兄弟姐妹")
    assert [r.pk for r in close_relative_links([resident.pk])] == [relation.pk]
    assert "该近亲属关系已登记" in record(client, resident, cadre_name="李支书").content.decode()


def test_a_staff_relation_names_a_staff_member_of_the_jurisdiction(client, clerk_a, clerk_b, resident):
    client.force_login(clerk_a)
    assert "请选择本辖区的工作人员" in record(client, resident, position="civil_affairs").content.decode()
    assert (
        "请选择本辖区的工作人员"
        in record(client, resident, position="civil_affairs", staff=clerk_b.pk).content.decode()
    )
    record(client, resident, position="dibao_worker", relation="spouse", staff=clerk_a.pk)
    assert CloseRelative.objects.get().staff == clerk_a


def test_village_windows_cannot_record_and_other_townships_see_nothing(client, clerk_a, clerk_b, worker_a, resident):
    client.force_login(worker_a)
    assert "只有乡镇（街道）和县级民政工作人员" in record(client, resident, cadre_name="李支书").content.decode()
    client.force_login(clerk_a)
    record(client, resident, cadre_name="李支书")
    relation = CloseRelative.objects.get()
    client.force_login(clerk_b)
    assert "孙小梅" not in client.get("/assistance/close-relatives/").content.decode()
    assert "本辖区查无" in record(client, resident, cadre_name="李支书").content.decode()
    assert client.post(f"/assistance/close-relatives/{relation.pk}/end/").status_code == 404
    export = client.get("/assistance/close-relatives/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxml")


def test_ending_a_relation_keeps_it_listed_with_its_end_date(client, clerk_a, resident):
    client.force_login(clerk_a)
    record(client, resident, cadre_name="李支书")
    relation = CloseRelative.objects.get()
    client.post(f"/assistance/close-relatives/{relation.pk}/end/")
    relation.refresh_from_db()
    assert relation.ended_on is not None and close_relative_links([resident.pk]) == []
    assert "孙小梅" not in client.get("/assistance/close-relatives/").content.decode()
    assert "孙小梅" in client.get("/assistance/close-relatives/?all=1").content.decode()


def test_login_is_needed(client):
    assert client.get("/assistance/close-relatives/").status_code == 302
