"""What a web page says of itself: its date, authors, publisher and title, from the tags news
sites and CMSs write (Open Graph, schema.org JSON-LD, <time>, the plain meta tags)."""

import datetime as dt
import time

import pytest

from ingest.extract.base import EmbeddedMetadata
from ingest.extract.registry import extract

BODY = "<p>Ungepanelet består af tolv unge, som er eller har været anbragt.</p>"


def _metadata(head: str, body: str = f"<main>{BODY}</main>") -> EmbeddedMetadata:
    page = f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    return extract(page.encode(), "side.html").metadata


NEWS_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
    '{"@type": "WebSite", "name": "Socialpolitisk Tidende"}, {"@type": "NewsArticle", '
    '"datePublished": "2025-11-14T06:30:00+01:00", "author": [{"@type": "Person", "name": '
    '"Katrine Fjeldsø Hvidt"}, {"@type": "Person", "name": "Ole Berg"}], "publisher": '
    '{"@type": "Organization", "name": "Socialpolitisk Tidende"}}]}</script>'
)


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        (
            '<meta property="article:published_time" content="2025-11-14T08:00:00+01:00">',
            None,
            "2025-11-14",
        ),
        ('<meta name="date" content="2025-11-14">', None, "2025-11-14"),
        ('<meta name="DC.Date" content="2025-11-14">', None, "2025-11-14"),
        ('<meta name="citation_publication_date" content="2025/11/14">', None, "2025-11-14"),
        (NEWS_LD, None, "2025-11-14"),
        # The article's own <time>, not one of a comment or of a related article.
        (
            "",
            '<main><article><aside><time datetime="2020-01-01">1. januar</time></aside>'
            f'<p class="byline">Af Ole Berg <time datetime="2025-11-14">14. nov.</time></p>{BODY}'
            '</article><section class="comments"><time datetime="2026-01-02">2. jan.</time>'
            "</section></main>",
            "2025-11-14",
        ),
        (
            "",
            f'<main>{BODY}<div id="kommentarer"><time datetime="2026-01-02">x</time></div></main>',
            None,
        ),
        # A list of articles: their times are theirs, not the page's.
        (
            "",
            '<main><article><time datetime="2025-01-01">x</time><p>Én</p></article>'
            '<article><time datetime="2025-02-01">y</time><p>To</p></article></main>',
            None,
        ),
        ('<meta name="date" content="i går">', None, None),
    ],
)
def test_the_date_a_page_states(head: str, body: str | None, published: str | None) -> None:
    """All four of a tester's web pages showed "Udgivet: Ukendt"."""
    metadata = _metadata(head, *([body] if body else []))
    assert metadata.published == (dt.date.fromisoformat(published) if published else None)


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        ('<meta name="author" content="Katrine Fjeldsø Hvidt">', ["Katrine Fjeldsø Hvidt"]),
        (NEWS_LD, ["Katrine Fjeldsø Hvidt", "Ole Berg"]),
        # One Dublin Core tag per author: all of them, not the first.
        (
            '<meta name="dcterms.creator" content="Pernille Toft Ravn">'
            '<meta name="dcterms.creator" content="Kasper Holm Bjerre">',
            ["Pernille Toft Ravn", "Kasper Holm Bjerre"],
        ),
    ],
)
def test_the_authors_a_page_names(head: str, authors: list[str]) -> None:
    assert _metadata(head).authors == authors


