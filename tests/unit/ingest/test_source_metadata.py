"""The metadata a source states of a file, as the first step records it on the document (real
SQLite and blob store, the page served by a local server)."""

from pathlib import Path

from ingest.tasks import _extract_documents, _fetch_items
from tests.http_site import Site
from vidensbank.identity import document_id as make_document_id
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import runs as run_store
from vidensbank.store.blobs import BlobStore, blob_location
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, DocumentStatus
from vidensbank.store.runs import NewItem

PAGE = """<!doctype html><html lang="da"><head><title>Skolevægring</title></head><body><main>
<h1>Skolevægring: samtaleguide</h1>
<p>En guide til lærere, der taler med unge om at komme i skole igen.</p>
</main></body></html>"""
CRAWLED = {
    "title": "Skolevægring: samtaleguide",
    "publisher": "Børns Vilkår",
    "kind": "værktøj",
    "target_age": "13-17 år",
    "professional": ["lærer"],
}


def take_in(item: NewItem) -> tuple[str, bool]:
    """A run of the one item through the first step and extraction, the document then indexed
    (as the later steps would leave it): the document and whether it was the same file."""
    with session_scope() as session:
        run = run_store.create_run(session, queue="metadata-test", items=[item])
        item_id = run.items[0].id
    [(document_id, same_file)] = _fetch_items([item_id])
    _extract_documents([document_id])
    with session_scope() as session:
        document_store.set_document_status(
            session, document_ids=[document_id], status=DocumentStatus.INDEXED
        )
    return document_id, same_file


def stored(document_id: str) -> tuple[dict[str, object], str | None, str | None]:
    with session_scope() as session:
        document = session.get(Document, document_id)
        assert document is not None
        return document.source_metadata, document.publisher, document.kind


def test_a_crawled_page_ingested_by_its_address_keeps_its_publishers_metadata(
    tmp_path: Path,
) -> None:
    """`vidensbank ingest URL` of a page the crawler had brought in (the same document) recorded
    the URL's metadata, which is none, in place of the publisher's: publisher, kind, target age
    and professionals were gone until the next crawl."""
    migrate()
    (tmp_path / "skolevaegring-web").mkdir()
    (tmp_path / "skolevaegring-web" / "index.html").write_text(PAGE, encoding="utf-8")
    with Site(tmp_path) as site:
        url = site.url("/skolevaegring-web/")
        key = BlobStore(get_settings().blob_dir).put(PAGE.encode())
        crawled, _ = take_in(
            NewItem(
                filename="skolevaegring-web",
                location=blob_location(key),
                source_uri=url,
                source_metadata=CRAWLED,
            )
        )
        assert crawled == make_document_id(url)
        assert stored(crawled) == (CRAWLED, "Børns Vilkår", "værktøj")

        # The same address ingested by hand: a source that states nothing of the page.
        document_id, same_file = take_in(
            NewItem(filename="skolevaegring-web", location=url, source_uri=url, source_metadata={})
        )
    assert stored(crawled) == (CRAWLED, "Børns Vilkår", "værktøj")
    assert document_id == crawled and same_file  # nothing to do again

    # A source that states metadata states it whole: a field the publisher dropped goes.
    fewer = {key: value for key, value in CRAWLED.items() if key != "target_age"}
    take_in(
        NewItem(
            filename="skolevaegring-web",
            location=blob_location(key),
            source_uri=url,
            source_metadata=fewer,
        )
    )
    assert stored(crawled) == (fewer, "Børns Vilkår", "værktøj")
