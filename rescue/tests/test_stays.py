"""The rescue station: intake with the limit from the policy, extension, return home with the hand-over,
placement, repeat arrivals, the overdue warning and card, identity search, merge, statistics."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from areas.jurisdiction import scope_for_user, within
from registry import unidentified
from registry.models import Organisation, UnidentifiedPerson
from registry.tests.factories import OrganisationFactory, PersonFactory
from rescue import services
from rescue.models import Stay

pytestmark = pytest.mark.django_db
COUNTY = "430522000000"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def today():
    return timezone.localdate()


def arrive(officer, days_ago=0, **kw):
    kw.setdefault("stated_name", "张某")
    return services.intake(
        user=officer,
        area_code=COUNTY,
        arrived_on=today() - timedelta(days=days_ago),
        found_place="县城汽车站",
        referral=Stay.Referral.POLICE,
        found_by="城关派出所",
        **kw,
    )


def test_intake_takes_the_limit_from_the_policy_and_counts_the_arrival_day(officer):
    stay = arrive(officer)
    assert (stay.stay_days, stay.due_on) == (10, today() + timedelta(days=9))


def test_an_extension_moves_the_due_date_and_needs_a_reason(officer):
    stay = arrive(officer)
    with pytest.raises(Exception, match="理由"):
        services.extend(stay, days=5, reason="", user=officer)
    stay = services.extend(stay, days=5, reason="患病住院治疗", user=officer)
    assert (stay.due_on, stay.extension_approved_by) == (today() + timedelta(days=14), officer)


def test_a_clerk_may_not_extend(officer, clerk_a):
    stay = arrive(officer)
    with pytest.raises(Exception, match="权限"):
        services.extend(stay, days=5, reason="患病", user=clerk_a)


def test_return_home_needs_the_destination_hand_over(officer):
    stay = arrive(officer, days_ago=3)
    with pytest.raises(Exception, match="交接"):
        services.return_home(stay, user=officer, left_on=today(), destination="湖南省邵阳市", escort="", handed_to="")
    stay = services.return_home(
        stay,
        user=officer,
        left_on=today(),
        destination="湖南省邵阳市大祥区",
        escort="站内护送",
        handed_to="大祥区救助站",
    )
    assert (stay.status, stay.handed_to) == (Stay.Status.RETURNED, "大祥区救助站")


def test_a_repeat_arrival_is_recognised_and_a_second_open_stay_refused(officer):
    person = PersonFactory(area_code="430522100201")
    first = arrive(officer, days_ago=20, person=person)
    with pytest.raises(Exception, match="正在站内"):
        arrive(officer, person=person)
    services.leave(first, user=officer, left_on=today() - timedelta(days=18))
    second = arrive(officer, person=person)
    assert second.previous_stays == 1


def test_placement(officer):
    home = OrganisationFactory(kind=Organisation.Kind.ELDERLY_INSTITUTION, name="新邵县社会福利院", area_code=COUNTY)
    stay = services.place(arrive(officer, days_ago=12), user=officer, left_on=today(), placement=home)
    assert (stay.status, stay.destination) == (Stay.Status.PLACED, "新邵县社会福利院")


def test_the_overdue_warning_flags_once_and_the_card_shows_it(officer):
    late = arrive(officer, days_ago=12)
    arrive(officer, days_ago=1, stated_name="李某")
    assert services.warn_overdue(today()) == {"新超期": 1, "超期在站": 1}
    assert services.warn_overdue(today())["新超期"] == 0
    late.refresh_from_db()
    assert late.overdue_warned_on == today()
    from rescue.home_cards import stays_card

    with within(scope_for_user(officer)):
        card = stays_card(officer, today())
    assert [f.count for f in card.figures] == [2, 1, 0]
    assert card.rows[0].tone == "danger"


def test_an_unidentified_person_is_recorded_found_by_name_and_merged_keeping_both_histories(officer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = PersonFactory(name="周桂香", sex="F", birth_date=date(1956, 4, 2), area_code="430522100201")
    row = unidentified.record_unidentified(
        area_code=COUNTY,
        found_place="资江大桥下",
        found_on=today() - timedelta(days=2),
        user=officer,
        sex="F",
        estimated_age=70,
        features="短发，左手有疤",
        photo=SimpleUploadedFile("a.png", PNG),
    )
    stay = arrive(officer, days_ago=2, stated_name="", unidentified=row)
    with within(scope_for_user(officer)):
        assert person in services.search_registry(name="桂香", sex="F", age=70)
        assert services.search_by_features("左手有疤")[0] == [row]
    done = services.identify_stay(stay, person, user=officer, how="家属辨认")
    assert "1条救助记录已并入该居民档案" in done
    stay.refresh_from_db()
    row.refresh_from_db()
    assert (stay.person, row.identified_as, row.identified_how) == (person, person, "家属辨认")
    with pytest.raises(Exception, match="已确认身份"):
        unidentified.identify(row, person, user=officer, how="again")
    client.force_login(officer)
    page = client.get(f"/registry/persons/{person.pk}/").content.decode()
    assert "以身份不明人员登记" in page and "并入本档案" in page and stay.number in page


def test_a_photo_must_be_an_image(officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(Exception, match="JPG或PNG"):
        unidentified.record_unidentified(
            area_code=COUNTY,
            found_place="桥下",
            found_on=today(),
            user=officer,
            photo=SimpleUploadedFile("a.png", b"not an image"),
        )


def test_statistics_by_month(officer):
    stay = arrive(officer, days_ago=0)
    rows = services.monthly_statistics(today().year, today())
    this = rows[today().month - 1]
    assert (this.arrivals, this.person_days) == (1, 1)
    services.leave(stay, user=officer, left_on=today())
    assert services.monthly_statistics(today().year, today())[today().month - 1].left == 1


def test_pages(client, officer):
    client.force_login(officer)
    stay = arrive(officer, days_ago=11)
    for url in [
        "/rescue/",
        "/rescue/?state=overdue",
        "/rescue/intake/",
        f"/rescue/stays/{stay.pk}/",
        "/rescue/unidentified/",
        "/rescue/unidentified/new/",
        "/rescue/statistics/",
        "/rescue/?export=xlsx",
        "/rescue/statistics/?export=xlsx",
        "/rescue/statistics/?year=abc",
        "/",
    ]:
        assert client.get(url).status_code == 200, url
    assert "已超过救助期限" in client.get(f"/rescue/stays/{stay.pk}/").content.decode()
    page = client.post(f"/rescue/stays/{stay.pk}/notice/", follow=True)
    assert "寻 亲 公 告" in page.content.decode()
    page = client.post(f"/rescue/stays/{stay.pk}/extend/", {"days": "3", "reason": "等待家属接领"}, follow=True)
    assert "已延长救助期限3天" in page.content.decode()
    page = client.post(
        "/rescue/unidentified/new/",
        {"found_on": today().isoformat(), "found_place": "火车站广场", "sex": "M", "estimated_age": "50", "stay": "on"},
        follow=True,
    )
    assert "并入站救助" in page.content.decode()
    assert UnidentifiedPerson.objects.count() == 1
    assert client.post(f"/rescue/stays/{stay.pk}/bogus/").status_code == 404
    assert client.post(f"/rescue/stays/{stay.pk}/return/", {"left_on": "x"}, follow=True).status_code == 200


def test_other_roles_do_not_see_the_station(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get("/rescue/").status_code == 403
