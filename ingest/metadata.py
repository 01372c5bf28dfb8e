"""A document's bibliographic metadata, from the best source that has each field.

Order of trust: the publisher's own metadata (manifest or landing page), then what the file
says of itself (PDF info, HTML meta tags), then what the text states of itself (a colophon, a
masthead, a line of authors). What a text merely mentions (another publisher, a date in running
text) says nothing of the document itself.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel, Field

from ingest.extract.base import EmbeddedMetadata, ExtractedPage, plausible_title
from ingest.extract.cleanup import visible_line
from ingest.language import document_languages
from vidensbank.danish import MONTHS

# The three publishers, and the names each goes by (older ones, short and long ones).
PUBLISHER_SIGNS = {
    "VIVE": ("VIVE", "Det Nationale Forsknings- og Analysecenter for Velfærd", "SFI", "KORA"),
    "Børns Vilkår": ("Børns Vilkår", "BørneTelefonen"),
    "Socialstyrelsen": ("Socialstyrelsen", "Social- og Boligstyrelsen"),
}


RIGHTS_FILE = Path(__file__).with_name("rights.yaml")


@cache
def publisher_rights() -> dict[str, str]:
    """The rights statement each publisher gives its publications (curators correct one
    document's)."""
    rights: dict[str, str] = yaml.safe_load(RIGHTS_FILE.read_text(encoding="utf-8"))
    return rights


# "ISBN 978-87-7119-688-7", "ISBN: 87 7119 688 X", "ISBN-13 (e-bog): …": the number, and what
# follows it on its line (a print and an e-book edition often stand side by side).
_ISBN = re.compile(
    r"\bISBN(?:-1[03])?\b[^\d\n]{0,20}((?:\d[\s-]?){9}[\dXx](?:[\s-]?\d){0,3})([^\n]{0,30})"
)
_ELECTRONIC = re.compile(r"e-?bog|elektronisk|online|pdf|digital|web", re.IGNORECASE)


def valid_isbn(digits: str) -> bool:
    if len(digits) == 13 and digits.isdigit() and digits.startswith(("978", "979")):
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] in "Xx"):
        values = [int(d) for d in digits[:9]] + [10 if digits[9] in "Xx" else int(digits[9])]
        return sum((10 - i) * value for i, value in enumerate(values)) % 11 == 0
    return False


def find_isbn(pages: list[ExtractedPage]) -> str | None:
    """The ISBN a report prints on its title or colophon page (the first pages or the last),
    checked by its check digit; of a print and an electronic edition, the electronic one,
    which is the file at hand."""
    found: list[tuple[str, bool]] = []
    for page in [*pages[:4], *pages[4:][-2:]]:
        for match in _ISBN.finditer(page.text):
            number = " ".join(match.group(1).split())
            if valid_isbn(re.sub(r"[\s-]", "", number)):
                found.append((number.replace(" ", "-"), bool(_ELECTRONIC.search(match.group(2)))))
    electronic = [number for number, is_electronic in found if is_electronic]
    return next(iter(electronic or [number for number, _ in found]), None)


class DocumentMetadata(BaseModel):
    title: str
    publisher: str | None = None
    kind: str | None = None
    published: dt.date | None = None
    authors: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    # The language of each page, in order (the document's is ``extra["language"]``).
    page_languages: list[str] = Field(default_factory=list)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


class AgeRange(NamedTuple):
    """A target group's ages in whole years, both ends included."""

    from_age: int
    to_age: int | None  # None: no upper age ("14+ år")


# Older than anyone a tool is written for: a larger number is a typo, not an age.
MAX_AGE = 120
_AGE = r"(\d{1,3})"
# The forms a target age takes once "år" or "-årige" is dropped, and the ages each names:
# "under 10 år" is 0-9, "over 14 år" is 15 and up.
AGE_FORMS: list[tuple[re.Pattern[str], Callable[..., tuple[int, int | None]]]] = [
    (re.compile(rf"{_AGE} ?(?:-|til) ?{_AGE}"), lambda a, b: (a, b)),
    (re.compile(rf"{_AGE} ?(?:\+|og op|og opefter|og ældre)"), lambda a: (a, None)),
    (re.compile(rf"(?:fra|mindst) {_AGE}"), lambda a: (a, None)),
    (re.compile(rf"over {_AGE}"), lambda a: (a + 1, None)),
    (re.compile(rf"under {_AGE}"), lambda a: (0, a - 1)),
    (re.compile(rf"(?:op til|højst) {_AGE}"), lambda a: (0, a)),
    (re.compile(_AGE), lambda a: (a, a)),
]
_UNIT = re.compile(r" ?-?(?:år|årige)$")


