from django.urls import path

from cordee.www.beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("doublons/", views.duplicates, name="duplicates"),
    path("fusionner/", views.merge, name="merge"),
    path("anonymiser/", views.anonymise, name="anonymise"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
]
