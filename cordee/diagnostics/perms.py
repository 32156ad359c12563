"""Who may see diagnostics: a person's diagnostics belong to the structure that follows them.

Another structure, a coordinator or a national admin never sees a person's diagnostic (they see figures in
the statistics). A stored self-diagnostic not yet imported is seen by whoever holds its short code.
"""

from cordee.beneficiaries.perms import can_follow_people, following_structure_ids
from cordee.diagnostics.models import Diagnostic
from cordee.structures import perms as structure_perms
from cordee.structures.models import Structure


def visible_diagnostics(user):
    return Diagnostic.objects.filter(structure_id__in=following_structure_ids(user))


def can_view_diagnostic(user, diagnostic) -> bool:
    return diagnostic.structure_id is not None and diagnostic.structure_id in following_structure_ids(user)


def can_run_assisted(user, structure=None) -> bool:
    return can_follow_people(user, structure)


def can_edit_referentiel(user) -> bool:
    return structure_perms.is_national_admin(user)


def statistics_structures(user):
    """Structures whose figures the user may see: their own, their territories', all for a national admin."""
    if structure_perms.is_national_admin(user):
        return Structure.objects.all()
    return structure_perms.visible_structures(user)


def can_view_statistics(user) -> bool:
    return (
        structure_perms.is_national_admin(user)
        or structure_perms.is_coordinator(user)
        or bool(following_structure_ids(user))
    )
