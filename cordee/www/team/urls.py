from django.urls import path

from cordee.www.team import views

app_name = "team"

urlpatterns = [
    path("", views.my_team, name="mine"),
    path("inviter/<int:user_pk>/", views.invite_person, name="invite_person"),
    path("membres/<int:pk>/retirer/", views.remove, name="remove"),
    path("membres/<int:pk>/annuler/", views.withdraw, name="withdraw"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/accepter/", views.accept, name="accept"),
    path("invitations/<int:pk>/refuser/", views.decline, name="decline"),
    path("invitations/<int:pk>/quitter/", views.leave, name="leave"),
]
