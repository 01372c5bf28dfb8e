"""Reading publishers' pages: HTML, sitemaps and feeds, and the Danish ways they write dates,
names, ages and ISBNs.

Every function here takes whatever a page holds: text that is not there, cut short or written
loosely gives None or an empty result, never an exception, so one bad page costs one
publication and not the crawl.
"""

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from ingest.metadata import parse_age_range, valid_isbn
from ingest.sources.publishers.base import Publisher, Reader
from vidensbank.danish import MONTHS as DANISH_MONTHS

# A site with more listing pages than this is in a loop (a "next" link that never ends).
MAX_LISTING_PAGES = 500

MONTHS = {name: number for number, name in enumerate(DANISH_MONTHS, start=1)}
# "jan.", "sept." and the like: the first three letters name the month.
_MONTH_BY_ABBREVIATION = {name[:3]: number for name, number in MONTHS.items()}

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_WORDED_DATE = re.compile(r"(?:(\d{1,2})\.?\s+)?([a-zæøå]{3,9})\.?\s+(\d{4})")


def clean(text: str | None) -> str:
    """Text with its runs of whitespace made single spaces."""
    return " ".join((text or "").split())


def danish_date(text: str | None) -> dt.date | None:
    """A date as Danish sites write it: "2024-03-12" (a timestamp too), "12-03-2024",
    "12.03.2024", "12. marts 2024", "12 mar. 2024" or "marts 2024" (the first of the month)."""
    normal = clean(text).lower()
    try:
        if match := _ISO_DATE.search(normal):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        if match := _NUMERIC_DATE.search(normal):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        for match in _WORDED_DATE.finditer(normal):
            word = match.group(2)
            named = MONTHS.get(word) or _MONTH_BY_ABBREVIATION.get(word[:3])
            if named is not None:
                return dt.date(int(match.group(3)), named, int(match.group(1) or 1))
    except ValueError:  # "31-02-2024": a date that does not exist
        return None
    return None


def feed_date(text: str | None) -> dt.date | None:
    """An RSS ``pubDate`` ("Tue, 18 Mar 2025 09:00:00 +0100"), or any date ``danish_date``
    reads (Atom and many Danish feeds write ISO dates)."""
    try:
        return email.utils.parsedate_to_datetime(clean(text)).date()
    except (TypeError, ValueError, IndexError):
        return danish_date(text)


# ";", "&" and "og" part names and list entries, but not the "og" of a shortened compound
# ("Børne- og ungerådgivere", "Social- og Boligstyrelsen").
_NAME_SEPARATORS = re.compile(r"\s*[;&]\s*|(?<!-)\s+(?:og|and)\s+")
_INITIALS = re.compile(r"^(?:[A-ZÆØÅ][a-zæøå]?\.?[\s-]*)+$")


def names(text: str | None, *, leave_out: Iterable[str] = ()) -> list[str]:
    """The people an author line names: "Anne Hansen, Mette Berg og Jens Holm" is three,
    "Hansen, A. og Berg, M." two (a surname before a comma takes the initials or given name
    after it). Names in ``leave_out`` (the publisher as its own author) are dropped."""
    dropped = {clean(name).casefold() for name in leave_out}
    found: list[str] = []
    for part in _NAME_SEPARATORS.split(clean(text)):
        pieces = [piece.strip() for piece in part.split(",") if piece.strip()]
        index = 0
        while index < len(pieces):
            piece = pieces[index]
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            if (
                following is not None
                and " " not in piece
                and (_INITIALS.match(following) or " " not in following)
            ):
                piece = f"{piece}, {following}"
                index += 1
            if piece.casefold() not in dropped:
                found.append(piece)
            index += 1
    return found


def items(text: str | None) -> list[str]:
    """The entries of a list written as a sentence: "lærer, pædagog og sundhedsplejerske"."""
    return [
        piece.strip()
        for part in _NAME_SEPARATORS.split(clean(text))
        for piece in part.split(",")
        if piece.strip()
    ]


_ISBN = re.compile(r"(97[89][\d\s-]{10,14}\d|\d[\d\s-]{8,11}[\dXx])")


def isbn(text: str | None) -> str | None:
    """The ISBN in a text ("ISBN: 978-87-7582-902-6"), hyphens kept, checked by its check
    digit."""
    for match in _ISBN.finditer(clean(text)):
        number = re.sub(r"\s+", "-", match.group(1).strip(" -"))
        if valid_isbn(number.replace("-", "")):
            return number
    return None


_AGE = re.compile(
    r"(?:(?:under|over|fra|op til)\s+)?\d{1,2}\s*(?:(?:-|–|til)\s*\d{1,2}|\+)?\s*(?:-?årige|år)",
    re.IGNORECASE,
)


def target_age(text: str | None) -> str | None:
    """The ages a target group names ("Børn 6-12 år" → "6-12 år"), in the form the pipeline
    reads; None when the text names no ages."""
    for match in _AGE.finditer(clean(text)):
        age = match.group(0).replace("–", "-")
        if parse_age_range(age) is not None:
            return age
    return None


def html_page(text: str | None) -> lxml.html.HtmlElement | None:
    """A page's HTML tree; lxml recovers what it can of a page cut short."""
    if not text or not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return None


