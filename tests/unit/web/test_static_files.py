"""The pages name their static files by version, so browsers keep them."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from web import static_files
from web.app import app
from web.static_files import UNVERSIONED, VERSIONED, _content_version

client = TestClient(app)


def test_a_page_links_its_static_files_by_version_and_browsers_may_keep_them() -> None:
    """They came without Cache-Control, at the same address whatever their content: a
    browser asked again for each on every page, or kept an old stylesheet after an update."""
    page = client.get("/om").text
    links = re.findall(r'(?:href|src)="(/static/[^"#]+)', page)
    # The icon too: without one, every browser asked for /favicon.ico, a 404.
    assert {"/static/style.css", "/static/favicon.svg"} <= {link.split("?")[0] for link in links}
    icon = client.get("/favicon.ico", follow_redirects=False)
    assert icon.status_code == 301 and icon.headers["location"] in links
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{10}$", link), link
        answer = client.get(link)
        assert answer.status_code == 200 and answer.headers["cache-control"] == VERSIONED
    # What a stylesheet links itself (a font) has no version, and is kept for a day.
    assert client.get("/static/style.css").headers["cache-control"] == UNVERSIONED
    assert client.get("/static/ingen-fil.css").status_code == 404


def test_a_missing_static_file_is_linked_without_version_and_the_pages_still_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its version is its content's hash: a file missing (the design system not installed
    yet) made every page a 500, the error page too."""
    monkeypatch.setattr(static_files, "STATIC_DIR", tmp_path)
    _content_version.cache_clear()
    try:
        page = client.get("/om")
        assert page.status_code == 200
        assert 'href="/static/style.css"' in page.text
        assert client.get("/ingen-side").status_code == 404
    finally:
        _content_version.cache_clear()


def test_only_the_files_own_version_is_kept_a_year() -> None:
    """A server asked for another version than its own (an old one during an update) sent its
    file to be kept a year under the new version's address."""
    assert client.get("/static/style.css?v=0000000000").headers["cache-control"] == "no-cache"
