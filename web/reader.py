"""The document reader: a document's text laid out for reading, with the search words marked.

The page's data is the API's ``DocumentPublic``; this module only decides how to show it. PDF
text arrives as the lines pypdf found on each page, so paragraphs are joined again here
(``reflow``), and the dot leaders of tables of contents are dropped. Search words are marked
on text that is escaped first (``Highlighter``), so nothing from a document reaches the page
as HTML. Long documents show their pages in sections a reader opens one at a time
(``section_sizes``), and the entities are grouped by kind (``group_entities``).

A long document sends a window of its sections, the one asked for and as many around it as
a bound of characters and pages allows (``window``); the page navigation covers the whole
document, and the sections outside the window are a link away (``?side=N`` opens the section
holding page N). Every link this page makes carries ``?side=N``, so the server opens that section
in any browser, without JavaScript. A link by its anchor alone (``#side-N``, as a citation gives
it) to a page outside the window is sent to its window by ``static/reader.js``; inside the
window, Chromium opens a closed ``<details>`` when a fragment or find-in-page points into it.
"""

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Query
from markupsafe import Markup, escape

from nlp_models.mentions import entity_key
from search_api.api.schemas import DocumentPublic, EntityPublic, PageOCR
from search_api.query import english
from search_api.query.builder import MAX_QUERY_LENGTH
from search_api.query.parser import ParsedQuery, parse_query

# The reader's query parameters: the search that led here (its words are marked, and the way
# back goes to it) and the page to open at.
SearchText = Annotated[
    str | None, Query(max_length=MAX_QUERY_LENGTH, description="Søgningen, hvis ord fremhæves")
]
PageNumber = Annotated[int | None, Query(ge=1, description="Siden, dokumentet åbnes ved")]
# The search page's own query (its filters, order and page), for the way back to it.
MAX_SEARCH_ADDRESS = 2000
SearchAddress = Annotated[
    str | None,
    Query(
        max_length=MAX_SEARCH_ADDRESS,
        description="Søgesidens forespørgsel (filtre, sortering, side) til vejen tilbage",
    ),
]

# --- Reflowing PDF text -------------------------------------------------------------------

# A line this much shorter than the page's full lines ends its paragraph when it ends a sentence;
# a line shorter still, without a sentence end, is a heading or a table cell.
FULL_LINE = 0.85
SHORT_LINE = 0.6
# The share of a page's lines that are not longer than a full line of its running text.
FULL_WIDTH_PERCENTILE = 0.9
# At least this many lines in a row, each of at least COLUMN_WORDS words and shorter than
# COLUMN_SHARE of the page's width, are a column of running text with a width of its own.
COLUMN_RUN = 3
COLUMN_WORDS = 4
COLUMN_SHARE = 0.7
# This many short lines in a row are a table or a list of facts: their line breaks stay.
TABLE_RUN = 3
# Lines longer than this are never tested for a dot leader (the pattern backtracks on long
# lines, and a page of a hostile file can be one line of a million characters).
LEADER_LINE_MAX = 400

