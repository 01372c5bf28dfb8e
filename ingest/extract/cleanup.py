"""Text clean-up shared by extractors: line-end hyphenation and running headers/footers."""

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

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
    r"\s*(?P<side>side\s*)?(?P<number>\d{1,6})(?:\s*(?:af|/)\s*(?P<total>\d{1,6}))?\s*",
    re.IGNORECASE,
)


def _line_shape(line: str) -> str:
    """A line with its numbers hidden, so "Side 3 af 12" and "Side 4 af 12" look alike."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _is_page_number(line: str) -> bool:
    return _PAGE_NUMBER.fullmatch(line) is not None


def _is_own_page_number(line: str, number: int, total: int, edge: bool) -> bool:
    """A page number even where too few pages show which lines repeat: one that says so
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


# A number standing on its own, as a page number does ("Side 3", "3 af 40", "| 3", "- 3 -"),
# not a part of a table's or a section's number ("B.5", "3.2", "1.000") or of a word.
_STANDALONE_NUMBER = re.compile(r"(?<![\w.,])\d+(?![\w]|[.,]\d)")
# How far a printed page number may be from the page's place in the file: front matter without
# numbers, an excerpt of a longer report ("145" on its first page). A number further off that
# grows with the pages is something else: the year of a yearly table ("1985" on page 1).
_MAX_PAGE_OFFSET = 1000
# A running line has a few numbers ("Side 3 af 40", "VIVE · Rapport 2025:07 | 3"), and a page
# number a few digits (a longer one is no number Python reads without a limit).
_MAX_NUMBERS = 6
_PAGE_NUMBER_DIGITS = 6

# A line as it is the same line on other pages: its shape and its numbers, one of them perhaps
# the page number as its distance from the page's place in the file ("p-10": 31 on page 41).
_LineKey = tuple[str, tuple[str, ...]]

# A front matter's page number ("iv"): kept, but a running line beyond it still goes.
_ROMAN_PAGE_NUMBER = re.compile(r"\s*[ivxlc]{1,7}\s*", re.IGNORECASE)


def _line_keys(line: str, number: int) -> set[_LineKey]:
    """The ways line ``line`` of page ``number`` can be the same line as one on other pages: as
    it is (a header without numbers, a footer with the report's year), or with one of its
    numbers the page number ("Side 3 af 40" on page 3 and "Side 4 af 40" on page 4). A line of
    many numbers is a table's row, not a header: it is only itself."""
    text = " ".join(line.lower().split())
    shape = _line_shape(line)
    matches = list(re.finditer(r"\d+", text))
    numbers = tuple(match.group() for match in matches)
    keys = {(shape, numbers)}
    if len(matches) > _MAX_NUMBERS:
        return keys
    standalone = {match.start() for match in _STANDALONE_NUMBER.finditer(text)}
    for position, match in enumerate(matches):
        if match.start() not in standalone or len(match.group()) > _PAGE_NUMBER_DIGITS:
            continue
        offset = int(match.group()) - number
        if abs(offset) < _MAX_PAGE_OFFSET:
            keys.add((shape, (*numbers[:position], f"p{offset}", *numbers[position + 1 :])))
    return keys


