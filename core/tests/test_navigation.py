"""The top menu: entries grouped into a few dropdowns, each entry shown only to staff who may use it."""

import re

from core.navigation import nav_for


def _menu(client, user) -> dict[str, list[str]]:
    """Group label → entry labels, as the top bar of the home page shows them."""
    client.force_login(user)
    html = client.get("/").content.decode()
    groups = re.findall(
        r'data-bs-toggle="dropdown"[^>]*>([^<]+)</a>\s*<ul class="dropdown-menu">(.*?)</ul>', html, re.S
    )
    return {label: re.findall(r'class="dropdown-item"[^>]*>([^<]+)</a>', items) for label, items in groups}


def test_a_clerk_sees_the_menu_in_a_few_groups_in_working_order(client, clerk_a):
    menu = _menu(client, clerk_a)
    assert list(menu)[:2] == ["业务办理", "居民档案"]
    assert len(menu) <= 6  # one line at 1280 px
    assert "一门受理" in menu["业务办理"] and "我的待办" in menu["业务办理"]
    assert menu["居民档案"][:2] == ["居民", "家庭户"]
    assert "发放名册" in menu["资金发放"]
    assert all("操作日志" not in items for items in menu.values())  # needs the audit capability


def test_an_auditor_sees_the_audit_log_under_system(client, auditor):
    assert "操作日志" in _menu(client, auditor)["系统管理"]


def test_every_registered_entry_lands_in_exactly_one_group(clerk_a):
    clerk_a.is_superuser = True  # sees every entry
    groups = nav_for(clerk_a)
    urls = [item["url"] for group in groups for item in group["items"]]
    assert len(urls) == len(set(urls)) >= 15
    assert all(group["items"] for group in groups)
