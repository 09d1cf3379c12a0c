"""The staff home page (工作台): each person's own work, with counts and due dates, not a menu.

The apps that own the work put it on the home page through this registry (accounts is a low layer
and imports none of them): `register_home_card(HomeCard(...))` in AppConfig.ready() adds a card
built from that user's own queue, and `register_landing(Landing(...))` lets a higher app give a
role its whole home (the leader's cockpit). A card is shown only to users with its capability,
and its builder returns None when the user has nothing of that kind to do (no unit, say), so
each role sees only its own area and its own work.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from accounts.roles import RoleCode
from areas.models import Area

# What each role's workbench says it is for (docs/domain.md §1).
ROLE_DUTIES = {
    RoleCode.LIVELIHOOD_WORKER: "帮助群众代办申请、入户走访、张贴公示、报告困难和突发情况",
    RoleCode.GRID_WORKER: "网格巡查，发现问题及时上报，网格解决不了的转12345热线和部门",
    RoleCode.CLERK: "一窗受理、一次性告知、调查核实、转办其他部门",
    RoleCode.REVIEWER: "乡镇初审、组织公示和民主评议",
    RoleCode.APPROVER: "县级审核确认、资金和发放名册审批",
    RoleCode.AUDITOR: "稽查审批、资格、政策执行和资金发放，查阅操作日志",
    RoleCode.LEADER: "督办、排名讲评、统计看板",
    RoleCode.REGISTRAR: "婚姻登记、离婚冷静期管理",
    RoleCode.RESCUE_OFFICER: "流浪乞讨人员接收、甄别寻亲、护送返乡",
    RoleCode.CHILDREN_DIRECTOR: "困境儿童和留守儿童排查、定期走访、强制报告",
    RoleCode.SOCIAL_WORKER: "社工站服务：照料陪伴、心理疏导、链接慈善资源",
    RoleCode.PROVIDER_STAFF: "服务机构：接单服务、签到记录、反馈帮扶情况",
    RoleCode.ADMIN: "维护区划、单位、人员和角色",
}


@dataclass(frozen=True)
class Figure:
    """One count on a card, linking to the list behind it. tone: "danger" (overdue), "warning", ""."""

    label: str
    count: int
    url: str
    tone: str = ""


@dataclass(frozen=True)
class Row:
    """One record on a card: what it is, where to open it, when it is due."""

    text: str
    url: str
    due_on: date | None = None
    tone: str = ""
    note: str = ""


@dataclass(frozen=True)
class Card:
    title: str
    figures: list[Figure] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    more_label: str = "查看全部"
    empty: str = "暂无"


@dataclass(frozen=True)
class HomeCard:
    """A card on the home page of whoever has `capability` (None: every staff member)."""

    key: str
    capability: str | None
    order: int
    build: Callable[..., Card | None]  # build(user, today) -> Card, or None when not applicable


@dataclass(frozen=True)
class Landing:
    """A whole home page for whoever has `capability` (the first registered by order wins).

    view(request, context) renders it; context already holds the greeting (area, duties)."""

    key: str
    capability: str
    order: int
    view: Callable


_CARDS: dict[str, HomeCard] = {}
_LANDINGS: dict[str, Landing] = {}


def register_home_card(card: HomeCard) -> None:
    _CARDS[card.key] = card


def register_landing(landing: Landing) -> None:
    _LANDINGS[landing.key] = landing


def cards_for(user, today: date) -> list[Card]:
    """The cards of this user's own work, in order; cards with nothing to show are left out."""
    cards = []
    for home_card in sorted(_CARDS.values(), key=lambda c: (c.order, c.key)):
        if home_card.capability is not None and not user.can(home_card.capability):
            continue
        card = home_card.build(user, today)
        if card is not None:
            cards.append(card)
    return cards


def _cards_key(request) -> str | None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return None
    return "home-cards:" + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def cards_for_request(request, today: date) -> list[Card]:
    """`cards_for` the signed-in user, kept for PAGE_CACHE_SECONDS per browser session (the home
    page is the most opened page, and its cards are a dozen counts from as many apps). The session's own
    writes drop the kept cards (`forget_cards`, after every POST of the session), so a clerk sees what they
    just did at once; others' work shows within the interval. 0 (the development default): never kept."""
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
    key = _cards_key(request) if seconds > 0 else None
    if key is None:
        return cards_for(request.user, today)
    stamp = (request.user.pk, today.isoformat(), get_language())
    kept = cache.get(key)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    cards = cards_for(request.user, today)
    cache.set(key, (stamp, cards), seconds)
    return cards


def forget_cards(request) -> None:
    """Drop the cards kept for this browser session (called after each of its writes)."""
    if getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0:
        key = _cards_key(request)
        if key is not None:
            cache.delete(key)


def landing_for(user) -> Landing | None:
    """The landing page a role's capability gives it. Held through a role, not the superuser flag,
    so an administrator keeps the administrator's home."""
    from accounts.roles import roles_can

    for landing in sorted(_LANDINGS.values(), key=lambda item: (item.order, item.key)):
        if roles_can(user.role_codes, landing.capability):
            return landing
    return None


def greeting(user) -> dict:
    area = Area.objects.filter(code=user.area_code).first() if user.area_code else None
    duties = [(str(RoleCode(code).label), ROLE_DUTIES[code]) for code in sorted(user.role_codes)]
    return {"area": area, "duties": duties}


@login_required
def home(request):
    user = request.user
    context = greeting(user)
    landing = landing_for(user)
    if landing is not None:
        return landing.view(request, context)
    context["cards"] = cards_for_request(request, timezone.localdate())
    return render(request, "accounts/home.html", context)
