"""Documents stored straight in the database, as the pipeline would leave them, for tests of the
app that need no search engine."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.documents import Extraction
from vidensbank.store.runs import ItemStatus, NewItem


def store_document(
    session: Session,
    document_id: str,
    *,
    title: str,
    publisher: str | None = "Socialstyrelsen",
    kind: str | None = "rapport",
    published: dt.date | None = None,
    authors: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
    mime_type: str = "application/pdf",
    pages: Sequence[str] = (),
    source_uri: str | None = None,
    content_hash: str = "0" * 64,
    screened: bool = True,
) -> None:
    """A document read (its pages numbered from 1) and, when ``screened``, screened for
    personal data with nothing found: public, unless the test takes it down or holds it."""
    document_store.record_file(
        session,
        document_id=document_id,
        source_uri=source_uri or f"file:///test/{document_id}.pdf",
        filename=f"{document_id}.pdf",
        title=title,
        source_metadata={},
        content_hash=content_hash,
        size=1,
    )
    document_store.record_extraction(
        session,
        document_id=document_id,
        extraction=Extraction(
            title=title,
            publisher=publisher,
            kind=kind,
            published=published,
            authors=list(authors),
            extra=extra or {},
            mime_type=mime_type,
            extractor_version="test",
            active_content=False,
        ),
    )
    if pages:
        document_store.replace_pages(
            session, document_id=document_id, pages=list(enumerate(pages, start=1))
        )
    if screened:
        personal_store.record_screening(
            session, document_id=document_id, findings=[], version="test"
        )


def run_item(filename: str, document_id: str, status: ItemStatus) -> NewItem:
    """A run's item for a local file that became the document ``document_id``."""
    return NewItem(
        filename=filename,
        location="blob:" + "0" * 64,
        source_uri=f"file:///test/{filename}",
        source_metadata={},
        status=status,
        document_id=document_id,
    )


# A tester's long documents, made small enough to build in a test: a reference list of
# thousands of names (and amounts), and a 600-page report with a phrase on one page only.
REPORT_SENTENCE = (
    "Socialrådgiveren understøtter de unges trivsel løbende, og barnet inddrages i sin egen sag "
    "med udgangspunkt i Barnets Lov. "
)


def person(number: int) -> str:
    """The name of person ``number`` of ``store_many_names``."""
    return f"Person{number:04d} Efternavn{number % 97:02d}"


def store_many_names(session: Session, document_id: str, *, people: int, amounts: int) -> None:
    """A document of 100 pages naming ``people`` people and ``amounts`` amounts, person 0 the
    most mentioned and the last the least."""
    pages = [" ".join(person(n) for n in range(s, people, 100)) for s in range(100)]
    store_document(session, document_id, title="Tre tusind aktører", pages=pages)
    entities = [
        document_store.EntityRow(person(n), "PER", person(n), None, people - n, [1 + n % 100])
        for n in range(people)
    ] + [
        document_store.EntityRow(f"{n} kr.", "MONEY", f"{n} kr.", None, 1, [1 + n % 100])
        for n in range(amounts)
    ]
    document_store.replace_entities(session, document_id=document_id, entities=entities)


def store_long_report(
    session: Session, document_id: str, *, pages: int, phrase: str, on_page: int
) -> None:
    """A report of ``pages`` pages of about 3,000 characters, ``phrase`` on ``on_page`` only."""
    texts = [
        REPORT_SENTENCE * 25 + (f"Her står {phrase}." if number == on_page else "")
        for number in range(1, pages + 1)
    ]
    store_document(session, document_id, title=f"Rapport på {pages} sider", pages=texts)
