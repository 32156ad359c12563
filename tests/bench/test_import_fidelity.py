"""Import fidelity on realistic variants of the real files (``make bench``; never part of ``make test``).

The rows of four real files (../shared/data/lieux: Hub du Sud v1, Hub du Sud v0.1, Hinaura v0.1, the first
rows of the data·inclusion v0.1 aggregate) are written again the way other real exports write them, then
imported. What Cordée reads from the original row, word for word, is the reference; the figure per field is
the share of the reference's values that the import of the variant still gives (and, apart, the values it
adds that the reference did not have). Variants, each a whole file with one consistent style:

- « tableur » (CSV ``;``, as a spreadsheet saves it): column names as people type them (``Nom``, ``SIRET``,
  ``Code postal``, ``Courriel``, ``horaires_ouverture``, ``thematiques``, ``labels_nat``, ``Date de mise à
  jour``), multi-values separated by ``; `` or ``, ``, curly apostrophes, a non-breaking space now and then,
  accents dropped in a fifth of the values, the first letter lowered in a third, one typing slip (a letter
  left out) in 2 % of the long values, 5 % of the services written as one sentence, phones written
  ``05 55 …`` or ``05.55.…`` and two numbers joined by `` / ``, dates ``JJ/MM/AAAA``;
- « data·inclusion » (JSON, v0.1 files only): values as data·inclusion slugs (``numerique--prendre-en-main-
  un-ordinateur``, ``seniors-65``, ``gratuit-sous-conditions``, ``conseiller-numerique``) taken from the
  data·inclusion referentials, lists as JSON arrays or as Python lists written in text, phones
  ``+33 5 55 …``;
- « export v1 abîmé » (JSON): the reference's v1 values written in capitals or in lower case, separated by
  `` / `` or new lines, singular and plural swapped (``Senior``, ``Handicap mental``), column names
  ``pivot (siret ou rna)``, ``courriels``, ``horaires_osm``.

Every variant also repeats 5 % of its ids with an older copy (two years earlier, fewer services, another
name), before or after the newer one: the newer one must be kept.

Communes and overseas phone country codes are measured elsewhere; the communes reference is left empty
here so that only values count. Writes the figures to docs/benchmarks.md between the fidelity markers.
``BENCH_FIDELITY_ROWS=200`` caps the rows taken from each file (for a quick run).
"""

import csv
import datetime as dt
import json
import os
import platform
import random
import re
import time
from pathlib import Path

import pytest
from django.utils.text import slugify
from unidecode import unidecode

from cordee.aggregation.importing.importer import import_file
from cordee.aggregation.importing.validation import CommuneIndex, validate_row
from cordee.places.models import Place

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
WORK = ROOT / "var" / "bench" / "fidelity"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- fidelity-bench:begin -->", "<!-- fidelity-bench:end -->"
FILES = [
    ("lieux/lmn-v1/hub-du-sud-2023-05-17.json", None),
    ("lieux/lmn-v0.1/hub-du-sud-2023-05-16.json", None),
    ("lieux/lmn-v0.1/hinaura-2021.json", None),
    ("lieux/lmn-v0.1/data-inclusion-2023-02-06.json", 1500),
]
ENUM_COLUMNS = [
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "publics_accueillis",
    "conditions_acces",
    "labels_nationaux",
    "typologie",
]
# What is measured: name shown → function of the validated values (or Place) giving a set of values.
MEASURES = {
    "services": lambda v: set(v["services"]),
    "publics et prises en charge": lambda v: set(v["publics"]) | set(v["specific_support"]),
    "frais (et Pass numérique)": lambda v: set(v["fees"]) | ({"Pass numérique"} if v["pass"] else set()),
    "dispositifs et labels": lambda v: set(v["national_programmes"]) | set(v["training_labels"]),
    "modalités d'accès et d'accompagnement": lambda v: set(v["access_modes"]) | set(v["support_modes"]),
    "typologie": lambda v: set(v["typologies"]),
    "horaires": lambda v: {v["opening_hours"]} - {""},
    "SIRET (pivot)": lambda v: {v["pivot"]} - {""},
    "téléphones valides": lambda v: set(v["phones"]),
    "courriels": lambda v: set(v["emails"]),
}
GOALS = {"services": 0.98, "publics et prises en charge": 0.98, "frais (et Pass numérique)": 0.98}
EXACT_GOALS = {"horaires", "SIRET (pivot)", "téléphones valides"}
TABLEUR_COLUMNS = {
    "id": "ID",
    "nom": "Nom",
    "pivot": "SIRET",
    "commune": "Commune",
    "code_postal": "Code postal",
    "code_insee": "Code INSEE",
    "adresse": "Adresse",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "courriels": "Courriel",
    "horaires": "horaires_ouverture",
    "services": "thematiques",
    "labels_nationaux": "labels_nat",
    "publics_accueillis": "Publics accueillis",
    "conditions_acces": "Conditions d'accès",
    "modalites_accompagnement": "Modalités d'accompagnement",
    "frais_a_charge": "Frais",
    "date_maj": "Date de mise à jour",
    "presentation_resume": "Présentation",
}
ABIME_COLUMNS = {"pivot": "pivot (siret ou rna)", "courriel": "courriels", "horaires": "horaires_osm"}

