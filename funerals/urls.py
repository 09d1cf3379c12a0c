from django.urls import path

from funerals import views, views_lists

app_name = "funerals"

urlpatterns = [
    path("", views.deaths, name="deaths"),
    path("files/new/", views.file_new, name="file_new"),
    path("files/<int:pk>/", views.file_detail, name="file_detail"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("services/", views.service_list, name="services"),
    path("deaths/<int:death_pk>/service/", views.service_new, name="service_new"),
    path("lists/", views_lists.lists, name="lists"),
    path("lists/new/", views_lists.list_new, name="list_new"),
    path("lists/<int:pk>/", views_lists.list_detail, name="list_detail"),
]
