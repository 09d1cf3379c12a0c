from django.urls import path

from verification import views

app_name = "verification"

urlpatterns = [
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/upload/", views.batch_upload, name="batch_upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("sweeps/run/", views.sweep_run, name="sweep_run"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/<int:household_id>/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/lines/<int:pk>/recheck/", views.line_recheck, name="line_recheck"),
]
