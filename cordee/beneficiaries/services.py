"""Creating a beneficiary (only with consent), changing their gender and status, and anonymising one across every
app."""

from django.db import transaction
from django.utils import timezone

from cordee.beneficiaries import anonymisation, perms
from cordee.beneficiaries.enums import Gender, Status
from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import Conflict, Invalid, NotFound
from cordee.journal.services import record


def _gender_status_errors(gender: str, status: str) -> dict[str, str]:
    errors = {}
    if gender not in Gender.values:
        errors["gender"] = f"Genre inconnu. Valeurs possibles : {', '.join(Gender.values)}."
    if status not in Status.values:
        errors["status"] = f"Situation inconnue. Valeurs possibles : {', '.join(Status.values)}."
    return errors


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
    errors.update(_gender_status_errors(gender, status))
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


def update_beneficiary(actor, beneficiary: Beneficiary, *, gender: str, status: str) -> Beneficiary:
    """Change a followed person's gender and status (both may be « non communiqué »). Journaled with the names of
    the fields that changed, never their values."""
    if not perms.can_view_beneficiary(actor, beneficiary):
        raise NotFound("Personne introuvable.")
    gender, status = gender or Gender.UNKNOWN, status or Status.UNKNOWN
    errors = _gender_status_errors(gender, status)
    if errors:
        raise Invalid(errors=errors, reason="beneficiary_invalid")
    with transaction.atomic():
        locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        if locked.is_anonymised:  # anonymised meanwhile, perhaps by the scheduled task
            raise Conflict("Cette personne est anonymisée : ses informations ne peuvent plus être modifiées.")
        changed = [name for name, value in (("gender", gender), ("status", status)) if getattr(locked, name) != value]
        if changed:
            locked.gender, locked.status = gender, status
            locked.save(update_fields=changed)
            record(actor, "beneficiary.updated", locked, fields=changed)
    beneficiary.gender, beneficiary.status = gender, status
    return beneficiary


@transaction.atomic
def anonymise(actor, beneficiary: Beneficiary) -> dict[str, int]:
    """Blank the person's personal fields here and in every app that refers to them; figures stay.

    Returns the number of rows each registered app changed. Journaled.
    """
    if not perms.can_view_beneficiary(actor, beneficiary):
        raise NotFound("Personne introuvable.")
    return anonymisation.erase(beneficiary, actor=actor) or {}
