"""Text clean-up shared by extractors: line-end hyphenation and running headers/footers."""

import re
import unicodedata
from collections import Counter

# Words after which a line-end hyphen is a suspended compound ("Forsknings- og Analysecenter").
_CONJUNCTIONS = frozenset({"og", "eller", "samt", "til", "som", "end", "and", "or"})

_HYPHEN_BREAK = re.compile(r"(?P<left>[^\W\d_][\w]*)-[ \t]*\n[ \t]*(?P<right>[\w][\w-]*)")


def _join_hyphen(match: re.Match[str]) -> str:
    left, right = match["left"], match["right"]
    if right.lower() in _CONJUNCTIONS:
        return f"{left}- {right}"
    # The hyphen belongs to the word when the rest is itself hyphenated ("gå-hjem-møder"), when
    # the left part is an abbreviation ("EU-borgere", "FN-konventionen"), or when the right part
    # starts a name or a number ("Nord-Vest", "2021-2024").
    if "-" in right or (left.isupper() and len(left) > 1) or not right[0].islower():
        return f"{left}-{right}"
    return f"{left}{right}"


def join_hyphenation(text: str) -> str:
    """Join words split by a hyphen at the end of a line, but keep hyphens that are part of them."""
    return _HYPHEN_BREAK.sub(_join_hyphen, text)


_ZONE = 3  # how many lines at the top and bottom of a page can be a running header or footer


def _line_shape(line: str) -> str:
    """A line with its numbers hidden, so "Side 3 af 12" and "Side 4 af 12" look alike."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _is_page_number(line: str) -> bool:
    return re.fullmatch(r"\s*(side\s*)?\d+(\s*(af|/)\s*\d+)?\s*", line, re.IGNORECASE) is not None


def remove_running_lines(pages: list[str]) -> list[str]:
    """Drop lines that repeat at the top or bottom of most pages, and bare page numbers there.

    A line counts as running when its shape stands in the header or footer zone of at least
    60 % of the pages (and of three pages at least), so a one-off heading is kept.
    """
    if len(pages) < 3:
        return pages
    split = [page.splitlines() for page in pages]
    zone_counts: Counter[str] = Counter()
    for lines in split:
        zone = {_line_shape(line) for line in lines[:_ZONE] + lines[-_ZONE:] if line.strip()}
        zone_counts.update(zone)
    threshold = max(3, int(0.6 * len(pages) + 0.5))
    running = {shape for shape, count in zone_counts.items() if count >= threshold}

    cleaned = []
    for lines in split:
        top, bottom = min(_ZONE, len(lines)), max(len(lines) - _ZONE, _ZONE)

        def keep(index: int, line: str, top: int = top, bottom: int = bottom) -> bool:
            in_zone = index < top or index >= bottom
            return not (in_zone and (_line_shape(line) in running or _is_page_number(line)))

        cleaned.append("\n".join(line for i, line in enumerate(lines) if keep(i, line)))
    return cleaned


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """Text as a database takes it, whatever a file's maker put in: no NUL characters
    (PostgreSQL stores no text with them) and no half of a UTF-16 surrogate pair (a PDF's
    character map may give one; it cannot be written as UTF-8), and letters composed (NFC): a
    decomposed "å" (a and a ring) is not the "å" of "år" or of a name in the knowledge base."""
    return unicodedata.normalize("NFC", _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", "")))


def visible_line(text: str) -> str:
    """A metadata value as one line of what a reader sees: control characters as spaces, and
    invisible format characters (zero-width spaces, direction marks, soft hyphens) left out, so
    a title of nothing but those counts as no title."""
    kept = (
        " " if unicodedata.category(char) == "Cc" else char
        for char in storable(text)
        if unicodedata.category(char) != "Cf"
    )
    return " ".join("".join(kept).split())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines and keep at most one blank line between paragraphs,
    in text a database takes (``storable``)."""
    text = storable(text).replace("\u00ad", "").replace("\r\n", "\n").replace("\r", "\n")
    # Other control characters (a BEL, an ESC) are no text a reader can see: as spaces.
    text = _CONTROL.sub(" ", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