def remove_running_lines(pages: list[str], notes: Sequence[Collection[int]] = ()) -> list[str]:
    """Drop lines that repeat at the top or bottom of most pages, and page numbers there.

    A line counts as running when its shape (its numbers hidden) stands in the header or footer
    zone of at least 60 % of the pages (and of three pages at least), so a one-off heading is
    kept, and when it is the same line as on those pages or on the next or the previous page
    but for the page number (``_line_keys``): a caption or a source line whose year or table
    number changes from page to page is content ("Tabel B.5 … 1989", "Kilde: …, 1989."), and so
    is a footnote that cites a different paragraph on each page. A chapter's running header
    ("Kapitel 3") is the same line on the chapter's pages.

    Running lines and page numbers go only from a page's edges inwards: a line below a kept
    caption is the first row of a table, however often it repeats ("Aarhus Kommune"). A line
    that is the only text of most of the pages it stands on stays (a card deck, a card a page),
    and a page keeps its lines when it would have none left.

    A header that alternates (the report's title on even pages, the chapter's on odd ones) or
    names the chapter stands as written at the top of pages near it (``_repeated_heads``): it
    goes from the top of the pages after its first, though it is on few pages.

    The first page loses a running line only when the second has it too: a running header that
    starts after a title page repeats the title, which the title page keeps ("Børns stemmer i
    egen sag"). A shorter document loses its page numbers and, with two pages, the footer they
    share (``_two_page_footer``). A number alone on its line that is one of the page's footnote
    markers (``notes``, by page) is the note's number, though the notes' numbers grow with the
    pages as page numbers do.
    """
    split = [page.splitlines() for page in pages]
    zones = [[line for line in lines[:_ZONE] + lines[-_ZONE:] if line.strip()] for lines in split]
    shapes = [{_line_shape(line) for line in zone} for zone in zones]
    zone_keys = [
        {line: _line_keys(line, number) for line in dict.fromkeys(zone)}
        for number, zone in enumerate(zones, 1)
    ]
    keys: list[set[_LineKey]] = [set().union(*page_keys.values()) for page_keys in zone_keys]
    running_shapes: set[str] = set()
    running_keys: set[_LineKey] = set()
    if len(pages) >= 3:
        threshold = max(3, int(0.6 * len(pages) + 0.5))
        running_shapes = {shape for shape, count in _counts(shapes).items() if count >= threshold}
        counts = _counts(keys)
        running_keys = {key for key, count in counts.items() if count >= threshold}
        # A line that is all the text of most pages it stands on is what the document says,
        # a card or a slide a page ("Kort nummer 5 om trivsel"), also on a page with more.
        alone = _counts(
            [
                zone_keys[number - 1].get(only) or _line_keys(only, number)
                for number, only in _only_lines(split)
            ]
        )
        content = {key for key, count in alone.items() if 2 * count >= counts[key]}
        keys = [page_keys - content for page_keys in keys]
        running_keys -= content
    footer = _two_page_footer(split) if len(pages) == 2 else [set() for _ in split]
    # Each page's header lines as written, and the lines that are all the text of a page.
    heads = [{_written(line) for line in lines[:_ZONE] if line.strip()} for lines in split]
    cards = {_written(only) for _number, only in _only_lines(split)}

    kept = []
    for number, lines in enumerate(split, 1):
        page_shapes = running_shapes
        if number == 1 and running_shapes:
            page_shapes = running_shapes - (shapes[0] - shapes[1])
        # The same line as on most pages, or as on the page before or after.
        same = running_keys.union(
            *keys[max(number - 2, 0) : number - 1], *keys[number : number + 1]
        )
        repeated = _repeated_heads(heads, number) - cards if len(pages) >= 3 else set()
        page = _Page(
            lines,
            number,
            len(pages),
            page_shapes,
            same,
            zone_keys[number - 1],
            repeated,
            frozenset(str(note) for note in (notes[number - 1] if notes else ())),
        )
        kept.append("\n".join(page.kept_lines(footer[number - 1])))
    return kept


def _written(line: str) -> str:
    return " ".join(line.lower().split())


# How far apart the pages of a header that alternates or names a chapter may be.
_HEAD_REACH = 4


def _repeated_heads(heads: list[set[str]], number: int) -> set[str]:
    """The header lines of page ``number`` that stood as written among the header lines of a
    page at most ``_HEAD_REACH`` before it: the report's title on every other page, a chapter's
    name on its pages. Not on the first page it stands on, where it may be the chapter's
    heading, nor from the title page, whose title is often the colophon's first line too."""
    earlier = range(max(number - _HEAD_REACH, 2), number)
    return {line for line in heads[number - 1] if any(line in heads[n - 1] for n in earlier)}


_T = TypeVar("_T")


def _counts(found: list[set[_T]]) -> Counter[_T]:
    """In how many of the sets each item is."""
    return Counter(item for items in found for item in items)


def _only_lines(split: list[list[str]]) -> Iterator[tuple[int, str]]:
    """The number and the line of each page whose only text, page numbers aside, is a line."""
    for number, lines in enumerate(split, 1):
        text = [line for line in lines if line.strip() and not _is_page_number(line)]
        if len(text) == 1:
            yield number, text[0]


