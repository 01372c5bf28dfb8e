"""The Social- og Boligstyrelsen adapter over its fixture site: a news feed, a paged list of
publications, and landing pages in the new site's form and the old Socialstyrelsen site's."""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

from ingest.sources.publishers.sbst import SocialOgBoligstyrelsen
from tests.fixture_sites import READER_BASE_URL, SiteReader

SITE = READER_BASE_URL.rstrip("/")
LISTING = f"{SITE}/udgivelser"

EXPECTED = {
    # A news item from the feed: the web page itself, with the feed's title and date.
    f"{SITE}/nyheder/2025/barnets-perspektiv-i-samvaerssager/": {
        "title": "Ankestyrelsen: Barnets perspektiv fylder for lidt i afgørelser om samvær",
        "publisher": "Socialstyrelsen",
        "kind": "nyhed",
        "published": "2025-03-18",
    },
    f"{SITE}/Media/638857412/halvandet-aar-med-barnets-lov.pdf": {
        "title": "Halvandet år med Barnets Lov",
        "publisher": "Socialstyrelsen",
        "kind": "nyhedsbrev",
        "published": "2025-06-19",
        "target_group": "Ledere og medarbejdere på børne- og ungeområdet i kommunerne",
    },
    # "Forfatter: Social- og Boligstyrelsen" names no person.
    f"{SITE}/Media/638455109/bidrag-spm-287-netvaerksanbringelser.pdf": {
        "title": (
            "Bidrag til besvarelse af spørgsmål nr. 287 (SOU alm. del) om netværksanbringelser"
        ),
        "publisher": "Socialstyrelsen",
        "kind": "folketingssvar",
        "published": "2024-03-07",
    },
    f"{SITE}/Media/638445021/inddragelse-af-boern-efter-barnets-lov.pdf": {
        "title": "Inddragelse af børn efter Barnets Lov",
        "publisher": "Socialstyrelsen",
        "kind": "vejledning",
        "published": "2024-02-27",
        "target_group": "Fagpersoner i kommunernes myndighedsafdelinger",
        "target_age": "0-17 år",
        "professional": ["Børne- og ungerådgivere", "teamledere", "bisiddere"],
    },
    # Its file is not on the site (404).
    f"{SITE}/Media/638301188/kommissorium-foelgegruppe-barnets-lov.pdf": {
        "title": "Kommissorium for følgegruppen for implementering af Barnets Lov",
        "publisher": "Socialstyrelsen",
        "kind": "kommissorium",
        "published": "2023-09-12",
    },
    # Two pages in the old Socialstyrelsen form, at the old paths; the second gives no date.
    f"{SITE}/filer/udgivelser/eftervaern-en-god-overgang.pdf": {
        "title": "Efterværn – en god overgang til voksenlivet",
        "publisher": "Socialstyrelsen",
        "kind": "vejledning",
        "published": "2017-08-30",
        "target_group": "Sagsbehandlere og ledere",
    },
    f"{SITE}/filer/udgivelser/kommissorium-ekspertgruppe-tidlig-opsporing.pdf": {
        "title": "Kommissorium for ekspertgruppen om tidlig opsporing og forebyggelse",
        "publisher": "Socialstyrelsen",
        "kind": "kommissorium",
    },
}


def test_every_publication_with_the_metadata_its_landing_page_gives(
    reader: Callable[..., SiteReader],
) -> None:
    listed = list(SocialOgBoligstyrelsen().publications(reader("sbst"), READER_BASE_URL, None))

    # The method description's landing page is cut off before its download link: it has no
    # file to list.
    assert {publication.url: publication.metadata for publication in listed} == EXPECTED
    assert len(listed) == len(EXPECTED)
    old = next(p for p in listed if p.url.endswith("eftervaern-en-god-overgang.pdf"))
    assert old.landing_page == f"{LISTING}/eftervaern-en-god-overgang-til-voksenlivet/"


