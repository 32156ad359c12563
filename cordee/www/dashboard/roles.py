"""A user's roles, as the dashboard needs them.

Stand-in until ``cordee.structures.perms`` gives the roles: same answers, computed from the user's
flags, coordinator scopes and active memberships.
"""

from django.db import models

from cordee.structures.enums import MembershipRole


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "Administrateur national"
    COORDINATOR = "coordinator", "Coordinateur territorial"
    GESTIONNAIRE = MembershipRole.GESTIONNAIRE.value, MembershipRole.GESTIONNAIRE.label
    MEDIATEUR = MembershipRole.MEDIATEUR.value, MembershipRole.MEDIATEUR.label
    CONSEILLER_NUMERIQUE = MembershipRole.CONSEILLER_NUMERIQUE.value, MembershipRole.CONSEILLER_NUMERIQUE.label
    AIGUILLEUR = MembershipRole.AIGUILLEUR.value, MembershipRole.AIGUILLEUR.label


def user_roles(user):
    """The set of roles of ``user`` (empty for an anonymous visitor)."""
    if not user.is_authenticated:
        return set()
    roles = {Role(role) for role in user.memberships.active().values_list("role", flat=True).distinct()}
    if user.coordinator_scopes.exists():
        roles.add(Role.COORDINATOR)
    if user.is_national_admin:
        roles.add(Role.NATIONAL_ADMIN)
    return roles
