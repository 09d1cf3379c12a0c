from django.urls import path

from society import views

app_name = "society"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/overdue-reports/", views.overdue_reports, name="overdue_reports"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("offers/", views.offers, name="offers"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("households/<int:pk>/", views.household, name="household"),
    path("services/", views.service_list, name="services"),
    path("affairs/", views.affairs_home, name="affairs"),
    path("affairs/compliance/", views.affairs_compliance, name="compliance"),
    path("affairs/governance/", views.governance_list, name="governance"),
    path("affairs/governance/<str:code>/<int:year>/", views.governance_check, name="governance_check"),
    path("public/affairs/", views.public_affairs, name="public_affairs"),
    path("public/affairs/<str:code>/", views.public_village, name="public_village"),
    path("public/attachments/<int:pk>/", views.public_attachment, name="public_attachment"),
]