pytestmark = [
    pytest.mark.bench,
    pytest.mark.django_db,
    pytest.mark.skipif(not SHARED.exists(), reason="shared/data absent : fichiers réels indisponibles"),
]


def load_rows():
    cap = int(os.environ.get("BENCH_FIDELITY_ROWS", "0")) or None
    rows = []
    for relative, limit in FILES:
        data = json.loads((SHARED / relative).read_text(encoding="utf-8"))
        data = data.get("data", data) if isinstance(data, dict) else data
        limit = min(filter(None, [limit, cap]), default=None)
        for item in data[:limit]:
            item = {key: value for key, value in item.items() if value not in (None, "", [])}
            item["id"] = f"{Path(relative).stem}-{item.get('source', '')}-{item['id']}"
            item.pop("source", None)  # one source per variant file: ids are made unique above
            rows.append((relative, item))
    return rows


def referentials():
    """data·inclusion labels → slugs (profils, frais, labels nationaux), compared without case nor accents."""
    slugs = {}
    for name in ("profils", "frais", "labels-nationaux"):
        items = json.loads((SHARED / "standard" / "data-inclusion" / "v0" / f"{name}.json").read_text("utf-8"))
        for item in items:
            slugs[slugify(item["label"].replace("’", "'"))] = item["value"]
    return slugs


def split(value):
    return [part.strip() for part in re.split(r"[|;]", str(value)) if part.strip()]


def reference(number, raw):
    outcome = validate_row(number, raw, CommuneIndex())
    values = dict(outcome.values, **{"pass": outcome.accepts_pass_numerique})
    return values


def of_place(place):
    values = {
        name: getattr(place, name)
        for name in (
            "services",
            "publics",
            "specific_support",
            "fees",
            "national_programmes",
            "training_labels",
            "access_modes",
            "support_modes",
            "typologies",
            "opening_hours",
            "pivot",
            "phones",
            "emails",
            "name",
        )
    }
    values["pass"] = place.accepts_pass_numerique
    return values


