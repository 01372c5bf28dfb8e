"""The knowledge base: canonical records of organisations, places, laws, initiatives, people.

Records live in YAML files under ``nlp_models/kb/`` (format in its README), shipped with the
package, and are loaded once per process: entity finding, query expansion, facet labels and the
entity pages all read them from here.
"""

import hashlib
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
    def __init__(self, records: list[KBRecord]) -> None:
        self.records = {record.id: record for record in records}

    def get(self, kb_id: str) -> KBRecord | None:
        return self.records.get(kb_id)


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
