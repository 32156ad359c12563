"""Creating a beneficiary (only with consent) and anonymising one across every app."""

from django.db import transaction
from django.utils import timezone

from cordee.beneficiaries import anonymisation, perms
from cordee.beneficiaries.enums import Gender, Status
from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import Invalid, NotFound
from cordee.journal.services import record


def create_beneficiary(
    actor,
    structure,
    *,
    alias: str,
    consent: bool,
    birth_year=None,
    commune=None,
    gender: str = Gender.UNKNOWN,
    status: str = Status.UNKNOWN,
) -> Beneficiary:
    """A new person followed by ``structure``. Nothing is stored without the person's consent."""
    if not perms.can_follow_people(actor, structure):
        raise NotFound("Structure introuvable, ou vous n'y suivez pas de personnes.")
    errors = {}
    alias = (alias or "").strip()
    if not alias:
        errors["alias"] = "Indiquez un pseudonyme choisi avec la personne."
    if not consent:
        errors["consent"] = "La personne doit être d'accord pour que ses réponses soient gardées."
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        errors["birth_year"] = f"Indiquez une année entre {this_year - 120} et {this_year}."
    gender, status = gender or Gender.UNKNOWN, status or Status.UNKNOWN
    if gender not in Gender.values:
        errors["gender"] = f"Genre inconnu. Valeurs possibles : {', '.join(Gender.values)}."
    if status not in Status.values:
        errors["status"] = f"Situation inconnue. Valeurs possibles : {', '.join(Status.values)}."
    if errors:
        raise Invalid(errors=errors, reason="beneficiary_invalid")
    beneficiary = Beneficiary.objects.create(
        structure=structure,
        alias=alias,
        birth_year=birth_year,
        commune=commune,
        gender=gender,
        status=status,
        consent_given=True,
        consent_at=timezone.now(),
        created_by=actor,
    )
    record(actor, "beneficiary.created", beneficiary, structure_id=structure.pk)
    return beneficiary


@transaction.atomic
def anonymise(actor, beneficiary: Beneficiary) -> dict[str, int]:
    """Blank the person's personal fields here and in every app that refers to them; figures stay.

    Returns the number of rows each registered app changed. Journaled.
    """
    if not perms.can_view_beneficiary(actor, beneficiary):
        raise NotFound("Personne introuvable.")
    return anonymisation.erase(beneficiary, actor=actor) or {}
