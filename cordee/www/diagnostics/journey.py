"""The self-diagnostic's answers travel from screen to screen in a signed hidden field: nothing is stored."""

from django.core import signing

SALT = "cordee.diagnostics.self-journey"
MAX_AGE = 6 * 3600  # seconds: a person may pause, not for days


def dump_state(version_code: str, answers: dict) -> str:
    return signing.dumps({"v": version_code, "a": answers}, salt=SALT, compress=True)


def load_state(token: str) -> tuple[str, dict] | None:
    """(version code, answers), or None when the field is missing, altered or too old."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), dict) or not isinstance(data.get("v"), str):
        return None
    return data["v"], {str(key): str(value) for key, value in data["a"].items()}
