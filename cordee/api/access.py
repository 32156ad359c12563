"""Who has a use for an API token: the people some authenticated endpoint serves.

Reading the directory and the territories needs no token. Today a token lets the teams of places
(gestionnaires, médiateurs, conseillers numériques), coordinators and national admins create or edit
places; the members of any structure (aiguilleurs included) store diagnostics of the people they follow and
send or answer referrals. Each new authenticated endpoint adds its people here (the Pass numérique will add
the members of distributing and accepting structures).
"""

from cordee.places.perms import may_manage_any_place
from cordee.structures.perms import user_roles


def may_use_api(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return may_manage_any_place(user) or bool(user_roles(user).kinds)