_LEADER = r"(?:[.·_]\s?){4,}|(?:…\s?){2,}"
_TOC_ENTRY = re.compile(rf"^(?P<title>.*?[^\s.·_…])\s*(?:{_LEADER})\s*(?P<page>\d+|[ivxlc]+)$")
_LEADER_ONLY = re.compile(rf"^(?:{_LEADER})\s*(?:\d+|[ivxlc]+)?$")
# An entry whose page number the extractor put on the next line ("Indledning ......" / "3").
_TOC_TITLE = re.compile(rf"^(?P<title>.*?[^\s.·_…])\s*(?:{_LEADER})\s*$")
_TOC_PAGE = re.compile(r"^\s*(?:\d{1,4}|[ivxlc]{1,7})\s*$")
_BULLET = re.compile(r"^(?:[•◦▪▫●■□‣⁃*–-]|\d{1,2}\)|[a-z]\))\s+\S")
# "1. Baggrund" starts a numbered item; "1. januar 2024" and "2. halvår" are dates.
_NUMBERED = re.compile(r"^\d{1,2}\.\s+[A-ZÆØÅ]")
_SENTENCE_END = re.compile(r"[.!?:…][\"'»«”’)\]]*\d{0,3}$")
_FOOTNOTE_NUMBER = re.compile(r"^\d{1,3}$")
# Words after a line-end hyphen that show it is a suspended compound ("Social- og
# Boligstyrelsen"), not a word broken across lines.
_AFTER_SUSPENDED = frozenset({"og", "eller", "samt", "til", "som"})
TOC_HEADINGS = frozenset({"indhold", "indholdsfortegnelse", "contents", "table of contents"})


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item, footnote, table-of-contents entry or run of lines.

    ``lines`` holds one joined text, except for ``kind == "lines"`` whose line breaks stay.
    """

    kind: str
    lines: tuple[str, ...]
    page: str | None = None  # the page number a table-of-contents entry gives


def _percentile(values: Sequence[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


def _joined(lines: Sequence[str]) -> str:
    """The lines of one paragraph as one text. A hyphen at a line end was kept by the extractor
    because it belongs to the word ("gå-hjem-møder"), so the lines join without a space, unless
    a suspended compound goes on ("Social- og Boligstyrelsen")."""
    parts = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        first_word = line.split(maxsplit=1)[0].lower()
        hyphenated = previous.endswith("-") and previous[-2:-1].isalpha()
        parts.append(line if hyphenated and first_word not in _AFTER_SUSPENDED else " " + line)
    return "".join(parts)


def _stands_alone(line: str, following: str | None, width: int) -> bool:
    """A short line that does not end a sentence, between lines that start one: a heading."""
    return (
        following is not None
        and len(line) < SHORT_LINE * width
        and not _SENTENCE_END.search(line)
        and (line[0].isupper() or line[0].isdigit())
        and following[0].isupper()
    )


def _continues(previous: str, line: str, following: str | None, width: int) -> bool:
    """Whether ``line`` goes on the paragraph that ``previous`` (its line above) is in."""
    if _BULLET.match(line) or _NUMBERED.match(line):
        return False
    if line[0].islower() or previous.endswith((",", "-", "–", ";")):
        return True
    if _stands_alone(line, following, width):
        return False
    if _SENTENCE_END.search(previous):
        # A full line that ends a sentence usually has the next sentence after it.
        return len(previous) >= FULL_LINE * width
    return len(previous) >= SHORT_LINE * width


def _toc_lines(lines: list[str]) -> list[Block | str]:
    """Table-of-contents entries as blocks, other lines as they are. An entry is "title
    ....... 5" on one line, or its number on the next; where the extractor put the leader on a
    line of its own, its page
    number cannot be told apart from the neighbouring entry's, so that leader is dropped and
    the titles next to it are entries without a number."""
    leader_only = [
        len(line) <= LEADER_LINE_MAX and bool(_LEADER_ONLY.match(line)) for line in lines
    ]
    result: list[Block | str] = []
    numbered: set[int] = set()  # the lines that are the page number of the entry above
    for index, line in enumerate(lines):
        if leader_only[index] or index in numbered:
            continue
        entry = _TOC_ENTRY.match(line) if len(line) <= LEADER_LINE_MAX else None
        if entry:
            result.append(Block("toc", (entry["title"],), entry["page"]))
            continue
        title = _TOC_TITLE.match(line) if len(line) <= LEADER_LINE_MAX else None
        if title and index + 1 < len(lines) and _TOC_PAGE.match(lines[index + 1]):
            numbered.add(index + 1)
            result.append(Block("toc", (title["title"],), lines[index + 1].strip()))
            continue
        beside_leader = (index > 0 and leader_only[index - 1]) or (
            index + 1 < len(lines) and leader_only[index + 1]
        )
        if beside_leader and line.lower() not in TOC_HEADINGS:
            result.append(Block("toc", (line,)))
        else:
            result.append(line)
    return result


def _widths(lines: list[Block | str], page_width: int) -> list[int]:
    """The width of a full line where each line is: the page's, except in a column of running
    text beside others (a newsletter), whose lines are all much shorter than the page's."""
    widths = [page_width] * len(lines)
    in_column = [
        isinstance(line, str)
        and len(line.split()) >= COLUMN_WORDS
        and len(line) < COLUMN_SHARE * page_width
        for line in lines
    ]
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and in_column[end]:
            end += 1
        if end - start >= COLUMN_RUN:
            column = max(len(line) for line in lines[start:end] if isinstance(line, str))
            # The line after the run is its paragraph's last, shorter line.
            for index in range(start, min(end + 1, len(lines))):
                widths[index] = column
        start = end + 1
    return widths


def _paragraphs(lines: list[Block | str], page_width: int) -> list[Block]:
    widths = _widths(lines, page_width)
    blocks: list[Block] = []
    current: list[str] = []
    kind = "paragraph"

    def close() -> None:
        nonlocal current, kind
        if current:
            blocks.append(Block(kind, tuple(current)))
        current, kind = [], "paragraph"

    for index, line in enumerate(lines):
        if isinstance(line, Block):
            close()
            blocks.append(line)
            continue
        after = lines[index + 1] if index + 1 < len(lines) else None
        following = after if isinstance(after, str) else None
        if current and _continues(current[-1], line, following, widths[index - 1]):
            current.append(line)
            continue
        close()
        current = [line]
        kind = "item" if _BULLET.match(line) or _NUMBERED.match(line) else "paragraph"
    close()
    return blocks


