"""How long a session lasts: shorter for staff roles, until the browser closes unless "rester connecté".

- Without "rester connecté" (the default, for shared computers): the cookie ends when the browser closes,
  and the server ends the session ``SESSION_COOKIE_AGE`` after login anyway.
- With "rester connecté": ``SESSION_REMEMBER_AGE`` (30 days by default) — but never more than
  ``SESSION_STAFF_AGE`` (8 hours by default) for staff roles (coordinators, national admins, technical
  administrators), whose accounts reach many places and people.
"""

from django.conf import settings

from cordee.structures import perms as structure_perms


def is_staff_role(user) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    roles = structure_perms.user_roles(user)
    return roles.is_national_admin or roles.is_coordinator


def apply_session_lifetime(request, user, *, remember: bool) -> None:
    """Set the session's expiry right after login."""
    if not remember:
        request.session.set_expiry(0)  # until the browser closes; SESSION_COOKIE_AGE on the server
        return
    if is_staff_role(user):
        request.session.set_expiry(settings.SESSION_STAFF_AGE)
    else:
        request.session.set_expiry(settings.SESSION_REMEMBER_AGE)
