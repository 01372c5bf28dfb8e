"""A synthetic corpus of Danish reports, recombined from the sample corpus, for measuring scale.

    python bench/synthetic_corpus.py --pages 1000 --seed 1 [--show 2]

The material is the sample corpus's own (``sample_corpus/documents``, written for this project)
and the knowledge base's names (``nlp_models/kb``); nothing comes from outside the repository:

- sentences of the Danish documents' paragraphs, bullets, quotes and boxes, mixed into new
  paragraphs; section headings; tables' captions and rows;
- titles built from the sample titles and subtitles, publishers, imprints, kinds and their
  formats as the sample pairs them, target ages and professionals of the tools, authors' first
  and last names recombined, years 2010–2026;
- entities: sentences that name a knowledge-base record are kept as frames, and each use puts
  another record of the same type and kind in its place ("Aarhus Kommune" for "Odense
  Kommune", a law for a law). The generator knows what it inserted, so each document carries its
  entities (what the entity pipeline would have found) without running the pipeline.

Sizes follow the literature: short notes and tools of 2–10 pages, reports of 20–120 and some of
150–300 pages. Pages look like pypdf's extraction of the sample PDFs: a running header, the
text, and a footer with the imprint and the page number. Everything is a stream from one
``random.Random(seed)``: the same seed gives the same documents, and nothing is held but the
material and the document being made (a million pages take a few minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nlp_models.knowledge_base import KBRecord, load_records
from sample_corpus.profiles import IMPRINTS, PUBLISHERS
from sample_corpus.sources import DocSpec, load_documents
from sample_corpus.text import plain
from vidensbank.identity import document_id
from vidensbank.settings import get_settings

# (share of documents, fewest pages, most pages, the kinds such a document is)
SIZES = [
    (0.55, 2, 10, ("værktøj", "nyhed", "nyhedsbrev", "folketingssvar", "kommissorium")),
    (0.38, 20, 120, ("rapport", "analyse", "vejledning")),
    (0.07, 150, 300, ("rapport",)),
]
WORDS_PER_PAGE = (250, 450)
PAGES_PER_CHAPTER = (3, 12)
YEARS = (2010, 2026)
# A page holds one sentence with an entity in this many.
ENTITY_SENTENCE_SHARE = 0.15
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9»\"])")
# Names this short or without a capital are common words too ("Lev", "hjem").
MIN_NAME_CHARS = 4


@dataclass(frozen=True)
class Frame:
    """A sentence naming a knowledge-base record, with the place of the name."""

    text: str
    start: int
    end: int
    kind: tuple[str, str | None]


@dataclass(frozen=True)
class SyntheticEntity:
    kb_id: str
    canonical: str
    label: str


@dataclass
class SyntheticDocument:
    number: int
    title: str
    publisher: str
    imprint: str
    kind: str
    fmt: str
    published: dt.date
    authors: list[str]
    source_uri: str
    target_age: str | None
    professional: list[str]
    pages: list[str]
    entities: list[SyntheticEntity] = field(default_factory=list)

    @property
    def id(self) -> str:
        return document_id(self.source_uri)

    @property
    def filename(self) -> str:
        return self.source_uri.rsplit("/", 1)[-1]

    @property
    def extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"language": "da"}
        if self.target_age:
            extra["target_age"] = self.target_age
        if self.professional:
            extra["professional"] = self.professional
        return extra


@dataclass
class Material:
    sentences: list[str]
    frames: list[Frame]
    headings: list[str]
    title_parts: list[str]
    table_lines: list[str]
    # kind -> (publisher, imprint, format) as the sample pairs them
    outlets: dict[str, list[tuple[str, str, str]]]
    target_ages: list[str]
    professionals: list[str]
    first_names: list[str]
    last_names: list[str]
    records: dict[tuple[str, str | None], list[KBRecord]]


def _texts(spec: DocSpec) -> Iterator[str]:
    for section in spec.sections:
        for block in section["blocks"]:
            [(name, value)] = block.items()
            if name in ("p", "quote"):
                yield plain(value)
            elif name in ("bullets", "steps"):
                yield from (plain(item) for item in value)
            elif name == "box":
                yield from (plain(item) for item in value.get("p") or [])
                yield from (plain(item) for item in value.get("bullets") or [])


def _name_pattern(records: list[KBRecord]) -> tuple[re.Pattern[str], dict[str, KBRecord]]:
    by_form: dict[str, KBRecord] = {}
    for record in records:
        for form in record.surface_forms():
            if len(form) >= MIN_NAME_CHARS and not form.islower():
                by_form.setdefault(form, record)
    forms = sorted(by_form, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, forms)) + r")(?!\w)"), by_form


@lru_cache(maxsize=1)
def material() -> Material:
    """Everything the generator draws from, read once from the sample corpus and the KB."""
    specs = [spec for spec in load_documents() if spec.language == "da"]
    records = load_records(get_settings().kb_dir)
    pattern, by_form = _name_pattern(records)
    sentences: list[str] = []
    frames: list[Frame] = []
    for spec in specs:
        for text in _texts(spec):
            for sentence in SENTENCE_END.split(" ".join(text.split())):
                if len(sentence.split()) < 4:
                    continue
                if match := pattern.search(sentence):
                    record = by_form[match.group(1)]
                    kind = (record.type, record.kind)
                    frames.append(Frame(sentence, match.start(), match.end(), kind))
                else:
                    sentences.append(sentence)
    by_kind: dict[tuple[str, str | None], list[KBRecord]] = {}
    for record in records:
        by_kind.setdefault((record.type, record.kind), []).append(record)
    headings = sorted(
        {
            re.sub(r"^\d+(\.\d+)?\s+", "", str(section["heading"]))
            for spec in specs
            for section in spec.sections
            if section.get("heading")
        }
    )
    title_parts = sorted(
        {part.strip() for spec in specs for part in re.split(r":| – ", spec.title) if part.strip()}
        | {str(spec.data["subtitle"]) for spec in specs if spec.data.get("subtitle")}
    )
    table_lines = sorted(
        {
            " ".join(str(cell) for cell in row)
            for spec in specs
            for section in spec.sections
            for block in section["blocks"]
            if "table" in block
            for row in [block["table"]["columns"], *block["table"]["rows"]]
        }
    )
    outlets: dict[str, list[tuple[str, str, str]]] = {}
    for spec in specs:
        outlet = (spec.publisher, spec.imprint, spec.fmt)
        if outlet not in outlets.setdefault(spec.kind, []):
            outlets[spec.kind].append(outlet)
    names = [author.split() for spec in specs for author in spec.authors]
    return Material(
        sentences=sentences,
        frames=frames,
        headings=headings,
        title_parts=title_parts,
        table_lines=table_lines,
        outlets=outlets,
        target_ages=sorted({str(s.data["target_age"]) for s in specs if s.data.get("target_age")}),
        professionals=sorted({str(p) for s in specs for p in s.data.get("professional") or []}),
        first_names=sorted({n[0] for n in names}),
        last_names=sorted({n[-1] for n in names}),
        records={kind: by_kind[kind] for kind in sorted({f.kind for f in frames}, key=str)},
    )


class _Writer:
    """One document's text, drawn from the material with the corpus's random stream."""

    def __init__(self, rng: random.Random, stuff: Material) -> None:
        self.rng = rng
        self.stuff = stuff
        self.inserted: dict[str, KBRecord] = {}

    def sentence(self) -> str:
        if self.rng.random() >= ENTITY_SENTENCE_SHARE:
            return self.rng.choice(self.stuff.sentences)
        frame = self.rng.choice(self.stuff.frames)
        record = self.rng.choice(self.stuff.records[frame.kind])
        self.inserted.setdefault(record.id, record)
        return frame.text[: frame.start] + record.name + frame.text[frame.end :]

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def body(self, words: int) -> list[str]:
        """Lines of running text (paragraphs, now and then a table) of about ``words`` words."""
        lines: list[str] = []
        count = 0
        while count < words:
            if self.rng.random() < 0.05:
                table = self.rng.sample(self.stuff.table_lines, self.rng.randint(3, 7))
                lines += [f"Tabel {self.rng.randint(1, 9)}.{self.rng.randint(1, 9)}", *table]
                count += sum(len(line.split()) for line in table)
            else:
                paragraph = self.paragraph()
                lines.append(paragraph)
                count += len(paragraph.split())
        return lines


def _title(rng: random.Random, stuff: Material) -> str:
    first, second = rng.sample(stuff.title_parts, 2)
    shape = rng.random()
    if shape < 0.45:
        return f"{first}: {second[0].lower()}{second[1:]}"
    if shape < 0.7:
        return first
    if shape < 0.85:
        return f"{first} – {rng.choice(stuff.headings).lower()}"
    return f"{first} {rng.randint(*YEARS)}"


_ASCII: dict[str, str | int | None] = {"æ": "ae", "ø": "oe", "å": "aa"}


def _slug(text: str) -> str:
    folded = text.lower().translate(str.maketrans(_ASCII))
    return "-".join(re.findall(r"[a-z0-9]+", folded))[:60]


def _pages(writer: _Writer, doc: SyntheticDocument, footer: str) -> list[str]:
    rng = writer.rng
    header = f"{doc.title[:50]} {doc.imprint}"
    pages: list[str] = []
    count = len(doc.pages)
    chapter = 0
    next_chapter = 1 if count > 10 else count + 1
    for number in range(1, count + 1):
        lines = [header]
        if number == 1 and count > 10:
            lines += [doc.title, doc.kind.capitalize(), ", ".join(doc.authors), doc.imprint]
            lines += [f"{doc.published.day}/{doc.published.month} {doc.published.year}"]
        elif number == 2 and count > 10:
            contents = rng.sample(writer.stuff.headings, rng.randint(5, 9))
            lines += ["Indhold"] + [f"{i} {h}" for i, h in enumerate(contents, 1)]
        else:
            if number >= next_chapter:
                chapter += 1
                next_chapter = number + rng.randint(*PAGES_PER_CHAPTER)
                lines.append(f"{chapter} {rng.choice(writer.stuff.headings)}")
            elif number == 1:
                lines.append(doc.title)
            lines += writer.body(rng.randint(*WORDS_PER_PAGE))
        lines.append(f"{footer} Side {number}")
        pages.append("\n".join(lines))
    return pages


def documents(pages: int, seed: int = 1) -> Iterator[SyntheticDocument]:
    """Documents of ``pages`` pages in all (the last one cut to fit), the same for a seed."""
    stuff = material()
    rng = random.Random(seed)
    left = pages
    number = 0
    while left > 0:
        number += 1
        [(_share, fewest, most, kinds)] = rng.choices(SIZES, weights=[s[0] for s in SIZES])
        count = min(left, rng.randint(fewest, most))
        left -= count
        kind = rng.choice([k for k in kinds if k in stuff.outlets])
        publisher, imprint, fmt = rng.choice(stuff.outlets[kind])
        title = _title(rng, stuff)
        published = dt.date(rng.randint(*YEARS), rng.randint(1, 12), rng.randint(1, 28))
        authors = (
            [
                f"{rng.choice(stuff.first_names)} {rng.choice(stuff.last_names)}"
                for _ in range(rng.randint(1, 4))
            ]
            if kind in ("rapport", "analyse")
            else []
        )
        tool = kind == "værktøj"
        slug = _slug(title)
        doc = SyntheticDocument(
            number=number,
            title=title,
            publisher=publisher,
            imprint=imprint,
            kind=kind,
            fmt=fmt,
            published=published,
            authors=authors,
            source_uri=f"https://{PUBLISHERS[publisher].domain}/syntetisk/{seed}/{number}/{slug}.{fmt}",
            target_age=rng.choice(stuff.target_ages) if tool else None,
            professional=rng.sample(stuff.professionals, rng.randint(1, 3)) if tool else [],
            pages=[""] * count,
        )
        writer = _Writer(rng, stuff)
        doc.pages = _pages(writer, doc, IMPRINTS[imprint].full_name)
        doc.entities = [
            SyntheticEntity(kb_id=r.id, canonical=r.name, label=r.type)
            for r in writer.inserted.values()
        ]
        yield doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=0, help="print the first N documents")
    args = parser.parse_args()
    start = time.perf_counter()
    count = words = 0
    for doc in documents(args.pages, args.seed):
        count += 1
        words += sum(len(page.split()) for page in doc.pages)
        if doc.number <= args.show:
            print(doc.title, doc.kind, doc.publisher, len(doc.pages), doc.entities[:5])
            print(doc.pages[min(3, len(doc.pages) - 1)][:1500], "\n")
    elapsed = time.perf_counter() - start
    print(f"{count} documents, {args.pages} pages, {words} words in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
