from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("rolls/", views.roll_list, name="roll_list"),
    path("funds/", views.fund_list, name="fund_list"),
    path("three-checks/", views.three_checks, name="three_checks"),
]
