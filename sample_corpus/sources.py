"""The source documents (``documents/*.yaml``): loading, validation and manifest entries."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sample_corpus.profiles import IMPRINTS, KINDS, PUBLISHERS

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"

REQUIRED_KEYS = ("slug", "format", "publisher", "kind", "title", "published")
OPTIONAL_KEYS = (
    "authors",
    "target_age",
    "professional",
    "sections",
    "subtitle",
    "imprint",
    "isbn",
    "project",
    "funding",
    "running_header",
    "lead",
    "tool_format",
    "duration",
    "related",
    "contact",
    "letterhead",
    "masthead",
    "series",
    "language",
)
# The languages a document may be written in (ISO 639-1); Danish unless it says otherwise.
LANGUAGES = {"da": "da-DK", "en": "en-GB"}
BLOCK_TYPES = ("p", "h", "bullets", "steps", "quote", "table", "box")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class DocSpec:
    """One source document, validated."""

    data: dict[str, Any]
    path: Path

    @property
    def slug(self) -> str:
        return str(self.data["slug"])

    @property
    def fmt(self) -> str:
        return str(self.data["format"])

    @property
    def kind(self) -> str:
        return str(self.data["kind"])

    @property
    def publisher(self) -> str:
        return str(self.data["publisher"])

    @property
    def title(self) -> str:
        return str(self.data["title"])

    @property
    def published(self) -> dt.date:
        value = self.data["published"]
        assert isinstance(value, dt.date)
        return value

    @property
    def authors(self) -> list[str]:
        return [str(a) for a in self.data.get("authors") or []]

    @property
    def imprint(self) -> str:
        return str(self.data.get("imprint") or self.publisher)

    @property
    def imprint_full(self) -> str:
        return IMPRINTS[self.imprint].full_name

    @property
    def filename(self) -> str:
        return f"{self.slug}.{self.fmt}"

    @property
    def source_url(self) -> str:
        return source_url(self.publisher, self.slug)

    @property
    def language(self) -> str:
        """What the text is written in. It is not in the manifest: ingest detects it."""
        return str(self.data.get("language", "da"))

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(self.data.get("sections") or [])

    def manifest_entry(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "publisher": self.publisher,
            "kind": self.kind,
            "published": self.published.isoformat(),
            "authors": self.authors,
            "source_url": self.source_url,
            "target_age": self.data.get("target_age"),
            "professional": [str(p) for p in self.data.get("professional") or []],
        }


def source_url(publisher: str, slug: str) -> str:
    return f"https://{PUBLISHERS[publisher].domain}/{slug}"


def _fail(path: Path, msg: str) -> None:
    raise ValueError(f"{path.name}: {msg}")


def validate(data: Any, path: Path) -> DocSpec:
    """Check one parsed YAML document against the schema described in README.md."""
    if not isinstance(data, dict):
        _fail(path, "top level must be a mapping")
    for key in REQUIRED_KEYS:
        if key not in data:
            _fail(path, f"missing key {key!r}")
    unknown = set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if unknown:
        _fail(path, f"unknown keys {sorted(unknown)}")
    slug = data["slug"]
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or slug != path.stem:
        _fail(path, "slug must be ascii kebab-case and equal the file name stem")
    if data["publisher"] not in PUBLISHERS:
        _fail(path, f"unknown publisher {data['publisher']!r}")
    if data["kind"] not in KINDS:
        _fail(path, f"unknown kind {data['kind']!r}")
    kind = KINDS[data["kind"]]
    if data["publisher"] not in kind.publishers or data["format"] != kind.format:
        _fail(
            path,
            f"kind {data['kind']} needs publisher in {kind.publishers} and format {kind.format}",
        )
    if not isinstance(data["published"], dt.date):
        _fail(path, "published must be a YYYY-MM-DD date")
    if data.get("language", "da") not in LANGUAGES:
        _fail(path, f"language must be one of {sorted(LANGUAGES)}")
    imprint = data.get("imprint", data["publisher"])
    if imprint not in IMPRINTS or IMPRINTS[imprint].publisher != data["publisher"]:
        _fail(path, f"imprint {imprint!r} does not fit publisher {data['publisher']!r}")
    if data["kind"] == "værktøj":
        if not data.get("target_age") or not data.get("professional"):
            _fail(path, "tools need target_age and professional")
    elif "target_age" in data or "professional" in data:
        _fail(path, "target_age/professional are for tools only")
    if data["kind"] == "folketingssvar" and not data.get("letterhead"):
        _fail(path, "folketingssvar needs a letterhead")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        _fail(path, "sections must be a non-empty list")
    for section in sections:
        if not isinstance(section, dict) or not isinstance(section.get("blocks"), list):
            _fail(path, "every section needs a blocks list")
        for block in section["blocks"]:
            if not isinstance(block, dict) or len(block) != 1:
                _fail(path, f"a block must be a one-key mapping, got {block!r}")
            (btype,) = block
            if btype not in BLOCK_TYPES:
                _fail(path, f"unknown block type {btype!r}")
    return DocSpec(data=data, path=path)


def load_documents(directory: Path = DOCUMENTS_DIR) -> list[DocSpec]:
    """Load and validate all YAML documents, sorted by slug."""
    docs = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            docs.append(validate(yaml.safe_load(fh), path))
    slugs = [d.slug for d in docs]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate slugs")
    return docs


def write_manifest(outdir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=2)
    (outdir / "manifest.json").write_text(text + "\n", encoding="utf-8")
