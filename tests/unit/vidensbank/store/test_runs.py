"""What a run says became of its files, on a real SQLite database."""

from tests.documents import run_item
from vidensbank.store import runs as run_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.runs import ItemStatus


def test_an_item_follows_its_document_between_search_held_and_withdrawn() -> None:
    """A held case note released by a curator stayed "tilbageholdt" on its run's page (its
    name hidden although it was public); one held by new rules stayed "indekseret" there."""
    migrate()
    with session_scope() as session:
        run = run_store.create_run(
            session,
            queue="items-follow-test",
            items=[
                run_item("foelg-holdt.html", "foelg-holdt", ItemStatus.HELD),
                run_item("foelg-offentlig.html", "foelg-offentlig", ItemStatus.INDEXED),
                run_item("foelg-karantaene.html", "foelg-karantaene", ItemStatus.QUARANTINED),
            ],
        )
        run_id = run.id
        run_store.settle_items(
            session, document_ids=["foelg-holdt", "foelg-karantaene"], status=ItemStatus.INDEXED
        )
        run_store.settle_items(session, document_ids=["foelg-offentlig"], status=ItemStatus.HELD)
    with session_scope() as session:
        found = run_store.get_run(session, run_id=run_id)
        assert found is not None
        assert {item.document_id: item.status for item in found.items} == {
            "foelg-holdt": ItemStatus.INDEXED,
            "foelg-offentlig": ItemStatus.HELD,
            # A file that could not be read stays so: its document is another file's.
            "foelg-karantaene": ItemStatus.QUARANTINED,
        }