def xml_document(text: str | None) -> lxml.etree._Element | None:
    """A sitemap's or feed's XML tree, namespaces dropped, or None for what is not XML. No
    entities are resolved and nothing is fetched, whatever the document asks for."""
    if not text or not text.strip():
        return None
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, remove_comments=True
    )
    try:
        root = lxml.etree.fromstring(text.strip().encode("utf-8"), parser)
    except lxml.etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def text_at(tree: lxml.etree._Element | None, xpath: str) -> str | None:
    """The cleaned text of the first element ``xpath`` finds (or of the attribute it names)."""
    if tree is None:
        return None
    for found in tree.xpath(xpath):
        text = clean(found if isinstance(found, str) else "".join(found.itertext()))
        if text:
            return text
    return None


def meta(tree: lxml.html.HtmlElement | None, *names: str) -> list[str]:
    """The contents of the ``<meta name=…>`` or ``<meta property=…>`` tags named."""
    if tree is None:
        return []
    values = []
    for element in tree.iter("meta"):
        if (element.get("name") or element.get("property")) in names:
            value = clean(element.get("content"))
            if value:
                values.append(value)
    return values


def facts(tree: lxml.html.HtmlElement | None, xpath: str) -> dict[str, str]:
    """A facts box as label → value: the ``<dt>``/``<dd>`` pairs of the ``<dl>`` or the
    ``<th>``/``<td>`` rows of the table ``xpath`` finds. Labels are lower case, without a
    trailing colon; a label without a value is left out."""
    found: dict[str, str] = {}
    if tree is None:
        return found
    for box in tree.xpath(xpath):
        label: str | None = None
        for element in box.iter("dt", "dd", "th", "td"):
            if element.tag in ("dt", "th"):
                label = clean(element.text_content()).rstrip(":").lower()
            elif label:
                value = clean(element.text_content())
                if value:
                    found.setdefault(label, value)
                label = None
    return found


@dataclass(frozen=True)
class Site:
    """Where one crawl of a publisher's site may go: the base URL it was started with (the
    publisher's own, or a local copy's) and the publisher's hosts."""

    base_url: str
    hosts: frozenset[str]

    @classmethod
    def of(cls, publisher: Publisher, base_url: str) -> "Site":
        hosts = {
            urlsplit(base_url).hostname,
            urlsplit(publisher.base_url).hostname,
            *publisher.other_hosts,
        }
        return cls(base_url, frozenset(host.lower() for host in hosts if host))

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def link(self, href: str | None, page_url: str) -> str | None:
        """``href`` on ``page_url`` as an absolute http(s) URL without its fragment, or None
        when it leads off the publisher's hosts or is no web address at all."""
        if not href or not href.strip():
            return None
        try:
            url = urldefrag(urljoin(page_url, href.strip())).url
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # a malformed address, e.g. an unclosed IPv6 bracket
            return None
        if parts.scheme not in ("http", "https") or not host or host.lower() not in self.hosts:
            return None
        return url

    def links(self, tree: lxml.etree._Element | None, xpath: str, page_url: str) -> list[str]:
        """The URLs of the ``href``s ``xpath`` finds on a page, on the publisher's hosts."""
        if tree is None:
            return []
        found = [self.link(str(href), page_url) for href in tree.xpath(xpath)]
        return [url for url in found if url]


def listing_pages(
    reader: Reader, site: Site, first_url: str, next_xpath: str
) -> Iterator[tuple[str, lxml.html.HtmlElement]]:
    """A listing's pages, from the first on, each with its URL, following the "next page" link
    ``next_xpath`` finds (each page once, on the publisher's hosts)."""
    url: str | None = first_url
    seen: set[str] = set()
    while url is not None and url not in seen and len(seen) < MAX_LISTING_PAGES:
        seen.add(url)
        tree = html_page(reader.page(url))
        if tree is None:
            return
        yield url, tree
        following = site.links(tree, next_xpath, url)
        url = following[0] if following else None


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: dt.date | None


def sitemap_entries(
    reader: Reader, site: Site, url: str, *, depth: int = 0
) -> Iterator[SitemapEntry]:
    """The URLs a sitemap lists with their ``lastmod``, through a sitemap index's child
    sitemaps (one level deep, as the protocol allows)."""
    root = xml_document(reader.page(url))
    if root is None:
        return
    if root.tag == "sitemapindex":
        if depth > 0:
            return
        for child in site.links(root, "sitemap/loc/text()", url):
            yield from sitemap_entries(reader, site, child, depth=depth + 1)
        return
    for entry in root.iterfind("url"):
        location = site.link(text_at(entry, "loc"), url)
        if location:
            yield SitemapEntry(location, danish_date(text_at(entry, "lastmod")))


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str | None
    published: dt.date | None


def feed_items(reader: Reader, site: Site, url: str) -> Iterator[FeedItem]:
    """The items of an RSS 2.0 or Atom feed, each with its link, title and date."""
    root = xml_document(reader.page(url))
    if root is None:
        return
    for entry in [*root.iterfind("channel/item"), *root.iterfind("entry")]:
        link = text_at(entry, "link/text()") or text_at(entry, "link/@href")
        location = site.link(link, url)
        if location:
            date = text_at(entry, "pubDate") or text_at(entry, "published")
            date = date or text_at(entry, "updated")
            yield FeedItem(location, text_at(entry, "title"), feed_date(date))


def is_since(published: dt.date | None, since: dt.date | None) -> bool:
    """Whether a publication is on or after ``since``. One whose date is not known is kept:
    nothing shows it is older."""
    return since is None or published is None or published >= since


def first_of(*values: str | None) -> str | None:
    return next((value for value in values if value), None)


def described(**values: object) -> dict[str, object]:
    """Publication metadata of the values that are there (a date as ISO text): a field the
    publisher does not give is left out rather than sent empty."""
    found: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None and value != "" and value != []:
            found[key] = value
    return found
