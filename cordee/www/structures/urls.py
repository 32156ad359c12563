from django.urls import path

from cordee.www import roles
from cordee.www.structures import views

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="list"),
    path("structure-active/", roles.acting_structure_switch, name="acting_switch"),
    path("<int:pk>/", views.structure_detail, name="detail"),
    path("<int:pk>/modifier/", views.structure_edit, name="edit"),
    path("<int:pk>/membres/inviter/", views.member_invite, name="member_invite"),
    path("<int:pk>/membres/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/membres/<int:membership_pk>/retirer/", views.member_remove, name="member_remove"),
    path("<int:pk>/invitations/<int:invitation_pk>/annuler/", views.invitation_cancel, name="invitation_cancel"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
