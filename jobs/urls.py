from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("periodic/", views.periodic_list, name="periodic"),
    path("periodic/<str:key>/", views.periodic_runs, name="periodic_runs"),
    path("periodic/<str:key>/run/", views.periodic_run_now, name="periodic_run_now"),
    path("<int:pk>/download/", views.job_download, name="download"),
]
