"""Merging two records of the same person: everything that refers to the one dropped moves to the one kept.

Which rows move is read from the models (every foreign key to ``Beneficiary``: activities, workshop
participations, diagnostics, referrals, Pass numérique distributions…), so an app added later is merged too
without being named here. A row that would then repeat one of the kept person's (the same workshop twice)
is dropped: figures on the activities do not change. The kept person takes what they lacked (year of birth,
commune, gender, status). Journaled; the dropped record is then deleted.
"""

from django.db import transaction

from cordee.beneficiaries import perms
from cordee.beneficiaries.enums import Gender, Status
from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import Invalid, NotFound, Refused
from cordee.journal.services import record


def _unique_sets(model, field_name):
    """The unique constraints of ``model`` that include ``field_name``, as lists of field names."""
    sets = [list(fields) for fields in model._meta.unique_together]
    sets += [list(constraint.fields) for constraint in model._meta.total_unique_constraints]
    return [fields for fields in sets if field_name in fields and len(fields) > 1]


def _relations():
    for relation in Beneficiary._meta.related_objects:
        if relation.many_to_many or relation.related_model is Beneficiary:
            continue  # an M2M moves through its own model's foreign key, which is listed too
        yield relation.related_model, relation.field


@transaction.atomic
def merge(actor, kept: Beneficiary, dropped: Beneficiary) -> dict[str, int]:
    """Move everything of ``dropped`` to ``kept``, then delete ``dropped``. Returns rows moved per model."""
    if kept.pk == dropped.pk:
        raise Invalid("Choisissez deux personnes différentes.", reason="merge_same_person")
    visible = perms.visible_beneficiaries(actor)
    locked = {
        person.pk: person
        for person in visible.select_for_update(of=("self",)).filter(pk__in=[kept.pk, dropped.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise NotFound("Personne introuvable, ou vous ne la suivez pas.")
    kept, dropped = locked[kept.pk], locked[dropped.pk]
    if kept.structure_id != dropped.structure_id:
        raise Refused(
            "Seules deux personnes suivies par la même structure peuvent être fusionnées.",
            reason="merge_other_structure",
        )
    if kept.is_anonymised or dropped.is_anonymised:
        raise Refused("Une personne anonymisée ne peut pas être fusionnée.", reason="merge_anonymised")
    moved = {}
    for model, field in _relations():
        rows = model._base_manager.filter(**{field.name: dropped})
        for fields in _unique_sets(model, field.name):
            others = [name for name in fields if name != field.name]
            taken = set(model._base_manager.filter(**{field.name: kept}).values_list(*others))
            repeated = [pk for pk, *values in rows.values_list("pk", *others) if tuple(values) in taken]
            model._base_manager.filter(pk__in=repeated).delete()
        count = rows.update(**{field.name: kept})
        if count:
            moved[model._meta.label_lower] = count
    changed = []
    if kept.birth_year is None and dropped.birth_year is not None:
        kept.birth_year, changed = dropped.birth_year, [*changed, "birth_year"]
    if kept.commune_id is None and dropped.commune_id is not None:
        kept.commune_id, changed = dropped.commune_id, [*changed, "commune"]
    if kept.gender == Gender.UNKNOWN and dropped.gender != Gender.UNKNOWN:
        kept.gender, changed = dropped.gender, [*changed, "gender"]
    if kept.status == Status.UNKNOWN and dropped.status != Status.UNKNOWN:
        kept.status, changed = dropped.status, [*changed, "status"]
    if changed:
        kept.save(update_fields=changed)
    dropped_id = dropped.pk
    dropped.delete()
    record(actor, "beneficiary.merged", kept, structure_id=kept.structure_id, dropped_id=dropped_id, moved=moved)
    return moved
