from django.urls import path

from registry.importing import views

app_name = "registry_import"
urlpatterns = [
    path("", views.import_home, name="home"),
    path("template/", views.template_download, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/valid-only/", views.import_valid_only, name="valid_only"),
    path("<int:pk>/cancel/", views.import_cancel, name="cancel"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("<int:pk>/errors/", views.error_download, name="errors"),
]
