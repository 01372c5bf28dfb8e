"""The pages name their static files by version, so browsers keep them."""

import re

from fastapi.testclient import TestClient

from web.app import app
from web.static_files import UNVERSIONED, VERSIONED

client = TestClient(app)


def test_a_page_links_its_static_files_by_version_and_browsers_may_keep_them() -> None:
    """They came without Cache-Control, at the same address whatever their content: a
    browser asked again for each on every page, or kept an old stylesheet after an update."""
    page = client.get("/om").text
    links = re.findall(r'(?:href|src)="(/static/[^"#]+)', page)
    # The icon too: without one, every browser asked for /favicon.ico, a 404.
    assert {"/static/style.css", "/static/favicon.svg"} <= {link.split("?")[0] for link in links}
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{10}$", link), link
        answer = client.get(link)
        assert answer.status_code == 200 and answer.headers["cache-control"] == VERSIONED
    # What a stylesheet links itself (a font) has no version, and is kept for a day.
    assert client.get("/static/style.css").headers["cache-control"] == UNVERSIONED
    assert client.get("/static/ingen-fil.css").status_code == 404
