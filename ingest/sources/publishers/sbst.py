"""Social- og Boligstyrelsen (www.sbst.dk), until 2023 Socialstyrelsen (socialstyrelsen.dk).

Two lists: the news feed (RSS), whose items are web pages ingested as they are, and the paged
list of publications (guidance, method descriptions, newsletters, terms of reference, answers
to parliament), each with a landing page whose facts box gives its type, date and target group
and which links the PDF. Pages not yet moved keep the old site's form: a table of details
instead of the facts box, and old paths. The old domain's pages redirect to the new one, so
links on either host are followed.
"""

import datetime as dt
from collections.abc import Iterator

from ingest.sources.publishers.base import Publication, Publisher, Reader
from ingest.sources.publishers.pages import (
    FeedItem,
    Site,
    danish_date,
    described,
    facts,
    feed_items,
    first_of,
    html_page,
    is_since,
    isbn,
    items,
    listing_pages,
    names,
    target_age,
    text_at,
)

FEED = "/nyheder/rss.xml"
LISTING = "/udgivelser/"
NEXT_PAGE = "//a[@rel='next']/@href"
ENTRY = "//li[contains(@class, 'list-publications__item')]"
FILE_LINKS = (
    "//a[contains(@class, 'download-link')]/@href"
    " | //a[contains(translate(@href, 'PDF', 'pdf'), '.pdf')]/@href"
)
# The facts box of the new site and the details table of the old one.
FACTS = (
    "//dl[contains(@class, 'publication-page__meta')]"
    " | //table[contains(@class, 'publication-details')]"
)
# The styrelse's own types as the project names them; others are kept in lower case.
KINDS = {
    "metodebeskrivelse": "vejledning",
    "svar til folketinget": "folketingssvar",
    "folketingsspørgsmål": "folketingssvar",
}
# The styrelse named as author of its own publication is no person.
OWN_NAMES = ("Socialstyrelsen", "Social- og Boligstyrelsen")


def kind_of(label: str | None) -> str | None:
    return KINDS.get(label.lower(), label.lower()) if label else None


class SocialOgBoligstyrelsen(Publisher):
    key = "sbst"
    # The name the pipeline, its rights statements and the search facets know both the old and
    # the renamed styrelse by.
    name = "Socialstyrelsen"
    base_url = "https://www.sbst.dk"
    other_hosts = ("sbst.dk", "socialstyrelsen.dk", "www.socialstyrelsen.dk")

    def publications(
        self, reader: Reader, base_url: str, since: dt.date | None
    ) -> Iterator[Publication]:
        site = Site.of(self, base_url)
        seen: set[str] = set()
        for item in feed_items(reader, site, site.url(FEED)):
            if item.url not in seen and is_since(item.published, since):
                seen.add(item.url)
                yield self._news(item)
        for page_url, page in listing_pages(reader, site, site.url(LISTING), NEXT_PAGE):
            for entry in page.xpath(ENTRY):
                landing = site.link(text_at(entry, ".//a/@href"), page_url)
                if landing is None or landing in seen:
                    continue
                seen.add(landing)
                listed = danish_date(text_at(entry, ".//*[contains(@class, '__date')]"))
                if not is_since(listed, since):
                    continue
                label = text_at(entry, ".//*[contains(@class, '__type')]")
                publication = self._landing_page(reader, site, landing, listed, label, since)
                if publication is not None:
                    yield publication

    def _news(self, item: FeedItem) -> Publication:
        """A news item is the web page the feed links; the feed gives its title and date. The
        feed carries only the latest news, so an item that drops off it is still published."""
        return Publication(
            url=item.url,
            landing_page=item.url,
            lasting=False,
            metadata=described(
                title=item.title, publisher=self.name, kind="nyhed", published=item.published
            ),
        )

    def _landing_page(
        self,
        reader: Reader,
        site: Site,
        url: str,
        listed: dt.date | None,
        label: str | None,
        since: dt.date | None,
    ) -> Publication | None:
        page = html_page(reader.page(url, landing=True))
        files = site.links(page, FILE_LINKS, url)
        box = facts(page, FACTS)
        published = danish_date(box.get("udgivet")) or listed
        if page is None or not files or not is_since(published, since):
            return None
        return Publication(
            url=files[0],
            landing_page=url,
            metadata=described(
                title=text_at(page, "//h1"),
                publisher=self.name,
                kind=kind_of(first_of(box.get("type"), box.get("publikationstype"), label)),
                published=published,
                authors=names(box.get("forfattere") or box.get("forfatter"), leave_out=OWN_NAMES),
                isbn=isbn(box.get("isbn")),
                target_group=box.get("målgruppe"),
                target_age=target_age(box.get("alder")),
                professional=items(box.get("faggruppe") or box.get("fagperson")),
            ),
        )
