"""Collections as the API and the pages show them, and the curators' changes to them.

Any curator edits any collection: the knowledge centre curates as one team. A private
collection is not found by anyone else (404, not 403: its address gives nothing away).
"""

import secrets
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.extract.cleanup import visible_line
from search_api.api.schemas import CollectionEntryPublic, CollectionPublic, CollectionSummary
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, ConflictError, NotFoundError
from vidensbank.store import audit, harvest
from vidensbank.store import collections as collection_store
from vidensbank.store import documents as document_store
from vidensbank.store.base import utcnow
from vidensbank.store.collections import Collection, CollectionEntry
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document

MAX_TITLE_CHARS = 300
MAX_TEXT_CHARS = 5000
NOT_FOUND = "Samlingen findes ikke."
CHANGED_MEANWHILE = (
    "En anden kurator har ændret samlingens titel, beskrivelse eller offentliggørelse, siden du "
    "åbnede siden. Felterne viser nu det, der er gemt, og det, du skrev, står herunder."
)


def _state(collection: Collection) -> dict[str, Any]:
    return {
        "title": collection.title,
        "description": collection.description,
        "published": collection.published,
    }


def _target(collection_id: str) -> str:
    return f"samling:{collection_id}"


def _record(
    session: Session,
    account: Account,
    action: str,
    collection_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=account.email,
        action=action,
        target=_target(collection_id),
        before=before,
        after=after,
    )


def _one_line(text: str) -> str:
    """What a reader sees of a title: a zero-width space or a NUL made one of nothing."""
    return " ".join(visible_line(text).split())


def _title(title: str) -> str:
    title = _one_line(title)
    if not title:
        raise BadRequestError("Samlingen skal have en titel.")
    if len(title) > MAX_TITLE_CHARS:
        raise BadRequestError(f"Titlen må højst have {MAX_TITLE_CHARS} tegn.")
    return title


def _text(text: str, what: str) -> str:
    # A browser sends a textarea's line breaks as CRLF.
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise BadRequestError(f"{what} må højst have {MAX_TEXT_CHARS} tegn.")
    return text


def _visible(session: Session, collection_id: str, account: Account | None) -> Collection:
    collection = collection_store.get_collection(session, collection_id=collection_id)
    if collection is None or (not collection.published and account is None):
        raise NotFoundError(NOT_FOUND)
    return collection


def list_collections(account: Account | None) -> list[CollectionSummary]:
    with session_scope() as session:
        counts = collection_store.entry_counts(session, public_only=account is None)
        return [
            CollectionSummary(
                id=c.id,
                title=c.title,
                description=c.description,
                published=c.published,
                documents=counts.get(c.id, 0),
                updated_at=c.updated_at,
            )
            for c in collection_store.list_collections(session, published_only=account is None)
        ]


def collections_to_add_to(account: Account) -> list[CollectionSummary]:
    """The collections, the one this curator added a document to last first, then the others
    as they changed last: in title order another curator's came first, and building a
    collection meant choosing it again for each document."""
    with session_scope() as session:
        added = audit.latest_by_target(session, actor=account.email, action="collection.add")
    return sorted(
        list_collections(account),
        key=lambda c: (added.get(_target(c.id), 0), c.updated_at),
        reverse=True,
    )


def get_collection(collection_id: str, account: Account | None) -> CollectionPublic:
    with session_scope() as session:
        collection = _visible(session, collection_id, account)
        entries = []
        for entry in collection.entries:
            document = entry.document
            withdrawn = document.withdrawn_at is not None
            if account is not None or document.public:
                entries.append(
                    CollectionEntryPublic(
                        document_id=document.id,
                        title=document.title,
                        publisher=document.publisher,
                        kind=document.kind,
                        published=document.published,
                        note=entry.note,
                        withdrawn=withdrawn,
                    )
                )
        return CollectionPublic(
            id=collection.id,
            title=collection.title,
            description=collection.description,
            published=collection.published,
            updated_at=collection.updated_at,
            entries=entries,
        )


def create_collection(account: Account, title: str, description: str) -> str:
    collection_id = secrets.token_urlsafe(8)
    with session_scope() as session:
        collection = Collection(
            id=collection_id,
            title=_title(title),
            description=_text(description, "Beskrivelsen"),
            published=False,
            created_by=account.user_id,
        )
        session.add(collection)
        _record(session, account, "collection.create", collection_id, after=_state(collection))
    return collection_id


class CollectionFields(NamedTuple):
    """A collection's own fields, as a curator typed them or as the page showed them."""

    title: str
    description: str
    published: bool


def update_collection(
    account: Account,
    collection_id: str,
    title: str,
    description: str,
    published: bool,
    *,
    shown: CollectionFields | None = None,
) -> None:
    """Save the collection's own fields. With ``shown`` (the fields as the curator's page
    showed them), a field left as shown is not written: every button on the page posts the
    fields, and a page shown before another curator changed one would undo that change
    unseen. Nothing changed: nothing is written or recorded."""
    title = _title(title)
    description = _text(description, "Beskrivelsen")
    with session_scope() as session:
        collection = collection_store.lock_collection(session, collection_id=collection_id)
        if collection is None:
            raise NotFoundError(NOT_FOUND)
        before = _state(collection)
        if shown is not None:
            shown_title = _one_line(shown.title)
            shown_description = _text(shown.description, "Beskrivelsen")
            # Changed here and by another curator since the page was shown, each differently:
            # either save would silently undo the other.
            if any(
                typed not in (was, now) and now != was
                for typed, was, now in (
                    (title, shown_title, collection.title),
                    (description, shown_description, collection.description),
                    (published, shown.published, collection.published),
                )
            ):
                raise ConflictError(CHANGED_MEANWHILE)
            if title == shown_title:
                title = collection.title
            if description == shown_description:
                description = collection.description
            if published == shown.published:
                published = collection.published
        if {"title": title, "description": description, "published": published} == before:
            return
        if published != collection.published:
            _touch(session, collection)
        collection.title = title
        collection.description = description
        collection.published = published
        collection.updated_at = utcnow()
        _record(session, account, "collection.update", collection_id, before, _state(collection))


