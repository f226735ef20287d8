"""The one shape of a message for a person: a catalog key, its values and a severity.

The library says what is wrong (a limit, a spec problem, a bad setting) as a
:class:`Message`; only ``nnplay.ui`` translates it, in the session's language,
quoting user-given values as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How a message is shown: an error stops the action, a warning does not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Message:
    """Something to tell a person, in any language.

    Attributes
    ----------
    key : str
        Catalog key (``"keras_lab.problem_units"``).
    values : dict
        Placeholder values (str, int or float). Strings may come from a link or
        a widget: the UI shows them as plain text.
    severity : Severity
    where : str
        What it is about, when that matters (``"layers.2.units"``, ``"lr"``).
    """

    key: str
    values: dict = field(default_factory=dict)
    severity: Severity = Severity.ERROR
    where: str = ""


def errors(messages: list[Message]) -> list[Message]:
    """Only the messages that stop the action."""
    return [m for m in messages if m.severity == Severity.ERROR]
