"""Børns Vilkår (bornsvilkar.dk): tools for professionals who talk with children, and analyses.

The site's sitemap index leads to a sitemap per kind of page. A tool (dialogue cards,
conversation guides, films, exercises, posters) is a web page and is itself what is ingested;
its facts box says whom it is for (Målgruppe, with the children's ages), who uses it
(Fagperson) and its format. An analysis has a landing page that links its PDF.
"""

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlsplit

import lxml.html

from ingest.sources.publishers.base import Publication, Publisher, Reader
from ingest.sources.publishers.pages import (
    Site,
    danish_date,
    described,
    facts,
    first_of,
    html_page,
    is_since,
    items,
    meta,
    names,
    sitemap_entries,
    target_age,
    text_at,
)

SITEMAP = "/sitemap.xml"
# The sections whose pages are publications, and the kind each holds.
SECTIONS = {"/fagfolk/vaerktoejer/": "værktøj", "/fagfolk/analyser/": "analyse"}
FILE_LINKS = "//main//a[contains(translate(@href, 'PDF', 'pdf'), '.pdf')]/@href"
DATE = "//main//time/@datetime"


def section_kind(url: str) -> str | None:
    """The kind of a page below one of the sections (the section's own page is none)."""
    path = urlsplit(url).path
    for section, kind in SECTIONS.items():
        if path.startswith(section) and path.rstrip("/") != section.rstrip("/"):
            return kind
    return None


class BoernsVilkaar(Publisher):
    key = "boernsvilkaar"
    name = "Børns Vilkår"
    base_url = "https://bornsvilkar.dk"
    other_hosts = ("www.bornsvilkar.dk",)

    def publications(
        self, reader: Reader, base_url: str, since: dt.date | None
    ) -> Iterator[Publication]:
        site = Site.of(self, base_url)
        seen: set[str] = set()
        for entry in sitemap_entries(reader, site, site.url(SITEMAP)):
            kind = section_kind(entry.url)
            # A page last changed before ``since`` was published before it too.
            if kind is None or entry.url in seen or not is_since(entry.lastmod, since):
                continue
            seen.add(entry.url)
            page = html_page(reader.page(entry.url, landing=True))
            if page is None or text_at(page, "//h1") is None:
                continue
            published = danish_date(first_of(text_at(page, DATE), *meta(page, "dcterms.date")))
            if not is_since(published, since):
                continue
            if kind == "værktøj":
                yield self._tool(page, entry.url, published)
            elif publication := self._analysis(page, site, entry.url, published):
                yield publication

    def _tool(
        self, page: lxml.html.HtmlElement, url: str, published: dt.date | None
    ) -> Publication:
        box = facts(page, "//main//dl")
        group = box.get("målgruppe")
        return Publication(
            url=url,
            landing_page=url,
            metadata=described(
                title=text_at(page, "//h1"),
                publisher=self.name,
                kind="værktøj",
                published=published,
                authors=meta(page, "dcterms.creator"),
                target_group=group,
                target_age=target_age(box.get("alder")) or target_age(group),
                professional=items(box.get("fagperson")),
            ),
        )

    def _analysis(
        self, page: lxml.html.HtmlElement, site: Site, url: str, published: dt.date | None
    ) -> Publication | None:
        files = site.links(page, FILE_LINKS, url)
        if not files:
            return None
        box = facts(page, "//main//dl")
        return Publication(
            url=files[0],
            landing_page=url,
            metadata=described(
                title=text_at(page, "//h1"),
                publisher=self.name,
                kind="analyse",
                published=published,
                authors=names(box.get("forfattere") or box.get("forfatter")),
                target_group=box.get("målgruppe"),
            ),
        )
