"""HTML main content: the page's text without navigation, header, footer and asides, except the
boxes of the article itself ("Fakta om puljen" inside it, not its list of related links)."""

import datetime as dt
import json
import re
from typing import ClassVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.extract import cleanup
from ingest.extract.base import EmbeddedMetadata, ExtractedDocument, ExtractedPage, split_authors
from ingest.extract.encoding import decode_html
from ingest.language import declared_language
from vidensbank.errors import ExtractionError, ReasonCode
from vidensbank.settings import get_settings

_BOILERPLATE = "script, style, noscript, template, nav, header, footer, aside, form, iframe"
_MAIN_CANDIDATES = ("main", "article", "[role=main]")
# Page furniture a site names as such, in or around its main content: a cookie banner, a
# breadcrumb trail, share links, reader comments, a newsletter teaser, a menu. A whole part of
# its class says so ("main-nav", "cookie-banner__text", "CookieConsent"; not "navn",
# "socialraadgivning" or "samtykke-fra-…", consent being a topic here), or a whole word of its
# ARIA label, or its whole id ("cookie-banner"; not an anchor made from a heading). Only words
# that are no topic of the texts: not "samtykke", "social", "some", "kommentar".
_FURNITURE_PARTS = frozenset(
    (  # noqa: SIM905 (a list of words, read as one)
        "breadcrumb breadcrumbs brødkrumme brødkrummesti newsletter nyhedsbrev paywall banner "
        "share sharing comment comments nav navbar navigation menu footer logo skip skiplink"
    ).split()
)
# A cookie or consent dialog is furniture however much it says.
_CONSENT_PARTS = frozenset(["cookie", "cookies", "cookiebot", "consent"])
_CONSENT_IDS = frozenset(
    ["cookie-banner", "cookie-notice", "cookie-consent", "cookiebanner", "cybotcookiebotdialog"]
)
_FURNITURE_IDS = _FURNITURE_PARTS | {"skip-link"}
_CAMEL = re.compile(r"(?<=[a-zæøå0-9])(?=[A-ZÆØÅ])")
_CLASS_PARTS = re.compile(r"[\s_-]+")
_WORDS = re.compile(r"[^a-zæøå0-9]+")
# A box named as furniture that holds this much paragraph text outside its links is content
# all the same (a section "social-indsats", a "banner" of paragraphs).
_FURNITURE_MAX_PROSE = 200
_FURNITURE_ROLES = frozenset(["navigation", "contentinfo", "banner", "dialog", "alertdialog"])
_NAMED = "[class], [id], [role], [aria-label]"
# What furniture never holds: a box named so that holds the page's title or main content is
# not furniture (a "hero-banner" with the page's <h1>).
_CONTENT = "main, article, [role=main], h1"
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
    version: ClassVar[str] = "html-14"
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
        _remove_furniture(tree)
        for node in tree.css(_BOILERPLATE):
            node.decompose()
        main = next((n for sel in _MAIN_CANDIDATES if (n := tree.css_first(sel))), None)
        if main is None and tree.body is not None:
            main = _densest_container(tree.body)
        if main is not None:
            _superscript_markers(main)
            _numbered_notes(main)
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


def _named_as_furniture(node: LexborNode) -> bool | None:
    """Whether a box is a cookie or consent dialog (True: furniture however much it says), or
    named as other furniture (False: furniture only with little paragraph text), or neither."""
    attributes = node.attributes
    role = (attributes.get("role") or "").strip().lower()
    classes = set(_CLASS_PARTS.split(_CAMEL.sub(" ", attributes.get("class") or "").lower()))
    ident = (attributes.get("id") or "").strip().lower()
    if role in ("dialog", "alertdialog") or ident in _CONSENT_IDS:
        return True
    if not _CONSENT_PARTS.isdisjoint(classes):
        return True
    label = _WORDS.split((attributes.get("aria-label") or "").lower())
    if (
        role in _FURNITURE_ROLES
        or ident in _FURNITURE_IDS
        or not _FURNITURE_PARTS.isdisjoint(classes)
        or not _FURNITURE_PARTS.isdisjoint(label)
    ):
        return False
    return None


