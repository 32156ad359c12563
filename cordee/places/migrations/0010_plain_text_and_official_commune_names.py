"""Stored places as the import now writes them: HTML character references of the sources unescaped
("Clic' &amp; Ressources" → "Clic' & Ressources"), and the commune's name as the référentiel spells it
when the source lost an apostrophe or an accent ("Saint-Donat-sur-lHerbasse" → "Saint-Donat-sur-l'Herbasse").
"""

from django.db import migrations

from cordee.territories.normalize import letters_key, official_commune_name, search_key, unescape_entities

TEXT_FIELDS = [
    "name",
    "address",
    "address_complement",
    "summary",
    "description",
    "original_source",
    "parent_structure",
    "other_training_labels",
    "opening_hours",
    "booking_url",
    "accessibility_url",
]
BATCH = 500


def _communes_by_letters(Commune):
    """Communes by the letters of their name, with their postal codes: for places the import could not attach."""
    communes = {}
    for name, postal_codes in Commune.objects.values_list("name", "postal_codes").iterator(chunk_size=5000):
        communes.setdefault(letters_key(name), []).append((name, set((postal_codes or "").split("|"))))
    return communes


def _official_name(place, communes):
    if place.commune_ref_id is not None:
        return official_commune_name(place.commune_name, place.commune_ref.name)
    if not place.commune_name or not place.postal_code:
        return place.commune_name
    same_postal_code = [
        name
        for name, postal_codes in communes.get(letters_key(place.commune_name), [])
        if place.postal_code in postal_codes
    ]
    return same_postal_code[0] if len(same_postal_code) == 1 else place.commune_name


def forwards(apps, schema_editor):
    Place = apps.get_model("places", "Place")
    communes = _communes_by_letters(apps.get_model("territories", "Commune"))
    changed = []
    fields = set()
    places = Place.objects.select_related("commune_ref").only(
        *TEXT_FIELDS, "search_name", "commune_name", "postal_code", "commune_ref__name"
    )
    for place in places.iterator(chunk_size=2000):
        dirty = False
        for field in TEXT_FIELDS:
            value = getattr(place, field)
            if value and "&" in value:
                plain = unescape_entities(value)
                if plain != value:
                    setattr(place, field, plain)
                    fields.add(field)
                    dirty = True
                    if field == "name":
                        place.search_name = search_key(plain)
                        fields.add("search_name")
        official = _official_name(place, communes)
        if official != place.commune_name:
            place.commune_name = official
            fields.add("commune_name")
            dirty = True
        if dirty:
            changed.append(place)
        if len(changed) >= BATCH:
            Place.objects.bulk_update(changed, sorted(fields))
            changed = []
    if changed:
        Place.objects.bulk_update(changed, sorted(fields))


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0009_place_import_moves_to_aggregation"),
        ("territories", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
