"""Find the entities of a text and link them to the knowledge base.

Three sources of candidates are combined, so that each covers the others' gaps:
- the statistical NER model the project trains on its own Danish sentences (``model/``);
- a phrase matcher over every name in the knowledge base, with genitive forms;
- patterns for Danish dates and amounts.
Where candidates overlap, the more trusted source wins (knowledge base, then patterns, then the
model), and within a source the longer span: the model fills the gaps the curated sources leave.
Every mention is then linked to a record where one exists.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import spacy
from pydantic import BaseModel
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from nlp_models.knowledge_base import KnowledgeBase, load_knowledge_base
from nlp_models.linking import Linker
from nlp_models.pipeline import MODEL_DIR, blank_danish, model_version

_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_NUMBER_WORDS = "en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|tolv|femten|tyve|halvtreds|hundrede"
DATE_PATTERN = re.compile(
    rf"""\b(?:
        \d{{1,2}}-\d{{1,2}}-\d{{4}}                                  # 10-06-2021
      | \d{{1,2}}\.\s?(?:{_MONTHS})(?:\s\d{{4}})?                    # 11. maj (2021)
      | [1-4]\.\s?kvartal\s\d{{4}}                                   # 1. kvartal 2023
      | (?:primo|medio|ultimo|foråret|sommeren|efteråret|vinteren)\s\d{{4}}
      | (?:{_MONTHS})\s\d{{4}}                                       # maj 2021
      | (?:19|20)\d{{2}}(?:\s?[-–]\s?(?:19|20)\d{{2}})?              # 2019, 2021-2024
    )\b""",
    re.VERBOSE | re.IGNORECASE,
)
MONEY_PATTERN = re.compile(
    rf"""(?:
        \b\d{{1,3}}(?:\.\d{{3}})*(?:,\d+)?\s?(?:mio\.|mia\.|millioner|milliarder|mio|mia)?\s?
        (?:kr\.|kroner)
      | \b(?:{_NUMBER_WORDS})\s(?:millioner|milliarder|mio\.|mia\.)\s(?:kr\.|kroner)
      | \bkr\.\s?\d{{1,3}}(?:\.\d{{3}})*(?:,\d+)?
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"\s*§§?\s?\d+(?:\s?[a-z]\b)?(?:,\s?stk\.\s?\d+)?")

# Sources of candidates, most trusted first.
_KB, _PATTERN, _MODEL = 0, 1, 2


class Mention(BaseModel):
    text: str
    label: str
    kb_id: str | None
    canonical: str
    page: int
    start: int
    end: int


class EntitySummary(BaseModel):
    """All mentions of one entity in one document."""

    text: str
    label: str
    canonical: str
    kb_id: str | None
    count: int
    pages: list[int]


def _genitives(form: str) -> list[str]:
    if form[-1] in "sxz":
        return [form, f"{form}'"]
    if form.isupper():
        return [form, f"{form}s", f"{form}'s"]
    return [form, f"{form}s"]


def _select(candidates: list[tuple[Span, int]]) -> list[Span]:
    """Non-overlapping spans: by source trust, then longest first."""
    chosen: list[Span] = []
    taken: set[int] = set()
    for span, _source in sorted(candidates, key=lambda c: (c[1], -(c[0].end - c[0].start))):
        if not taken.intersection(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda span: span.start)


