"""Dynamic management pages: review cases with their outcome (keep, adjust, gradual exit, stop,
fraud), and the county's 特困 spot check (draw, record results)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assistance.casework import ReviewCase, SpotCheck, SpotCheckItem
from assistance.reviews import decide_review
from assistance.tekun import awaiting_confirmation, draw_spot_check, record_spot_check_result
from cases.access import ensure_case_staff
from core.errors import DomainError
from ledger.models import Enrolment


@login_required
def reviews(request):
    ensure_case_staff(request.user)
    rows = (
        ReviewCase.objects.select_related("enrolment__household__head", "case__current_step")
        .annotate(steps_total=Count("case__steps"))
        .order_by("outcome", "due_on")[:300]
    )
    context = {"rows": rows, "outcomes": ReviewCase.Outcome.choices[1:], "review_bases": Enrolment.ReviewBasis.choices}
    return render(request, "assistance/reviews.html", context)


@login_required
@require_POST
def review_decide(request, pk: int):
    ensure_case_staff(request.user)
    review = get_object_or_404(ReviewCase.objects.select_related("enrolment", "case"), pk=pk)
    post = request.POST
    try:
        decide_review(
            user=request.user,
            review=review,
            on_date=timezone.localdate(),
            outcome=post.get("outcome", ""),
            reason=post.get("reason", ""),
            new_amount=Decimal(post["new_amount"]) if post.get("new_amount") else None,
            review_basis=post.get("review_basis") or None,  # None: from the household's facts
            months_paid_wrongly=int(post.get("months") or 0),
            fine_multiple=Decimal(post.get("fine_multiple") or "1"),
        )
        messages.success(request, "复核结果已记录")
    except DomainError as error:
        messages.error(request, error.message)
    except (ValueError, InvalidOperation):
        messages.error(request, "金额或月数格式不正确")
    return redirect("assistance:reviews")


@login_required
def spot_checks(request):
    ensure_case_staff(request.user)
    if request.method == "POST":
        try:
            if request.POST.get("item"):
                item = get_object_or_404(SpotCheckItem, pk=request.POST["item"])
                record_spot_check_result(
                    user=request.user,
                    item=item,
                    on_date=timezone.localdate(),
                    result=request.POST.get("result", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "抽查结果已记录")
            else:
                check = draw_spot_check(user=request.user, on_date=timezone.localdate())
                messages.success(request, f"已随机抽取{check.items.count()}件（共{check.population}件待确认）")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("assistance:spot_checks")
    context = {
        "checks": SpotCheck.objects.prefetch_related("items__application__case", "items__application__household__head")[
            :20
        ],
        "waiting": awaiting_confirmation().count(),
        "results": SpotCheckItem.Result.choices[1:],
    }
    return render(request, "assistance/spot_checks.html", context)
