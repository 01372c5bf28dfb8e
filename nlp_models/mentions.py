"""What the entity pipeline finds: mentions, and the entities of a document they make.

Apart from the pipeline itself, so that whoever reads or corrects entities (the API, the
pages) does not load spaCy.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pydantic import BaseModel


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
    forms: list[str]  # how the document writes it, most frequent first


def entity_key(kb_id: str | None, canonical: str) -> str:
    """What makes mentions of one label one entity of a document: their knowledge-base record,
    else their normalised text."""
    return kb_id or " ".join(canonical.lower().split())


MAX_FORMS = 10


def summarize(mentions: Iterable[Mention]) -> list[EntitySummary]:
    """Group mentions into entities: by KB record, else by label and normalised text."""
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        groups[(mention.label, entity_key(mention.kb_id, mention.canonical))].append(mention)
    summaries = [
        EntitySummary(
            text=group[0].text,
            label=label,
            canonical=group[0].canonical,
            kb_id=group[0].kb_id,
            count=len(group),
            pages=sorted({m.page for m in group}),
            forms=[
                form
                for form, _count in Counter(" ".join(m.text.split()) for m in group).most_common(
                    MAX_FORMS
                )
            ],
        )
        for (label, _key), group in groups.items()
    ]
    return sorted(summaries, key=lambda s: (-s.count, s.label, s.canonical))


@cache
def first_names() -> tuple[str, ...]:
    """The Danish first names the person pattern and the personal data rules know
    (``first_names.txt``)."""
    lines = (Path(__file__).parent / "first_names.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