@pytest.mark.parametrize(
    ("head", "publisher"),
    [
        (NEWS_LD, "Socialpolitisk Tidende"),
        ('<meta property="og:site_name" content="Aarhus Kommune">', "Aarhus Kommune"),
        (
            '<meta name="dcterms.publisher" content="VIVE">'
            '<meta property="og:site_name" content="vive.dk">',
            "VIVE",
        ),
        ("", None),
    ],
)
def test_the_publisher_a_page_names(head: str, publisher: str | None) -> None:
    assert _metadata(head).publisher == publisher


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # The site's name cut off where the page names its site ...
        (
            "<title>Børnesamtalen | Aarhus Kommune</title>"
            '<meta property="og:site_name" content="Aarhus Kommune">',
            f"<main>{BODY}</main>",
            "Børnesamtalen",
        ),
        # ... or where the rest is the page's one <h1>.
        (
            "<title>Children's participation in Danish child protection - Børnenes Netværk</title>",
            f"<main><h1>Children's participation in Danish child protection</h1>{BODY}</main>",
            "Children's participation in Danish child protection",
        ),
        # A generic <title>: Open Graph's title and the <h1> say what the page is.
        (
            "<title>Pressemeddelelse - Landsforeningen Børn i Pleje</title>"
            '<meta property="og:title" content="Hvert tredje plejebarn er aldrig blevet spurgt">',
            f"<main><h1>Hvert tredje plejebarn er aldrig blevet spurgt</h1>{BODY}</main>",
            "Hvert tredje plejebarn er aldrig blevet spurgt",
        ),
        (
            "<title>Nyhed – Børnenes Netværk</title>",
            f"<main><h1>Nyt ungepanel i Odense</h1>{BODY}</main>",
            "Nyt ungepanel i Odense",
        ),
        (
            '<title>Aarhus Kommune</title><meta property="og:site_name" content="Aarhus Kommune">',
            f"<main><h1>Familiehuset i Gellerup</h1>{BODY}</main>",
            "Familiehuset i Gellerup",
        ),
        # A site that gives every page its own name as Open Graph's title.
        (
            "<title>Børnesamtalen - når vi taler med dit barn</title>"
            '<meta property="og:title" content="Aarhus Kommune">'
            '<meta property="og:site_name" content="Aarhus Kommune">',
            f"<main>{BODY}</main>",
            "Børnesamtalen - når vi taler med dit barn",
        ),
        # Nothing says which part is the site's: the title stays whole.
        (
            "<title>Barnets Lov - en introduktion</title>",
            f"<main>{BODY}</main>",
            "Barnets Lov - en introduktion",
        ),
        (
            '<meta name="dcterms.title" content="Dialogkort"><title>X | Y</title>',
            BODY,
            "Dialogkort",
        ),
    ],
)
def test_the_title_of_a_page_without_its_sites_name(head: str, body: str, title: str) -> None:
    """Titles kept "… | Aarhus Kommune"; a press release was called "Pressemeddelelse"."""
    assert _metadata(head, body).title == title


@pytest.mark.parametrize(
    "script",
    [
        "[" * 200_000 + "]" * 200_000,
        '{"datePublished": "' + "2" * 2_000_000 + '"}',
        '{"@graph": 5, "author": {"name": ["x"]}, "datePublished": 2025}',
        "{ikke json",
    ],
)
def test_hostile_linked_data_is_no_date_and_no_failure(script: str) -> None:
    started = time.monotonic()
    metadata = _metadata(f'<script type="application/ld+json">{script}</script>')
    assert metadata.published is None and metadata.authors == []
    assert time.monotonic() - started < 5


def test_a_page_of_many_articles_and_times_is_read_in_time() -> None:
    articles = '<article><time datetime="2025-01-01">x</time><p>Tekst</p></article>' * 50_000
    times = '<div class="comment">' * 400 + '<time datetime="2025-01-01">x</time>' * 50_000
    started = time.monotonic()
    assert _metadata("", f"<main>{articles}</main>").published is None
    assert _metadata("", f"<main>{BODY}{times}</main>").published is None
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("page", "language"),
    [
        (f'<html lang="sv"><head></head><body><main>{BODY}</main></body></html>', "sv"),
        (
            '<html><head><meta http-equiv="Content-Language" content="nb-NO"></head>'
            f"<body><main>{BODY}</main></body></html>",
            "nb",
        ),
        # Danish and English the text tells (a site's template declares one for every page).
        (f'<html lang="da-DK"><head></head><body><main>{BODY}</main></body></html>', None),
        (f'<html lang="&lt;script&gt;"><head></head><body><main>{BODY}</main></body></html>', None),
    ],
)
def test_the_language_a_page_declares(page: str, language: str | None) -> None:
    assert extract(page.encode(), "side.html").metadata.language == language