def _footnotes(blocks: list[Block]) -> list[Block]:
    """At the foot of a page, a number alone on its line before a text is a footnote."""
    end = len(blocks)
    while (
        end >= 2
        and blocks[end - 2].kind == "paragraph"
        and len(blocks[end - 2].lines) == 1
        and _FOOTNOTE_NUMBER.match(blocks[end - 2].lines[0])
        and blocks[end - 1].kind in ("paragraph", "item")
        and not _FOOTNOTE_NUMBER.match(blocks[end - 1].lines[0])
    ):
        end -= 2
    notes = [
        Block("footnote", (number.lines[0], *text.lines))
        for number, text in zip(blocks[end::2], blocks[end + 1 :: 2], strict=True)
    ]
    return blocks[:end] + notes


def _is_short_single(block: Block, width: int) -> bool:
    return (
        block.kind in ("paragraph", "item")
        and len(block.lines) == 1
        and len(block.lines[0]) < SHORT_LINE * width
    )


def _settle(blocks: list[Block], width: int) -> list[Block]:
    """Name what the line-joining left: runs of short lines become one block of lines (a table
    read cell by cell), and a short line on its own that does not end a sentence is a heading;
    the lines of every other block are joined into one text."""
    settled: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        run = index
        while run < len(blocks) and _is_short_single(blocks[run], width):
            run += 1
        if run - index >= TABLE_RUN:
            settled.append(Block("lines", tuple(b.lines[0] for b in blocks[index:run])))
            index = run
            continue
        if block.kind in ("paragraph", "item", "footnote") and len(block.lines) > 1:
            block = Block(block.kind, (_joined(block.lines),))
        elif _is_short_single(block, width) and block.kind == "paragraph":
            line = block.lines[0]
            if not _SENTENCE_END.search(line) and (line[0].isupper() or line[0].isdigit()):
                block = Block("heading", block.lines)
        settled.append(block)
        index += 1
    return settled


def reflow(text: str) -> list[Block]:
    """The text of a PDF page as blocks: the lines of a paragraph joined, headings, list items
    and footnotes on their own, table rows kept line by line, dot leaders gone."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        marked = _toc_lines(lines)
        # The width of a full line: the longest lines but a few are running text.
        width = max(_percentile([len(line) for line in lines], FULL_WIDTH_PERCENTILE), 1)
        blocks.extend(_settle(_footnotes(_paragraphs(marked, width)), width))
    return blocks


def html_blocks(text: str) -> list[Block]:
    """The text of a web page: the extractor already put blank lines between its blocks and
    line breaks inside them (a label and its value), so both stay."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = tuple(" ".join(line.split()) for line in chunk.split("\n") if line.strip())
        if not lines:
            continue
        line = lines[0]
        # A byline ("Publiceret 24. august 2021 · Kasper Holm") is short too, but no heading.
        if (
            len(lines) == 1
            and len(line) <= 60
            and "·" not in line
            and not _SENTENCE_END.search(line)
            and (line[0].isupper() or line[0].isdigit())
        ):
            blocks.append(Block("heading", lines))
        else:
            blocks.append(Block("lines" if len(lines) > 1 else "paragraph", lines))
    return blocks


# --- Marking search words -----------------------------------------------------------------