class Writer:
    """Writes one variant of a row (a dict of column → text or list), with its style."""

    def __init__(self, style, seed):
        self.style, self.random = style, random.Random(seed)
        self.slugs = referentials() if style == "data·inclusion" else {}

    def chance(self, share):
        return self.random.random() < share

    def row(self, raw, ref):
        out = {}
        if self.style == "export v1 abîmé":
            raw = {
                column: value for column, value in raw.items() if column not in ENUM_COLUMNS or column == "typologie"
            }
            raw.update({column: "|".join(values) for column, values in self.v1_values(ref).items() if values})
        for column, value in raw.items():
            if column in ENUM_COLUMNS:
                value = self.values(column, raw, ref, split(value))
            elif column in ("telephone",):
                value = self.phones(ref["phones"], value)
            elif column == "date_maj" and self.style == "tableur":
                date = dt.date.fromisoformat(str(value)[:10]) if re.match(r"^\d{4}-\d\d-\d\d", str(value)) else None
                value = date.strftime("%d/%m/%Y") if date else value
            out[self.column(column)] = value
        return out

    def column(self, column):
        table = {"tableur": TABLEUR_COLUMNS, "export v1 abîmé": ABIME_COLUMNS}.get(self.style, {})
        return table.get(column, column)

    def values(self, column, raw, ref, parts):
        if self.style == "data·inclusion":
            return self.slugged(column, parts)
        if self.style == "export v1 abîmé":
            return self.abime(column, ref, parts)
        parts = [self.typed(part) for part in parts]
        if column == "services" and len(parts) > 1 and self.chance(0.05):
            return "Nous proposons : " + ", ".join(part[:1].lower() + part[1:] for part in parts) + "."
        return (
            self.random.choice(["; ", ", ", ";"]).join(parts)
            if not any("," in part for part in parts)
            else "; ".join(parts)
        )

    def typed(self, text):
        text = text.replace("'", "’") if self.chance(0.7) else text
        if self.chance(0.2):
            text = unidecode(text).replace("'", "’") if "’" in text else unidecode(text)
        if self.chance(0.33):
            text = text[:1].lower() + text[1:]
        if self.chance(0.05):
            text = text.replace(" ", "\u00a0", 1)
        if len(text) >= 12 and self.chance(0.02):
            position = self.random.randrange(2, len(text) - 2)
            text = text[:position] + text[position + 1 :]
        return text

    def slugged(self, column, parts):
        slugs = []
        for part in parts:
            key = slugify(part.replace("’", "'"))
            if column == "services":
                slugs.append(f"numerique--{key}")
            elif column == "typologie":
                slugs.append(part)
            else:
                slugs.append(self.slugs.get(key, self.slugs.get(slugify(part.split(" : ")[0]), key)))
        if self.chance(0.5):
            return slugs  # a JSON array (the reader joins it with "|")
        return repr(slugs)  # a Python list written as text

    @staticmethod
    def v1_values(ref):
        """The reference's values in the v1 columns (the Pass numérique, which v1 lacks, written in the fees)."""
        return {
            "services": ref["services"],
            "publics_specifiquement_adresses": ref["publics"],
            "prise_en_charge_specifique": ref["specific_support"],
            "frais_a_charge": ref["fees"] + (["Pass numérique"] if ref["pass"] else []),
            "dispositif_programmes_nationaux": ref["national_programmes"],
            "formations_labels": ref["training_labels"],
            "modalites_acces": ref["access_modes"],
            "modalites_accompagnement": ref["support_modes"],
        }

    def abime(self, column, ref, parts):
        written = []
        for value in parts:
            value = value.upper() if self.chance(0.3) else value.lower() if self.chance(0.3) else value
            words = value.split(" ")
            # Singular and plural swapped in words, not in codes (ASSO, CCAS).
            if column != "typologie" and self.chance(0.3) and len(words[0]) > 3:
                words[0] = words[0][:-1] if words[0][-1] in "sS" else words[0] + "s"
            written.append(" ".join(words))
        return self.random.choice([" / ", "\n", " | "]).join(written)

    def phones(self, phones, original):
        if not phones:
            return original
        written = []
        for phone in phones:
            national = "0" + phone[3:] if phone.startswith("+33") else phone
            pairs = [national[i : i + 2] for i in range(0, len(national), 2)] if national.startswith("0") else [phone]
            if self.style == "tableur":
                written.append(self.random.choice([" ", ".", ""]).join(pairs))
            elif self.style == "data·inclusion" and phone.startswith("+33"):
                written.append(f"+33 {phone[3]} " + " ".join(phone[4 + i : 6 + i] for i in range(0, 8, 2)))
            else:
                written.append(phone)
        return " / ".join(written) if self.style == "tableur" else "|".join(written)


def older_copy(row, writer, date):
    copy = dict(row)
    older = date.replace(year=date.year - 2, day=min(date.day, 28))
    for column in list(copy):
        if column.lower().startswith("date"):
            copy[column] = older.isoformat() if writer.style != "tableur" else older.strftime("%d/%m/%Y")
        if column in ("services", "thematiques") and copy[column]:
            copy[column] = split(str(copy[column]))[0] if isinstance(copy[column], str) else copy[column][:1]
        if column in ("nom", "Nom"):
            copy[column] = f"{copy[column]} (ancienne fiche)"
    return copy


def build_variant(style, rows, references, seed):
    writer = Writer(style, seed)
    written, repeated = [], {}
    for (relative, raw), ref in zip(rows, references, strict=True):
        if style == "data·inclusion" and "lmn-v1" in relative:
            continue
        row = writer.row(raw, ref)
        date = ref["source_updated_on"]
        if date and writer.chance(0.05):
            copy = older_copy(row, writer, date)
            written.extend([copy, row] if writer.chance(0.5) else [row, copy])
            repeated[raw["id"]] = ref["name"]
        else:
            written.append(row)
    WORK.mkdir(parents=True, exist_ok=True)
    if style == "tableur":
        path = WORK / "variante-tableur.csv"
        columns = list(dict.fromkeys(column for row in written for column in row))
        with path.open("w", encoding="utf-8", newline="") as out:
            csv_writer = csv.DictWriter(out, fieldnames=columns, delimiter=";")
            csv_writer.writeheader()
            csv_writer.writerows(written)
    else:
        path = WORK / f"variante-{slugify(style)}.json"
        path.write_text(json.dumps(written, ensure_ascii=False), encoding="utf-8")
    return path, repeated


