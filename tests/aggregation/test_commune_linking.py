"""Share of rows linked to the right commune, over realistic variants of the real files of shared/data.

Each real row whose commune is known for sure (an INSEE code that serves its postal code and bears
its name, or a name spelt exactly
as the référentiel's among the communes of its postal code, with coordinates near it) is imported as the files
of other territories write it: without the INSEE code, names in capitals without accents, the article at the end
("Couronne (La)"), "St" for "Saint", hyphens as spaces, no postal code, no coordinates… Each variant goes through
the import's row validation (``validate_row``) against the whole shipped référentiel; a municipal arrondissement
and its commune count as the same place. Goal: 99.5 % of the rows linked to the right commune.

The test suite measures every ``SAMPLE_STEP``-th real row (about 1,100 of the 10,916, in all the files): the whole
measure takes minutes on 2 cores, so it runs with ``make bench`` (``tests/bench/test_commune_linking_bench.py``):

    .venv/bin/pytest -n 0 -p no:randomly -m slow -s tests/aggregation/test_commune_linking.py
    .venv/bin/pytest -p no:randomly -m bench -s tests/bench/test_commune_linking_bench.py
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from unidecode import unidecode

from cordee.aggregation.importing.validation import validate_row
from cordee.places.validators import commune_name_keys, distance_km, max_distance_km
from cordee.territories.normalize import departement_code_from, search_key
from tests.places.referentiel import shipped_commune_index, shipped_communes

SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
FILES = [
    "lieux/lmn-v1/hub-du-sud-2023-05-17.json",
    "lieux/lmn-v0.1/hub-du-sud-2023-05-16.json",
    "lieux/lmn-v0.1/hinaura-2021.json",
    "lieux/lmn-v0.1/aix-en-provence.json",
    "lieux/lmn-v0.1/bus-france-services-charente.json",
    "lieux/lmn-v0.1/data-inclusion-2023-02-06.json",
    "lieux/lmn-v0.1/conseillers-numeriques-permanences-2022.json",
]
GOAL = 0.995
SAMPLE_STEP = 10
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared/data absent : fichiers réels indisponibles"),
]
_ARTICLE = re.compile(r"^(La|Le|Les|L')\s*(.+)$")


def _article_last(name):
    match = _ARTICLE.match(name)
    return f"{match.group(2)} ({match.group(1)})" if match else name


VARIANTS = {
    "telle quelle": lambda row: row,
    "sans code INSEE": lambda row: {**row, "code_insee": ""},
    "majuscules sans accents": lambda row: {**row, "code_insee": "", "commune": unidecode(row["commune"]).upper()},
    "article à la fin": lambda row: {**row, "code_insee": "", "commune": _article_last(row["commune"])},
    "St pour Saint": lambda row: {
        **row,
        "code_insee": "",
        "commune": re.sub(r"\bSainte?\b", lambda m: "Ste" if m.group(0) == "Sainte" else "St", row["commune"]),
    },
    "tirets en espaces, minuscules": lambda row: {
        **row,
        "code_insee": "",
        "commune": row["commune"].replace("-", " ").lower(),
    },
    "sans code postal": lambda row: {**row, "code_postal": ""},
    "sans code INSEE ni coordonnées": lambda row: {**row, "code_insee": "", "latitude": "", "longitude": ""},
    "sans code postal ni code INSEE": lambda row: {**row, "code_postal": "", "code_insee": ""},
}


def _same_place(code):
    parent = shipped_communes().get(code, {}).get("parent_id")
    return parent or code


def _truth(row, index):
    """The commune of a real row when it is known for sure, else None (the row is left out)."""
    code = str(row.get("code_insee") or "").strip()
    postal = str(row.get("code_postal") or "").strip()
    name = str(row.get("commune") or "").strip()
    commune = index.by_code.get(code)
    if commune is not None:
        # A code whose commune does not bear the name written: the source contradicts itself (the import keeps
        # the code and flags the place), no truth to measure against.
        return commune if postal in commune.postal_codes and _same_name(name, commune.name) else None
    same_name = [c for c in index.by_postal_code.get(postal, []) if search_key(c.name) == search_key(name)]
    if len(same_name) != 1:
        return None
    commune = same_name[0]
    try:
        latitude, longitude = float(row.get("latitude")), float(row.get("longitude"))
    except (TypeError, ValueError):
        return None
    distance = distance_km(commune, latitude, longitude)
    if distance is None or distance > max_distance_km(departement_code_from(commune.code_insee)):
        return None
    return commune


def _same_name(given, official):
    given_keys, keys = commune_name_keys(given), commune_name_keys(official)
    return bool(set(given_keys) & set(keys)) or search_key(official).startswith(search_key(given) or "-")


def _rows():
    for relative_path in FILES:
        for row in json.loads((SHARED_DATA / relative_path).read_text(encoding="utf-8")):
            yield (
                relative_path,
                {key: value for key, value in row.items() if key != "Adresse"}
                | {
                    "adresse": row.get("adresse") or row.get("Adresse") or "",
                    "commune": str(row.get("commune") or "").strip(),
                },
            )


def measure(step: int = 1) -> float:
    """The share of the variants of every ``step``-th real row linked to the right commune (printed in detail)."""
    index = shipped_commune_index()
    right, total, left_out = Counter(), Counter(), 0
    wrong_examples, flagged = [], 0
    for number, (_path, row) in enumerate(_rows()):
        if number % step:
            continue
        flagged += bool(validate_row(1, row, index).values.get("location_warning"))
        truth = _truth(row, index)
        if truth is None:
            left_out += 1
            continue
        for variant, make in VARIANTS.items():
            variant_row = make(dict(row))
            outcome = validate_row(1, variant_row, index)
            found = outcome.values.get("commune_ref_id")
            total[variant] += 1
            if found and _same_place(found) == _same_place(truth.code_insee):
                right[variant] += 1
            elif len(wrong_examples) < 15:
                wrong_examples.append((variant, variant_row.get("commune"), variant_row.get("code_postal"), found))

    share = sum(right.values()) / sum(total.values())
    print(f"\nUne ligne réelle sur {step} ; commune sûre : {total['telle quelle']} ({left_out} laissées de côté)")
    for variant in VARIANTS:
        print(f"  {variant:<32} {right[variant]:>6} / {total[variant]:<6} {right[variant] / total[variant]:.2%}")
    print(f"Lignes réelles telles quelles signalées « localisation à vérifier » : {flagged}")
    print(f"  {'ensemble':<32} {sum(right.values()):>6} / {sum(total.values()):<6} {share:.2%}")
    for example in wrong_examples:
        print("  manquée :", example)
    return share


def test_share_of_rows_linked_to_the_right_commune():
    assert measure(SAMPLE_STEP) >= GOAL
