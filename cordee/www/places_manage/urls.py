from django.urls import path

from cordee.www.places_manage import imports, views

app_name = "places_manage"

urlpatterns = [
    path("territoire/", views.territory_places, name="territory"),
    path("structure/<int:structure_pk>/", views.structure_places, name="structure_places"),
    path("structure/<int:structure_pk>/nouveau/", views.place_create, name="create"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("<int:pk>/modifier/", views.place_edit, name="edit"),
    path("<int:pk>/criteres/", views.criteria_declare, name="criteria_declare"),
    path("<int:pk>/valeurs-non-reconnues/", views.unrecognised_dismiss, name="unrecognised_dismiss"),
    path("<int:pk>/qualification/demander/", views.qualification_request, name="qualification_request"),
    path("<int:pk>/qualification/decider/", views.qualification_decide, name="qualification_decide"),
    path("qualification/", views.qualification_queue, name="qualification_queue"),
    path("<int:pk>/qualification/revu/", views.qualification_reviewed, name="qualification_reviewed"),
    path("signalements/", views.report_queue, name="report_queue"),
    path("signalements/<int:report_pk>/traiter/", views.report_resolve, name="report_resolve"),
    path("horaires/verifier/", views.hours_check, name="hours_check"),
    path("criteres-qualite/", views.criterion_list, name="criterion_list"),
    path("criteres-qualite/nouveau/", views.criterion_edit, name="criterion_create"),
    path("criteres-qualite/<int:pk>/modifier/", views.criterion_edit, name="criterion_edit"),
    path("criteres-qualite/<int:pk>/activer/", views.criterion_toggle, name="criterion_toggle"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/nouveau/", imports.import_create, name="import_create"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/rapport.csv", imports.import_report, name="import_report"),
]