# Words this long match any word they begin ("anbringelse" marks "anbringelsen"); shorter ones
# (KL, FN, lov) only themselves.
PREFIX_MIN = 4
# ... and any word they end a compound of, after a first part this long, as the search's
# decompounder finds them ("inddragelse" marks "børneinddragelsen", "barn" "skolebarnet"). The
# decompounder splits by a word list; this is looser (it may mark "eksplanation" for "plan").
COMPOUND_HEAD_MIN = 3
# Inflection endings taken off a query word first, so "børnesamtaler" marks "børnesamtalen"
# and "barnets" marks "barnet". What is left keeps at least PREFIX_MIN letters.
ENDINGS = ("ernes", "erne", "enes", "ene", "ets", "ens", "er", "en", "et", "es", "e", "s")
# Noun endings taken off first where a verb shares the stem ("inddragelse" marks "inddraget",
# "underretning" "underrette"); a longer stem is left, so "forskning" keeps its own.
DERIVATIONS = ("elserne", "elsen", "elser", "else", "ningen", "ninger", "ning", "ingen", "ing")
DERIVED_MIN = 6
MAX_TERMS = 50
# Snowball's Danish stop words, the ones the search's analysis chain leaves out too.
_STOPWORDS_TEXT = """
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min
havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil
blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit også under
have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver
hendes været thi jer sådan
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
# A word, without a footnote marker in superscript digits after it ("børn³").
_WORD = re.compile(r"[^\W⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _stem(word: str) -> str:
    for ending in DERIVATIONS:
        if word.endswith(ending) and len(word) - len(ending) >= DERIVED_MIN:
            return word[: -len(ending)]
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= PREFIX_MIN:
            return word[: -len(ending)]
    return word


def query_words(query: str | None) -> list[str]:
    """The single words of a search worth marking, lower-case: alternatives word by word,
    phrases (``query_phrases``), excluded words and stop words left out."""
    if not query:
        return []
    parsed = parse_query(query)
    texts = [*parsed.words, *(t.text for g in parsed.alternatives for t in g if not t.phrase)]
    texts += [" ".join(phrase) for phrase in _phrases(parsed) if len(phrase) == 1]
    words: list[str] = []
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if word not in STOPWORDS and word not in words:
                words.append(word)
    return words[:MAX_TERMS]


def translated_words(query: str | None) -> list[str]:
    """The Danish words an English search looks for (the glossary's, as the search takes
    them), lower-case and without stop words; none for a Danish search."""
    if not query:
        return []
    text = " ".join(parse_query(query).words)
    if not english.is_english(text):
        return []
    found = [
        word
        for terms in english.danish_terms(text)
        for term in terms
        for word in _WORD.findall(term.lower())
        if word not in STOPWORDS
    ]
    return list(dict.fromkeys(found))[:MAX_TERMS]


def _phrases(parsed: ParsedQuery) -> list[tuple[str, ...]]:
    phrases = [*parsed.phrases, *(t.text for g in parsed.alternatives for t in g if t.phrase)]
    return [tuple(_WORD.findall(phrase.lower())) for phrase in phrases if _WORD.search(phrase)]


def query_phrases(query: str | None) -> list[tuple[str, ...]]:
    """The phrases of a search, of two words or more, word by word (stop words kept: they
    are part of the phrase); a phrase is marked only where its words stand together."""
    if not query:
        return []
    found = [phrase for phrase in _phrases(parse_query(query)) if len(phrase) > 1]
    return list(dict.fromkeys(found))[:MAX_TERMS]


def _inflected(word: str, query_word: str) -> bool:
    """Whether a text word (lower-case) is the query word or an inflection of it."""
    if len(query_word) < PREFIX_MIN or query_word.isdigit():
        return word == query_word
    return word.startswith(_stem(query_word))


class Highlighter:
    """Marks a search's words in text: the text is escaped, and ``<mark>`` is put around each
    whole word that matches (by its beginning, or by a compound's later part) and around each
    phrase where its words stand together, never inside the escaped text's entities. An
    English search marks the Danish words it was searched by too."""

    def __init__(self, query: str | None) -> None:
        prefixes, exact = set(), set()
        for word in [*query_words(query), *translated_words(query)]:
            if len(word) >= PREFIX_MIN and not word.isdigit():
                prefixes.add(_stem(word))
            else:
                exact.add(word)
        self.exact = frozenset(exact)
        self.stems = (
            re.compile("|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)))
            if prefixes
            else None
        )
        # Longest first: "barnets lov om" before "barnets lov".
        self.phrases = sorted(query_phrases(query), key=len, reverse=True)
        # A text repeats its words: each is judged once.
        self.judged: dict[str, bool] = {}
        self.phrase_starts: dict[str, list[tuple[str, ...]]] = {}

    def __bool__(self) -> bool:
        return bool(self.exact or self.phrases) or self.stems is not None

    def matches(self, word: str) -> bool:
        folded = word.lower()
        found = self.judged.get(folded)
        if found is None:
            found = folded in self.exact or (
                self.stems is not None
                and bool(self.stems.match(folded) or self.stems.search(folded, COMPOUND_HEAD_MIN))
            )
            self.judged[folded] = found
        return found

    def _phrase_at(self, words: list[re.Match[str]], at: int) -> int:
        """How many words a phrase starting at ``words[at]`` covers (0: none starts there)."""
        first = words[at].group().lower()
        candidates = self.phrase_starts.get(first)
        if candidates is None:
            candidates = [p for p in self.phrases if _inflected(first, p[0])]
            self.phrase_starts[first] = candidates
        for phrase in candidates:
            following = words[at : at + len(phrase)]
            if len(following) == len(phrase) and all(
                _inflected(match.group().lower(), word)
                for match, word in zip(following[1:], phrase[1:], strict=True)
            ):
                return len(phrase)
        return 0

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the marks go: (start, end) of each matching word or phrase, in order."""
        if not self:
            return []
        words = list(_WORD.finditer(text))
        found: list[tuple[int, int]] = []
        at = 0
        while at < len(words):
            covered = self._phrase_at(words, at) if self.phrases else 0
            if covered:
                found.append((words[at].start(), words[at + covered - 1].end()))
                at += covered
                continue
            if self.matches(words[at].group()):
                found.append(words[at].span())
            at += 1
        return found

    def count(self, text: str) -> int:
        return len(self.spans(text))

    def mark(self, text: str) -> Markup:
        parts: list[str] = []
        position = 0
        for start, end in self.spans(text):
            parts.extend(
                (escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>")
            )
            position = end
        parts.append(escape(text[position:]))
        return Markup("".join(parts))


# --- Entities -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityKind:
    label: str
    title: str
    folded: bool  # shown folded away: there are many and they are seldom what people look for


ENTITY_KINDS = (
    EntityKind("PER", "Personer", False),
    EntityKind("ORG", "Organisationer", False),
    EntityKind("LOC", "Steder", False),
    EntityKind("LAW", "Love", False),
    EntityKind("INITIATIVE", "Indsatser", False),
    EntityKind("DATE", "Datoer", True),
    EntityKind("MONEY", "Beløb", True),
)
# An entity lists at most this many of the pages it is on.
ENTITY_PAGES_SHOWN = 10
# The document's page lists at most this many entities of a kind, the most mentioned; the rest
# are on pages of their own (``/dokument/{id}/navne``). A web page of a table of grants had
# 19,245 amounts, 3.9 MB of the page.
ENTITIES_SHOWN = 50
# The pages of all of a kind list this many each.
ENTITIES_PER_PAGE = 200


def times(count: int) -> str:
    """'nævnt 1 gang', 'nævnt 3 gange'."""
    return f"nævnt {count} {'gang' if count == 1 else 'gange'}"


@dataclass(frozen=True)
class EntityMention:
    label: str
    key: str  # with the label, what a curator's correction names the entity by
    name: str
    kb_id: str | None
    count: int
    pages: tuple[int, ...]
    forms: tuple[str, ...]  # how the document writes it, where that differs from the name

    @property
    def mentioned(self) -> str:
        return times(self.count)

    @property
    def shown_pages(self) -> tuple[int, ...]:
        return self.pages[:ENTITY_PAGES_SHOWN]

    @property
    def more_pages(self) -> int:
        return max(0, len(self.pages) - ENTITY_PAGES_SHOWN)


@dataclass(frozen=True)
class EntityGroup:
    kind: EntityKind
    entities: tuple[EntityMention, ...]

    def shown(self, fixing: tuple[str, str] | None = None) -> list[tuple[int, EntityMention]]:
        """The entities the document's page lists, each with its place in the whole list (from
        1): the first ``ENTITIES_SHOWN``, and the one a curator is correcting (``fixing``, its
        label and key) wherever it is, so its form opens on the page."""
        shown = list(enumerate(self.entities[:ENTITIES_SHOWN], start=1))
        if fixing is not None and fixing[0] == self.kind.label:
            found = next(
                (n for n, e in enumerate(self.entities, start=1) if e.key == fixing[1]), None
            )
            if found is not None and found > ENTITIES_SHOWN:
                shown.append((found, self.entities[found - 1]))
        return shown

    @property
    def more(self) -> int:
        """How many the document's page leaves to the pages of all of the kind."""
        return max(0, len(self.entities) - ENTITIES_SHOWN)

    def page(self, number: int) -> list[tuple[int, EntityMention]]:
        """Page ``number`` (from 1) of all of the kind, with each entity's place."""
        start = (number - 1) * ENTITIES_PER_PAGE
        return list(enumerate(self.entities[start : start + ENTITIES_PER_PAGE], start=start + 1))

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.entities) / ENTITIES_PER_PAGE))


