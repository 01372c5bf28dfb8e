"""Text helpers shared by the PDF and HTML renderings: source markup, Danish dates, name lists."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sample_corpus.profiles import DANISH

FOOTNOTE_RE = re.compile(r"\s*\[\[fn:\s*(.+?)\]\]", re.S)
MUST_BREAK_RE = re.compile(r"(?<!\S)\^(?=\w)")


def plain(text: str) -> str:
    """Text without markup (footnotes, "~" break marks and "^" must-break marks removed)."""
    return MUST_BREAK_RE.sub("", FOOTNOTE_RE.sub("", str(text))).replace("~", "")


def danish_date(day: dt.date) -> str:
    return f"{day.day}. {DANISH.months[day.month - 1]} {day.year}"


def numeric_date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]
