from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from areas.jurisdiction import current_scope
from areas.models import Area


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
    return render(request, "areas/browser.html", {"area": area, "children": children})
