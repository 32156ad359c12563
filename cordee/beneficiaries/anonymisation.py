"""Anonymising followed people in bulk: from the beneficiary file (a selection) and by the retention rule.

The person's personal fields are blanked here and, through ``registry``, in every app that refers to them;
figures stay (activities keep their counts, diagnostics their levels). Each person anonymised is journaled.
"""

from django.db import transaction
from django.utils import timezone

from cordee.beneficiaries import perms, registry
from cordee.beneficiaries.enums import Gender, Status
from cordee.beneficiaries.models import ANONYMISED_ALIAS, Beneficiary
from cordee.core.errors import NotFound
from cordee.journal.services import record


def erase(
    beneficiary: Beneficiary, *, actor=None, action="beneficiary.anonymised", **details
) -> dict[str, int] | None:
    """Blank one person (locked first) everywhere; None when they were already anonymised. Journaled."""
    beneficiary = Beneficiary.objects.select_for_update(of=("self",)).get(pk=beneficiary.pk)
    if beneficiary.is_anonymised:
        return None
    changed = {name: eraser(beneficiary) for name, eraser in sorted(registry.erasers().items())}
    beneficiary.alias = ANONYMISED_ALIAS
    beneficiary.birth_year = None
    beneficiary.commune = None
    beneficiary.gender = Gender.UNKNOWN
    beneficiary.status = Status.UNKNOWN
    beneficiary.anonymised_at = timezone.now()
    beneficiary.save(update_fields=["alias", "birth_year", "commune", "gender", "status", "anonymised_at"])
    record(actor, action, beneficiary, structure_id=beneficiary.structure_id, changed=changed, **details)
    return changed


@transaction.atomic
def anonymise_many(actor, beneficiary_ids) -> int:
    """Anonymise the people of ``beneficiary_ids`` that ``actor`` follows; returns how many were anonymised.

    Refused as a whole (``NotFound``) if one of them is not the actor's to follow: nothing is changed.
    """
    ids = sorted({int(pk) for pk in beneficiary_ids})
    people = list(perms.visible_beneficiaries(actor).filter(pk__in=ids).order_by("pk"))
    if len(people) != len(ids):
        raise NotFound("Personne introuvable, ou vous ne la suivez pas.")
    done = 0
    for person in people:
        if erase(person, actor=actor, action="beneficiary.anonymised", bulk=True) is not None:
            done += 1
    return done
