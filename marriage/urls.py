from django.urls import path

from marriage import views

app_name = "marriage"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.marriage_new, name="new"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/certificates/<int:cert>/", views.certificate, name="certificate"),
    path("sheet/", views.sheet, name="sheet"),
    path("divorces/", views.divorces, name="divorces"),
    path("divorces/<int:pk>/", views.divorce_detail, name="divorce"),
    path("elsewhere/", views.elsewhere_new, name="elsewhere"),
    path("queries/", views.queries, name="queries"),
]
