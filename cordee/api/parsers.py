"""The API reads JSON only, within bounds: size, nesting depth, no NUL character and no lone UTF-16 surrogate
(``"\\ud800"``, which JSON allows but no database or UTF-8 text can hold) in any text."""

import json
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from cordee.api.errors import BodyTooDeep, BodyTooLarge
from cordee.core.ids import is_number

NUL_MESSAGE = "Le caractère nul (\\u0000) n'est pas accepté."
SURROGATE_MESSAGE = "Le texte contient un demi-caractère (\\ud800 à \\udfff seul) : envoyez un texte UTF-8 valide."
SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL_MESSAGE
    if SURROGATE.search(text):
        return SURROGATE_MESSAGE
    return None


def max_body_size() -> int:
    return settings.API_MAX_BODY_SIZE


def max_depth() -> int:
    return settings.API_MAX_JSON_DEPTH


def _reject_constant(name):
    raise ValueError(f"{name} n'est pas une valeur JSON")


def check_structure(data, limit: int) -> None:
    """Raise BodyTooDeep past ``limit`` levels, ValidationError on a NUL character or a lone surrogate (with the
    field's path)."""
    stack = [(data, 1, "")]
    nul_errors = {}
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                raise BodyTooDeep(f"Le JSON envoyé est trop imbriqué (au plus {limit} niveaux).")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                problem = _text_problem(key) if isinstance(key, str) else None
                if problem:
                    nul_errors[path or "non_field_errors"] = problem
                stack.append((item, depth + 1, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, str) and (problem := _text_problem(value)):
            nul_errors[path or "non_field_errors"] = problem
    if nul_errors:
        raise ValidationError(nul_errors)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, bounded: a body too large, too deep or holding NUL characters is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_size()
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and is_number(declared) and int(declared) > limit:
            raise BodyTooLarge(f"Le corps de la requête est trop volumineux (au plus {limit} octets).")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(f"Le corps de la requête est trop volumineux (au plus {limit} octets).")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise BodyTooDeep(f"Le JSON envoyé est trop imbriqué (au plus {max_depth()} niveaux).") from None
        except json.JSONDecodeError as error:
            raise ParseError(
                f"Le corps de la requête n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno})."
            ) from None
        except (UnicodeDecodeError, LookupError):
            raise ParseError("Le corps de la requête n'est pas un JSON valide (UTF-8 attendu).") from None
        except ValueError:  # NaN, Infinity: not JSON
            raise ParseError("Le corps de la requête n'est pas un JSON valide (NaN et Infinity refusés).") from None
        check_structure(data, max_depth())
        return data
