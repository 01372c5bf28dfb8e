"""HTML main content: the page's text without navigation, header, footer and asides."""

import datetime as dt
from typing import ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.extract import cleanup
from ingest.extract.base import EmbeddedMetadata, ExtractedDocument, ExtractedPage
from vidensbank.errors import ExtractionError

_BOILERPLATE = "script, style, noscript, template, nav, header, footer, aside, form, iframe"
_MAIN_CANDIDATES = ("main", "article", "[role=main]", "body")
_BLOCKS = (
    "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, blockquote, pre, figcaption, div, section, br"
)


class HTMLExtractor:
    name: ClassVar[str] = "html"
    version: ClassVar[str] = "html-1"
    mime_types: ClassVar[frozenset[str]] = frozenset({"text/html", "application/xhtml+xml"})
    extensions: ClassVar[frozenset[str]] = frozenset({".html", ".htm", ".xhtml"})

    def extract(self, data: bytes) -> ExtractedDocument:
        tree = LexborHTMLParser(data)
        metadata = _metadata(tree)
        for node in tree.css(_BOILERPLATE):
            node.decompose()
        main = next((n for sel in _MAIN_CANDIDATES if (n := tree.css_first(sel))), None)
        text = _block_text(main) if main is not None else ""
        text = cleanup.join_hyphenation(cleanup.normalize_whitespace(text))
        if not text:
            raise ExtractionError(
                "no_text", "HTML-siden indeholder ingen brødtekst, der kan indlæses."
            )
        return ExtractedDocument(
            mime_type="text/html",
            extractor=self.name,
            extractor_version=self.version,
            pages=[ExtractedPage(number=1, text=text)],
            metadata=metadata,
        )


def _block_text(main: LexborNode) -> str:
    """The text with a line break after every block element, so paragraphs stay apart."""
    for node in main.css(_BLOCKS):
        node.insert_after("\n")
    return main.text(separator="")


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    node = tree.css_first(f'meta[name="{name}"]')
    value = node.attributes.get("content") if node is not None else None
    return value.strip() if value and value.strip() else None


def _metadata(tree: LexborHTMLParser) -> EmbeddedMetadata:
    title = _meta(tree, "dcterms.title")
    if title is None and (node := tree.css_first("title")) is not None:
        title = node.text(strip=True) or None
    published: dt.date | None = None
    if (date := _meta(tree, "dcterms.date")) is not None:
        try:
            published = dt.date.fromisoformat(date[:10])
        except ValueError:
            published = None
    authors = _meta(tree, "dcterms.creator")
    return EmbeddedMetadata(
        title=title,
        publisher=_meta(tree, "dcterms.publisher"),
        kind=_meta(tree, "dcterms.type"),
        published=published,
        authors=[a.strip() for a in authors.split(";")] if authors else [],
    )
