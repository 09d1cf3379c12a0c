from django.urls import path

from relief import views

app_name = "relief"

urlpatterns = [
    path("", views.events, name="events"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/report/", views.report, name="report"),
    path("events/<int:pk>/stable/", views.event_stable, name="event_stable"),
    path("events/<int:pk>/assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/approve/", views.approve, name="approve"),
    path("reports/<int:pk>/check/", views.check, name="check"),
    path("stock/", views.stock_page, name="stock"),
    path("stock/issue/", views.issue, name="issue"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/<int:pk>/<str:which>.img", views.receipt_image, name="receipt_image"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/targets/<int:pk>/", views.deliver, name="deliver"),
]
