"""The menu: each app registers its entries (in AppConfig.ready) with the capability they need.

Entries fall into menu groups by their `order` band, so an app places an entry by its number alone
and the top bar stays one line at 1280 px: 0–99 business handling, 100–299 the registry, 300–399
money, 400–899 verification and monitoring, 900+ system.
"""

from dataclasses import dataclass

from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | tuple[str, ...] | None = None  # None: every staff member; a tuple: any one of them
    order: int = 100
    description: str = ""


_ITEMS: list[NavItem] = []


# The menu of each set of roles, built once per process: it depends on nothing else (may_use asks only
# User.can: the superuser flag and the role codes), and every page draws it.
_MENUS: dict[tuple, list[dict]] = {}
_MENU_HTML: dict[tuple, str] = {}


def register_nav(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: (i.order, i.label))
    _MENUS.clear()
    _MENU_HTML.clear()


def _forget_menus(setting, **kwargs) -> None:
    if setting in ("ROOT_URLCONF", "TEMPLATES"):  # tests with URLs or templates of their own
        _MENUS.clear()
        _MENU_HTML.clear()


setting_changed.connect(_forget_menus)


# (highest order in the band, group label)
GROUPS: list[tuple[int, str]] = [
    (99, "业务办理"),
    (299, "居民档案"),
    (399, "资金发放"),
    (899, "核对监测"),
    (10**9, "系统管理"),
]


def may_use(user, item: NavItem) -> bool:
    """Whether the user holds the entry's capability (or one of them): a page a role cannot use
    is not offered to it."""
    if item.capability is None:
        return True
    wanted = (item.capability,) if isinstance(item.capability, str) else item.capability
    return any(user.can(capability) for capability in wanted)


def _group_of(item: NavItem) -> str:
    return next(label for upper, label in GROUPS if item.order <= upper)


def nav_for(user) -> list[dict]:
    """The menu groups this user may see, in order, each with its entries; empty groups left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    role_codes = getattr(user, "role_codes", None)
    if not isinstance(role_codes, frozenset):
        return _build_menu(user)
    key = _menu_key(user, role_codes)
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = _build_menu(user)
    return menu


def _menu_key(user, role_codes: frozenset) -> tuple:
    return (type(user), bool(user.is_superuser), role_codes, get_script_prefix())


def nav_html(user) -> str:
    """The top bar's entries (core/_nav.html) as HTML, rendered once per set of roles and language."""
    role_codes = getattr(user, "role_codes", None)
    if not getattr(user, "is_authenticated", False) or not isinstance(role_codes, frozenset):
        return render_to_string("core/_nav.html", {"nav_groups": nav_for(user)})
    key = (*_menu_key(user, role_codes), get_language())
    html = _MENU_HTML.get(key)
    if html is None:
        html = _MENU_HTML[key] = render_to_string("core/_nav.html", {"nav_groups": nav_for(user)})
    return html


def _build_menu(user) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for item in _ITEMS:
        if may_use(user, item):
            entry = {"label": item.label, "url": reverse(item.url_name), "description": item.description}
            groups.setdefault(_group_of(item), []).append(entry)
    return [{"label": label, "items": groups[label]} for _, label in GROUPS if label in groups]
