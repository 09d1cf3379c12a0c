from django.urls import path

from outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.findings, name="findings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/visit/", views.visit, name="visit"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("run/", views.run, name="run"),
]
