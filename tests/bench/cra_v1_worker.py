"""One step of the CRA v1 import benchmark in a fresh process; prints a JSON line with its figures.

    python tests/bench/cra_v1_worker.py prepare DATABASE_URL
    python tests/bench/cra_v1_worker.py generate DATABASE_URL FILE ROWS [ID_PREFIX]
    python tests/bench/cra_v1_worker.py import DATABASE_URL FILE

``prepare`` migrates the database and loads the territories. ``generate`` writes a synthetic v1 export of ROWS
rows shaped like the real one (real communes, 3,000 structures with valid SIRETs, 4,000 conseillers, every
oddity: array literals, JSON ``organismes``, duration buckets, trailing ``null`` fields, 1 % of bad rows).
``import`` runs ``import_cra_v1 --wet-run`` and reports its duration, counts and peak memory.
"""

import csv
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

THEMES = [
    "equipement informatique",
    "demarche en ligne",
    "smartphone",
    "courriel",
    "internet",
    "vocabulaire",
    "traitement texte",
    "contenus numeriques",
    "trouver emploi",
    "echanger",
    "tpe/pme",
    "accompagner enfant",
    "securite",
    "fraude et harcelement",
    "sante",
    "diagnostic",
    "budget",
    "scolaire",
    "autre",
]
ORGANISMS = ['{"CAF": 1}', '{"CCAS": 1, "Pôle emploi": 1}', '[{"PAN ANTS": 2}]', '{"Mairie": 1}', "null"]


def _peak_mib():
    """Peak resident memory of this process (VmHWM: ru_maxrss would include the parent's, kept across exec)."""
    status = Path("/proc/self/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def _siret(number):
    base = f"{number:013d}"
    for check in range(10):
        candidate = base + str(check)
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError


def generate(path, rows, prefix="62"):
    from cordee.activities.legacy.rows import COLUMNS
    from cordee.territories.models import Commune

    rng = random.Random(12)
    communes = list(
        Commune.objects.filter(kind="COM")
        .order_by("code_insee")
        .values_list("code_insee", "name", "postal_codes", "departement_id", "departement__region_id")
    )
    structures = []
    for number in range(3000):
        code, name, postal, departement, region = rng.choice(communes)
        structures.append(
            {
                "structure_id": f"5f{number:022x}",
                "structure_id_pg": str(number),
                "structure_type": rng.choice(["PUBLIC", "PRIVATE"]),
                "structure_statut": "VALIDATION_COSELEC",
                "structure_nom": f"STRUCTURE {number}",
                "structure_siret": _siret(443157722 * 10000 + number),
                "structure_code_postal": (postal or "").split("|")[0],
                "structure_nom_commune": name,
                "structure_code_commune": code,
                "structure_code_departement": departement,
                "structure_code_region": region,
            }
        )
    mediators = [f"60{number:022x}" for number in range(4000)]
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(COLUMNS)
        for number in range(rows):
            structure = rng.choice(structures)
            kind = rng.choices(["individuel", "ponctuel", "collectif"], [6, 3, 1])[0]
            participants = rng.randint(2, 12) if kind == "collectif" else 1
            ages = [0] * 5
            statuses = [0] * 5
            for _ in range(participants):
                ages[rng.randrange(5)] += 1
                statuses[rng.randrange(5)] += 1
            duration = rng.choice(["15", "30", "45", "60", "90", "120", "0-30", "30-60"])
            row = {
                "id": f"{prefix}{number:022x}",
                "imported_at": "2024-11-19 13:40:27.325",
                "canal": rng.choices(["rattachement", "autre lieu", "distance", "domicile"], [7, 1, 1, 1])[0],
                "activite": kind if number % 100 else "formation",  # 1 % of rows rejected
                "nb_participants": participants,
                "nb_participants_recurrents": rng.randint(0, participants),
                "themes": "{" + ",".join(rng.sample(THEMES, rng.randint(1, 3))) + "}",
                "sous_themes_sante": "{}",
                "duree": duration,
                "accompagnement_individuel": 0,
                "accompagnement_atelier": 0,
                "accompagnement_redirection": int(rng.random() < 0.1),
                "code_postal": structure["structure_code_postal"],
                "nom_commune": structure["structure_nom_commune"].upper(),
                "date_accompagnement": f"202{rng.randint(1, 4)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                "10:00:00.000",
                "code_commune": structure["structure_code_commune"],
                "created_at": "2024-01-01 10:00:00.000",
                "v1_conseiller_numerique_id": rng.choice(mediators),
                "annotation": "null",
                "sous_themes_accompagner": "{}",
                "sous_themes_equipement_informatique": rng.choice(["{}", "{ordinateur}", "{telephone,tablette}"]),
                "sous_themes_traitement_texte": "{}",
                "organismes": rng.choice(ORGANISMS) if rng.random() < 0.1 else "null",
                "updated_at": "null",
                "duree_minutes": duration if duration.isdigit() else "null",
                **structure,
            }
            for column, value in zip(list(COLUMNS)[6:11], ages, strict=True):
                row[column] = value
            for column, value in zip(list(COLUMNS)[11:16], statuses, strict=True):
                row[column] = value
            writer.writerow([row[column] for column in COLUMNS] + ["null", "null"])
    return {"rows": rows, "bytes": Path(path).stat().st_size}


def main(argv):
    action, database_url = argv[1], argv[2]
    _setup(database_url)
    from django.core.management import call_command

    if action == "prepare":
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_territories", "--wet-run", verbosity=0)
        return {"prepared": True}
    if action == "generate":
        return generate(argv[3], int(argv[4]), *argv[5:6])
    from cordee.activities.legacy.importer import import_cra_v1

    before = _peak_mib()
    started = time.perf_counter()
    result = import_cra_v1(argv[3], wet_run=True, report_path=Path(argv[3]).with_suffix(".report.csv"))
    seconds = time.perf_counter() - started
    return {
        "read": result.read,
        "imported": result.imported,
        "rejected": result.rejected,
        "already": result.already,
        "structures_created": result.structures_created,
        "seconds": round(seconds, 1),
        "rows_per_second": round(result.read / seconds) if seconds else 0,
        "memory_before_mib": round(before),
        "peak_mib": round(_peak_mib()),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv)))
