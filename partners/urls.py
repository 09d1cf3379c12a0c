from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.clients, name="clients"),
    path("new/", views.client_new, name="client_new"),
    path("<int:pk>/", views.client_detail, name="client"),
    path("<int:pk>/revoke/", views.client_revoke, name="client_revoke"),
    path("subscriptions/<int:pk>/toggle/", views.subscription_toggle, name="subscription_toggle"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery_resend"),
    path("batches/", views.batches, name="batches"),
]
