from django.urls import path

from eldercare import views

app_name = "eldercare"
urlpatterns = [
    path("", views.index, name="index"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("institutions/<int:pk>/beds/", views.beds, name="beds"),
    path("institutions/<int:pk>/admit/", views.admit, name="admit"),
    path("residences/<int:pk>/discharge/", views.discharge, name="discharge"),
    path("home-care/", views.orders, name="orders"),
    path("home-care/new/", views.order_new, name="order_new"),
    path("home-care/settlements/", views.settlements, name="settlements"),
    path("home-care/settlements/<int:pk>/approve/", views.settlement_approve, name="settlement_approve"),
    path("home-care/serve/", views.serve, name="serve"),
    path("care-subsidy/", views.care_list, name="care_list"),
    path("care-subsidy/apply/", views.care_apply, name="care_apply"),
    path("care-subsidy/<int:pk>/<slug:step>/", views.care_step, name="care_step"),
]
