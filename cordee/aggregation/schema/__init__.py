"""Official schemas shipped with Cordée (copies, see README.md in this folder), and their known fixes."""

import copy
import functools
import json
import pathlib

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent
STANDARD_V102_PATH = SCHEMA_DIR / "standard-mediation-num_schema_v1.0.2.json"
DATA_INCLUSION_V1_DIR = SCHEMA_DIR / "data-inclusion-v1"

# The v1.0.2 pattern of formations_labels lacks the space that the schema's own description and real
# files write: « Étapes numériques (La Poste) ». The corrected pattern accepts both spellings.
ETAPES_NUMERIQUES_LITERAL = r"Étapes numériques\(La Poste\)"
ETAPES_NUMERIQUES_CORRECTED = r"Étapes numériques ?\(La Poste\)"


@functools.cache
def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def official_schema(corrected=True) -> dict:
    """The Table Schema of the standard v1.0.2 as a dict (a fresh copy, safe to modify).

    With ``corrected`` (the default), the known defect of the official file is patched in memory: the
    pattern of ``formations_labels`` accepts « Étapes numériques (La Poste) » (with the space, as the
    description and real data write it) as well as the literal « Étapes numériques(La Poste) ».
    Exports write the spelling with the space, so validate them against the corrected schema.
    """
    schema = copy.deepcopy(_load(STANDARD_V102_PATH))
    if corrected:
        for field in schema["fields"]:
            pattern = field.get("constraints", {}).get("pattern")
            if pattern and ETAPES_NUMERIQUES_LITERAL in pattern:
                field["constraints"]["pattern"] = pattern.replace(
                    ETAPES_NUMERIQUES_LITERAL, ETAPES_NUMERIQUES_CORRECTED
                )
    return schema


def data_inclusion_schema(name) -> dict:
    """The JSON Schema of data·inclusion v1 for ``"structure"`` or ``"service"`` (a fresh copy)."""
    if name not in ("structure", "service"):
        raise ValueError(f"schéma data·inclusion inconnu : {name}")
    return copy.deepcopy(_load(DATA_INCLUSION_V1_DIR / f"{name}.json"))
