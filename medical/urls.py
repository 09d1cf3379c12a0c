from django.urls import path

from medical import views

app_name = "medical"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("files/<int:pk>/<str:fmt>/", views.download, name="download"),
    path("import/", views.import_paid, name="import"),
    path("payments/", views.payments, name="payments"),
]