@dataclass
class _Tally:
    name: str
    kb_id: str | None
    count: int = 0
    pages: set[int] = field(default_factory=set)
    forms: list[str] = field(default_factory=list)


def _nominative(form: str) -> str:
    """A form without a genitive ending ("SFI's" → "SFI", "Socialstyrelsens" →
    "Socialstyrelsen"); a form without one as it is."""
    for ending in ("'s", "’s", "s"):
        if form.endswith(ending) and len(form) > len(ending) + 1:
            return form[: -len(ending)]
    return form


def _shown_forms(forms: Sequence[str], name: str) -> list[str]:
    """The forms worth showing beside a name: those that say something it does not
    ("Socialstyrelsen", "Servicestyrelsen" for Social- og Boligstyrelsen; not "Holbæk" for
    Holbæk Kommune, nor "SFI's" for SFI), a genitive only when its form is not there too."""
    name = name.lower()
    shown: list[str] = []
    for form in (" ".join(f.split()) for f in forms):
        bare = _nominative(form)
        if any(part.lower() in name or name in part.lower() for part in (form, bare)):
            continue
        if bare != form and bare in forms:
            continue
        if form not in shown:
            shown.append(form)
    return shown


def group_entities(entities: Iterable[EntityPublic]) -> list[EntityGroup]:
    """Entities by kind in a fixed order, each kind's most mentioned first. Mentions of one
    knowledge-base record (or of one name) under different forms are counted together."""
    tallies: dict[tuple[str, str], _Tally] = {}
    for entity in entities:
        name = " ".join(entity.canonical.split())
        key = (entity.label, entity_key(entity.kb_id, entity.canonical))
        tally = tallies.setdefault(key, _Tally(name, entity.kb_id))
        tally.count += entity.count
        tally.pages.update(entity.pages)
        # A form worth showing says something the name does not: "Socialstyrelsen" and
        # "Servicestyrelsen" for Social- og Boligstyrelsen, not "Holbæk" for Holbæk Kommune,
        # nor "SFI's" for SFI.
        for form in _shown_forms(entity.forms, tally.name):
            if form not in tally.forms:
                tally.forms.append(form)
    groups = []
    for kind in ENTITY_KINDS:
        mentions = sorted(
            (
                EntityMention(
                    label, key, t.name, t.kb_id, t.count, tuple(sorted(t.pages)), tuple(t.forms)
                )
                for (label, key), t in tallies.items()
                if label == kind.label
            ),
            key=lambda m: (-m.count, m.name.lower()),
        )
        if mentions:
            groups.append(EntityGroup(kind, tuple(mentions)))
    return groups


