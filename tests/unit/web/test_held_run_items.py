"""A held file in a run's list: its name for curators only, and the way to its review."""

from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from search_api.api.runs import HELD_FILE, HELD_REASON
from tests.accounts import add, logged_in
from tests.documents import run_item
from vidensbank.store import runs as run_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.runs import ItemStatus
from web.app import app

FILENAME = "referat-familien-jensen.html"


def test_a_held_file_leads_a_curator_to_its_review_and_tells_nobody_else_its_name() -> None:
    """Its reason was empty on the run's page, and nothing led from it to the review."""
    migrate()
    with session_scope() as session:
        run_id = run_store.create_run(
            session,
            queue="held-items-test",
            items=[
                run_item(FILENAME, "holdt-referat", ItemStatus.HELD),
            ],
        ).id
    visitor = TestClient(app).get(f"/indlaesninger/{run_id}").text
    assert FILENAME not in visitor and HELD_FILE in visitor and "/personoplysninger" not in visitor
    add("holdt-koersel@eksempel.dk")
    page = HTMLParser(logged_in("holdt-koersel@eksempel.dk").get(f"/indlaesninger/{run_id}").text)
    links = {a.text(): a.attributes["href"] for a in page.css("main a")}
    assert links[FILENAME] == "/dokument/holdt-referat"
    assert links["Se personoplysninger, der venter"] == "/personoplysninger"
    assert HELD_REASON in page.text()
