"""Public pages of this area, under /lieux/: reporting an error about a place."""

from django.urls import path

from cordee.www.places_manage import views

app_name = "place_reports"

urlpatterns = [
    path("<int:pk>/signaler/", views.report_create, name="create"),
    path("<int:pk>/signaler/merci/", views.report_thanks, name="thanks"),
]