@dataclass(frozen=True)
class _Page:
    """Page ``number`` of ``total``, its lines, and the running lines of its document: their
    shapes, and the lines as keys (``_line_keys``) that are the same line elsewhere; and the
    keys of the lines in the page's header and footer zone."""

    lines: list[str]
    number: int
    total: int
    running_shapes: set[str]
    same: set[_LineKey]
    zone_keys: dict[str, set[_LineKey]]
    # Its header lines that repeat on pages near it (``_repeated_heads``).
    repeated: set[str]
    # The numbers of the page's footnote markers.
    notes: frozenset[str]

    def _running(self, line: str, top: bool = False) -> bool:
        if self.total < 3:
            return False
        if _line_shape(line) in self.running_shapes:
            return not self.same.isdisjoint(self.zone_keys[line])
        return top and not _is_page_number(line) and _written(line) in self.repeated

    def _page_number(self, index: int) -> bool:
        """Whether line ``index`` is the page's number: its own ("Side 3", a "3" at its top or
        foot), or one that follows the pages as the page numbers of the document do."""
        line = self.lines[index]
        if not _is_page_number(line) or line.strip() in self.notes:
            return False
        edge = index in (0, len(self.lines) - 1)
        return _is_own_page_number(line, self.number, self.total, edge) or self._running(line)

    def kept_lines(self, footer: set[int]) -> list[str]:
        """The page's lines without its running lines, page numbers and ``footer``.

        Page numbers go wherever they stand in the header or footer zone; other running lines
        only from the page's top and bottom inwards, up to the first line that stays. A page
        that would have no text left keeps its lines."""
        lines = self.lines
        # (A page of up to six lines is all header and footer zone, scanned from both ends.)
        depth = min(_ZONE, len(lines))
        ends = (range(depth), range(len(lines) - 1, len(lines) - depth - 1, -1))
        removed = set(footer) | {
            index for index in (*ends[0], *ends[1]) if self._page_number(index)
        }
        for end, top in zip(ends, (True, False), strict=True):
            for index in end:
                line = lines[index]
                if not line.strip() or index in removed or _ROMAN_PAGE_NUMBER.fullmatch(line):
                    continue
                # A figure that is no page number is the top or the foot of a table.
                if _is_page_number(line) or not self._running(line, top):
                    break
                removed.add(index)
        kept = [line for index, line in enumerate(lines) if index not in removed]
        return kept if any(line.strip() for line in kept) else lines


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def superscript(digits: str) -> str:
    """A footnote marker's number as it is written in a page's text: in superscript digits,
    which a search's tokenizer passes over ("børn²" is the word "børn")."""
    return digits.translate(_SUPERSCRIPT)


# The first line of a footnote: its number, alone or before the note's text.
_NOTE_START = re.compile(r"(?P<number>\d{1,3})(?:\s+(?P<text>\S.*))?")
# A footnote marker in a page's text: its number right after a word or punctuation.
_MARKER_IN_TEXT = r"(?:[^\W\d_]|[.,;:!?)\]»«”’\"']){}(?![⁰¹²³⁴⁵⁶⁷⁸⁹])"


def set_apart_footnotes(text: str, markers: list[int]) -> str:
    """The footnotes at the foot of a page as paragraphs of their own at the end of its text,
    each its number on a line and its text below ("1\nBarnets Lov trådte i kraft …"), as the
    reader shows footnotes. ``markers`` are the numbers of the footnote markers the PDF draws
    on the page (superscript after the word before them in the text: "sagen.¹"); the notes are found
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
    if not all(
        re.search(_MARKER_IN_TEXT.format(superscript(str(number))), body) for number in markers
    ):
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


# The end of a page whose last word a hyphen breaks, and the start of the next page.
_BROKEN_AT_PAGE_END = re.compile(r"(?<![\w-])[^\W\d_][\w-]*-[ \t]*\Z")
_PAGE_START = re.compile(r"\s*(\w[\w-]*+)([^\w\s]*)")


def join_page_breaks(pages: list[str]) -> list[str]:
    """A word a page break splits ("plejefami-" at a page's end, "lier." at the next one's
    start) whole on the page it starts on, as ``join_hyphenation`` joins a word a line's end
    splits: the parts were two words no search found. A page whose end is not a broken word
    (its notes, a suspended compound before "og") is left as it is."""
    joined = list(pages)
    for index in range(len(joined) - 1):
        end = _BROKEN_AT_PAGE_END.search(joined[index][-200:])
        start = _PAGE_START.match(joined[index + 1])
        if end is None or start is None or not start[1][0].islower():
            continue
        word = join_hyphenation(f"{end.group().rstrip()}\n{start[1]}")
        rest = joined[index + 1][start.end() :].lstrip()
        # (Not a page's only word: the page would be left without text.)
        if "\n" in word or " " in word or word.endswith("-") or not rest:
            continue
        joined[index] = joined[index][: len(joined[index]) - len(end.group())] + word + start[2]
        joined[index + 1] = rest
    return joined


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
        for char in storable(text).translate(LIGATURES)
        if unicodedata.category(char) != "Cf"
    )
    return " ".join("".join(kept).split())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The typesetter's ligatures ("ﬁnansiering" from a PDF was no "finansiering"), as their letters.
LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
# Soft hyphens, zero-width spaces, word joiners and byte-order marks: invisible, they cut a
# word in two for the index ("skole\u200bbørn" was "skole" and "børn").
INVISIBLE = str.maketrans(dict.fromkeys("\u00ad\u200b\u2060\ufeff"))


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines and keep at most one blank line between paragraphs,
    in text a database takes (``storable``), with ligatures as their letters and no invisible
    characters that cut words."""
    text = storable(text).translate(INVISIBLE).translate(LIGATURES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Other control characters (a BEL, an ESC) are no text a reader can see: as spaces.
    text = _CONTROL.sub(" ", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
