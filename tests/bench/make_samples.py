"""Build ``tests/bench/data/samples.json`` from real places files (run once; the bench reads the result).

Source: the LaMednum standard files gathered in ``shared/data/lieux`` (lmn-v1/hub-du-sud-2023-05-17.json and
the lmn-v0.1 files: conseillers-numeriques-permanences-2022, data-inclusion-2023-02-06, hinaura-2021,
hub-du-sud-2023-05-16, aix-en-provence, bus-france-services-charente). Only the opening hours strings and the
combinations of closed-list values are kept (no names, addresses or contacts), with how often each occurs.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m tests.bench.make_samples /path/to/shared/data/lieux
"""

import collections
import json
import sys
from pathlib import Path

import django

OUTPUT = Path(__file__).parent / "data" / "samples.json"
MAX_HOURS = 400
MAX_PROFILES = 400


def main(lieux_dir):
    django.setup()
    from cordee.aggregation.importing.validation import CommuneIndex, validate_row

    hours, profiles, files = collections.Counter(), collections.Counter(), []
    communes = CommuneIndex()
    for path in sorted(Path(lieux_dir).glob("lmn-v*/*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        rows = [row.get("properties", row) for row in (rows if isinstance(rows, list) else rows.get("features", []))]
        files.append(f"{path.parent.name}/{path.name}")
        for number, raw in enumerate(rows, start=1):
            text = str(raw.get("horaires") or "").strip()
            hours[text] += 1
            outcome = validate_row(number, {**raw, "id": raw.get("id") or str(number)}, communes)
            values = outcome.values
            profile = (
                tuple(values.get("services", [])),
                tuple(values.get("publics", [])),
                tuple(values.get("specific_support", [])),
                tuple(values.get("fees", [])),
                tuple(values.get("support_modes", [])),
                outcome.accepts_pass_numerique,
            )
            profiles[profile] += 1
    data = {
        "source": "Fichiers réels au standard LaMednum (v1.0 et v0.1) : " + ", ".join(files),
        "hours": hours.most_common(MAX_HOURS),
        "profiles": [
            [
                {
                    "services": p[0],
                    "publics": p[1],
                    "specific_support": p[2],
                    "fees": p[3],
                    "support_modes": p[4],
                    "accepts_pass_numerique": p[5],
                },
                count,
            ]
            for p, count in profiles.most_common(MAX_PROFILES)
        ],
    }
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(data['hours'])} horaires, {len(data['profiles'])} profils")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/lieux")
