from django.urls import path

from cordee.www.places import views

app_name = "places"

urlpatterns = [
    path("", views.place_search, name="search"),
    path("<int:pk>/", views.place_detail, name="detail"),
]
