from django.urls import path

from cordee.www.activities import views

app_name = "activities"

urlpatterns = [
    path("activites/", views.index, name="index"),
    path("activites/nouvelle/", views.create, name="create"),
    path("activites/<int:pk>/modifier/", views.edit, name="edit"),
    path("activites/<int:pk>/supprimer/", views.delete, name="delete"),
]
