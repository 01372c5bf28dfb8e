"""The crawler's client against a local site that logs every request it gets."""

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.sources.polite import Outcome, PoliteClient, host_of, transport_problem, user_agent
from tests.http_site import Site

DELAY = 0.1


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    (tmp_path / "rapporter").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "rapporter" / f"{name}.pdf").write_bytes(f"%PDF-1.4 {name}".encode() * 10)
    (tmp_path / "privat").mkdir()
    (tmp_path / "privat" / "notat.pdf").write_bytes(b"%PDF-1.4 privat")
    (tmp_path / "stor.pdf").write_bytes(b"x" * 5000)
    (tmp_path / "liste.html").write_text("<h1>Udgivelser på dansk: æøå</h1>", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /privat/\n")
    with Site(tmp_path) as running:
        yield running


def client(site: Site, **options: float) -> PoliteClient:
    settings: dict[str, float] = {"delay": DELAY, "backoff": 0.05, "max_wait": 0.3, **options}
    return PoliteClient({host_of(site.base_url)}, **settings)  # type: ignore[arg-type]


def test_robots_txt_is_read_once_and_a_disallowed_address_is_refused(site: Site) -> None:
    with client(site) as polite:
        refused = polite.fetch(site.url("/privat/notat.pdf"))
        # The publisher's wish, not a gap in what was read: the listing is still whole.
        assert polite.page(site.url("/privat/liste.html")) is None
        assert not polite.unread[site.url("/privat/liste.html")].cuts_listing
        allowed = polite.fetch(site.url("/rapporter/a.pdf"))
    assert refused.outcome == Outcome.FORBIDDEN and refused.code == "not_allowed"
    assert "robots.txt forbyder at hente /privat/notat.pdf" in (refused.reason or "")
    assert allowed.outcome == Outcome.FETCHED and allowed.body == b"%PDF-1.4 a" * 10
    assert site.paths() == ["/robots.txt", "/rapporter/a.pdf"]
    assert polite.counts.refused == 2 and polite.counts.requests == 2
    assert all(request.user_agent == user_agent() for request in site.requests)
    assert user_agent().startswith("Vidensbank/") and "+https://" in user_agent()


def test_requests_to_one_host_keep_the_interval_and_a_longer_crawl_delay(site: Site) -> None:
    with client(site) as polite:
        for name in ("a", "b", "c"):
            assert polite.fetch(site.url(f"/rapporter/{name}.pdf")).outcome == Outcome.FETCHED
    assert len(site.requests) == 4
    assert min(site.gaps()) >= DELAY - 0.005, site.gaps()

    site.clear()
    (site.root / "robots.txt").write_text("User-agent: *\nCrawl-delay: 0.25\n")
    with client(site, delay=0.02) as polite:
        for name in ("a", "b"):
            polite.fetch(site.url(f"/rapporter/{name}.pdf"))
    assert min(site.gaps()) >= 0.245, site.gaps()


def test_what_was_read_before_is_asked_for_conditionally_and_a_304_reads_the_stored_copy(
    site: Site,
) -> None:
    with client(site) as polite:
        first = polite.fetch(site.url("/rapporter/a.pdf"))
        text = polite.page(site.url("/liste.html"))
    assert text == "<h1>Udgivelser på dansk: æøå</h1>"
    known = {
        site.url("/rapporter/a.pdf"): first.validators,
        site.url("/liste.html"): polite.pages_read[site.url("/liste.html")].validators,
    }
    site.clear()
    with PoliteClient({host_of(site.base_url)}, known=known, delay=DELAY) as again:
        unchanged = again.fetch(site.url("/rapporter/a.pdf"))
        page = again.page(site.url("/liste.html"))
    assert unchanged.outcome == Outcome.NOT_MODIFIED
    assert unchanged.content_hash == first.content_hash and unchanged.body is None
    assert page == text
    conditional = [r for r in site.requests if r.path != "/robots.txt"]
    assert [r.status for r in conditional] == [304, 304]
    assert all(r.if_none_match and r.if_modified_since for r in conditional)
    assert again.counts.not_modified == 2


def test_503_and_429_are_retried_with_backoff_and_retry_after_within_bounds(site: Site) -> None:
    site.fail("/rapporter/a.pdf", 503, times=2)
    site.fail("/rapporter/b.pdf", 429, times=1, retry_after="30")
    with client(site, delay=0.01) as polite:
        assert polite.fetch(site.url("/rapporter/a.pdf")).outcome == Outcome.FETCHED
        assert polite.fetch(site.url("/rapporter/b.pdf")).outcome == Outcome.FETCHED
    statuses = [(r.path, r.status) for r in site.requests if r.path != "/robots.txt"]
    assert statuses == [
        ("/rapporter/a.pdf", 503),
        ("/rapporter/a.pdf", 503),
        ("/rapporter/a.pdf", 200),
        ("/rapporter/b.pdf", 429),
        ("/rapporter/b.pdf", 200),
    ]
    waits = site.gaps()[1:]
    # Backoff 0.05 s, then 0.1 s; Retry-After's 30 s bounded to the 0.3 s most.
    assert waits[0] >= 0.045 and waits[1] >= 0.095
    assert 0.29 <= waits[3] < 5


def test_a_server_that_keeps_failing_is_given_up_with_the_reason(site: Site) -> None:
    site.fail("/rapporter/a.pdf", 503, times=10)
    with client(site, delay=0.01, retries=2) as polite:
        failed = polite.fetch(site.url("/rapporter/a.pdf"))
    assert failed.outcome == Outcome.FAILED and failed.code == "fetch_failed"
    assert failed.reason == (
        "Adressen kunne ikke hentes: serveren svarede 503, også efter 2 nye forsøg."
    )
    assert site.paths(503) == ["/rapporter/a.pdf"] * 3


def test_a_body_that_cannot_be_unpacked_is_one_failed_file_not_the_crawls_end(
    site: Site,
) -> None:
    (site.root / "rapporter" / "pakket.gzip.pdf").write_bytes(b"ikke gzip")
    with client(site) as polite:
        failed = polite.fetch(site.url("/rapporter/pakket.gzip.pdf"))
        assert failed.outcome == Outcome.FAILED and failed.code == "fetch_failed"
        assert "ikke kan pakkes ud" in (failed.reason or "")
        assert polite.fetch(site.url("/rapporter/a.pdf")).outcome != Outcome.FAILED


def test_a_file_over_the_limit_is_refused(site: Site) -> None:
    with client(site, file_bytes=1000) as polite:
        refused = polite.fetch(site.url("/stor.pdf"))
    assert refused.outcome == Outcome.REFUSED and refused.code == "too_large"
    assert "1000 bytes" in (refused.reason or "")


def test_redirects_are_followed_on_the_publishers_hosts_only(site: Site) -> None:
    port = site.base_url.rsplit(":", 1)[1]
    (site.root / "_redirects.txt").write_text(
        "/gammel.pdf /rapporter/a.pdf 301\n"
        f"/flyttet.pdf http://localhost:{port}/rapporter/b.pdf 302\n"
        "/ude.pdf https://andet.example/x.pdf 301\n"
        "/rundt.pdf /rundt.pdf 302\n"
        "/port.pdf http://127.0.0.1:9/x.pdf 302\n"
    )
    with PoliteClient({host_of(site.base_url), f"localhost:{port}"}, delay=0.01) as polite:
        # The publisher's host, but another port (a database, a search node): not followed.
        other_port = polite.fetch(site.url("/port.pdf"))
        within = polite.fetch(site.url("/gammel.pdf"))
        other_host = polite.fetch(site.url("/flyttet.pdf"))
        foreign = polite.fetch(site.url("/ude.pdf"))
        loop = polite.fetch(site.url("/rundt.pdf"))
    assert within.outcome == Outcome.FETCHED and within.url == site.url("/rapporter/a.pdf")
    assert within.requested == site.url("/gammel.pdf")
    assert other_host.outcome == Outcome.FETCHED
    assert other_host.url == f"http://localhost:{port}/rapporter/b.pdf"
    assert foreign.outcome == Outcome.REFUSED and foreign.code == "not_allowed"
    assert foreign.reason is not None and "andet.example" in foreign.reason
    assert loop.outcome == Outcome.REFUSED and "mere end 5 gange" in (loop.reason or "")
    assert site.paths().count("/rundt.pdf") == 6
    assert other_port.outcome == Outcome.REFUSED and "127.0.0.1:9" in (other_port.reason or "")
    # robots.txt is read on each host the crawl goes to.
    assert site.paths().count("/robots.txt") == 2


def test_robots_txt_that_fails_forbids_everything_and_a_missing_one_allows_all(
    site: Site,
) -> None:
    site.fail("/robots.txt", 503, times=10)
    with client(site, delay=0.01, retries=1) as polite:
        refused = polite.fetch(site.url("/rapporter/a.pdf"))
        assert polite.page(site.url("/liste.html")) is None
        assert polite.unread[site.url("/liste.html")].cuts_listing
    assert refused.outcome == Outcome.REFUSED
    # The reason says why robots.txt could not be read.
    assert refused.reason == (
        f"Værtens robots.txt kunne ikke hentes ({host_of(site.base_url)}), så intet hentes "
        "derfra i denne gennemgang. Adressen kunne ikke hentes: serveren svarede 503, også "
        "efter 1 nyt forsøg."
    )
    assert site.paths() == ["/robots.txt", "/robots.txt"]

    (site.root / "robots.txt").unlink()
    site.fail("/robots.txt", 503, times=0)
    with client(site, delay=0.01) as polite:
        assert polite.fetch(site.url("/privat/notat.pdf")).outcome == Outcome.FETCHED
        assert polite.page(site.url("/findes-ikke.html")) is None
        assert not polite.unread  # a 404 is the publisher's answer, not a gap


def test_a_page_read_once_in_a_crawl_is_not_asked_for_again(site: Site) -> None:
    with client(site, delay=0.01) as polite:
        first = polite.page(site.url("/liste.html"))
        again = polite.page(site.url("/liste.html"))
        as_file = polite.fetch(site.url("/liste.html"), body=True)
    assert first == again == "<h1>Udgivelser på dansk: æøå</h1>"
    assert as_file.body == first.encode()
    assert site.paths() == ["/robots.txt", "/liste.html"] and polite.counts.pages == 1


def test_a_page_not_read_is_kept_with_its_reason_and_a_landing_page_leaves_the_listing_whole(
    site: Site,
) -> None:
    """A page that could not be read was only counted: the crawl could name neither the page
    nor the reason, and a landing page that failed made the whole listing count as cut."""
    (site.root / "_redirects.txt").write_text("/rundt/ /rundt/ 302\n")
    site.fail("/liste.html", 503, times=10)
    with client(site, delay=0.01, retries=0) as polite:
        assert polite.page(site.url("/rundt/"), landing=True) is None
        assert polite.page(site.url("/liste.html")) is None
        assert polite.page(site.url("/privat/notat.pdf"), landing=True) is None
        assert polite.page(site.url("/findes-ikke/"), landing=True) is None
    loop, listing, forbidden = (
        polite.unread[site.url(path)] for path in ("/rundt/", "/liste.html", "/privat/notat.pdf")
    )
    assert (loop.code, loop.landing, loop.cuts_listing) == ("not_allowed", True, False)
    assert (
        loop.reason == "Adressen /rundt/ viderestiller mere end 5 gange; den følges ikke længere."
    )
    assert (listing.code, listing.landing, listing.cuts_listing) == ("fetch_failed", False, True)
    assert "serveren svarede 503" in listing.reason
    assert (forbidden.landing, forbidden.cuts_listing) == (True, False)
    assert "robots.txt forbyder at hente /privat/notat.pdf" in forbidden.reason
    assert site.url("/findes-ikke/") not in polite.unread  # a 404: the publisher's answer


def _raised(error: httpx.TransportError, cause: BaseException | None) -> httpx.TransportError:
    """``error`` as httpx raises it: from the socket's own error, when there is one."""
    try:
        raise error from cause
    except httpx.TransportError as raised:
        return raised


@pytest.mark.parametrize(
    ("error", "cause", "problem"),
    [
        (httpx.ConnectTimeout("timed out"), None, "serveren svarede ikke inden for tidsfristen"),
        (httpx.ReadTimeout("timed out"), None, "serveren svarede ikke inden for tidsfristen"),
        (
            httpx.ConnectError("[Errno 111]"),
            ConnectionRefusedError(111, "Connection refused"),
            "serveren afviste forbindelsen",
        ),
        (
            httpx.ConnectError("[Errno -2]"),
            socket.gaierror(-2, "Name or service not known"),
            "værtsnavnet kunne ikke slås op",
        ),
        (
            httpx.ConnectError("certificate verify failed"),
            ssl.SSLCertVerificationError("certificate verify failed"),
            "der kunne ikke oprettes en sikker forbindelse (TLS) til serveren",
        ),
        (
            httpx.ConnectError("[Errno 101]"),
            OSError(101, "Network is unreachable"),
            "der kunne ikke oprettes forbindelse til serveren",
        ),
        (httpx.ReadError("reset"), None, "forbindelsen blev afbrudt"),
        (httpx.RemoteProtocolError("Server disconnected"), None, "forbindelsen blev afbrudt"),
        (httpx.ProxyError("407"), None, "forbindelsen til serveren mislykkedes"),
    ],
)
def test_a_network_error_is_told_in_danish_without_its_class(
    error: httpx.TransportError, cause: BaseException | None, problem: str
) -> None:
    """The reason read "serveren svarede ikke (ConnectTimeout)": Python's name for it."""
    assert transport_problem(_raised(error, cause)) == problem


def test_a_closed_port_is_a_refused_connection_tried_again() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    closed = f"http://127.0.0.1:{port}"
    with PoliteClient({host_of(closed)}, delay=0.01, backoff=0.01, retries=1) as polite:
        failed = polite.fetch(closed + "/rapport.pdf")
    assert failed.outcome == Outcome.REFUSED
    assert failed.reason is not None and failed.reason.endswith(
        "Adressen kunne ikke hentes: serveren afviste forbindelsen, også efter 1 nyt forsøg."
    )
