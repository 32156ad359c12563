from django.urls import path

from cordee.www.referrals import exports, views

app_name = "referrals"

urlpatterns = [
    path("orientations/", views.index, name="index"),
    path("orientations/lieux/", views.suggest, name="suggest"),
    path("orientations/statistiques/", views.statistics, name="statistics"),
    path("orientations/statistiques.csv", exports.statistics_csv, name="statistics_csv"),
    path("orientations/export.csv", exports.referrals_csv, name="export_csv"),
    path("orientations/nouvelle/", views.create, name="create"),
    path("orientations/<int:pk>/", views.detail, name="detail"),
    path("orientations/<int:pk>/fiche/", views.sheet, name="sheet"),
    path("orientations/<int:pk>/fiche.pdf", views.sheet_pdf, name="sheet_pdf"),
    path("orientations/lien/<str:token>/", views.link, name="link"),
    path("orientations/lien/<str:token>/nouveau/", views.link_renew, name="link_renew"),
]
