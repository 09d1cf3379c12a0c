"""The menu: each app registers its entries (in AppConfig.ready) with the capability they need."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None = None  # None: every staff member
    order: int = 100
    description: str = ""


_ITEMS: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)
        _ITEMS.sort(key=lambda i: (i.order, i.label))


def nav_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "description": item.description}
        for item in _ITEMS
        if item.capability is None or user.can(item.capability)
    ]
