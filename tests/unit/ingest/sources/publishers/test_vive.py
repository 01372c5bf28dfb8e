"""The VIVE adapter over its fixture site: a paged listing of reports and their landing pages."""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

from ingest.sources.publishers.vive import Vive
from tests.fixture_sites import READER_BASE_URL, SiteReader

SITE = READER_BASE_URL.rstrip("/")
PAGE = f"{SITE}/da/udgivelser"

EXPECTED = {
    f"{SITE}/media/pure/22411/barnets-lov-i-praksis.pdf": {
        "title": "Barnets Lov i praksis",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2025-04-09",
        "authors": ["Jonas Kjær Vestergaard", "Sara Ahmadi Nørgaard", "Rasmus Holt Madsen"],
        "isbn": "978-87-7582-902-6",
    },
    f"{SITE}/media/pure/21987/fra-handleplan-til-barnets-plan.pdf": {
        "title": "Fra handleplan til barnets plan",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2024-05-28",
        "authors": ["Søren Krogh Mikkelsen", "Louise Qvist Hansen"],
        "isbn": "978-87-7582-731-2",
    },
    f"{SITE}/media/pure/20932/boernene-foerst-baselinemaaling.pdf": {
        "title": "Børnene Først – baselinemåling",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2023-09-12",
        "authors": [
            "Mette Lindholm Rasmussen",
            "Frederik Dam Kristiansen",
            "Line Østergaard Dahl",
            "Emil Reinholdt Berg",
        ],
        "isbn": "978-87-7582-477-9",
    },
    f"{SITE}/media/pure/19566/bisiddere-for-boern-og-unge.pdf": {
        "title": "Bisiddere for børn og unge",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2022-11-03",
        "authors": ["Camilla Winther Lund", "Ahmed Karimi Holm"],
        "isbn": "978-87-7582-188-4",
    },
    # The landing page links a file the site does not have: listed all the same, for the
    # crawler to find the 404.
    f"{SITE}/media/pure/18120/familiehuse-i-kommunerne.pdf": {
        "title": "Familiehuse i kommunerne",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2021-06-10",
        "authors": ["Maria Lykke Poulsen", "Tobias Friis Jeppesen", "Ida Marie Hauge"],
        "isbn": "978-87-7582-123-5",
    },
    # SFI's: a month for a date, authors as surname and initials.
    f"{SITE}/media/pure/6012/fra-bekymring-til-handling.pdf": {
        "title": "Fra bekymring til handling",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2016-02-01",
        "authors": ["Mikkelsen, S.K.", "Hauge, I.M."],
        "isbn": "978-87-7119-347-3",
    },
    # KORA's, moved without authors or ISBN.
    f"{SITE}/media/pure/4471/eftervaern-for-tidligere-anbragte-unge.pdf": {
        "title": "Efterværn for tidligere anbragte unge",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2015-06-25",
    },
    # A landing page cut off inside its facts box: what comes before the cut.
    f"{SITE}/media/pure/3390/netvaerksanbringelser.pdf": {
        "title": "Netværksanbringelser",
        "publisher": "VIVE",
        "kind": "rapport",
        "published": "2014-04-08",
    },
}


def test_every_publication_with_the_metadata_its_landing_page_gives(
    reader: Callable[..., SiteReader],
) -> None:
    listed = list(Vive().publications(reader("vive"), READER_BASE_URL, None))

    assert {publication.url: publication.metadata for publication in listed} == EXPECTED
    assert len(listed) == len(EXPECTED)  # the report listed on two pages comes once
    assert listed[0].landing_page == f"{PAGE}/barnets-lov-i-praksis-22411/"


def test_all_listing_pages_are_followed(reader: Callable[..., SiteReader]) -> None:
    site = reader("vive")
    list(Vive().publications(site, READER_BASE_URL, None))

    assert [url for url in site.read if "/side-" in url or url == f"{PAGE}/"] == [
        f"{PAGE}/",
        f"{PAGE}/side-2/",
        f"{PAGE}/side-3/",
    ]


def test_since_keeps_what_was_published_on_or_after_the_date(
    reader: Callable[..., SiteReader],
) -> None:
    site = reader("vive")
    listed = Vive().publications(site, READER_BASE_URL, dt.date(2022, 11, 3))

    assert [urlsplit(p.url).path for p in listed] == [
        "/media/pure/22411/barnets-lov-i-praksis.pdf",
        "/media/pure/21987/fra-handleplan-til-barnets-plan.pdf",
        "/media/pure/20932/boernene-foerst-baselinemaaling.pdf",
        "/media/pure/19566/bisiddere-for-boern-og-unge.pdf",
    ]
    # Older entries are judged by the listing's date: their landing pages are not read.
    assert f"{PAGE}/familiehuse-i-kommunerne-18120/" not in site.read


def test_robots_txt_hides_what_it_disallows(reader: Callable[..., SiteReader]) -> None:
    hidden = f"{SITE}/media/pure/17745/samvaer-under-anbringelse.pdf"

    polite = [p.url for p in Vive().publications(reader("vive"), READER_BASE_URL, None)]
    rude = [
        p.url for p in Vive().publications(reader("vive", obey_robots=False), READER_BASE_URL, None)
    ]

    assert hidden not in polite
    assert hidden in rude


def test_nothing_off_the_publishers_hosts(reader: Callable[..., SiteReader]) -> None:
    site = reader("vive")
    listed = list(Vive().publications(site, READER_BASE_URL, None))

    # The listing does link a page on ft.dk; neither it nor a file there is followed.
    assert "https://www.ft.dk/" in (site.root / "da/udgivelser/side-3/index.html").read_text()
    assert {urlsplit(url).netloc for url in site.read} == {"127.0.0.1:8765"}
    assert {urlsplit(p.url).netloc for p in listed} == {"127.0.0.1:8765"}
