from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.board, name="board"),
    path("population/", views.population, name="population"),
    path("refresh/", views.refresh, name="refresh"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/visit/", views.warning_visit, name="warning_visit"),
    path("warnings/<int:pk>/assign/", views.warning_assign, name="warning_assign"),
    path("warnings/assign/", views.warning_assign_bulk, name="warning_assign_bulk"),
    path("warnings/<int:pk>/apply/", views.warning_apply, name="warning_apply"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning_close"),
]
