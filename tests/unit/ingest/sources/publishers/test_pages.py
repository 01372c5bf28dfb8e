"""Reading what publishers write: Danish dates, author lines, ISBNs, ages, and pages that are
cut short or are not what they should be."""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from ingest.sources.publishers.pages import (
    Site,
    danish_date,
    feed_date,
    isbn,
    items,
    names,
    target_age,
)
from ingest.sources.publishers.registry import PUBLISHERS
from ingest.sources.publishers.sbst import SocialOgBoligstyrelsen
from tests.fixture_sites import READER_BASE_URL, SiteReader


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("12. marts 2024", dt.date(2024, 3, 12)),
        ("  Udgivet:\n 1. december   2019 ", dt.date(2019, 12, 1)),
        ("12 sept. 2021", dt.date(2021, 9, 12)),
        ("marts 2024", dt.date(2024, 3, 1)),
        ("Februar 2016", dt.date(2016, 2, 1)),
        ("2024-03-12", dt.date(2024, 3, 12)),
        ("2022-10-11T09:15:00+02:00", dt.date(2022, 10, 11)),
        ("04-04-2024", dt.date(2024, 4, 4)),
        ("27.02.2024", dt.date(2024, 2, 27)),
        ("31-02-2024", None),
        ("2024", None),
        ("snart", None),
        ("", None),
        (None, None),
    ],
)
def test_danish_dates(text: str | None, date: dt.date | None) -> None:
    assert danish_date(text) == date


def test_feed_dates() -> None:
    assert feed_date("Tue, 18 Mar 2025 09:00:00 +0100") == dt.date(2025, 3, 18)
    assert feed_date("2025-03-18T09:00:00Z") == dt.date(2025, 3, 18)
    assert feed_date("i morgen") is None


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Hansen, A. og Berg, M.", ["Hansen, A.", "Berg, M."]),
        ("Anne Hansen, Mette Berg og Jens Holm", ["Anne Hansen", "Mette Berg", "Jens Holm"]),
        ("Hansen, Anne; Berg, Mette", ["Hansen, Anne", "Berg, Mette"]),
        ("Mikkelsen, S.K. & Hauge, I.M.", ["Mikkelsen, S.K.", "Hauge, I.M."]),
        (
            "  Søren Krogh Mikkelsen og\n   Louise Qvist Hansen ",
            ["Søren Krogh Mikkelsen", "Louise Qvist Hansen"],
        ),
        ("", []),
        (None, []),
    ],
)
def test_author_lines(text: str | None, people: list[str]) -> None:
    assert names(text) == people


def test_the_publisher_as_its_own_author_is_left_out() -> None:
    own = ("Socialstyrelsen", "Social- og Boligstyrelsen")
    assert names("Social- og Boligstyrelsen", leave_out=own) == []
    assert names("Socialstyrelsen og Anne Hansen", leave_out=own) == ["Anne Hansen"]


def test_lists_keep_shortened_compounds_whole() -> None:
    assert items("Børne- og ungerådgivere, teamledere og  bisiddere") == [
        "Børne- og ungerådgivere",
        "teamledere",
        "bisiddere",
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("ISBN 978-87-7582-902-6", "978-87-7582-902-6"),
        ("e-ISBN: 978 87 7582 902 6", "978-87-7582-902-6"),
        ("9788775829026", "9788775829026"),
        ("ISBN 978-87-7582-902-7", None),  # a wrong check digit
        ("ukendt", None),
    ],
)
def test_isbns(text: str, number: str | None) -> None:
    assert isbn(text) == number


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Børn 6-12 år", "6-12 år"),
        ("Unge 15–22 år", "15-22 år"),
        ("Børn under 10 år", "under 10 år"),
        ("Unge fra 14 år", "fra 14 år"),
        ("Børn i indskolingen", None),
        ("Ledere i 98 kommuner", None),
    ],
)
def test_target_ages(text: str, age: str | None) -> None:
    assert target_age(text) == age


class Cut(SiteReader):
    """A fixture site whose every page is cut off at the same fraction of its length."""

    def __init__(self, reader: SiteReader, fraction: float) -> None:
        super().__init__(reader.root)
        self.fraction = fraction

    def page(self, url: str, *, landing: bool = False) -> str | None:
        text = super().page(url)
        return None if text is None else text[: int(len(text) * self.fraction)]


class Junk:
    def __init__(self, text: str) -> None:
        self.text = text

    def page(self, url: str, *, landing: bool = False) -> str | None:
        return self.text


@pytest.mark.parametrize("key", sorted(PUBLISHERS))
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.35, 0.6, 0.85, 0.99])
def test_pages_cut_short_cost_publications_not_the_crawl(
    reader: Callable[..., SiteReader], key: str, fraction: float
) -> None:
    listed = list(PUBLISHERS[key].publications(Cut(reader(key), fraction), READER_BASE_URL, None))

    assert all(urlsplit(p.url).netloc == "127.0.0.1:8765" for p in listed)
    assert all(p.metadata["publisher"] == PUBLISHERS[key].name for p in listed)


@pytest.mark.parametrize("key", sorted(PUBLISHERS))
@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "%PDF-1.7\x00\x01binær",
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        "<html><body><h1>Kun en overskrift",
        '<a href="http://[::1">brudt adresse</a>',
    ],
)
def test_pages_that_are_not_pages_give_nothing(key: str, junk: str) -> None:
    assert list(PUBLISHERS[key].publications(Junk(junk), READER_BASE_URL, None)) == []


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("/filer/a.pdf", "http://127.0.0.1:8765/filer/a.pdf"),
        ("b.pdf#side=2", "http://127.0.0.1:8765/udgivelser/b.pdf"),
        ("https://socialstyrelsen.dk/c.pdf", "https://socialstyrelsen.dk/c.pdf"),
        ("https://WWW.SBST.DK/d.pdf", "https://WWW.SBST.DK/d.pdf"),
        ("https://example.org/e.pdf", None),
        ("https://sbst.dk.example.org/f.pdf", None),
        ("mailto:info@sbst.dk", None),
        ("javascript:alert(1)", None),
        ("ftp://sbst.dk/g.pdf", None),
        ("http://[::1", None),
        ("  ", None),
    ],
)
def test_links_stay_on_the_publishers_hosts(href: str, url: str | None) -> None:
    site = Site.of(SocialOgBoligstyrelsen(), READER_BASE_URL)

    assert site.link(href, f"{READER_BASE_URL}udgivelser/") == url