def parse_age_range(text: str | None) -> AgeRange | None:
    """The ages a target age such as "6-12 år", "14+ år" or "under 10 år" names; None when
    the text is not one of the forms that name ages."""
    if not text:
        return None
    normal = " ".join(text.lower().replace("–", "-").replace("—", "-").split())
    normal = _UNIT.sub("", normal)
    for pattern, ages in AGE_FORMS:
        if match := pattern.fullmatch(normal):
            from_age, to_age = ages(*(int(n) for n in match.groups()))
            highest = from_age if to_age is None else to_age
            if 0 <= from_age <= highest <= MAX_AGE:
                return AgeRange(from_age, to_age)
            return None
    return None


def _target_age(text: str) -> dict[str, Any]:
    """The target age as given, for display, and the ages it names, for searching by age."""
    ages = parse_age_range(text)
    if ages is None:
        return {"target_age": text}
    return {"target_age": text, "target_age_from": ages.from_age, "target_age_to": ages.to_age}


def stored_age_range(extra: Mapping[str, Any]) -> AgeRange | None:
    """The ages of a document's target age, from what ``resolve_metadata`` stored; read from
    the text for a document stored before the ages were kept as numbers."""
    if extra.get("target_age_from") is not None:
        return AgeRange(int(extra["target_age_from"]), extra.get("target_age_to"))
    return parse_age_range(extra.get("target_age"))


def _written_one_way(word: str) -> str:
    """Lower case, but for an abbreviation ("AKT", "SSP")."""
    return word if len(word) > 1 and word.isupper() else word.lower()


def normalise_professionals(values: list[str]) -> list[str]:
    """Professionals (faggrupper) written one way, whoever wrote them: "Lærer" and "lærer" are
    one value, "AKT-lærer" keeps its abbreviation, spaces are single; the first spelling of a
    value given twice is kept."""
    written: dict[str, str] = {}
    for value in values:
        words = " ".join(value.split()).split(" ")
        normal = " ".join("-".join(map(_written_one_way, word.split("-"))) for word in words)
        if normal:
            written.setdefault(normal.casefold(), normal)
    return list(written.values())


def _canonical_publisher(name: str) -> str:
    """One of the three publishers under its canonical name when ``name`` begins with one of
    its names ("Social- og Boligstyrelsen", "SFI – Det Nationale Forskningscenter for
    Velfærd"); any other publisher as named."""
    for publisher, signs in PUBLISHER_SIGNS.items():
        if any(re.match(rf"{re.escape(sign)}(?!\w)", name) for sign in signs):
            return publisher
    return name


# A colophon's statement of who publishes: "Udgivet af VIVE", "Udgiver: Socialstyrelsen,
# Edisonsvej 1", "Forlag: …". Only at the start of a line and before a capital: "… udgivet af
# VIVE i 2019" in running text is about another publication.
_PUBLISHED_BY = re.compile(
    r"^[ \t]*(?:Udgivet af|Udgiver:?|Forlag:|Published by|Publisher:)[ \t]+([A-ZÆØÅ0-9][^\n]*)",
    re.MULTILINE,
)
# A copyright line with its year: "© VIVE 2022. Publikationen kan …", "© 2025 Landsforeningen
# …". Only at the start of a line and with a year, which a photo credit ("© Colourbox") lacks.
_COPYRIGHT = re.compile(r"^[ \t]*(?:Copyright[ \t]*)?(?:©|\(c\)|Copyright)([^\n]*)", re.MULTILINE)
_YEAR = r"(?:19|20)\d{2}(?:[-–]\d{2,4})?"
_YEAR_FIRST = re.compile(rf" ?{_YEAR},? (.+)")
_YEAR_LAST = re.compile(rf" ?(.+?),? {_YEAR}\b")
# Where a name stated in a line ends: an address, a dash, a sentence or a trailing year after it.
_NAME_END = re.compile(r" ?(?:[,;(·|–—]| - |\.(?: |$)| (?:i )?(?:19|20)\d{2}\b)")
# The name a line gives is a name, not a sentence; a colophon states it in a few lines, and
# no more of them, nor more of a line, is read.
MAX_NAME_WORDS = 8
_MAX_STATEMENTS = 10
_MAX_LINE = 300
# How many lines at the top of the first page are its masthead or letterhead.
_MASTHEAD_LINES = 5


def _stated_name(text: str) -> str | None:
    name = _NAME_END.split(text, maxsplit=1)[0].strip(" .:")
    if not name or not name[0].isupper() or len(name.split()) > MAX_NAME_WORDS:
        return None
    return name


def _copyright_holder(text: str) -> str | None:
    """Who a copyright line names, before or after its year; none without a year."""
    match = _YEAR_FIRST.match(text) or _YEAR_LAST.match(text)
    return _stated_name(match.group(1)) if match else None