def test_all_listing_pages_are_followed(reader: Callable[..., SiteReader]) -> None:
    site = reader("sbst")
    list(SocialOgBoligstyrelsen().publications(site, READER_BASE_URL, None))

    assert [url for url in site.read if url.rstrip("/").endswith(("udgivelser", "side-2"))] == [
        f"{LISTING}/",
        f"{LISTING}/side-2/",
    ]


def test_since_keeps_what_was_published_on_or_after_the_date(
    reader: Callable[..., SiteReader],
) -> None:
    site = reader("sbst")
    listed = SocialOgBoligstyrelsen().publications(site, READER_BASE_URL, dt.date(2024, 3, 1))

    # The undated terms of reference are kept: nothing shows they are older.
    assert [urlsplit(p.url).path for p in listed] == [
        "/nyheder/2025/barnets-perspektiv-i-samvaerssager/",
        "/Media/638857412/halvandet-aar-med-barnets-lov.pdf",
        "/Media/638455109/bidrag-spm-287-netvaerksanbringelser.pdf",
        "/filer/udgivelser/kommissorium-ekspertgruppe-tidlig-opsporing.pdf",
    ]
    assert f"{LISTING}/2024/inddragelse-af-boern-efter-barnets-lov/" not in site.read


def test_robots_txt_hides_what_it_disallows(reader: Callable[..., SiteReader]) -> None:
    hidden = f"{SITE}/Media/639060000/naar-du-er-bekymret-for-et-barn.pdf"
    adapter = SocialOgBoligstyrelsen()

    polite = [p.url for p in adapter.publications(reader("sbst"), READER_BASE_URL, None)]
    rude = [
        p.url
        for p in adapter.publications(reader("sbst", obey_robots=False), READER_BASE_URL, None)
    ]

    assert hidden not in polite
    assert hidden in rude


def test_nothing_off_the_publishers_hosts(reader: Callable[..., SiteReader]) -> None:
    site = reader("sbst")
    listed = list(SocialOgBoligstyrelsen().publications(site, READER_BASE_URL, None))

    # The feed links an event on another site; it is not listed.
    assert "https://www.eventbrite.dk/" in (site.root / "nyheder/rss.xml").read_text()
    assert {urlsplit(url).netloc for url in site.read} == {"127.0.0.1:8765"}
    assert {urlsplit(p.url).netloc for p in listed} == {"127.0.0.1:8765"}


class Pages:
    """A site held in a dict: URL → page."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages

    def page(self, url: str, *, landing: bool = False) -> str | None:
        return self.pages.get(url)


def test_the_old_socialstyrelsen_host_is_the_styrelses_own() -> None:
    old_page = "https://www.socialstyrelsen.dk/udgivelser/tidlig-indsats/"
    site = Pages(
        {
            "https://www.sbst.dk/udgivelser/": f"""<ul>
              <li class="list-publications__item"><a href="{old_page}">Tidlig indsats</a>
                <span class="list-publications__type">Pjece</span></li>
              <li class="list-publications__item"><a href="https://example.org/x/">Andet</a></li>
            </ul>""",
            old_page: """<h1>Tidlig indsats</h1>
              <table class="publication-details"><tr><th>Udgivet:</th><td>3. maj 2019</td></tr>
              </table><a href="/filer/tidlig-indsats.pdf">Download</a>""",
            "https://example.org/x/": '<h1>Andet</h1><a href="/andet.pdf">Download</a>',
        }
    )

    listed = list(SocialOgBoligstyrelsen().publications(site, "https://www.sbst.dk", None))

    assert [(p.url, p.metadata) for p in listed] == [
        (
            "https://www.socialstyrelsen.dk/filer/tidlig-indsats.pdf",
            {
                "title": "Tidlig indsats",
                "publisher": "Socialstyrelsen",
                "kind": "pjece",
                "published": "2019-05-03",
            },
        )
    ]
