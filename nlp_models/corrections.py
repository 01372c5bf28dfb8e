"""Curators' entity corrections applied to the mentions the entity pipeline found.

Every time a document's entities are found (a new file, a new model or knowledge base), its
corrections are applied again in the order they were made. A correction finds its entity by
its anchor: the page, and the entity's label and key as the document's entity list groups them;
when that entity is gone, the same words found under another label or record (a new model, a
knowledge-base edit).
Rejecting drops those mentions; relabelling, linking and adding give them the curator's label or
record, and where the pipeline did not find the words, they are looked up on the page and become
mentions. A correction whose entity is neither found nor written on its page any more has lost
its anchor: it is reported, never dropped.
"""

import re
from collections.abc import Sequence

from nlp_models.knowledge_base import KnowledgeBase
from nlp_models.mentions import Mention, entity_key
from vidensbank.store.corrections import EntityAction, EntityCorrection

# Web and e-mail addresses: "https://…", "www.…", "navn@vive.dk", "vive.dk/…" (each part
# bounded, so a long run without spaces is not tried from every character of it).
_ADDRESS = re.compile(
    r"\bhttps?://\S+|\bwww\.\S+|[^\s@]{1,64}@[^\s@]{1,253}"
    r"|\b[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.(?:dk|com|org|net|eu|gl|fo|se|no|de)/\S*",
    re.IGNORECASE,
)


def occurrences(page_text: str, words: str) -> list[tuple[int, int]]:
    """Where ``words`` stand on a page as whole words, across line breaks and in any case,
    except an abbreviation, which stands in capitals; never inside a web or e-mail address
    ("SFI" is not the "sfi" of "vive.dk/sfi-2012")."""
    parts = words.split()
    if not parts:
        return []
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, parts)) + r"(?!\w)"
    flags = 0 if words.isupper() else re.IGNORECASE
    addresses = [match.span() for match in _ADDRESS.finditer(page_text)]
    return [
        match.span()
        for match in re.finditer(pattern, page_text, flags)
        if not any(start <= match.start() < end for start, end in addresses)
    ]


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _anchored(mention: Mention, correction: EntityCorrection) -> bool:
    """The entity the correction was made on: on its page, with its label and key."""
    return (
        mention.page == correction.page
        and mention.label == correction.label
        and entity_key(mention.kb_id, mention.canonical) == correction.key
    )


def _same_words(mention: Mention, correction: EntityCorrection) -> bool:
    """The correction's words on its page, also in the genitive either way ("Socialstyrelsen"
    made on, "Socialstyrelsens" found): a rejected record's genitives came back after a merge."""
    found, made = _words(mention.text), _words(correction.text)
    return mention.page == correction.page and (
        found == made or found in (f"{made}s", f"{made}'s") or made in (f"{found}s", f"{found}'s")
    )


def _corrected(
    mention: Mention, label: str, kb_id: str | None, canonical: str | None, kb: KnowledgeBase
) -> Mention:
    """The mention as the correction says; a new type keeps the mention's record when the
    record is of that type."""
    if kb_id is None and mention.kb_id is not None:
        record = kb.get(mention.kb_id)
        if record is not None and record.type == label:
            kb_id, canonical = record.id, record.name
    return mention.model_copy(
        update={
            "label": label,
            "kb_id": kb_id,
            "canonical": canonical or " ".join(mention.text.split()),
        }
    )


def apply_corrections(
    mentions: Sequence[Mention],
    pages: dict[int, str],
    corrections: Sequence[EntityCorrection],
    kb: KnowledgeBase,
) -> tuple[list[Mention], set[int]]:
    """The mentions with the corrections applied, and the ids of the corrections whose anchor
    is gone."""
    result = list(mentions)
    lost: set[int] = set()
    for correction in corrections:
        page_text = pages.get(correction.page, "")
        written = occurrences(page_text, correction.text)
        # The entity it was made on; when that is gone (a new model, a knowledge-base edit
        # named the words otherwise), the same words on the page.
        found = [m for m in result if _anchored(m, correction)] or [
            m for m in result if _same_words(m, correction)
        ]
        if not found and not written:
            lost.add(correction.id)
            continue
        if correction.action == EntityAction.REJECT:
            result = [m for m in result if m not in found]
            continue
        if correction.action == EntityAction.RELABEL:
            label, kb_id, canonical = correction.new_label or correction.label, None, None
        else:
            record = kb.get(correction.new_kb_id) if correction.new_kb_id else None
            if correction.new_kb_id and record is None:
                lost.add(correction.id)  # the record left the knowledge base
                continue
            label = record.type if record else correction.new_label or correction.label
            kb_id, canonical = (record.id, record.name) if record else (None, None)
        result = [_corrected(m, label, kb_id, canonical, kb) if m in found else m for m in result]
        for start, end in written:
            on_page = [m for m in result if m.page == correction.page]
            if correction.action == EntityAction.ADD:
                # The curator's words are the whole name: what the pipeline found inside them
                # ("Mette Holm" of "Anne-Mette Holm") gives way.
                inside = [m for m in on_page if start <= m.start and m.end <= end]
                result = [m for m in result if m not in inside]
                on_page = [m for m in on_page if m not in inside]
            if any(start < m.end and m.start < end for m in on_page):
                continue
            surface = page_text[start:end]
            result.append(
                Mention(
                    text=surface,
                    label=label,
                    kb_id=kb_id,
                    canonical=canonical or " ".join(surface.split()),
                    page=correction.page,
                    start=start,
                    end=end,
                )
            )
    return result, lost
