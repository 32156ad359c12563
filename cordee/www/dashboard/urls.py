from django.urls import path

from cordee.www.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
]
