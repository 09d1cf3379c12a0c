from django.urls import path
from django.views.generic import RedirectView

from assistance.views import applications, documents, management, public, recipients, relatives

app_name = "assistance"
urlpatterns = [
    path("", applications.applications, name="applications"),
    path("apply/", applications.apply, name="apply"),
    path("<int:pk>/", applications.detail, name="detail"),
    path("<int:pk>/act/", applications.act, name="act"),
    path("<int:pk>/notice/", applications.print_notice, name="print_notice"),
    path("<int:pk>/pdf/approval/", documents.approval_form, name="pdf_approval"),
    path("<int:pk>/pdf/decision/", documents.decision_notice, name="pdf_decision"),
    # The policy page moved to its own app; old bookmarks still reach it.
    path("policy/", RedirectView.as_view(pattern_name="policy:parameters", permanent=True)),
    path("reviews/", management.reviews, name="reviews"),
    path("reviews/<int:pk>/decide/", management.review_decide, name="review_decide"),
    path("spot-checks/", management.spot_checks, name="spot_checks"),
    path("recipients/", recipients.recipients, name="recipients"),
    path("close-relatives/", relatives.close_relatives, name="close_relatives"),
    path("close-relatives/<int:pk>/end/", relatives.close_relative_end, name="close_relative_end"),
    path("public/notices/<uuid:token>/", public.notice, name="public_notice"),
    path("public/village/<str:code>/", public.village, name="public_village"),
    path("public/publication/<str:code>/", public.publication, name="public_publication"),
]
