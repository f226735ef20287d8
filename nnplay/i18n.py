"""String catalogs: every string a person sees, in English and Korean.

Catalogs live in ``nnplay/locales/<lang>/<namespace>.json``; a key is
``"<namespace>.<name>"`` (``"logic.title"``). Each page owns its own namespace
file, so pages can be added without touching each other's strings.
"""

from __future__ import annotations

import json
import os
import string
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}
DEFAULT_LANGUAGE = "en"

# With NNPLAY_STRICT_I18N=1 (the tests set it) a missing key raises instead of
# falling back, so a forgotten translation fails loudly.
_STRICT_ENV = "NNPLAY_STRICT_I18N"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Return the merged catalog of one language.

    Parameters
    ----------
    lang : str
        A code from :data:`LANGUAGES`.

    Returns
    -------
    dict
        ``{"namespace.key": "text"}`` for every file in ``locales/<lang>/``.
    """
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        namespace = path.stem
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, text in entries.items():
            merged[f"{namespace}.{key}"] = text
    return merged


def namespaces() -> list[str]:
    """Names of the catalog files (``common``, ``logic``, ...)."""
    return sorted(p.stem for p in (LOCALES_DIR / DEFAULT_LANGUAGE).glob("*.json"))


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Look up ``key`` in ``lang`` and fill in ``{placeholders}``.

    Parameters
    ----------
    key : str
        ``"namespace.name"``.
    lang : str
        Language code; unknown codes fall back to English.
    **values
        Values for ``str.format`` placeholders in the text.

    Returns
    -------
    str
        The text. A key missing from ``lang`` falls back to English, then to
        the key itself, unless strict mode is on, where it raises ``KeyError``.
    """
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    text = catalog(lang).get(key)
    if text is None:
        if os.environ.get(_STRICT_ENV) == "1":
            raise KeyError(f"missing translation {key!r} for {lang!r}")
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a catalog text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
