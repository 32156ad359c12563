"""Rebuild the territory files shipped in this folder from the raw sources.

Usage, from the project root (the raw sources are not needed at run time, only to rebuild):

    .venv/bin/python cordee/territories/data/build.py [--source ../shared/data]

Reads ``territoires/{regions,departements,epci}.csv``, ``territoires/communes.csv.gz`` and
``fragilite/ifn-{communes-2023-08-24,epci}.csv`` under the source folder, and writes
``regions.csv``, ``departements.csv``, ``epci.csv.gz`` and ``communes.csv.gz`` next to this script,
with the digital fragility index merged into the EPCI and commune files (rounded to 3 decimals).
Paris, Lyon and Marseille get the postal codes of their municipal arrondissements. Each département gets
its time zone (``fuseau_horaire``) from the table of ``cordee/territories/time_zones.py``.
With ``--articles`` (the ``communes.json`` of the npm package ``@etalab/decoupage-administratif``, Licence Ouverte
2.0), the 2,223 communes whose name the source gives without its article ("Couronne", "Prêcheur") get it back
("La Couronne", "Le Prêcheur"): a name is taken from that file only when it is the source's with an article
before it. Only the standard library is used, so the script runs without Django.
"""

import argparse
import csv
import gzip
import importlib.util
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _time_zones():
    """The time zone table, read without importing the package (and so without Django)."""
    spec = importlib.util.spec_from_file_location("time_zones", HERE.parent / "time_zones.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DEFAULT_TIME_ZONE, module.TIME_ZONES


DEFAULT_SOURCE = HERE.parents[2].parent / "shared" / "data"

FRAGILITY_COLUMNS = {
    # source column → shipped column
    "no_thd_coverage_rate": "fragilite_sans_thd",
    "no_4g_coverage_rate": "fragilite_sans_4g",
    "poverty_rate": "fragilite_pauvrete",
    "older_65_rate": "fragilite_65_ans_et_plus",
    "nscol15p_rate": "fragilite_sans_diplome",
    "total": "fragilite_total",
}
COMMUNE_COLUMNS = [
    "code_insee",
    "type",
    "nom",
    "departement_code",
    "epci_siren",
    "commune_parent_code",
    "population",
    "latitude",
    "longitude",
    "codes_postaux",
    *FRAGILITY_COLUMNS.values(),
]
EPCI_COLUMNS = ["siren", "nom", "type", *FRAGILITY_COLUMNS.values()]


def read_csv(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fragility_by_code(path):
    scores = {}
    for row in read_csv(path):
        scores[row["code"]] = {
            target: (f"{float(row[source]):.3f}".rstrip("0").rstrip(".") if row[source] else "")
            for source, target in FRAGILITY_COLUMNS.items()
        }
    return scores


ARTICLES = ("La ", "Le ", "Les ", "L'", "Aux ", "Las ", "Los ")


def names_with_articles(path):
    """INSEE code → official name, from the decoupage-administratif communes (None: keep the source's names)."""
    if path is None:
        return {}
    return {row["code"]: row["nom"] for row in json.loads(Path(path).read_text(encoding="utf-8"))}


def with_article(name, official):
    """The official name when it is the source's with its article before it, else the source's name."""
    if official and official != name and any(official == article + name for article in ARTICLES):
        return official
    return name


def write_csv(path, columns, rows):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        # mtime=0 makes the output reproducible: rebuilding unchanged sources gives identical bytes.
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(data)
    else:
        path.write_bytes(data)
    print(f"{path.name}: {len(rows)} lignes", file=sys.stderr)


def build(source: Path, target: Path, articles: Path | None = None):
    territoires = source / "territoires"
    fragilite = source / "fragilite"
    no_scores = dict.fromkeys(FRAGILITY_COLUMNS.values(), "")

    write_csv(target / "regions.csv", ["code", "nom"], read_csv(territoires / "regions.csv"))
    default_zone, zones = _time_zones()
    departements = [
        {**row, "fuseau_horaire": zones.get(row["code"], default_zone)}
        for row in read_csv(territoires / "departements.csv")
    ]
    write_csv(target / "departements.csv", ["code", "nom", "region_code", "fuseau_horaire"], departements)

    epci_scores = fragility_by_code(fragilite / "ifn-epci.csv")
    epcis = [
        {"siren": row["siren"], "nom": row["nom"], "type": row["type"], **epci_scores.get(row["siren"], no_scores)}
        for row in read_csv(territoires / "epci.csv")
    ]
    write_csv(target / "epci.csv.gz", EPCI_COLUMNS, sorted(epcis, key=lambda row: row["siren"]))

    commune_scores = fragility_by_code(fragilite / "ifn-communes-2023-08-24.csv")
    official_names = names_with_articles(articles)
    communes = [
        {
            "code_insee": row["code_insee"],
            "type": row["type"],
            "nom": with_article(row["nom"], official_names.get(row["code_insee"])),
            "departement_code": row["departement_code"],
            "epci_siren": row["epci_siren"],
            "commune_parent_code": row["commune_parent_code"],
            "population": row["population_municipale"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "codes_postaux": "|".join(row["codes_postaux"].split()),
            **commune_scores.get(row["code_insee"], no_scores),
        }
        for row in read_csv(territoires / "communes.csv.gz")
    ]
    # Paris, Lyon and Marseille have no postal code of their own: give them those of their arrondissements.
    by_code = {row["code_insee"]: row for row in communes}
    for row in communes:
        parent = by_code.get(row["commune_parent_code"])
        if parent is not None and row["codes_postaux"]:
            codes = set(filter(None, parent["codes_postaux"].split("|"))) | set(row["codes_postaux"].split("|"))
            parent["codes_postaux"] = "|".join(sorted(codes))
    write_csv(target / "communes.csv.gz", COMMUNE_COLUMNS, sorted(communes, key=lambda row: row["code_insee"]))


def main():
    parser = argparse.ArgumentParser(description="Reconstruit les fichiers de territoires livrés avec Cordée.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="dossier des données brutes")
    parser.add_argument(
        "--articles", type=Path, help="communes.json de @etalab/decoupage-administratif (noms avec leur article)"
    )
    args = parser.parse_args()
    build(args.source, HERE, args.articles)


if __name__ == "__main__":
    main()
