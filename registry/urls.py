from django.urls import include, path

app_name = "registry"
urlpatterns = [
    path("", include("registry.urls_pages")),
    path("import/", include("registry.importing.urls")),
]