def _prose_lengths(root: LexborNode) -> dict[int, int]:
    """Each element's length of paragraph text outside links, in one pass from the leaves up
    (a hostile page's boxes nested hundreds deep are not each read whole)."""
    text: dict[int, int] = {}
    links: dict[int, int] = {}
    prose: dict[int, int] = {}
    for node in reversed(list(root.traverse(include_text=True))):
        key = node.mem_id
        own = len((node.text_content or "").strip()) if node.is_text_node else text.get(key, 0)
        own_links = own if node.tag == "a" else links.get(key, 0)
        own_prose = own - own_links if node.tag == "p" else prose.get(key, 0)
        prose[key] = own_prose
        if (parent := node.parent) is not None:
            above = parent.mem_id
            text[above] = text.get(above, 0) + own
            links[above] = links.get(above, 0) + own_links
            prose[above] = prose.get(above, 0) + own_prose
    return prose


def _is_furniture(node: LexborNode, prose: dict[int, int]) -> bool:
    """A cookie or consent dialog; or a box named as furniture with little paragraph text
    outside its links: a box of paragraphs of running text is content, whatever its name."""
    named = _named_as_furniture(node)
    if named is None:
        return False
    return named or prose.get(node.mem_id, 0) < _FURNITURE_MAX_PROSE


def _remove_furniture(tree: LexborHTMLParser) -> None:
    """Take out the page furniture that a site names as such (``_is_furniture``), outermost
    first, never the page's frame or a box that holds its title or main content. Each element
    is looked at a bounded number of times, however deep a hostile page nests them."""
    holding: set[int] = set()  # the elements that hold content, and the content itself
    for content in tree.css(_CONTENT):
        node: LexborNode | None = content
        while node is not None and node.mem_id not in holding:
            holding.add(node.mem_id)
            node = node.parent
    found = [
        node
        for node in tree.css(_NAMED)
        if node.mem_id not in holding
        and node.tag not in ("html", "body")
        and _named_as_furniture(node) is not None
    ]
    if not found or tree.root is None:
        return
    prose = _prose_lengths(tree.root)
    removed: dict[int, LexborNode] = {}  # outermost first: the document's order
    inside: dict[int, bool] = {}  # whether an element is inside one removed
    for node in found:
        path = []
        parent = node.parent
        within = False
        while parent is not None:
            if parent.mem_id in removed or parent.mem_id in inside:
                within = parent.mem_id in removed or inside[parent.mem_id]
                break
            path.append(parent.mem_id)
            parent = parent.parent
        inside.update(dict.fromkeys(path, within))
        if not within and _is_furniture(node, prose):
            removed[node.mem_id] = node
    for node in removed.values():
        node.decompose()


def _densest_container(body: LexborNode) -> LexborNode:
    """A page without <main> or <article>: the element whose paragraphs hold the most text,
    counted for a paragraph's parent and, half, for its grandparent (so an article split into
    sections is found whole), as readers' modes of browsers find it. The paragraphs of a
    footer or a contact box are few and short."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for paragraph in body.css("p"):
        length = len(paragraph.text(strip=True))
        parent = paragraph.parent
        for weight in (1.0, 0.5):
            if parent is None:
                break
            nodes[parent.mem_id] = parent
            scores[parent.mem_id] = scores.get(parent.mem_id, 0.0) + weight * length
            parent = parent.parent
    if not scores:
        return body
    return nodes[max(scores, key=scores.__getitem__)]


# A footnote's marker or an exponent set as <sup> ("børn<sup>3</sup>", "km<sup>2</sup>").
_SUPERSCRIPT_NUMBER = re.compile(r"\d{1,3}")


# A list of notes: by its own or its section's name, or its items' ids ("fn1", "note-2").
_NOTES_NAME = re.compile(r"foot|note|fodnote|noter|(?<![a-z])fn[-_:]?\d", re.IGNORECASE)
# An item's id that ends with its note's number ("fn3", "note-3").
_ID_NUMBER = re.compile(r"(\d{1,3})$")
# A link back to the note's marker: the arrow, or its role.
_BACK_ARROWS = frozenset(["↩", "↩︎", "↑", "^"])


def _numbered_notes(main: LexborNode) -> None:
    """A web page's footnotes as the PDF extractor writes them, each its number alone on a
    line before its text, without the arrow back to the marker: an <ol> of notes lost its
    numbers (the list's, not the text's), so no "³" in the text could be read."""
    for link in main.css("a"):
        if link.text().strip() in _BACK_ARROWS or link.attributes.get("role") == "doc-backlink":
            link.decompose()
    for notes in main.css("ol"):
        names = " ".join(
            value or ""
            for node in (notes, notes.parent)
            if node is not None
            for value in (node.attributes.get("class"), node.attributes.get("id"))
        )
        items = [item for item in notes.iter() if item.tag == "li"]
        ids = " ".join(item.attributes.get("id") or "" for item in items)
        if not items or not (_NOTES_NAME.search(names) or _NOTES_NAME.search(ids)):
            continue
        start = notes.attributes.get("start") or "1"
        first = int(start) if start.isdigit() and len(start) < 6 else 1
        for position, item in enumerate(items, first):
            # The item's own number where its id gives one: a list may leave notes out.
            own = _ID_NUMBER.search(item.attributes.get("id") or "")
            number = int(own.group(1)) if own else position
            if item.child is not None:
                item.child.insert_before(f"\n{number}\n")
            else:
                item.insert_child(f"\n{number}\n")


def _superscript_markers(main: LexborNode) -> None:
    """Numbers set as <sup> in superscript digits: the text glued them to the word before
    ("børn3", one token a search could not find as "børn"), while a search's tokenizer passes
    superscript digits over ("børn³"), as the PDF extractor writes a footnote's marker."""
    for node in main.css("sup"):
        if _SUPERSCRIPT_NUMBER.fullmatch(digits := node.text().strip()):
            node.replace_with(cleanup.superscript(digits))


