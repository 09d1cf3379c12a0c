from django.urls import path

from rescue import views

app_name = "rescue"

urlpatterns = [
    path("", views.stays, name="stays"),
    path("intake/", views.intake, name="intake"),
    path("stays/<int:pk>/", views.stay_detail, name="stay_detail"),
    path("stays/<int:pk>/notice/", views.notice, name="notice"),
    path("stays/<int:pk>/<slug:action>/", views.stay_action, name="stay_action"),
    path("unidentified/", views.unidentified_list, name="unidentified"),
    path("unidentified/new/", views.unidentified_new, name="unidentified_new"),
    path("unidentified/<int:pk>/", views.unidentified_detail, name="unidentified_detail"),
    path("unidentified/<int:pk>/identify/", views.unidentified_identify, name="unidentified_identify"),
    path("unidentified/<int:pk>/photo/", views.unidentified_photo, name="unidentified_photo"),
    path("statistics/", views.statistics, name="statistics"),
]
