from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from areas import codes
from areas.jurisdiction import current_scope
from areas.models import Area, AreaChange


@login_required
def area_browser(request, code: str | None = None):
    """The area tree from the user's own area downwards."""
    scope = current_scope()
    root_code = code or request.user.area_code
    if root_code:
        area = get_object_or_404(Area, code=root_code)
        if not scope.allows(area.code):
            area = get_object_or_404(Area, code=request.user.area_code)
        children = area.children.current().order_by("code")
    else:  # system-wide accounts start at the provinces
        area = None
        children = Area.objects.current().filter(parent__isnull=True)
    # what happened to this code and to codes closed below it (renamed, renumbered, merged …)
    history = AreaChange.objects.filter(code=area.code) if area else AreaChange.objects.none()
    closed = area.children.filter(valid_to__isnull=False, is_demo=False).order_by("code") if area else []
    return render(
        request, "areas/browser.html", {"area": area, "children": children, "history": history, "closed": closed}
    )


SEARCH_LIMIT = 20
SEARCH_LEVELS = (codes.TOWNSHIP, codes.VILLAGE, codes.GRID)


def search_areas(scope, text: str, limit: int = SEARCH_LIMIT) -> list[Area]:
    """Current areas within the scope whose name contains `text` or whose code starts with it,
    townships before villages before grids: what a search-as-you-type box offers (never the
    whole tree of a county, thousands of areas)."""
    text = text.strip()
    if not text or scope.nothing:
        return []
    queryset = Area.objects.current().filter(level__in=SEARCH_LEVELS, code__startswith=scope.prefix)
    match = Q(code__startswith=text) if text.isdigit() else Q(name__contains=text)
    found = queryset.filter(match).select_related("parent").order_by("code")[: limit * 3]
    order = {level: index for index, level in enumerate(SEARCH_LEVELS)}
    return sorted(found, key=lambda area: (order[area.level], area.code))[:limit]


def area_choice_label(area: Area) -> str:
    """ "城西社区（酿溪镇，430522100201）": the name, where it lies, and the code that identifies it."""
    parent = area.parent.name if area.parent_id and area.level != codes.TOWNSHIP else ""
    return f"{area.name}（{parent + '，' if parent else ''}{area.code}）"


@login_required
def area_search(request):
    """<option>s for a search-as-you-type area box (htmx fills its <datalist>)."""
    areas = search_areas(current_scope(), request.GET.get("area") or request.GET.get("q") or "")
    options = [area_choice_label(area) for area in areas]
    return render(request, "areas/_options.html", {"options": options})
