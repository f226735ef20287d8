"""App-wide settings read from URL query parameters.

Parsing is strict and forgiving at once: a value we understand is used, anything
else (``lang=xx``, ``present=banana``) is ignored, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping

from nnplay.i18n import LANGUAGES

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_language(value: object) -> str | None:
    """Return a supported language code, or ``None`` for anything else."""
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    return None


def parse_flag(value: object) -> bool | None:
    """Return ``True``/``False`` for the usual spellings, ``None`` otherwise."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def from_query(params: Mapping[str, str]) -> dict[str, object]:
    """Settings found in query parameters; unknown or malformed ones are left out.

    Parameters
    ----------
    params : Mapping
        Query parameters (``st.query_params`` or a plain dict).

    Returns
    -------
    dict
        Possibly empty; keys ``"lang"`` and ``"present"``.
    """
    found: dict[str, object] = {}
    lang = parse_language(params.get("lang"))
    if lang is not None:
        found["lang"] = lang
    present = parse_flag(params.get("present"))
    if present is not None:
        found["present"] = present
    return found
