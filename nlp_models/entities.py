"""Find the entities of a text and link them to the knowledge base.

This first pass is rule- and knowledge-base driven: a phrase matcher over every name in the
knowledge base (with genitive forms), and patterns for Danish dates and amounts. It runs on
spaCy's Danish tokenizer, so the trained pipeline can take its place behind the same interface.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import spacy
from pydantic import BaseModel
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp_models.knowledge_base import KnowledgeBase, load_knowledge_base

MODEL_VERSION = "rules-1"

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


class EntityFinder:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.nlp: Language = spacy.blank("da")
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
                docs = [self.nlp.make_doc(f) for f in _genitives(form)]
                matcher.add(record.id, docs)

    def _kb_spans(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.exact, self.loose):
            for match_id, start, end in matcher(doc):
                kb_id = self.nlp.vocab.strings[match_id]
                record = self.kb.get(kb_id)
                if record is not None:
                    spans.append(Span(doc, start, end, label=record.type, kb_id=kb_id))
        return spans

    @staticmethod
    def _pattern_spans(doc: Doc, pattern: re.Pattern[str], label: str) -> list[Span]:
        spans = []
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        return spans

    def find(self, text: str, page: int = 1) -> list[Mention]:
        doc = self.nlp.make_doc(text)
        spans = filter_spans(
            self._kb_spans(doc)
            + self._pattern_spans(doc, MONEY_PATTERN, "MONEY")
            + self._pattern_spans(doc, DATE_PATTERN, "DATE")
        )
        mentions = []
        for span in spans:
            start, end = span.start_char, span.end_char
            record = self.kb.get(span.kb_id_) if span.kb_id_ else None
            # "Serviceloven § 50": the paragraph reference belongs to the law mention.
            if span.label_ == "LAW" and (paragraph := _PARAGRAPH.match(text, end)):
                end = paragraph.end()
            mentions.append(
                Mention(
                    text=text[start:end],
                    label=span.label_,
                    kb_id=record.id if record else None,
                    canonical=record.name if record else text[start:end],
                    page=page,
                    start=start,
                    end=end,
                )
            )
        return mentions


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
    """One finder per worker process: building the matchers is the expensive part."""
    return EntityFinder(load_knowledge_base(kb_dir))