def delete_collection(account: Account, collection_id: str) -> None:
    with session_scope() as session:
        # Taken first: a document added meanwhile is in what the audit and harvesters are told.
        collection = collection_store.lock_collection(session, collection_id=collection_id)
        if collection is None:
            raise NotFoundError(NOT_FOUND)
        before = _state(collection) | {"documents": [e.document_id for e in collection.entries]}
        if collection.published:
            _touch(session, collection)
        collection_store.delete_collection(session, collection_id=collection_id)
        _record(session, account, "collection.delete", collection_id, before=before)


def _touch(session: Session, collection: Collection) -> None:
    """The collection's documents enter or leave its set for harvesters: their records changed."""
    harvest.touch_documents(session, document_ids=[e.document_id for e in collection.entries])


def _entries(session: Session, collection_id: str) -> tuple[Collection, list[CollectionEntry]]:
    """The collection and its entries, taken for this write: two curators' notes with the same
    page were both saved (the second undid the first unseen), two additions took the same
    position, and a write to a collection deleted meanwhile was a 500."""
    collection = collection_store.lock_collection(session, collection_id=collection_id)
    if collection is None:
        raise NotFoundError(NOT_FOUND)
    collection.updated_at = utcnow()
    return collection, list(collection.entries)


def add_document(account: Account, collection_id: str, document_id: str) -> bool:
    """Put the document last in the collection; False if it was there already."""
    try:
        with session_scope() as session:
            if session.get(Document, document_id) is None:
                raise NotFoundError("Dokumentet findes ikke.")
            collection, entries = _entries(session, collection_id)
            if any(entry.document_id == document_id for entry in entries):
                return False
            entry = CollectionEntry(document_id=document_id, position=len(entries), note="")
            collection.entries.append(entry)
            if collection.published:
                harvest.touch_documents(session, document_ids=[document_id])
            after = {"document_id": document_id, "position": entry.position, "note": entry.note}
            _record(session, account, "collection.add", collection_id, after=after)
    except IntegrityError:
        # Two requests at once (a double click): the other one put it there first.
        return False
    return True


def _entry(entries: list[CollectionEntry], document_id: str) -> CollectionEntry:
    for entry in entries:
        if entry.document_id == document_id:
            return entry
    raise NotFoundError("Dokumentet er ikke i samlingen.")


def move_document(account: Account, collection_id: str, document_id: str, step: int) -> None:
    """Move the document one place up (-1) or down (+1); at either end it stays."""
    with session_scope() as session:
        _collection, entries = _entries(session, collection_id)
        index = entries.index(_entry(entries, document_id))
        other = index + step
        if 0 <= other < len(entries):
            entries[index], entries[other] = entries[other], entries[index]
            for position, entry in enumerate(entries):
                entry.position = position
            _record(
                session,
                account,
                "collection.move",
                collection_id,
                {"document_id": document_id, "position": index},
                {"document_id": document_id, "position": other},
            )


class TypedNote(NamedTuple):
    text: str  # as typed
    shown: str | None  # as the page showed it (None: not known)


class NotesNotSaved(NamedTuple):
    """Notes a curator typed that were not saved, what was typed by document: another curator
    saved that note since the page was shown (``changed``), or took the document out of the
    collection (``removed``, with the document's title)."""

    changed: dict[str, str]
    removed: dict[str, tuple[str, str]]

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


def set_notes(
    account: Account, collection_id: str, notes: Mapping[str, TypedNote]
) -> NotesNotSaved:
    """Save the notes a curator changed on the collection's page, by document; return those
    not saved: saving a note someone else saved since the page was shown would undo the
    other's note unseen. A note left as the page showed it is not written (nor recorded)
    again."""
    refused = NotesNotSaved({}, {})
    with session_scope() as session:
        _collection, entries = _entries(session, collection_id)
        by_document = {entry.document_id: entry for entry in entries}
        for document_id, note in notes.items():
            entry = by_document.get(document_id)
            text = _text(note.text, "Noten")
            shown = None if note.shown is None else _text(note.shown, "Noten")
            if entry is None:
                # Taken out of the collection meanwhile, by another curator: a note typed
                # for it was dropped without a word.
                if text and text != shown:
                    title = document_store.get_title(session, document_id=document_id)
                    refused.removed[document_id] = (title or document_id, text)
                continue
            if text in (entry.note, shown):
                continue
            if shown is not None and shown != entry.note:
                refused.changed[document_id] = text
                continue
            before = {"document_id": document_id, "note": entry.note}
            entry.note = text
            after = {"document_id": document_id, "note": entry.note}
            _record(session, account, "collection.note", collection_id, before, after)
    return refused


def remove_document(account: Account, collection_id: str, document_id: str) -> None:
    with session_scope() as session:
        collection, entries = _entries(session, collection_id)
        entry = _entry(entries, document_id)
        before = {"document_id": document_id, "position": entry.position, "note": entry.note}
        collection.entries.remove(entry)
        if collection.published:
            harvest.touch_documents(session, document_ids=[document_id])
        _record(session, account, "collection.remove", collection_id, before=before)
        for position, entry in enumerate(collection.entries):
            entry.position = position