def _masthead_publisher(pages: list[ExtractedPage]) -> str | None:
    """One of the three publishers, when a line at the very top of the first page is its name
    (alone, or before a dash, a dot or a date: "Socialstyrelsen · 20-02-2018")."""
    if not pages:
        return None
    lines = (visible_line(line[:_MAX_LINE]) for line in pages[0].text.splitlines())
    for line in islice(filter(None, lines), _MASTHEAD_LINES):
        for publisher, signs in PUBLISHER_SIGNS.items():
            if any(re.match(rf"{re.escape(sign)}(?:\s*[–—·|,:(-]|$)", line) for sign in signs):
                return publisher
    return None


def _colophon_pages(pages: list[ExtractedPage]) -> list[ExtractedPage]:
    """The pages a title page and a colophon stand on: the first four, and the last two."""
    return [*pages[:4], *pages[4:][-2:]]


def stated_publisher(pages: list[ExtractedPage]) -> str | None:
    """The publisher a document names as its own: in a colophon ("Udgivet af …", "Udgiver:
    …", "© … 2025", on the first pages or the last) or in the masthead at the top of its first
    page. A publisher the text merely mentions ("Undersøgelser fra VIVE viser …") is not it."""
    for pattern, name_in in ((_PUBLISHED_BY, _stated_name), (_COPYRIGHT, _copyright_holder)):
        for page in _colophon_pages(pages):
            for match in islice(pattern.finditer(page.text), _MAX_STATEMENTS):
                if name := name_in(visible_line(match.group(1)[:_MAX_LINE])):
                    return _canonical_publisher(name)
    return _masthead_publisher(pages)


def _corporate_author(authors: list[str]) -> str | None:
    """One of the three publishers when a file names it as its author."""
    for author in authors:
        for publisher, signs in PUBLISHER_SIGNS.items():
            if author in signs:
                return publisher
    return None


def first_line(texts: Sequence[str]) -> str | None:
    """The first line of the texts with more than three visible characters: a title for a
    document nothing names one for."""
    for text in texts:
        for line in text.splitlines():
            if len(visible := visible_line(line)) > 3:
                return visible[:300]
    return None


# The department or task a file's author field names in place of a person ("Grafisk",
# "Kommunikation"), in lower case.
DEPARTMENT_WORDS = frozenset(
    {
        "grafisk",
        "grafik",
        "layout",
        "design",
        "tryk",
        "kommunikation",
        "administration",
        "sekretariat",
        "redaktion",
        "web",
    }
)


def plausible_author(name: str) -> bool:
    """Whether a file's author field names a person or an organisation: not a user name or
    initials typed in lower case ("jkl"), an e-mail address or login ("mh@vive.dk",
    "VIVE\\mh"), nor a department or task ("Grafisk"). One capitalised word may be a firm
    ("Rambøll", "Epinion"), which writes many of this field's evaluations."""
    if not any(char.isupper() for char in name) or re.search(r"[\d@\\/_]", name):
        return False
    return name.lower() not in DEPARTMENT_WORDS


# The authors a title page or colophon lists: "Forfattere: Mette Holm, Jens Berg og Sara
# Lund", "Af: …"; a list that goes on after a comma or "og" at the end of the line goes on in
# the next.
_AUTHOR_LINE = re.compile(r"^[ \t]*(?:Forfatter(?:e|\(e\))?|Af)[ \t]*:([^\n]*)", re.MULTILINE)
_LIST_GOES_ON = re.compile(r"(?:,|\bog)$")
_AUTHOR_SEPARATOR = re.compile(r"\s*(?:[,;&]|\bog\b|\band\b)\s*")
# A person's name as a list prints it: two to five words, each with a capital ("Anne-Marie
# Juul Skovgaard", "M. Holm") or a particle ("von", "de").
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_PARTICLES = frozenset({"af", "da", "de", "la", "le", "van", "von"})
MAX_NAME_PARTS = 5


def _person_name(text: str) -> str | None:
    name = " ".join(re.sub(r"\([^)]*\)", " ", text).split()).strip(" .")
    words = name.split()
    if not 2 <= len(words) <= MAX_NAME_PARTS or not words[0][0].isupper():
        return None
    if not all(
        _NAME_WORD.fullmatch(word) and (word[0].isupper() or word in _PARTICLES) for word in words
    ):
        return None
    return name if plausible_author(name) else None


def stated_authors(pages: list[ExtractedPage]) -> list[str]:
    """The authors an explicit "Forfatter(e):" or "Af:" line on the first pages names."""
    for page in pages[:4]:
        for match in islice(_AUTHOR_LINE.finditer(page.text), _MAX_STATEMENTS):
            text = visible_line(match.group(1)[:_MAX_LINE])
            following = page.text[match.end() : match.end() + _MAX_LINE].splitlines()[1:4]
            while _LIST_GOES_ON.search(text) and following:
                text = f"{text} {visible_line(following.pop(0))}"
            names = (_person_name(part) for part in _AUTHOR_SEPARATOR.split(text))
            if found := [name for name in names if name]:
                return found
    return []


