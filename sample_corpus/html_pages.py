"""HTML rendering: one page per document from ``templates/document.html``.

``page_context`` turns a source document into the values the template shows; the template holds
all the markup, and the site furniture comes from the publisher's profile.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from sample_corpus.profiles import KINDS, PUBLISHERS
from sample_corpus.sources import DocSpec
from sample_corpus.text import FOOTNOTE_RE, danish_date, join_names, plain

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Running text with footnotes: text runs (str) and footnote numbers (int), in reading order.
Inline = list[str | int]


def _text(value: str) -> Markup:
    """Escape element content: "&", "<" and ">" only, so quotes stay literal (SFI's)."""
    return Markup(html.escape(str(value), quote=False))


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["text"] = _text


class _Footnotes:
    """Numbers the footnotes of one page in reading order and keeps their texts."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def inline(self, text: str) -> Inline:
        parts: Inline = []
        for i, part in enumerate(FOOTNOTE_RE.split(str(text))):
            if i % 2 == 1:
                self.texts.append(plain(part).strip())
                parts.append(len(self.texts))
            else:
                parts.append(plain(part))
        return parts


def _block(block: dict[str, Any], notes: _Footnotes) -> dict[str, Any]:
    ((btype, value),) = block.items()
    if btype in ("p", "quote"):
        return {"type": btype, "text": notes.inline(value)}
    if btype == "h":
        return {"type": btype, "text": plain(value)}
    if btype in ("bullets", "steps"):
        return {"type": btype, "entries": [notes.inline(item) for item in value]}
    if btype == "table":
        return {
            "type": btype,
            "caption": plain(value["caption"]) if value.get("caption") else None,
            "columns": [plain(c) for c in value["columns"]],
            "rows": [[plain(str(c)) for c in row] for row in value["rows"]],
            "note": plain(value["note"]) if value.get("note") else None,
        }
    # validate() admits only sources.BLOCK_TYPES, so what is left is a "box"
    return {
        "type": btype,
        "title": plain(value["title"]),
        "paragraphs": [notes.inline(p) for p in value.get("p", [])],
        "bullets": [notes.inline(b) for b in value.get("bullets") or []],
    }


def _audience(target_age: str) -> str:
    numbers = [int(n) for n in re.findall(r"\d+", target_age)]
    if not numbers:
        return "Børn og unge"
    if max(numbers) <= 12:
        return "Børn"
    if min(numbers) >= 13:
        return "Unge"
    return "Børn og unge"


def _tool(data: dict[str, Any]) -> dict[str, Any]:
    age = str(data["target_age"])
    return {
        "target_age": age,
        "audience": f"{_audience(age)} {age}",
        "professional": ", ".join(data["professional"]),
        "format": str(data["tool_format"]) if data.get("tool_format") else None,
        "duration": str(data["duration"]) if data.get("duration") else None,
    }


def page_context(spec: DocSpec, by_slug: dict[str, DocSpec]) -> dict[str, Any]:
    """The values ``document.html`` shows for one document."""
    data = spec.data
    publisher = PUBLISHERS[spec.publisher]
    assert publisher.site is not None  # profiles.py checks that HTML publishers have a site
    notes = _Footnotes()
    lead = data.get("lead")
    return {
        "slug": spec.slug,
        "language": spec.language,
        "title": spec.title,
        "site_name": spec.imprint_full,
        "publisher": spec.publisher,
        "kind": spec.kind,
        "published": spec.published.isoformat(),
        "published_text": danish_date(spec.published),
        "authors": spec.authors,
        "byline": join_names(spec.authors),
        "description": plain(lead) if lead else None,
        "canonical": spec.source_url,
        "home": f"https://{publisher.domain}",
        "nav": publisher.site.nav,
        "breadcrumb": KINDS[spec.kind].breadcrumb,
        "tool": _tool(data) if spec.kind == "værktøj" else None,
        "lead": notes.inline(lead) if lead else None,
        "sections": [
            {
                "heading": plain(section["heading"]) if section.get("heading") else None,
                "blocks": [_block(block, notes) for block in section["blocks"]],
            }
            for section in spec.sections
        ],
        "notes": notes.texts,
        "related": [
            {"url": other.source_url, "title": other.title, "kind": KINDS[other.kind].label}
            for other in (by_slug[slug] for slug in data.get("related") or [])
        ],
        "contact": [plain(line) for line in data.get("contact") or []],
        "footer": publisher.site.footer,
    }


def render_html(spec: DocSpec, by_slug: dict[str, DocSpec]) -> str:
    return _ENV.get_template("document.html").render(page_context(spec, by_slug))


def render_empty_page() -> str:
    """A page with no text content: an empty title and an app root that scripts would fill."""
    return _ENV.get_template("empty_page.html").render()
