"""The nightly pruning of passage vectors (real SQLite)."""

from pathlib import Path

import numpy as np
import pytest

from nlp_models.embeddings import DIMENSIONS, passages_of
from search_api.index import tasks
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document, Page
from vidensbank.store.vectors import put_vectors, vector_keys

TITLE = "Samvær for anbragte børn"


def keys(*texts: str) -> list[str]:
    return [p.key for p in passages_of(TITLE, [(1, text) for text in texts])]


def store(*keys: str) -> None:
    with session_scope() as session:
        put_vectors(session, {key: np.zeros(DIMENSIONS) for key in keys})


def set_text(document_id: str, text: str) -> None:
    with session_scope() as session:
        document_store.replace_pages(session, document_id=document_id, pages=[(1, text)])
        session.get_one(Document, document_id).content_hash = text


def test_the_vectors_of_texts_no_document_has_are_removed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A changed text (a corrected title, a file's new version) left its passages' vectors for
    good: 43 of 693 rows after three title corrections. A vector stored during the pruning, and
    one a document written meanwhile took into use, stay."""
    monkeypatch.setenv("VB_DATABASE_URL", f"sqlite:///{tmp_path / 'vidensbank.db'}")
    get_settings.cache_clear()
    try:
        migrate()
        with session_scope() as session:
            for name, text in (("a", "Barnet har ret til samvær."), ("b", "Gammel tekst.")):
                session.add(
                    Document(
                        id=name,
                        source_uri=f"file:///{name}",
                        filename=name,
                        title=TITLE,
                        content_hash=name,
                        pages=[Page(number=1, text=text)],
                    )
                )
        [kept] = keys("Barnet har ret til samvær.")
        [old] = keys("Gammel tekst.")
        [revised] = keys("Ny tekst.")  # an earlier version's, used again during the pruning
        [orphan] = keys("En tekst intet dokument har.")
        [embedded_meanwhile] = keys("Et afsnit, der netop er indlejret.")
        store(kept, old, revised, orphan)
        pages_of = document_store.pages_of
        changed = False

        def changed_during_the_scan(session: object, **kwargs: object) -> object:
            nonlocal changed
            found = pages_of(session, **kwargs)  # type: ignore[arg-type]
            if not changed:
                changed = True
                set_text("b", "Ny tekst.")
                store(embedded_meanwhile)
            return found

        monkeypatch.setattr(document_store, "pages_of", changed_during_the_scan)
        tasks.prune_vectors()
        with session_scope() as session:
            assert vector_keys(session) == {kept, old, revised, embedded_meanwhile}
        monkeypatch.setattr(document_store, "pages_of", pages_of)
        tasks.prune_vectors()
        with session_scope() as session:
            assert vector_keys(session) == {kept, revised}
    finally:
        get_settings.cache_clear()
