"""VIVE (www.vive.dk): reports and other publications, SFI's and KORA's from before 2017 too.

The list of publications is paged, newest first; each entry names its kind and date and leads
to a landing page with a download button and a facts box (Udgivet, Forfattere, ISBN, Udgiver).
SFI's and KORA's publications moved to vive.dk with VIVE's founding; their landing pages have
the same form, often with fewer facts and a month for a date.
"""

import datetime as dt
from collections.abc import Iterator

from ingest.sources.publishers.base import Publication, Publisher, Reader
from ingest.sources.publishers.pages import (
    Site,
    danish_date,
    described,
    facts,
    first_of,
    html_page,
    is_since,
    isbn,
    listing_pages,
    meta,
    names,
    text_at,
)

LISTING = "/da/udgivelser/"
NEXT_PAGE = "//a[@rel='next']/@href"
ENTRY = "//li[contains(concat(' ', @class, ' '), ' publication-teaser ')]"
# The download button; an older page may link the PDF in its text only.
FILE_LINKS = (
    "//a[contains(@class, 'button--download')]/@href"
    " | //main//a[contains(translate(@href, 'PDF', 'pdf'), '.pdf')]/@href"
)
FACTS = "//dl[contains(@class, 'publication__facts')]"
# VIVE's kinds as the project names them; a kind not named here is kept in lower case.
KINDS = {"rapport": "rapport", "report": "rapport"}


class Vive(Publisher):
    key = "vive"
    name = "VIVE"
    base_url = "https://www.vive.dk"
    other_hosts = ("vive.dk", "pure.vive.dk")

    def publications(
        self, reader: Reader, base_url: str, since: dt.date | None
    ) -> Iterator[Publication]:
        site = Site.of(self, base_url)
        seen: set[str] = set()
        for page_url, page in listing_pages(reader, site, site.url(LISTING), NEXT_PAGE):
            for entry in page.xpath(ENTRY):
                landing = site.link(text_at(entry, ".//a/@href"), page_url)
                if landing is None or landing in seen:
                    continue
                seen.add(landing)
                listed = danish_date(
                    first_of(
                        text_at(entry, ".//time/@datetime"),
                        text_at(entry, ".//*[contains(@class, '__date')]"),
                    )
                )
                if not is_since(listed, since):
                    continue
                publication = self._landing_page(reader, site, landing, listed, since)
                if publication is not None:
                    yield publication

    def _landing_page(
        self,
        reader: Reader,
        site: Site,
        url: str,
        listed: dt.date | None,
        since: dt.date | None,
    ) -> Publication | None:
        page = html_page(reader.page(url, landing=True))
        files = site.links(page, FILE_LINKS, url)
        box = facts(page, FACTS)
        published = danish_date(box.get("udgivet")) or listed
        if page is None or not files or not is_since(published, since):
            return None
        label = text_at(page, "//*[contains(@class, 'publication__type')]")
        return Publication(
            url=files[0],
            landing_page=url,
            metadata=described(
                title=first_of(text_at(page, "//h1"), *meta(page, "og:title")),
                publisher=self.name,
                kind=KINDS.get(label.lower(), label.lower()) if label else None,
                published=published,
                authors=names(box.get("forfattere") or box.get("forfatter")),
                isbn=isbn(box.get("isbn")),
            ),
        )
