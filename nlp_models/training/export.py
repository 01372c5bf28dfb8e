"""Curators' entity corrections as training sentences for the entity model.

Each sentence a correction touches (one where its words stand, on its page) is written in the
training format (``[[surface|LABEL|kb_id]]`` inline, one sentence a line), marked with the
mentions the pipeline finds in it now with every correction applied: a rejected name stands
there unmarked, a relabelled or linked one with the curator's label and record, an added one
marked. ``nlp_models.training.corpus.parse_line`` reads the lines back.
"""

import re
from collections.abc import Iterator, Sequence

from nlp_models.corrections import apply_corrections, occurrences
from nlp_models.entities import EntityFinder
from nlp_models.mentions import Mention
from vidensbank.store import corrections as correction_store
from vidensbank.store import documents as document_store
from vidensbank.store.corrections import EntityCorrection
from vidensbank.store.db import session_scope

# A sentence: up to an end mark followed by a space (not the point of "5.1"), never across a
# line break of the page.
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")
# Characters the training markup gives a meaning of its own.
_MARKUP_CHARACTERS = re.compile(r"[\[\]|]")
_KB_ID = re.compile(r"[a-z0-9._-]+")


def _marked(sentence: str, start: int, mentions: list[Mention]) -> str | None:
    """The sentence (starting ``start`` characters into its page) with its mentions marked;
    None when the markup cannot say it (a mention across its edge, markup characters)."""
    if _MARKUP_CHARACTERS.search(sentence):
        return None
    parts, position = [], start
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start < position or _MARKUP_CHARACTERS.search(mention.text):
            return None
        kb = f"|{mention.kb_id}" if mention.kb_id and _KB_ID.fullmatch(mention.kb_id) else ""
        parts += [sentence[position - start : mention.start - start]]
        parts += [f"[[{mention.text}|{mention.label}{kb}]]"]
        position = mention.end
    parts.append(sentence[position - start :])
    return "".join(parts)


def training_lines(
    page: int, text: str, mentions: Sequence[Mention], corrections: Sequence[EntityCorrection]
) -> list[str]:
    """The training lines of one page: each sentence a correction on it touches, once."""
    touched = [c for c in corrections if c.page == page]
    lines = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped or not any(occurrences(stripped, c.text) for c in touched):
            continue
        start = match.start() + raw.index(stripped)
        end = start + len(stripped)
        inside = [m for m in mentions if m.page == page and start <= m.start < end]
        if any(m.end > end for m in inside):
            continue
        if (line := _marked(stripped, start, inside)) is not None:
            lines.append(line)
    return lines


def corrected_sentences(finder: EntityFinder) -> Iterator[str]:
    """Every corrected document's touched sentences, each under a comment naming its page."""
    with session_scope() as session:
        document_ids = correction_store.corrected_document_ids(session)
    for document_id in document_ids:
        with session_scope() as session:
            pages = document_store.get_pages(session, document_id=document_id)
            corrections = correction_store.entity_corrections(session, document_id=document_id)
        mentions, _lost = apply_corrections(
            finder.find_in_pages(pages), dict(pages), corrections, finder.kb
        )
        for number, text in pages:
            lines = training_lines(number, text, mentions, corrections)
            if lines:
                yield f"# dokument {document_id}, side {number}"
                yield from lines