# A date before this, or further ahead of today than the slack, is a wrong clock or a
# placeholder ("0001-01-01", "2099-12-31"), not the day a document was published; the slack
# lets a page stamped in a time zone ahead of ours, or dated for release next week, keep its date.
EARLIEST_PUBLISHED = dt.date(1900, 1, 1)
FUTURE_SLACK = dt.timedelta(days=31)


def plausible_published(date: dt.date | None) -> dt.date | None:
    if date is None or not EARLIEST_PUBLISHED <= date <= dt.date.today() + FUTURE_SLACK:
        return None
    return date


# A colophon's date: "Udgivet 8. maj 2012", "© VIVE 2022", "12. udgave, marts 2025", "© 2008-2022"
# (its last year). A year after a comma and before a place's name is a postcode ("Smallegade 1,
# 2000 Frederiksberg").
_STATED_DATE = re.compile(
    r"^[ \t]*(?:Udgivet|Udgivelsesår|Udgivelse|Publiceret|Published|\d{1,2}\.[ \t]*udgave|©|\(c\)"
    rf"|Copyright)[^\n]{{0,80}}?(?:\b(?P<day>\d{{1,2}})\.[ \t]*)?(?:\b(?P<month>{'|'.join(MONTHS)})"
    r"[ \t]+)?\b(?:(?:19|20)\d{2}[ \t]*[-–][ \t]*(?P<until>(?:19|20)\d{2})\b"
    r"|(?P<year>(?:19|20)\d{2})\b(?![ \t]*[-–])(?!(?<=, \d{4})[ \t]+[A-ZÆØÅ][a-zæøå]))",
    re.MULTILINE | re.IGNORECASE,
)


def stated_published(pages: list[ExtractedPage]) -> dt.date | None:
    """The date a document's colophon gives for it, the first stated (a year alone is its 1
    January; "september 2025" the month's first day)."""
    for page in _colophon_pages(pages):
        for match in islice(_STATED_DATE.finditer(page.text), _MAX_STATEMENTS):
            year = int(match["until"] or match["year"])
            month = MONTHS.index(match["month"].lower()) + 1 if match["month"] else 1
            day = int(match["day"]) if match["day"] and match["month"] else 1
            try:
                return plausible_published(dt.date(year, month, day))
            except ValueError:  # "31. februar": the year and month stand
                return plausible_published(dt.date(year, month, 1))
    return None


def _published(embedded: EmbeddedMetadata, pages: list[ExtractedPage]) -> dt.date | None:
    """When the document was published, as the file says, unless the file's date is the day
    it was made and the colophon states another year (a tester's report of "september 2025",
    exported in 2026, was dated and cited 2026)."""
    date = plausible_published(embedded.published)
    stated = stated_published(pages) if embedded.dated_by_file else None
    if stated and (date is None or date.year != stated.year):
        return stated
    return date


def resolve_metadata(
    *,
    source: dict[str, Any],
    embedded: EmbeddedMetadata,
    pages: list[ExtractedPage],
    filename: str,
) -> DocumentMetadata:
    extra: dict[str, Any] = {}
    if source.get("target_age") is not None:
        extra.update(_target_age(source["target_age"]))
    if source.get("professional") is not None:
        extra["professional"] = normalise_professionals(source["professional"])
    # A publisher only as the document states it of itself; one it merely mentions is not its
    # publisher, and its rights are not this document's.
    publisher = source.get("publisher") or (
        _canonical_publisher(embedded.publisher)
        if embedded.publisher
        else stated_publisher(pages) or _corporate_author(embedded.authors)
    )
    if isbn := source.get("isbn") or find_isbn(pages):
        extra["isbn"] = isbn
    if rights := source.get("rights") or publisher_rights().get(publisher or ""):
        extra["rights"] = rights
    # The language a source (or a curator) states is believed, and one the file declares that
    # the text cannot tell (Swedish, Norwegian); otherwise the text tells.
    language, page_languages = document_languages(
        [page.text for page in pages], stated=source.get("language") or embedded.language
    )
    extra["language"] = language
    title = embedded.title if embedded.title and plausible_title(embedded.title) else None
    authors = [name for name in embedded.authors if plausible_author(name)]
    return DocumentMetadata(
        # Not from a page waiting for OCR: a scan's stamp is no title (OCR's text gives one).
        title=source.get("title")
        or title
        or first_line([page.text for page in pages if not page.needs_ocr])
        or filename,
        publisher=publisher,
        kind=source.get("kind") or embedded.kind,
        published=_date(source.get("published")) or _published(embedded, pages),
        authors=list(source.get("authors") or authors or stated_authors(pages)),
        extra=extra,
        page_languages=page_languages,
    )