# --- Pages, sections and the reader -------------------------------------------------------

# Pages a section holds. Sections let a long document open short: one section is open, the
# others show one line each (their pages and how they begin) until opened. Measured on the
# sample corpus's 11-page report at 390 px: 14,453 px tall with every page open, 8,910 with
# sections of 5, 5,911 of 4, 4,850 of 3 and 4,150 of 2 (the entity list is the same in each).
# Three keep a report's opening together (cover, contents, foreword) and cost a reader one
# click per three pages; two would save little more height for twice the clicks.
SECTION_PAGES = 3
# Longer documents get longer sections, so that there are not more than this many ...
MAX_SECTIONS = 20
# ... unless a section would hold more than this many pages or characters of text: a section
# is sent whole, so these bound what one page of the reader sends (a 600-page report was
# 2.4 MB on every address, 10,000 short pages 60,000 elements).
MAX_SECTION_PAGES = 30
SECTION_CHARS = 50_000
# The window of sections sent: the open one, and those around it as long as the whole stays
# within these (a document this short is sent whole).
WINDOW_CHARS = 3 * SECTION_CHARS
WINDOW_PAGES = 3 * MAX_SECTION_PAGES
# Up to this many pages the page navigation links every page; beyond it, every section.
NAV_EVERY_PAGE = 40


@dataclass(frozen=True)
class ReaderBlock:
    kind: str
    html: Markup
    page: str | None = None


@dataclass(frozen=True)
class ReaderPage:
    number: int
    blocks: tuple[ReaderBlock, ...]
    hits: int
    language: str  # its text's, for the page's ``lang`` (a screen reader reads it in it)
    ocr: PageOCR | None = None
    label: str | None = None  # the number printed on it, where it is not ``number``


@dataclass(frozen=True)
class Section:
    first: int  # the number of its first page
    last: int
    hits: int
    open: bool
    # Its pages as the reader shows them, and how it begins (for its line while it is
    # closed); both only for a section in the window that is sent.
    pages: tuple[ReaderPage, ...] = ()
    preview: str = ""

    @property
    def label(self) -> str:
        return f"Side {self.first}" if self.first == self.last else f"Side {self.first}–{self.last}"


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    hits: int
    current: bool  # in the section that is open


def section_sizes(lengths: Sequence[int]) -> list[int]:
    """How many pages each section holds, for pages of ``lengths`` characters: as many as
    keeps a document to ``MAX_SECTIONS`` (at least ``SECTION_PAGES``), at most
    ``MAX_SECTION_PAGES`` and, but for a page longer than that alone, ``SECTION_CHARS``. A
    last section of less than half the size joins the one before it, where that one has room."""
    count = len(lengths)
    size = min(MAX_SECTION_PAGES, max(SECTION_PAGES, math.ceil(count / MAX_SECTIONS)))
    sizes: list[int] = []
    chars: list[int] = []
    for length in lengths:
        if sizes and sizes[-1] < size and chars[-1] + length <= SECTION_CHARS:
            sizes[-1] += 1
            chars[-1] += length
        else:
            sizes.append(1)
            chars.append(length)
    if (
        len(sizes) > 1
        and sizes[-1] < math.ceil(size / 2)
        and sizes[-2] + sizes[-1] <= MAX_SECTION_PAGES
        and chars[-2] + chars[-1] <= SECTION_CHARS
    ):
        last = sizes.pop()
        sizes[-1] += last
    return sizes


