"""The Børns Vilkår adapter over its fixture site: a sitemap index, tools that are web pages and
analyses with PDFs."""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

from ingest.sources.publishers.boerns_vilkaar import BoernsVilkaar
from tests.fixture_sites import READER_BASE_URL, SiteReader

SITE = READER_BASE_URL.rstrip("/")
TOOLS = f"{SITE}/fagfolk/vaerktoejer"

EXPECTED = {
    f"{TOOLS}/dialogkort-mit-netvaerk/": {
        "title": "Dialogkort: Mit netværk",
        "publisher": "Børns Vilkår",
        "kind": "værktøj",
        "published": "2015-02-24",
        "authors": ["Pernille Toft Ravn", "Kasper Holm Bjerre"],
        "target_group": "Børn 6-12 år",
        "target_age": "6-12 år",
        "professional": ["sagsbehandler", "pædagog", "lærer"],
    },
    f"{TOOLS}/tal-med-barnet-om-underretningen/": {
        "title": "Samtaleguide: Tal med barnet om underretningen",
        "publisher": "Børns Vilkår",
        "kind": "værktøj",
        "published": "2021-08-24",
        "authors": ["Kasper Holm Bjerre"],
        "target_group": "Børn og unge 6-17 år",
        "target_age": "6-17 år",
        "professional": ["lærer", "pædagog", "sundhedsplejerske", "skolesocialrådgiver"],
    },
    f"{TOOLS}/ung-paa-vej-ud/": {
        "title": "Film: Ung på vej ud – fem unge om at forlade en anbringelse",
        "publisher": "Børns Vilkår",
        "kind": "værktøj",
        "published": "2022-10-11",
        "authors": ["Sofie Lange Mathiesen"],
        "target_group": "Unge 15-22 år",
        "target_age": "15-22 år",
        "professional": [
            "sagsbehandler",
            "kontaktperson",
            "plejefamilie",
            "pædagog på opholdssted",
        ],
    },
    f"{TOOLS}/mit-hjertekort/": {
        "title": "Øvelse: Mit hjertekort – børn i plejefamilie og netværksanbringelse",
        "publisher": "Børns Vilkår",
        "kind": "værktøj",
        "published": "2016-11-15",
        "target_group": "Børn under 10 år",
        "target_age": "under 10 år",
        "professional": ["Familieplejekonsulent", "Sagsbehandler", "Plejeforælder"],
    },
    # A tool page with little on it: no date, no authors, no ages, no professionals.
    f"{TOOLS}/min-skoledag/": {
        "title": "Øvelse: Min skoledag",
        "publisher": "Børns Vilkår",
        "kind": "værktøj",
        "target_group": "Børn i indskolingen",
    },
    f"{SITE}/media/filer/klar-til-18-analyse.pdf": {
        "title": "Klar til 18?",
        "publisher": "Børns Vilkår",
        "kind": "analyse",
        "published": "2023-02-07",
        "authors": ["Louise Bak Andersen", "Rasmus Thygesen"],
        "target_group": "Fagfolk i kommunernes børne- og ungeområde",
    },
    # Its file is not on the site (404): the crawler finds out.
    f"{SITE}/media/filer/ny-socialraadgiver-igen.pdf": {
        "title": "Ny socialrådgiver – igen",
        "publisher": "Børns Vilkår",
        "kind": "analyse",
        "published": "2018-04-10",
        "authors": ["Katrine Holmgaard Winther", "Simon Daugaard Lassen"],
        "target_group": "Socialrådgivere og ledere i kommunerne",
    },
    # Its landing page is cut off after the download link.
    f"{SITE}/media/filer/naar-anbragte-boern-ringer.pdf": {
        "title": "Når anbragte børn ringer",
        "publisher": "Børns Vilkår",
        "kind": "analyse",
        "published": "2012-05-08",
    },
}


def test_every_publication_with_the_metadata_its_page_gives(
    reader: Callable[..., SiteReader],
) -> None:
    listed = list(BoernsVilkaar().publications(reader("boernsvilkaar"), READER_BASE_URL, None))

    assert {publication.url: publication.metadata for publication in listed} == EXPECTED
    assert len(listed) == len(EXPECTED)  # the film in two sitemaps comes once
    analysis = next(p for p in listed if p.url.endswith("klar-til-18-analyse.pdf"))
    assert analysis.landing_page == f"{SITE}/fagfolk/analyser/klar-til-18/"


def test_every_sitemap_of_the_index_is_read(reader: Callable[..., SiteReader]) -> None:
    site = reader("boernsvilkaar")
    list(BoernsVilkaar().publications(site, READER_BASE_URL, None))

    assert [url for url in site.read if url.endswith(".xml")] == [
        f"{SITE}/sitemap.xml",
        f"{SITE}/sitemap-sider.xml",
        f"{SITE}/sitemap-vaerktoejer.xml",
        f"{SITE}/sitemap-analyser.xml",
    ]
    # Pages outside the tools and analyses are no publications and are not read.
    assert f"{SITE}/fagfolk/" not in site.read


def test_since_keeps_what_was_published_on_or_after_the_date(
    reader: Callable[..., SiteReader],
) -> None:
    site = reader("boernsvilkaar")
    listed = BoernsVilkaar().publications(site, READER_BASE_URL, dt.date(2021, 1, 1))

    # The undated tool is kept: nothing shows it is older.
    assert sorted(urlsplit(p.url).path for p in listed) == [
        "/fagfolk/vaerktoejer/min-skoledag/",
        "/fagfolk/vaerktoejer/tal-med-barnet-om-underretningen/",
        "/fagfolk/vaerktoejer/ung-paa-vej-ud/",
        "/media/filer/klar-til-18-analyse.pdf",
    ]
    # A page last changed before the date is not read at all.
    assert f"{TOOLS}/mit-hjertekort/" not in site.read
    # One changed since, but published before, is read and left out.
    assert f"{TOOLS}/dialogkort-mit-netvaerk/" in site.read


def test_robots_txt_hides_what_it_disallows(reader: Callable[..., SiteReader]) -> None:
    hidden = f"{TOOLS}/kladder/fortael-om-boernetelefonen/"
    adapter = BoernsVilkaar()

    polite = [p.url for p in adapter.publications(reader("boernsvilkaar"), READER_BASE_URL, None)]
    rude = [
        p.url
        for p in adapter.publications(
            reader("boernsvilkaar", obey_robots=False), READER_BASE_URL, None
        )
    ]

    assert hidden not in polite
    assert hidden in rude


def test_nothing_off_the_publishers_hosts(reader: Callable[..., SiteReader]) -> None:
    site = reader("boernsvilkaar")
    listed = list(BoernsVilkaar().publications(site, READER_BASE_URL, None))

    # The tool pages link bornsvilkar.dk and Facebook; the adapter follows neither.
    assert (
        "https://bornsvilkar.dk/"
        in (site.root / "fagfolk/vaerktoejer/dialogkort-mit-netvaerk/index.html").read_text()
    )
    assert {urlsplit(url).netloc for url in site.read} == {"127.0.0.1:8765"}
    assert {urlsplit(p.url).netloc for p in listed} == {"127.0.0.1:8765"}
