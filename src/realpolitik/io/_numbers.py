"""Numbers written with a decimal comma (``40,5``) in the delimited readers.

A comma between digits is a decimal comma where nothing else can be meant: in a file whose
fields are separated by ``;`` (the convention of locales that write decimal commas), or
when fewer or more than three digits follow it (a thousands separator groups exactly three).
``1,000`` in a comma- or tab-separated file could be one or a thousand: refused, with both
spellings. A number with both marks (``1.234,5``, ``1,234.5``) is refused with the plain
spelling. The readers record what they read this way in the scenario's notes.
"""

from __future__ import annotations

import re

_COMMA = re.compile(r"([+-]?\d+),(\d+)")
_BOTH = re.compile(r"[+-]?\d{1,3}(?:[.,]\d{3})+[.,]\d+|[+-]?\d{1,3}(?:,\d{3}){2,}")


class DecimalComma(ValueError):
    """A number that cannot be read: ``fix`` says exactly what to write instead."""

    def __init__(self, raw: str, fix: str) -> None:
        self.raw, self.fix = raw, fix
        super().__init__(f"{raw!r} {fix}")


def comma_decimal(raw: str, *, separator: str) -> float | None:
    """The value of ``raw`` when it is a number written with a decimal comma (None when it
    has no comma between digits, for the caller's own parsing); DecimalComma when it cannot
    be read unambiguously. ``separator``: the file's field separator."""
    text = raw.strip()
    if _BOTH.fullmatch(text):
        how = ("mixes thousands and decimal marks" if "." in text and "," in text
               else "groups thousands")
        raise DecimalComma(text, f"{how}: write {_plain(text)} (digits and a decimal point "
                                 "only)")
    match = _COMMA.fullmatch(text)
    if match is None:
        return None
    whole, frac = match.groups()
    if separator != ";" and len(frac) == 3:
        raise DecimalComma(text, f"could be a decimal comma or a thousands separator: write "
                                 f"{whole}.{frac} or {whole}{frac}")
    return float(f"{whole}.{frac}")


def _plain(text: str) -> str:
    """``1.234,5`` → ``1234.5``; ``1,234.5`` → ``1234.5``; ``1,234,567`` → ``1234567``."""
    last = max(text.rfind(","), text.rfind("."))
    groups = text.replace(",", ".").split(".")
    if len(groups[-1]) == 3 and text.count(text[last]) > 1:  # 1,234,567: no decimals
        return "".join(groups)
    return "".join(groups[:-1]) + "." + groups[-1]


def note(count: int, first: str) -> str:
    """The scenario note for ``count`` numbers read with a decimal comma."""
    return (f"reader: {count} number{'s' if count != 1 else ''} written with a decimal comma "
            f"read as decimal{'s' if count != 1 else ''} (first: {first})")