def window(chars: Sequence[int], pages: Sequence[int], opened: int) -> range:
    """The sections sent (by their place): section ``opened``, and around it, the following
    and the preceding in turn, as many as stay within ``WINDOW_CHARS`` and ``WINDOW_PAGES``;
    ``chars`` and ``pages`` are each section's characters of text and pages."""
    start, end = opened, opened + 1
    total_chars, total_pages = chars[opened], pages[opened]
    grown = True
    while grown:
        grown = False
        for candidate in (end, start - 1):
            if not 0 <= candidate < len(chars):
                continue
            if (
                total_chars + chars[candidate] > WINDOW_CHARS
                or total_pages + pages[candidate] > WINDOW_PAGES
            ):
                continue
            total_chars += chars[candidate]
            total_pages += pages[candidate]
            start, end = min(start, candidate), max(end, candidate + 1)
            grown = True
    return range(start, end)


PREVIEW_CHARS = 80


def preview(blocks: Iterable[Block]) -> str:
    """A section's first heading, or else the beginning of its text, shortened."""
    first = chosen = None
    for block in blocks:
        first = first or block
        if block.kind == "heading":
            chosen = block
            break
    chosen = chosen or first
    text = " ".join(chosen.lines) if chosen else ""
    if len(text) <= PREVIEW_CHARS:
        return text
    return text[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"


def _render(block: Block, highlighter: Highlighter) -> ReaderBlock:
    html = Markup("<br>").join(highlighter.mark(line) for line in block.lines)
    return ReaderBlock(block.kind, html, block.page)


@dataclass(frozen=True)
class Reader:
    """What the reader page shows of one document."""

    document: DocumentPublic
    query: str
    search: str  # the search page's query, for the way back ("" when none was given)
    sections: tuple[Section, ...]  # all of the document's, those outside the window too
    sent: range  # the sections in the window sent, by their place in ``sections``
    nav: tuple[NavLink, ...]
    entity_groups: tuple[EntityGroup, ...]
    hit_pages: tuple[int, ...]  # pages with a search word on them
    # A page asked for that the document does not have (an old link, a typed address): the
    # reader opens where it would without one, and says so.
    missing_page: int | None = None
    asked_page: int | None = None  # the page asked for, where the document has it

    @property
    def is_web_page(self) -> bool:
        return not self.document.filename.lower().endswith(".pdf")

    @property
    def back_url(self) -> str | None:
        """Back to the search with its filters, order and page, as the results page linked
        here; from a link that carried only the words, to a search of them."""
        if self.search:
            return "/?" + self.search
        return "/?" + urlencode({"q": self.query}) if self.query else None

    @property
    def source_host(self) -> str | None:
        """The source's host without "www.", as a link's text."""
        if not self.document.source_uri:
            return None
        host = urlsplit(self.document.source_uri).hostname or ""
        return host.removeprefix("www.") or None

    @property
    def folded(self) -> bool:
        return len(self.sections) > 1

    @property
    def window(self) -> tuple[tuple[Section, Section | None], ...]:
        """The sections sent, each with the section after it (None after the last)."""
        return tuple(
            (self.sections[at], self.sections[at + 1] if at + 1 < len(self.sections) else None)
            for at in self.sent
        )

    @property
    def before_window(self) -> Section | None:
        """The section just before those sent, for the link back to it."""
        return self.sections[self.sent.start - 1] if self.sent.start > 0 else None

    @property
    def after_window(self) -> Section | None:
        """The section just after those sent, for the link on to it."""
        return self.sections[self.sent.stop] if self.sent.stop < len(self.sections) else None

    def page_url(self, number: int) -> str:
        return document_url(self.document.id, self.query, number, self.search)

    def cite_url(self, number: int) -> str:
        return cite_url(self.document.id, number, self.query, self.search)

    def fix_url(self, label: str, key: str, anchor: str) -> str:
        """This page with the form to correct one entity open (``ret``), at ``anchor``; the
        page asked for and the search's words stay as they are."""
        params = _search_params(self.asked_page, self.query, self.search)
        params["ret"] = f"{label}:{key}"
        return f"/dokument/{quote(self.document.id, safe='')}?{urlencode(params)}#{anchor}"


def document_url(
    document_id: str, query: str = "", page: int | None = None, search: str = ""
) -> str:
    """A document in the reader, carrying the search's words so the reader can mark them (and
    ``search``, the search page's query, for the way back); with a page, the server opens that
    page's section and the fragment scrolls to it."""
    params = _search_params(page, query, search)
    url = f"/dokument/{quote(document_id, safe='')}"
    url += f"?{urlencode(params)}" if params else ""
    return url if page is None else f"{url}#side-{page}"


def _search_params(page: int | None, query: str, search: str) -> dict[str, str]:
    """The page, the search's words and the search page's query, as the reader takes them."""
    params = {"side": str(page)} if page is not None else {}
    if query.strip():
        params["q"] = query
    if search and len(search) <= MAX_SEARCH_ADDRESS:
        params["soegning"] = search
    return params


def cite_url(document_id: str, page: int, query: str = "", search: str = "") -> str:
    """The citation page of a document's page, carrying the search as ``document_url`` does,
    so its way back to the document still marks the words and leads back to the search."""
    params = urlencode(_search_params(page, query, search))
    return f"/dokument/{quote(document_id, safe='')}/citer?{params}"


def build_names(document: DocumentPublic) -> Reader:
    """The reader of ``document`` without its text, for the pages that list its entities."""
    return Reader(
        document=document,
        query="",
        search="",
        sections=(),
        sent=range(0),
        nav=(),
        entity_groups=tuple(group_entities(document.entities)),
        hit_pages=(),
    )


def build_reader(
    document: DocumentPublic, query: str | None, page: int | None, search: str | None = None
) -> Reader:
    """The reader of ``document``, its search words marked for ``query``, with the section
    holding page ``page`` open (when no page is asked for, the first with a search word) and
    the window around it laid out; ``search`` is the search page's query the way back goes
    to."""
    query = " ".join((query or "").split())
    search = search or ""
    highlighter = Highlighter(query)
    layout = reflow if document.filename.lower().endswith(".pdf") else html_blocks
    # Every page is searched for the words, for the page's count of pages with them and the
    # navigation's marks; only the pages sent are laid out.
    hits = [highlighter.count(p.text) for p in document.pages]
    lengths = [len(p.text) for p in document.pages]
    sizes = section_sizes(lengths)
    starts = list(itertools.accumulate(sizes, initial=0))[:-1]
    spans = [range(start, start + size) for start, size in zip(starts, sizes, strict=True)]
    pages = document.pages
    opened = next(
        (
            at
            for at, span in enumerate(spans)
            if page is not None and pages[span[0]].number <= page <= pages[span[-1]].number
        ),
        None,
    )
    asked = opened is not None
    if opened is None:
        # No page asked for, or one the document does not have: it opens where the search's
        # words first are (a cover and contents may have none), else at its beginning.
        opened = next((at for at, span in enumerate(spans) if any(hits[i] for i in span)), 0)
    sent = (
        window(
            [sum(lengths[i] for i in span) for span in spans],
            [len(span) for span in spans],
            opened,
        )
        if spans
        else range(0)
    )
    sections: list[Section] = []
    for at, span in enumerate(spans):
        section = Section(
            first=pages[span[0]].number,
            last=pages[span[-1]].number,
            hits=sum(hits[i] for i in span),
            open=at == opened,
        )
        if at in sent:
            laid_out = [layout(pages[i].text) for i in span]
            shown = tuple(
                ReaderPage(
                    number=pages[i].number,
                    blocks=tuple(_render(block, highlighter) for block in blocks),
                    hits=hits[i],
                    language=pages[i].language,
                    ocr=pages[i].ocr,
                    label=pages[i].label,
                )
                for i, blocks in zip(span, laid_out, strict=True)
            )
            first_blocks = (block for blocks in laid_out for block in blocks)
            section = replace(section, pages=shown, preview=preview(first_blocks))
        sections.append(section)
    if len(pages) <= 1:
        nav: list[NavLink] = []
    elif len(pages) <= NAV_EVERY_PAGE:
        nav = [
            NavLink(
                str(pages[i].number),
                document_url(document.id, query, pages[i].number, search),
                hits[i],
                s.open,
            )
            for s, span in zip(sections, spans, strict=True)
            for i in span
        ]
    else:
        nav = [
            NavLink(
                f"{s.first}–{s.last}",
                document_url(document.id, query, s.first, search),
                s.hits,
                s.open,
            )
            for s in sections
        ]
    return Reader(
        document=document,
        query=query,
        search=search,
        sections=tuple(sections),
        sent=sent,
        nav=tuple(nav),
        entity_groups=tuple(group_entities(document.entities)),
        hit_pages=tuple(p.number for p, count in zip(pages, hits, strict=True) if count),
        missing_page=page if page is not None and pages and not asked else None,
        asked_page=page if asked else None,
    )