class EntityFinder:
    def __init__(self, kb: KnowledgeBase, model_dir: Path | None = MODEL_DIR) -> None:
        self.kb = kb
        self.linker = Linker(kb)
        has_model = model_dir is not None and (model_dir / "meta.json").is_file()
        self.nlp: Language = (
            spacy.load(model_dir) if model_dir is not None and has_model else blank_danish()
        )
        self.version = model_version(model_dir) if model_dir is not None else "rules-1"
        # Every form in spaCy's Danish lemma table (lower case, from spacy-lookups-data).
        self.common_words = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
        # Abbreviations match case-sensitively ("KL", never "kl."), names in any case
        # ("barnets lov").
        self.exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.loose = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for record in kb.records.values():
            for form in record.surface_forms():
                if len(form) < 2:
                    # One-letter party letters ("S", "V") only make sense as "(S)" tags.
                    continue
                matcher = self.exact if form.isupper() or len(form) <= 3 else self.loose
                matcher.add(record.id, [self.nlp.make_doc(f) for f in _genitives(form)])

    def _kb_spans(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.exact, self.loose):
            for match_id, start, end in matcher(doc):
                record = self.kb.get(self.nlp.vocab.strings[match_id])
                if record is not None:
                    spans.append(Span(doc, start, end, label=record.type))
        return spans

    @staticmethod
    def _pattern_spans(doc: Doc, pattern: re.Pattern[str], label: str) -> list[Span]:
        spans = []
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        return spans

    def spans(self, doc: Doc) -> list[Span]:
        """The chosen entity spans of a processed doc (the model's run in ``doc.ents``)."""
        candidates = [(span, _KB) for span in self._kb_spans(doc)]
        candidates += [
            (span, _PATTERN) for span in self._pattern_spans(doc, MONEY_PATTERN, "MONEY")
        ]
        candidates += [(span, _PATTERN) for span in self._pattern_spans(doc, DATE_PATTERN, "DATE")]
        candidates += [(span, _MODEL) for span in doc.ents if self._plausible(span)]
        return _select(candidates)

    def _plausible(self, span: Span) -> bool:
        """Whether a model-only span is worth keeping.

        Dates and amounts come from the patterns alone: the model's guesses there were mostly
        postcodes and URLs. A lone word that is an ordinary Danish word ("Formål", "Her") is a
        heading or a sentence start far more often than a name on real pages, unless the knowledge
        base knows it ("Lev", "Familiehusene").
        """
        if span.label_ in ("DATE", "MONEY"):
            return False
        if len(span) == 1 and span.text.lower() in self.common_words:
            return self.linker.link(span.text, span.label_) is not None
        return True

    def _mentions(self, doc: Doc, page: int, offset: int = 0) -> list[Mention]:
        """The mentions of a processed text that starts ``offset`` characters into its page."""
        mentions = []
        text = doc.text
        for span in self.spans(doc):
            start, end, label = span.start_char, span.end_char, span.label_
            # "Serviceloven § 50": the paragraph reference belongs to the law mention.
            if label == "LAW" and (paragraph := _PARAGRAPH.match(text, end)):
                end = paragraph.end()
            surface = text[start:end]
            record = self.linker.link(surface, label)
            mentions.append(
                Mention(
                    text=surface,
                    label=record.type if record else label,
                    kb_id=record.id if record else None,
                    canonical=record.name if record else " ".join(surface.split()),
                    page=page,
                    start=offset + start,
                    end=offset + end,
                )
            )
        return mentions

    def find(self, text: str, page: int = 1) -> list[Mention]:
        return self._mentions(self.nlp(text), page)

    def find_in_pages(self, pages: Sequence[tuple[int, str]]) -> list[Mention]:
        """Mentions of a whole document. An abbreviation defined in parentheses after a full
        name ("Børne- og Ungeudvalget (BUU)") names the same entity wherever it is used later."""
        [mentions] = self.find_in_documents([pages])
        return mentions

    def find_in_documents(
        self, documents: Sequence[Sequence[tuple[int, str]]]
    ) -> list[list[Mention]]:
        """``find_in_pages`` for several documents at once: their pages go through the model
        together, which keeps its batches full when documents are short."""
        chunks = [
            (index, number, offset, piece)
            for index, pages in enumerate(documents)
            for number, text in pages
            for offset, piece in chunked(text, CHUNK_CHARS)
        ]
        found: list[list[Mention]] = [[] for _ in documents]
        for (index, number, offset, _piece), doc in zip(
            chunks,
            self.nlp.pipe((piece for *_, piece in chunks), batch_size=PIPE_BATCH),
            strict=True,
        ):
            found[index].extend(self._mentions(doc, number, offset))
        return [
            _apply_definitions(mentions, [text for _number, text in pages])
            for mentions, pages in zip(found, documents, strict=True)
        ]


# spaCy refuses texts over a million characters and needs memory in proportion to the text it
# holds; longer pages are processed in pieces cut between paragraphs, or else between words,
# and a few pieces at a time, so a worker's memory stays flat whatever the page length.
CHUNK_CHARS = 20_000
PIPE_BATCH = 8


def chunked(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` in pieces of at most ``size`` characters, each with its offset in ``text``."""
    pieces = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = window.rfind("\n\n")
        if cut < size // 2:
            cut = max(window.rfind("\n"), window.rfind(" "))
        if cut < size // 2:
            cut = size
        pieces.append((start, text[start : start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _apply_definitions(mentions: list[Mention], texts: list[str]) -> list[Mention]:
    by_page = dict(enumerate(texts, start=1))
    definitions: dict[str, Mention] = {}
    resolved = []
    previous: Mention | None = None
    for found in mentions:
        mention = found
        page_text = by_page.get(mention.page, "")
        if (
            previous is not None
            and previous.page == mention.page
            and mention.text.isupper()
            and page_text[previous.end : mention.start].strip() == "("
        ):
            definitions.setdefault(mention.text, previous)
        definition = definitions.get(mention.text)
        if mention.kb_id is None and definition is not None:
            mention = mention.model_copy(
                update={
                    "label": definition.label,
                    "kb_id": definition.kb_id,
                    "canonical": definition.canonical,
                }
            )
        resolved.append(mention)
        previous = found
    return resolved


def summarize(mentions: Iterable[Mention]) -> list[EntitySummary]:
    """Group mentions into entities: by KB record, else by label and normalised text."""
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        key = mention.kb_id or " ".join(mention.canonical.lower().split())
        groups[(mention.label, key)].append(mention)
    summaries = [
        EntitySummary(
            text=group[0].text,
            label=label,
            canonical=group[0].canonical,
            kb_id=group[0].kb_id,
            count=len(group),
            pages=sorted({m.page for m in group}),
        )
        for (label, _key), group in groups.items()
    ]
    return sorted(summaries, key=lambda s: (-s.count, s.label, s.canonical))


@lru_cache
def get_finder(kb_dir: Path) -> EntityFinder:
    """One finder per worker process: loading the model and building matchers is the cost."""
    return EntityFinder(load_knowledge_base(kb_dir))
