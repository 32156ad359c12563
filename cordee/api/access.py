"""Who has a use for an API token: the people some authenticated endpoint serves.

Reading the directory and the territories needs no token. Today a token lets the teams of places
(gestionnaires, médiateurs, conseillers numériques), coordinators and national admins create or edit
places; each new authenticated endpoint adds its people here (the Pass numérique will add the members of
distributing and accepting structures).
"""

from cordee.places.perms import may_manage_any_place


def may_use_api(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and may_manage_any_place(user)
