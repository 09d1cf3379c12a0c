from django.urls import path

from registry.views import documents, households, persons

urlpatterns = [
    path("persons/", persons.person_list, name="person_list"),
    path("persons/<int:pk>/", persons.person_detail, name="person_detail"),
    path("persons/<int:pk>/unmask/", persons.person_unmask, name="person_unmask"),
    path("persons/<int:pk>/edit/", persons.person_edit, name="person_edit"),
    path("persons/<int:pk>/death/", persons.person_death, name="person_death"),
    path("persons/<int:pk>/move/", persons.person_move, name="person_move"),
    path("persons/<int:pk>/documents/", persons.person_document, name="person_document"),
    path("households/", households.household_list, name="household_list"),
    path("households/new/", households.household_new, name="household_new"),
    path("households/new/member-row/", households.household_member_row, name="household_member_row"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/unmask/", households.household_unmask, name="household_unmask"),
    path("households/<int:pk>/edit/", households.household_edit, name="household_edit"),
    path("households/<int:pk>/split/", households.household_split, name="household_split"),
    path("households/<int:pk>/merge/", households.household_merge, name="household_merge"),
    path("households/<int:pk>/documents/", households.household_document, name="household_document"),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/<int:pk>/file/", documents.document_file, name="document_file"),
]
