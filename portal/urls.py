from django.urls import path

from portal.views import resident, staff

app_name = "portal"

urlpatterns = [
    path("login/", resident.login, name="login"),
    path("login/code/", resident.login_code, name="login_code"),
    path("logout/", resident.logout, name="logout"),
    path("bind/", resident.bind, name="bind"),
    path("", resident.home, name="home"),
    path("catalogue/", resident.catalogue, name="catalogue"),
    path("apply/<slug:code>/", resident.apply, name="apply"),
    path("documents/", resident.documents, name="documents"),
    path("documents/<int:pk>/", resident.document_file, name="document_file"),
    path("cases/", resident.case_list, name="cases"),
    path("cases/<int:pk>/", resident.case_detail, name="case"),
    path("notices/", resident.notices, name="notices"),
    path("notices/<uuid:token>/object/", resident.object_to, name="object"),
    path("complaints/", resident.complaints, name="complaints"),
    path("complaints/<int:pk>/", resident.complaint_detail, name="complaint"),
    path("card/", resident.card, name="card"),
    path("bookings/", resident.bookings, name="bookings"),
    path("points/", resident.points, name="points"),
    # staff
    path("desk/", staff.desk, name="desk"),
    path("desk/online/<int:pk>/", staff.online_detail, name="online_detail"),
    path("desk/bindings/<int:pk>/", staff.binding_decide, name="binding_decide"),
    path("desk/complaints/<int:pk>/", staff.complaint_staff, name="complaint_staff"),
    path("desk/bookings/", staff.bookings_staff, name="bookings_staff"),
]