def _block_text(main: LexborNode) -> str:
    """The text with a line break after every block element, so paragraphs stay apart."""
    for node in main.css(_BLOCKS):
        node.insert_after("\n")
    return main.text(separator="")


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    """The content of the first meta tag of ``name`` (or, as Open Graph writes it, property),
    in any case: "DC.date" is "dc.date"."""
    node = tree.css_first(f'meta[name="{name}" i], meta[property="{name}" i]')
    value = node.attributes.get("content") if node is not None else None
    return value.strip() if value and value.strip() else None


def _declared_lang(tree: LexborHTMLParser) -> str | None:
    """The page's ``<html lang>``, or its older ``content-language`` header in a meta tag."""
    root = tree.css_first("html")
    lang = root.attributes.get("lang") if root is not None else None
    if lang and lang.strip():
        return lang
    node = tree.css_first('meta[http-equiv="content-language" i]')
    return node.attributes.get("content") if node is not None else None


def _metas(tree: LexborHTMLParser, name: str) -> list[str]:
    """The contents of every meta tag of ``name`` (one tag per author)."""
    values = (node.attributes.get("content") for node in tree.css(f'meta[name="{name}" i]'))
    return [value.strip() for value in values if value and value.strip()]


_ISO_DATE = re.compile(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")


def _date(value: object) -> dt.date | None:
    """The day an ISO date or timestamp names ("2026-12-05T06:30:00+01:00"); a citation tag's
    "2021/05/01" too."""
    if not isinstance(value, str) or not (match := _ISO_DATE.match(value)):
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# A page's JSON-LD larger than this is not metadata about the page; it is not read.
_MAX_LINKED_DATA = 1_000_000


def _linked_data(tree: LexborHTMLParser) -> list[dict[str, object]]:
    """The objects of the page's JSON-LD (schema.org) blocks, at the top and in a "@graph"."""
    found: list[dict[str, object]] = []
    for node in tree.css('script[type="application/ld+json" i]'):
        text = node.text(deep=True)
        if len(text) > _MAX_LINKED_DATA:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # broken, or nested deeper than it is read
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                found.extend(
                    inner
                    for inner in (graph if isinstance(graph, list) else [item])
                    if isinstance(inner, dict)
                )
    return found


def _linked_value(items: list[dict[str, object]], key: str) -> object:
    return next((item[key] for item in items if item.get(key)), None)


def _linked_names(value: object) -> list[str]:
    """The names of a schema.org author or publisher: a string, a Person or Organization, or a
    list of them."""
    values = value if isinstance(value, list) else [value]
    names = (item.get("name") if isinstance(item, dict) else item for item in values)
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


# Where an article's own date stands apart from the dates of comments and of related articles.
_NOT_THE_ARTICLE = frozenset(["aside", "nav"])
_COMMENTS = re.compile(r"comment|kommentar", re.IGNORECASE)


def _outside_the_article(node: LexborNode) -> bool:
    """Inside an aside, a navigation or comments."""
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if parent.tag in _NOT_THE_ARTICLE or _COMMENTS.search(marks):
            return True
        parent = parent.parent
    return False


# A page with more articles than this lists them; the times of more are not looked at (each
# look climbs the tree).
_MAX_ARTICLES = 20


def _article_time(tree: LexborHTMLParser) -> dt.date | None:
    """The date of the first <time datetime> of the page's one article (or its main content);
    none on a page that lists several articles, whose times are theirs."""
    articles = tree.css("article")
    if len(articles) > _MAX_ARTICLES:
        return None
    own = [node for node in articles if not _outside_the_article(node)]
    if len(own) > 1:
        return None
    container = own[0] if own else tree.css_first("main, [role=main]")
    if container is None:
        return None
    for node in container.css("time[datetime]")[:_MAX_ARTICLES]:
        if not _outside_the_article(node):
            return _date(node.attributes.get("datetime"))
    return None


def _published(tree: LexborHTMLParser, linked: list[dict[str, object]]) -> dt.date | None:
    """The day a page says it was published: Dublin Core, Open Graph's article tag (news
    sites), schema.org, the citation and plain date tags, then the article's <time>."""
    tagged = (
        _meta(tree, name) for name in ("dcterms.date", "dcterms.issued", "article:published_time")
    )
    later = (_meta(tree, name) for name in ("citation_publication_date", "dc.date", "date"))
    for value in (*tagged, _linked_value(linked, "datePublished"), *later):
        if (date := _date(value)) is not None:
            return date
    return _article_time(tree)


# What separates a page's title from its site's name: "Børnesamtalen | Aarhus Kommune".
_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ")


def _same(one: str | None, other: str | None) -> bool:
    """The same text, whatever its case, spacing or kind of dash."""
    if not one or not other:
        return False
    normal = [" ".join(re.sub(r"[–—]", "-", text).casefold().split()) for text in (one, other)]
    return normal[0] == normal[1]


def _title(tree: LexborHTMLParser, site_names: list[str]) -> str | None:
    """The page's title without its site's name. Open Graph's title and the page's one <h1>
    name the headline; where both say the same, that is the title. Otherwise the <title> with
    the site's name cut off at its separator (the part that is the site's name or publisher,
    or the other part when it is the headline), and the headline for a <title> of one word
    ("Pressemeddelelse - Landsforeningen …")."""
    og_title = _meta(tree, "og:title")
    headings = tree.css("h1")
    h1 = headings[0].text(separator=" ", strip=True) or None if len(headings) == 1 else None
    if og_title and _same(og_title, h1):
        return og_title
    headline = og_title or h1
    node = tree.css_first("title")
    title = node.text(strip=True) or None if node is not None else None
    if title is None:
        return headline
    for separator in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if not head:
            continue
        if any(_same(tail, name) for name in site_names) or _same(head, headline):
            title = head
        elif any(_same(head, name) for name in site_names) or _same(tail, headline):
            title = tail
        else:
            continue
        break
    # "Pressemeddelelse", "Nyhed – Børnenes Netværk" or the site's name alone: a kind of page,
    # or the site, not the page's title.
    first_part = re.split(r" [|–—-] ", title, maxsplit=1)[0]
    generic = len(first_part.split()) == 1 or any(_same(title, name) for name in site_names)
    if (
        headline
        and generic
        and len(headline.split()) > 1
        and not any(_same(headline, name) for name in site_names)
    ):
        return headline
    return title


def _metadata(tree: LexborHTMLParser) -> EmbeddedMetadata:
    linked = _linked_data(tree)
    publisher = (
        _meta(tree, "dcterms.publisher")
        or next(iter(_linked_names(_linked_value(linked, "publisher"))), None)
        or _meta(tree, "og:site_name")
    )
    site_names = [name for name in (_meta(tree, "og:site_name"), publisher) if name]
    authors = (
        [name for value in _metas(tree, "dcterms.creator") for name in split_authors(value)]
        or split_authors(_meta(tree, "author") or "")
        or _linked_names(_linked_value(linked, "author"))
    )
    return EmbeddedMetadata(
        title=_meta(tree, "dcterms.title") or _title(tree, site_names),
        publisher=publisher,
        kind=_meta(tree, "dcterms.type"),
        published=_published(tree, linked),
        authors=authors,
        language=declared_language(_declared_lang(tree)),
    )
