from django.urls import path

from payments import views, views_banks, views_funds, views_payee, views_public

app_name = "payments"
urlpatterns = [
    path("rolls/", views.roll_list, name="roll_list"),
    path("rolls/generate/", views.roll_generate, name="roll_generate"),
    path("rolls/generate/<int:job_pk>/", views.roll_generation, name="roll_generation"),
    path("rolls/<int:pk>/", views.roll_detail, name="roll_detail"),
    path("rolls/<int:pk>/approve/", views.roll_approve, name="roll_approve"),
    path("rolls/<int:pk>/reject/", views.roll_reject, name="roll_reject"),
    path("rolls/<int:pk>/publish/", views.roll_publish, name="roll_publish"),
    path("rolls/<int:pk>/bank-file/", views_banks.bank_export, name="roll_bank_file"),
    path("rolls/<int:pk>/returns/<int:return_pk>/", views_banks.return_detail, name="return_detail"),
    path("layouts/", views_banks.layout_list, name="layout_list"),
    path("layouts/new/", views_banks.layout_edit, name="layout_new"),
    path("layouts/<int:pk>/", views_banks.layout_edit, name="layout_edit"),
    path("rolls/<int:pk>/return/", views.roll_return, name="roll_return"),
    path("rolls/<int:pk>/lines/<int:seq>/correct/", views.line_correct, name="line_correct"),
    path("rolls/<int:pk>/lines/<int:seq>/counter/", views.line_counter_payment, name="line_counter_payment"),
    path("payees/", views_payee.payee_list, name="payee_list"),
    path("payees/<int:enrolment_pk>/", views_payee.payee_edit, name="payee_edit"),
    path("funds/", views_funds.fund_list, name="fund_list"),
    path("funds/open/", views_funds.fund_open, name="fund_open"),
    path("funds/<int:pk>/", views_funds.fund_detail, name="fund_detail"),
    path("three-checks/", views_funds.three_checks, name="three_checks"),
    path("public/", views_public.public_index, name="public_index"),
    path("public/<str:code>/", views_public.public_area, name="public_area"),
    path("public/<str:code>/rolls/<int:roll_id>/", views_public.public_roll, name="public_roll"),
    path("public/<str:code>/standards/", views_public.public_standards, name="public_standards"),
    path("public/<str:code>/complaints/", views_public.public_complaints, name="public_complaints"),
]
