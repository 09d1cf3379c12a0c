"""No input, however strange, reaches a 500: every page and API read answers odd query strings with
a page or a Chinese 4xx (NUL bytes, huge and negative numbers, malformed codes)."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ODD_QUERIES = [
    "q=%00",
    "q=a%00b&page=%00&area=%00&status=%00&month=%00&programme=%00&item=%00&kind=%00",
    "page=99999999999999999999999&limit=99999999999999999999&offset=99999999999999999999",
    "page=-1&limit=-1&offset=-5",
    "area=4305229999999999999&area_code=xyz&month=2026-13&year=99999&programme=none&date=2026-02-30",
]


def _plain_urls(resolver=None, prefix=""):
    """Every URL of the project that takes no argument (admin and static files left out)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(("admin/", "static/", "media/")):
                continue
            yield from _plain_urls(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            if pattern.pattern.regex.groups or "<" in route:
                continue
            path = "/" + (prefix + route).lstrip("^").rstrip("$").replace("\\Z", "").replace("^", "")
            yield path


def _odd_requests():
    for path in sorted(set(_plain_urls())):
        if "logout" in path:
            continue
        for query in ODD_QUERIES:
            yield path, query
    for query in ODD_QUERIES:
        yield "/api/v1/cases/queue/todo", query


@pytest.mark.django_db(transaction=True)
def test_no_page_or_api_read_answers_odd_input_with_a_server_error(client, django_user_model, county_bureau):
    from accounts.tests.factories import StaffFactory

    admin = StaffFactory(username="fuzz_admin", unit=county_bureau, roles=["admin", "leader", "auditor"])
    admin.is_superuser = True
    admin.save()
    client.raise_request_exception = False
    client.force_login(admin)
    failures = []
    for path, query in _odd_requests():
        response = client.get(f"{path}?{query}")
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {path}?{query}")
    anonymous = client.__class__(raise_request_exception=False)
    for path, query in _odd_requests():
        response = anonymous.get(f"{path}?{query}")
        if response.status_code >= 500:
            failures.append(f"anonymous {response.status_code} {path}?{query}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_nul_in_a_search_is_refused_in_chinese_and_a_clean_search_still_works(client, clerk_a):
    client.force_login(clerk_a)
    refused = client.get("/api/v1/registry/search?q=%E5%BC%A0%00")
    assert refused.status_code == 400
    assert "空字符" in refused.json()["message"]
    page = client.get("/registry/households/?q=%00")
    assert page.status_code == 400 and "空字符" in page.content.decode()
    form = client.post("/registry/households/", "name=%E5%BC%A0%00", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400
    assert client.get("/api/v1/registry/search?q=%E5%BC%A0").status_code == 200


@pytest.mark.django_db
def test_a_page_number_out_of_range_gets_a_chinese_422_naming_the_parameter(client, clerk_a):
    client.force_login(clerk_a)
    response = client.get("/api/v1/registry/households?page=99999999999999999999")
    assert response.status_code == 422
    assert "page" in response.json()["message"] and "请求参数不正确" in response.json()["message"]
    assert client.get("/api/v1/cases/queue/todo?limit=-1").status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/registry/import/", "/api/v1/registry/documents", "/accounts/login/"])
def test_a_multipart_body_without_a_boundary_gets_a_chinese_400(client, clerk_a, path):
    client.force_login(clerk_a)
    body = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'
    response = client.generic("POST", path, body, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()


@pytest.mark.django_db
def test_error_pages_are_in_chinese(client):
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()


@pytest.mark.django_db
def test_a_body_over_the_sites_limit_gets_a_chinese_413_not_a_bare_400(client, clerk_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(clerk_a)
    api = client.post("/api/v1/registry/persons", json.dumps({"name": "张" * 2000}), content_type="application/json")
    assert api.status_code == 413 and "太大" in api.json()["message"]
    form = client.post("/registry/households/", "name=" + "a" * 2000, content_type="application/x-www-form-urlencoded")
    assert form.status_code == 413 and "太大" in form.content.decode()
