"""PDF downloads: the approval form and the decision notice (printing the refusal notice records
that it was issued)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone

from assistance import pdf
from assistance.procedure import issue_refusal_notice
from assistance.views.applications import _application


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}.pdf"
    return response


@login_required
def approval_form(request, pk: int):
    application = _application(request, pk)
    return _pdf(pdf.approval_form(application), f"approval-{application.case.receipt_no}")


@login_required
def decision_notice(request, pk: int):
    application = _application(request, pk)
    if application.decision == "pending":
        raise Http404("尚未作出决定")
    if application.decision == "refused":
        application = issue_refusal_notice(user=request.user, application=application, on_date=timezone.localdate())
    return _pdf(pdf.decision_notice(application), f"decision-{application.case.receipt_no}")
