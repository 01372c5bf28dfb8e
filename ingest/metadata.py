"""A document's bibliographic metadata, from the best source that has each field.

Order of trust: the publisher's own metadata (manifest or landing page), then what the file
says of itself (PDF info, HTML meta tags), then what the text shows.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel, Field

from ingest.extract.base import EmbeddedMetadata, ExtractedPage
from ingest.extract.cleanup import visible_line
from ingest.language import document_languages

# The three publishers, and the names in a text that betray each of them.
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


def _guess_publisher(pages: list[ExtractedPage]) -> str | None:
    text = "\n".join(page.text for page in pages[:2])
    counts = {
        publisher: sum(len(re.findall(rf"\b{re.escape(sign)}\b", text)) for sign in signs)
        for publisher, signs in PUBLISHER_SIGNS.items()
    }
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def _first_line(pages: list[ExtractedPage]) -> str | None:
    for page in pages:
        for line in page.text.splitlines():
            if len(visible := visible_line(line)) > 3:
                return visible[:300]
    return None


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
    publisher = source.get("publisher") or embedded.publisher or _guess_publisher(pages)
    if isbn := source.get("isbn") or find_isbn(pages):
        extra["isbn"] = isbn
    if rights := source.get("rights") or publisher_rights().get(publisher or ""):
        extra["rights"] = rights
    # The language a source (or a curator) states is believed; otherwise the text tells.
    language, page_languages = document_languages(
        [page.text for page in pages], stated=source.get("language")
    )
    extra["language"] = language
    return DocumentMetadata(
        title=source.get("title") or embedded.title or _first_line(pages) or filename,
        publisher=publisher,
        kind=source.get("kind") or embedded.kind,
        published=_date(source.get("published")) or embedded.published,
        authors=list(source.get("authors") or embedded.authors),
        extra=extra,
        page_languages=page_languages,
    )
