"""What a publisher adapter is: it reads a publisher's site and lists its publications.

An adapter knows one site's structure (its sitemap, listing pages, feeds and landing pages) and
nothing of HTTP: it reads pages through a ``Reader`` the crawler gives it, which fetches politely
(robots.txt, rate limits, conditional requests) and stays on the publisher's hosts. The crawler
compares what an adapter lists with what it found last time, fetches the files and runs them
through the pipeline.
"""

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


class Reader(Protocol):
    def page(self, url: str, *, landing: bool = False) -> str | None:
        """The decoded text of an HTML, XML or feed page; None when the publisher no longer has
        it (404/410), robots.txt forbids it, it is off the publisher's hosts, or it fails.

        ``landing`` marks a page of one publication (its landing page, or a web-only
        publication itself) rather than a listing's: when it cannot be read, the crawl loses
        that publication, not the rest of the listing."""
        ...


@dataclass(frozen=True)
class Publication:
    """One publication as its publisher lists it.

    ``url`` is the file to ingest (a PDF, or the HTML page itself for web-only material);
    ``lasting`` is False for an entry of a feed of the latest items: when it drops off the feed
    the publisher has not removed it, so the crawler does not withdraw it;
    ``metadata`` uses the keys of a folder's ``manifest.json`` entry: ``title``, ``publisher``,
    ``kind``, ``published`` (ISO date), ``authors`` (list), ``isbn``, ``target_age`` ("6-12
    år"), ``professional`` (list), and ``target_group`` (the publisher's own words for whom it
    is written); a key the publisher does not give is left out.
    """

    url: str
    metadata: dict[str, Any] = field(default_factory=dict)
    landing_page: str | None = None
    lasting: bool = True


class Publisher(ABC):
    """A publisher's site. ``key`` is its name on the command line."""

    key: str
    name: str
    base_url: str
    # Hosts besides the base URL's that the site's files or moved pages live on.
    other_hosts: tuple[str, ...] = ()

    @abstractmethod
    def publications(
        self, reader: Reader, base_url: str, since: dt.date | None
    ) -> Iterator[Publication]:
        """Every publication the site lists (published on or after ``since`` when given)."""