def measure(style, rows, references):
    path, repeated = build_variant(style, rows, references, seed=len(style))
    Place.objects.all().delete()
    started = time.monotonic()
    report = import_file(path, source_name=slugify(style), communes=CommuneIndex())
    seconds = time.monotonic() - started
    places = {place.source_id: of_place(place) for place in Place.objects.order_by("pk")}
    figures = {name: [0, 0, 0] for name in MEASURES}  # reference values, kept, added
    for (relative, raw), ref in zip(rows, references, strict=True):
        if style == "data·inclusion" and "lmn-v1" in relative:
            continue
        got = places.get(raw["id"])
        for name, read in MEASURES.items():
            expected = read(ref)
            found = read(got) if got else set()
            figures[name][0] += len(expected)
            figures[name][1] += len(expected & found)
            figures[name][2] += len(found - expected)
    newest = sum(1 for key, name in repeated.items() if places.get(key, {}).get("name") == name)
    return {
        "rows": report.total,
        "seconds": round(seconds, 1),
        "figures": figures,
        "repeated": (newest, len(repeated)),
        "stats": report.value_stats.counts,
    }


def test_import_fidelity_on_realistic_variants():
    rows = load_rows()
    references = [reference(number, raw) for number, (_relative, raw) in enumerate(rows, start=1)]
    results = {style: measure(style, rows, references) for style in ("tableur", "data·inclusion", "export v1 abîmé")}
    write_doc(results, len(rows))
    for style, result in results.items():
        print(style, result["rows"], result["repeated"], result["figures"])
    for style, result in results.items():
        assert result["repeated"][0] == result["repeated"][1], style
        for name, goal in GOALS.items():
            total, kept, _added = result["figures"][name]
            assert not total or kept / total >= goal, (style, name, kept, total)
        for name in EXACT_GOALS:
            total, kept, _added = result["figures"][name]
            assert kept == total, (style, name, kept, total)


def share(kept, total):
    if not total:
        return "—"
    figure = f"{kept / total * 100:.1f}" if kept == total else f"{min(kept / total * 100, 99.99):.2f}"
    return figure.replace(".", ",") + "\u00a0%"


def number(value):
    return f"{value:,}".replace(",", "\u202f")


def write_doc(results, source_rows):
    styles = list(results)
    lines = [
        BEGIN,
        f"Mesuré le {dt.date.today():%d/%m/%Y} ({platform.machine()}, Python {platform.python_version()}, SQLite) "
        f"sur {number(source_rows)} lignes réelles"
        + " (Hub du Sud v1 et v0.1, Hinaura, 1 500 premières lignes de data·inclusion), réécrites en trois "
        "variantes (`tests/bench/test_import_fidelity.py`). Part des valeurs lues dans la ligne d'origine que "
        "l'import de la variante retrouve ; entre parenthèses, les valeurs ajoutées que l'original n'avait pas.",
        "",
        "| champ | " + " | ".join(styles) + " |",
        "|---|" + "---:|" * len(styles),
    ]
    for name in MEASURES:
        cells = []
        for style in styles:
            total, kept, added = results[style]["figures"][name]
            cells.append(
                f"{share(kept, total)} ({number(kept)}/{number(total)}" + (f", +{added}" if added else "") + ")"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(
        "| identifiant répété : la ligne la plus récente gardée | "
        + " | ".join(f"{results[s]['repeated'][0]}/{results[s]['repeated'][1]}" for s in styles)
        + " |"
    )
    lines.append(
        "| lignes du fichier, durée de l'import | "
        + " | ".join(f"{number(results[s]['rows'])}, {str(results[s]['seconds']).replace('.', ',')} s" for s in styles)
        + " |"
    )
    lines.append("")
    lines.append("Valeurs des listes fermées, par manière de les lire (toutes colonnes) :")
    lines.append("")
    lines.append("| variante | exactes | normalisées | rapprochées | lues dans un texte | non reconnues |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for style in styles:
        total = {}
        for counts in results[style]["stats"].values():
            for how, count in counts.items():
                total[how] = total.get(how, 0) + count
        lines.append(
            f"| {style} | "
            + " | ".join(
                number(total.get(how, 0))
                for how in ("exact", "normalisé", "rapproché", "lu dans un texte", "non reconnu")
            )
            + " |"
        )
    lines.append(END)
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = (
            text.rstrip()
            + "\n\n## Fidélité des imports\n\n"
            + "`make bench` lance aussi `tests/bench/test_import_fidelity.py` : les lignes de fichiers réels, "
            "réécrites comme d'autres exports réels les écrivent, sont importées ; on compte ce qui est retrouvé. "
            "Objectifs : au moins 98 % pour les services, les publics et les frais ; 100 % pour les horaires, le "
            "SIRET et les téléphones valides. Commande : `.venv/bin/pytest -m bench -p no:randomly -s "
            "tests/bench/test_import_fidelity.py`.\n\n" + block + "\n"
        )
    DOC.write_text(text, encoding="utf-8")
