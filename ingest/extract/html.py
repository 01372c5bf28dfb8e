"""HTML main content: the page's text without navigation, header, footer and asides, except the
boxes of the article itself ("Fakta om puljen" inside it, not its list of related links)."""

import datetime as dt
import re
from typing import ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.extract import cleanup
from ingest.extract.base import EmbeddedMetadata, ExtractedDocument, ExtractedPage, split_authors
from ingest.extract.encoding import decode_html
from vidensbank.errors import ExtractionError, ReasonCode
from vidensbank.settings import get_settings

_BOILERPLATE = "script, style, noscript, template, nav, header, footer, aside, form, iframe"
_MAIN_CANDIDATES = ("main", "article", "[role=main]", "body")
_BOXES = "main aside, article aside, [role=main] aside"
_BLOCKS = (
    "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, blockquote, pre, figcaption, div, section, br"
)

# Elements that never hold others, and those a parser closes by itself when the next one
# starts: neither makes the tree deeper.
_FLAT = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "rt",
        "rp",
    ]
)
_TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)|<!--")
# Elements whose content is text to the parser, not markup (up to their own end tag).
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
# A second one of these, started while the first is open, closes the first.
_CLOSED_BY_ANOTHER = frozenset(["a", "button", "nobr"])
# The page's frame: a second <body> is merged into the first, and </body> or </html> closes
# nothing (what follows still goes inside what is open).
_FRAME = frozenset(["html", "head", "body"])
# The HTML standard's "special" elements (those above count): an end tag of any other element
# closes nothing when one of them was opened after it ("<span><div></span>").
_SPECIAL = frozenset(
    (  # noqa: SIM905 (the standard's list, as it reads there)
        "address applet area article aside base basefont bgsound blockquote body br button "
        "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
        "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img "
        "input keygen li link listing main marquee menu meta nav noembed noframes noscript "
        "object ol p param plaintext pre script search section select source style summary "
        "table tbody td template textarea tfoot th thead title tr track ul wbr xmp"
    ).split()
)
# ... and an end tag of a special element closes nothing across one of these (its scope).
_SCOPE = frozenset(
    ["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"]
)


class _OpenElements:
    """The parser's stack of open elements, as far as its depth goes: an end tag closes an
    element only when the parser would. Every check is constant time (indices of each name
    and of the elements that bound an end tag's reach are kept as they are pushed)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.at: dict[str, list[int]] = {}  # each name's places in the stack
        self.special: list[int] = []
        self.scope: list[int] = []

    def push(self, name: str) -> None:
        self.at.setdefault(name, []).append(len(self.names))
        if name in _SPECIAL:
            self.special.append(len(self.names))
        if name in _SCOPE:
            self.scope.append(len(self.names))
        self.names.append(name)

    def close(self, name: str) -> None:
        """Pop up to and including the last open ``name``, unless the parser would not."""
        places = self.at.get(name)
        if not places:
            return
        barrier = self.scope if name in _SPECIAL else self.special
        if barrier and barrier[-1] > places[-1]:
            return
        while self.names:
            last = self.names.pop()
            index = self.at[last].pop()
            if self.special and self.special[-1] == index:
                self.special.pop()
            if self.scope and self.scope[-1] == index:
                self.scope.pop()
            if last == name:
                return


def nesting_depth(html: str, limit: int) -> int:
    """How deep the elements of ``html`` nest, counted in one linear pass over its tags and
    stopping at ``limit``. The parser's cost grows with the square of the depth, so this is
    checked before parsing; the count follows the parser where a count of tags would not (a
    stray end tag, "<div></span>", closes nothing; "<!-->" is a whole comment)."""
    text = html.lower()
    stack = _OpenElements()
    deepest = 0
    position = 0
    while (match := _TAG.search(text, position)) is not None:
        position = match.end()
        if match.group(0) == "<!--":
            if text.startswith(">", position) or text.startswith("->", position):
                position = text.index(">", position) + 1  # "<!-->" and "<!--->" end at once
                continue
            end = text.find("-->", position)
            position = len(text) if end < 0 else end + 3
            continue
        closing, name = match.groups()
        if name in _FLAT or name in _FRAME:
            continue
        if closing:
            stack.close(name)
            continue
        if name == "plaintext":
            break  # the rest of the page is text
        if name in _RAW_TEXT:
            end = text.find(f"</{name}", position)
            position = len(text) if end < 0 else end
            continue
        if name in _CLOSED_BY_ANOTHER:
            stack.close(name)
        stack.push(name)
        deepest = max(deepest, len(stack.names))
        if deepest > limit:
            break
    return deepest


class HTMLExtractor:
    name: ClassVar[str] = "html"
    label: ClassVar[str] = "HTML-siden"
    version: ClassVar[str] = "html-3"
    mime_types: ClassVar[frozenset[str]] = frozenset({"text/html", "application/xhtml+xml"})
    extensions: ClassVar[frozenset[str]] = frozenset({".html", ".htm", ".xhtml"})

    def extract(self, data: bytes) -> ExtractedDocument:
        # The parser's tree takes about 46 times the page's size: at the file limit a worker
        # ran out of memory, and the killed task came back again and again.
        largest = get_settings().max_html_bytes
        if len(data) > largest:
            raise ExtractionError(
                ReasonCode.TOO_LARGE,
                f"HTML-siden er på {len(data) / 2**20:.0f} MB; der indlæses højst "
                f"{largest / 2**20:g} MB HTML. Tjek, at det er en rigtig webside.",
            )
        html = decode_html(data)
        limit = get_settings().max_html_depth
        if nesting_depth(html, limit) > limit:
            raise ExtractionError(
                ReasonCode.TOO_DEEP,
                f"HTML-siden er indlejret i mere end {limit} niveauer og kan ikke indlæses "
                "sikkert. Tjek, at det er en rigtig webside.",
            )
        tree = LexborHTMLParser(html)
        metadata = _metadata(tree)
        for box in tree.css(_BOXES):
            if _link_share(box) < 0.5:
                box.unwrap()
        for node in tree.css(_BOILERPLATE):
            node.decompose()
        main = next((n for sel in _MAIN_CANDIDATES if (n := tree.css_first(sel))), None)
        text = _block_text(main) if main is not None else ""
        text = cleanup.join_hyphenation(cleanup.normalize_whitespace(text))
        if not text:
            raise ExtractionError(
                ReasonCode.NO_TEXT, "HTML-siden indeholder ingen brødtekst, der kan indlæses."
            )
        return ExtractedDocument(
            mime_type="text/html",
            extractor=self.name,
            extractor_version=self.version,
            pages=[ExtractedPage(number=1, text=text)],
            metadata=metadata,
        )


def _link_share(node: LexborNode) -> float:
    """How much of a node's text is the text of links: most of it in a list of related
    articles, little in a box of facts."""
    text = len(node.text(strip=True))
    links = sum(len(link.text(strip=True)) for link in node.css("a"))
    return links / text if text else 1.0


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
        authors=split_authors(authors or ""),
    )
