from django.urls import path

from cordee.www.diagnostics import assisted, statistics, views

app_name = "diagnostics"

urlpatterns = [
    # Public self-diagnostic
    path("diagnostic/", views.start, name="start"),
    path("diagnostic/questions/", views.question, name="question"),
    path("diagnostic/enregistrer/", views.save, name="save"),
    path("diagnostic/resultat/<str:code>/", views.by_code, name="by_code"),
    path("diagnostic/questionnaire-papier/", views.paper, name="paper"),
    # Assisted diagnostics (members of a structure)
    path("diagnostics/", assisted.index, name="index"),
    path("diagnostics/personnes/nouvelle/", assisted.beneficiary_create, name="beneficiary_create"),
    path("diagnostics/personnes/<int:pk>/", assisted.beneficiary_detail, name="beneficiary"),
    path("diagnostics/personnes/<int:pk>/nouveau/", assisted.diagnostic_create, name="create"),
    path("diagnostics/personnes/<int:pk>/importer/", assisted.diagnostic_import, name="import"),
    path("diagnostics/personnes/<int:pk>/anonymiser/", assisted.beneficiary_anonymise, name="anonymise"),
    path("diagnostics/<int:pk>/", assisted.diagnostic_detail, name="detail"),
    # Statistics and référentiel
    path("diagnostics/statistiques/", statistics.overview, name="statistics"),
    path("diagnostics/statistiques.csv", statistics.overview_csv, name="statistics_csv"),
    path("diagnostics/referentiel/", statistics.referentiel, name="referentiel"),
]
