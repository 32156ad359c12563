"""A user's roles, as the dashboard sections need them (computed by cordee.structures.perms)."""

from django.db import models

from cordee.structures import perms
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
    return {Role(kind) for kind in perms.user_roles(user).kinds}
