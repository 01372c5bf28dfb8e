"""Text clean-up shared by extractors: line-end hyphenation and running headers/footers."""

import re
import unicodedata
from collections import Counter

# Words after which a line-end hyphen is a suspended compound ("Forsknings- og Analysecenter").
_CONJUNCTIONS = frozenset({"og", "eller", "samt", "til", "som", "end", "and", "or"})

# A word is matched from its start and not given back: tried from inside a long word without a
# hyphen, every start read the rest of it again (a page of one 20,000-letter word took 2 s).
_HYPHEN_BREAK = re.compile(r"(?<!\w)(?P<left>[^\W\d_]\w*+)-[ \t]*\n[ \t]*(?P<right>\w[\w-]*+)")


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

# "Side 3", "Side 3 af 12", "3 af 12", "3/12" and a bare "3".
_PAGE_NUMBER = re.compile(
    r"\s*(?P<side>side\s*)?(?P<number>\d+)(?:\s*(?:af|/)\s*(?P<total>\d+))?\s*", re.IGNORECASE
)


def _line_shape(line: str) -> str:
    """A line with its numbers hidden, so "Side 3 af 12" and "Side 4 af 12" look alike."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.fullmatch(line) is not None


def _is_own_page_number(line: str, number: int, total: int, edge: bool) -> bool:
    """A page number in a document too short to show which lines repeat: one that says so
    ("Side 1 af 2"), or a number that is this page's ("1", "1/2") on its first or last line,
    where a table's figure is not a page number."""
    match = _PAGE_NUMBER.fullmatch(line)
    if match is None:
        return False
    if match["side"]:
        return True
    return (
        edge
        and int(match["number"]) == number
        and (match["total"] is None or int(match["total"]) == total)
    )


def _two_page_footer(split: list[list[str]]) -> list[set[int]]:
    """The footer of a two-page document: the lines at the foot of both pages, page numbers
    aside, that are alike from the bottom up (an address line, the sender). Two pages are
    little evidence, so the lines must stand in the same place on both, on pages with text
    above them."""
    feet = []
    for lines in split:
        if len(lines) <= 2 * _ZONE:
            return [set(), set()]
        zone = range(len(lines) - _ZONE, len(lines))
        feet.append([i for i in zone if lines[i].strip() and not _is_page_number(lines[i])])
    footer: list[set[int]] = [set(), set()]
    for first, second in zip(reversed(feet[0]), reversed(feet[1]), strict=False):
        if _line_shape(split[0][first]) != _line_shape(split[1][second]):
            break
        footer[0].add(first)
        footer[1].add(second)
    return footer


def remove_running_lines(pages: list[str]) -> list[str]:
    """Drop lines that repeat at the top or bottom of most pages, and page numbers there.

    A line counts as running when its shape stands in the header or footer zone of at least
    60 % of the pages (and of three pages at least), so a one-off heading is kept. The first
    page loses a running line only when the second has it too: a running header that starts
    after a title page repeats the title, which the title page keeps ("Børns stemmer i egen
    sag"). A shorter document loses its page numbers and, with two pages, the footer they
    share (``_two_page_footer``).
    """
    split = [page.splitlines() for page in pages]
    zones = [
        {_line_shape(line) for line in lines[:_ZONE] + lines[-_ZONE:] if line.strip()}
        for lines in split
    ]
    running: set[str] = set()
    if len(pages) >= 3:
        zone_counts = Counter(shape for zone in zones for shape in zone)
        threshold = max(3, int(0.6 * len(pages) + 0.5))
        running = {shape for shape, count in zone_counts.items() if count >= threshold}
    footer = _two_page_footer(split) if len(pages) == 2 else [set() for _ in split]

    return [
        "\n".join(
            _kept_lines(
                lines,
                number,
                len(pages),
                running - (zones[0] - zones[1]) if number == 1 and running else running,
                footer[number - 1],
            )
        )
        for number, lines in enumerate(split, 1)
    ]


def _kept_lines(
    lines: list[str], number: int, total: int, running: set[str], footer: set[int]
) -> list[str]:
    """The lines of page ``number`` (of ``total``) without its running lines, page numbers
    and footer."""
    top, bottom = min(_ZONE, len(lines)), max(len(lines) - _ZONE, _ZONE)
    kept = []
    for index, line in enumerate(lines):
        if index in footer:
            continue
        if index < top or index >= bottom:
            if total >= 3 and (_line_shape(line) in running or _is_page_number(line)):
                continue
            edge = index in (0, len(lines) - 1)
            if total < 3 and _is_own_page_number(line, number, total, edge):
                continue
        kept.append(line)
    return kept


# The first line of a footnote: its number, alone or before the note's text.
_NOTE_START = re.compile(r"(?P<number>\d{1,3})(?:\s+(?P<text>\S.*))?")
# A footnote marker in a page's text: its number right after a word or punctuation.
_MARKER_IN_TEXT = r"(?:[^\W\d_]|[.,;:!?)\]»”’\"']){}(?!\d)"


def set_apart_footnotes(text: str, markers: list[int]) -> str:
    """The footnotes at the foot of a page as paragraphs of their own at the end of its text,
    each its number on a line and its text below ("1\nBarnets Lov trådte i kraft …"), as the
    reader shows footnotes. ``markers`` are the numbers of the footnote markers the PDF draws
    on the page (glued to the word before them in the text: "sagen.1"); the notes are found
    after the last of them, from the line that starts with the first. A page whose notes
    cannot be found so is left as it is."""
    if not markers:
        return text
    lines = text.split("\n")
    first = min(markers)
    start = next(
        (
            index
            for index in range(len(lines) - 1, -1, -1)
            if (match := _NOTE_START.fullmatch(lines[index])) and int(match["number"]) == first
        ),
        None,
    )
    if start is None:
        return text
    body = "\n".join(lines[:start]).rstrip()
    if not all(re.search(_MARKER_IN_TEXT.format(number), body) for number in markers):
        return text
    notes: list[list[str]] = []
    for line in lines[start:]:
        match = _NOTE_START.fullmatch(line)
        if match and int(match["number"]) == first + len(notes):
            notes.append([match["number"]] + ([match["text"]] if match["text"] else []))
        elif line.strip():
            notes[-1].append(line)
    if any(len(note) < 2 for note in notes):
        return text
    return "\n\n".join([body, *("\n".join(note) for note in notes)])


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
