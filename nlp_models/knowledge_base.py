"""The knowledge base: canonical records of organisations, places, laws, initiatives, people.

Records live in YAML files under ``nlp_models/kb/`` (format in its README), shipped with the
package, and are loaded once per process: entity finding, query expansion, facet labels and the
entity pages all read them from here.
"""

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field


class FormerName(BaseModel):
    name: str
    from_: int | None = Field(default=None, alias="from")
    until: int | None = None


# What kind of body, place or thing a record is, finer than its entity type (kb/README.md).
Kind = Literal[
    "authority",
    "court",
    "board",
    "council",
    "ministry",
    "party",
    "committee",
    "municipality",
    "region",
    "place",
    "interest_organisation",
    "ngo",
    "foundation",
    "research",
    "education",
    "media",
    "care_provider",
    "company",
    "international",
    "law",
    "convention",
    "reform",
    "programme",
    "pool",
    "agreement",
    "service",
    "person",
]


class KBRecord(BaseModel):
    id: str
    type: str
    kind: Kind | None = None
    name: str
    aliases: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    former_names: list[FormerName] = Field(default_factory=list)
    successor_of: list[str] = Field(default_factory=list)
    parent: str | None = None
    description: str | None = None
    paragraph_pattern: bool = False

    def surface_forms(self) -> list[str]:
        """Every name the record is known by, canonical name first, without duplicates."""
        forms = [self.name, *self.aliases, *self.abbreviations]
        forms += [former.name for former in self.former_names]
        return list(dict.fromkeys(form.strip() for form in forms if form.strip()))


class KnowledgeBase:
    def __init__(self, records: list[KBRecord], merged: dict[str, str] | None = None) -> None:
        self.records = {record.id: record for record in records}
        # Records merged into another: their ids still find the record they became.
        self.merged = merged or {}

    def get(self, kb_id: str) -> KBRecord | None:
        return self.records.get(self.merged.get(kb_id, kb_id))


def apply_edits(records: list[KBRecord], edits: Sequence[tuple[str, str, str]]) -> KnowledgeBase:
    """The knowledge base of ``records`` with curators' edits applied in order: each edit is
    (record id, ``alias`` | ``former_name`` | ``merge``, the name, or for a merge the id of the
    record it merges into). An edit of a record that is not there (gone from the YAML files)
    changes nothing."""
    by_id = {record.id: record.model_copy(deep=True) for record in records}
    merged: dict[str, str] = {}
    for record_id, action, value in edits:
        record = by_id.get(merged.get(record_id, record_id))
        if record is None:
            continue
        if action == "alias" and value not in record.surface_forms():
            record.aliases.append(value)
        elif action == "former_name" and value not in record.surface_forms():
            record.former_names.append(FormerName(name=value))
        elif action == "merge" and (target := by_id.get(merged.get(value, value))) is not None:
            if target.id == record.id:
                continue
            known = set(target.surface_forms())
            target.aliases += [form for form in record.surface_forms() if form not in known]
            target.successor_of += [i for i in record.successor_of if i not in target.successor_of]
            del by_id[record.id]
            merged = {old: target.id if new == record.id else new for old, new in merged.items()}
            merged[record.id] = target.id
            for other in by_id.values():
                renamed = (target.id if i == record.id else i for i in other.successor_of)
                other.successor_of = list(dict.fromkeys(i for i in renamed if i != other.id))
                if other.parent == record.id:
                    other.parent = target.id if target.id != other.id else None
    return KnowledgeBase(list(by_id.values()), merged)


def load_records(folder: Path) -> list[KBRecord]:
    records: list[KBRecord] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        records.extend(KBRecord.model_validate(entry) for entry in data)
    return records


@lru_cache
def load_knowledge_base(folder: Path) -> KnowledgeBase:
    return KnowledgeBase(load_records(folder))


@lru_cache
def kb_version(folder: Path) -> str:
    """A stamp of the knowledge base's contents: a document enriched with another is stale."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"kb-{digest.hexdigest()[:12]}"
