from django.urls import path

from areas import views

app_name = "areas"
urlpatterns = [
    path("", views.area_browser, name="browser"),
    path("search/", views.area_search, name="search"),
    path("<str:code>/", views.area_browser, name="area"),
]
