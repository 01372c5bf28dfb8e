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

# Elements that never hold others, and the row groups of a table: neither makes the tree
# deeper (a row and a cell do, and are closed by the next row or cell).
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
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "rt",
        "rp",
    ]
)
# A tag's name runs to a space, "/" or ">", as the parser reads it ("<div:x>" is not a div).
_TAG = re.compile(r"<(/?)([a-z][^\s/>]*)|<!--")
_COMMENT_END = re.compile(r"--!?>")
# Elements whose content is text to the parser, not markup (up to their own end tag); inside
# <svg> or <math> they are elements like any other.
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_FOREIGN = ("svg", "math")
# A second one of these, started while the first is open, closes the first.
_CLOSED_BY_ANOTHER = frozenset(["a", "button", "nobr"])
# ... and these close an open item of their list ("<li>" the "<li>" before it).
_ITEMS = {"li": ("li",), "dd": ("dd", "dt"), "dt": ("dd", "dt")}
# What closes an open paragraph when it starts (the paragraph cannot hold it).
_CLOSES_P = frozenset(
    (  # noqa: SIM905 (the standard's list, as it reads there)
        "address article aside blockquote center details dialog dir div dl fieldset figcaption "
        "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li listing main menu nav ol p "
        "pre search section summary table ul xmp dd dt"
    ).split()
)
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
# A new row closes the open row, a new cell the open cell (of the same table).
_CELLS = {"tr": ("tr",), "td": ("td", "th"), "th": ("td", "th")}
# Special elements a new list item looks past for the item before it.
_ITEM_PASSES = frozenset(["address", "div", "p"])


class _OpenElements:
    """The parser's stack of open elements, as far as its depth goes: an element is closed
    only where the parser would close it. Where the parser's rules are more than this follows
    (the adoption of misnested formatting), it counts deeper, never shallower. Every check is
    constant time: the places of each name and of the elements that bound an end tag's reach
    are kept as elements are pushed."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.at: dict[str, list[int]] = {}  # each name's places in the stack
        self.special: list[int] = []
        self.scope: list[int] = []

    @property
    def foreign(self) -> bool:
        """Inside <svg> or <math>."""
        return any(self.at.get(name) for name in _FOREIGN)

    def top(self, name: str) -> int:
        """The place of the last open ``name``, or -1."""
        places = self.at.get(name)
        return places[-1] if places else -1

    def push(self, name: str) -> None:
        self.at.setdefault(name, []).append(len(self.names))
        if name in _SPECIAL:
            self.special.append(len(self.names))
        if name in _SCOPE:
            self.scope.append(len(self.names))
        self.names.append(name)

    def pop_to(self, place: int) -> None:
        while len(self.names) > place:
            last = self.names.pop()
            index = self.at[last].pop()
            if self.special and self.special[-1] == index:
                self.special.pop()
            if self.scope and self.scope[-1] == index:
                self.scope.pop()

    def close(self, name: str) -> None:
        """An end tag: pop up to and including the last open ``name``, unless the parser
        would not."""
        place = self.top(name)
        if place < 0:
            return
        if name == "table":
            # Also from inside a cell: the cell and the row close with it.
            self.pop_to(place)
            return
        if name == "form":
            # The parser takes the form out and leaves open what was opened inside it.
            if place == len(self.names) - 1:
                self.pop_to(place)
            return
        barrier = self.scope if name in _SPECIAL else self.special
        if not (barrier and barrier[-1] > place):
            self.pop_to(place)

    def close_item(self, names: tuple[str, ...]) -> None:
        """A new list item closes the open one before it, unless a list or another special
        element stands between them."""
        place = max(self.top(name) for name in names)
        if place < 0:
            return
        if not any(
            self.names[index] not in _ITEM_PASSES for index in self.special if index > place
        ):
            self.pop_to(place)

    def close_cell(self, names: tuple[str, ...]) -> None:
        """A new row or cell closes the open one of its table (and all a cell left open)."""
        place = max(self.top(name) for name in names)
        if place > self.top("table"):
            self.pop_to(place)

    def close_paragraph(self) -> None:
        place = self.top("p")
        if place >= 0 and not (self.scope and self.scope[-1] > place):
            self.pop_to(place)


def nesting_depth(html: str, limit: int) -> int:
    """How deep the elements of ``html`` nest, counted in one linear pass over its tags and
    stopping at ``limit``. The parser's cost grows with the square of the depth, so this is
    checked before parsing; the count keeps the parser's stack of open elements where a count
    of tags would not (a stray end tag, "<div></span>", closes nothing; "<li>" closes the item
    before it; "<!-->" is a whole comment)."""
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
            comment_end = _COMMENT_END.search(text, position)
            position = len(text) if comment_end is None else comment_end.end()
            continue
        closing, name = match.groups()
        if name in _FLAT or name in _FRAME:
            continue
        if closing:
            stack.close(name)
            continue
        foreign = stack.foreign
        if foreign:
            # <path/> in an SVG holds nothing.
            end = text.find(">", position)
            if end > 0 and text[end - 1] == "/":
                continue
        elif name == "plaintext":
            break  # the rest of the page is text
        elif name in _RAW_TEXT:
            end = text.find(f"</{name}", position)
            position = len(text) if end < 0 else end
            continue
        if name in _CLOSES_P:
            stack.close_paragraph()
        if name in _ITEMS:
            stack.close_item(_ITEMS[name])
        elif name in _CELLS:
            stack.close_cell(_CELLS[name])
        elif name in _CLOSED_BY_ANOTHER:
            stack.close(name)
        elif name == "option" and stack.names[-1:] == ["option"]:
            stack.pop_to(len(stack.names) - 1)
        elif name == "optgroup":
            for inner in ("option", "optgroup"):
                if stack.names[-1:] == [inner]:
                    stack.pop_to(len(stack.names) - 1)
        stack.push(name)
        deepest = max(deepest, len(stack.names))
        if deepest > limit:
            break
    return deepest


class HTMLExtractor:
    name: ClassVar[str] = "html"
    label: ClassVar[str] = "HTML-siden"
    version: ClassVar[str] = "html-6"
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
