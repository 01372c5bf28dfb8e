"""Collections as the store lists them, on a real SQLite database."""

from sqlalchemy import delete

from vidensbank.store import users  # noqa: F401  (collections.created_by refers to its table)
from vidensbank.store.collections import Collection, list_collections
from vidensbank.store.db import migrate, session_scope


def test_collections_are_listed_in_danish_alphabetical_order() -> None:
    """SQLite's byte order put "Åbne" before "Ældre" and every lower-case title after "Z"."""
    migrate()
    titles = {
        "sortAa": "Åbne døre",
        "sortAe": "Ældre søskende",
        "sortZ": "Zebra",
        "sortA": "anbragte",
    }
    with session_scope() as session:
        for collection_id, title in titles.items():
            session.add(Collection(id=collection_id, title=title, published=True))
    with session_scope() as session:
        listed = [c.title for c in list_collections(session, published_only=True)]
        session.execute(delete(Collection).where(Collection.id.in_(titles)))
    ours = [title for title in listed if title in titles.values()]
    assert ours == ["anbragte", "Zebra", "Ældre søskende", "Åbne døre"]
