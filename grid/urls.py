from django.urls import path

from grid import views

app_name = "grid"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/handoff/", views.event_handoff, name="event_handoff"),
    path("events/<int:pk>/resolve/", views.event_resolve, name="event_resolve"),
    path("events/<int:pk>/close/", views.event_close, name="event_close"),
    path("events/<int:pk>/apply/", views.event_apply, name="event_apply"),
    path("events/<int:pk>/warn/", views.event_warn, name="event_warn"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("households/search/", views.household_search, name="household_search"),
    path("sync/", views.sync_one, name="sync"),
    path("sync/batch/", views.sync_batch, name="sync_batch"),
    path("outbox/", views.outbox, name="outbox"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("hotline/", views.hotline_list, name="hotline"),
    path("hotline/orders/", views.hotline_inbound, name="hotline_inbound"),
    path("hotline/<int:pk>/resend/", views.hotline_resend, name="hotline_resend"),
    path("contacts/", views.contacts, name="contacts"),
]
