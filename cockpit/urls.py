from django.urls import path

from cockpit import views

app_name = "cockpit"

urlpatterns = [
    path("", views.index, name="index"),
    path("records/<slug:indicator>/<slug:key>/", views.record_list, name="records"),
    path("refresh/", views.refresh, name="refresh"),
    path("outlines/<str:prefix>.json", views.outlines, name="outlines"),
    path("changes/", views.changes, name="changes"),
    path("monthly/", views.monthly, name="monthly"),
]
