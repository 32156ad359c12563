from django.urls import path

from cordee.www.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("mes-activites/", views.mine, name="mine"),
    path("structure/<int:pk>/", views.structure, name="structure"),
    path("equipe/<int:pk>/", views.team, name="team"),
    path("territoire/<str:territory>/", views.territory, name="territory"),
    path("export/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_task, name="export_task"),
    path("exports/<int:pk>/fichier/", views.export_file, name="export_file"),
    path("partage/<str:token>/", views.shared, name="shared"),
]
