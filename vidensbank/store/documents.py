"""Documents, their pages and entities: the source of truth. The index is derived from these
rows."""

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import false

from vidensbank.store.base import Base, UTCDateTime, table, utcnow
from vidensbank.store.runs import ItemStatus, settle_items


class DocumentStatus(StrEnum):
    """Where a document is in the pipeline. A failure is stored, never dropped."""

    PENDING = "pending"
    EXTRACTED = "extracted"
    ENRICHED = "enriched"
    INDEXED = "indexed"
    QUARANTINED = "quarantined"
    # Read, but some pages are images of text: waiting on the OCR queue for them.
    OCR = "ocr"


class OCRStatus(StrEnum):
    """How a page without a text layer was read (a page with one has no OCR status)."""

    PENDING = "pending"
    READ = "read"
    # Tesseract ran out of the page's time or failed on it: the page has no text.
    TIMED_OUT = "timed_out"
    FAILED = "failed"


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_uri: Mapped[str] = mapped_column(Text, unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    mime_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.PENDING, index=True)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    extractor_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kb_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    embedding_version: Mapped[str | None] = mapped_column(
        String(40), nullable=True, doc="The embedding its passages' vectors in the index are of."
    )
    source_metadata: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, doc="What the source said of the file; extraction reads it again."
    )
    active_content: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="The file carries scripts or actions (a PDF's JavaScript): it is only downloaded.",
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A curator took the document down: out of search and lists, its original not served. It
    # stays here (harvesters are told it is deleted), whatever the pipeline does with its file.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The personal data guard: the rules its text was screened with (none yet: new text is not
    # served to the public), and since when it is held back for a curator to look at.
    screening_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    held_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def public(self) -> bool:
        """Whether anyone may read it: not taken down, not held back, and screened for personal
        data (a file that could not be read never is: only curators see it and its original)."""
        return (
            self.withdrawn_at is None
            and self.held_at is None
            and self.screening_version is not None
        )

    pages: Mapped[list["Page"]] = relationship(
        back_populates="document", order_by="Page.number", cascade="all, delete-orphan"
    )
    entities: Mapped[list["Entity"]] = relationship(
        back_populates="document", order_by="Entity.id", cascade="all, delete-orphan"
    )


def is_public() -> ColumnElement[bool]:
    """``Document.public`` in SQL."""
    return and_(
        Document.withdrawn_at.is_(None),
        Document.held_at.is_(None),
        Document.screening_version.is_not(None),
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    ocr: Mapped[str | None] = mapped_column(
        String(20), nullable=True, doc="An OCRStatus; none for a page read from its text layer."
    )
    ocr_confidence: Mapped[float | None] = mapped_column(
        Float, nullable=True, doc="Tesseract's mean word confidence (0–100) of the page's text."
    )
    # ISO 639-1, detected from the page's text (None: stored before detection, the document's).
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # The number the file prints on it ("iii", "12"); None: its place in the file (``number``).
    label: Mapped[str | None] = mapped_column(String(32), nullable=True)

    document: Mapped[Document] = relationship(back_populates="pages")


class Entity(Base):
    """One entity of a document: all its mentions grouped, with the pages they stand on."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(20))
    canonical: Mapped[str] = mapped_column(Text)
    kb_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    count: Mapped[int] = mapped_column(Integer)
    pages: Mapped[list[int]] = mapped_column(JSON)
    # Every way the document writes it, most frequent first (none for a row stored before).
    forms: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)

    document: Mapped[Document] = relationship(back_populates="entities")


# The tables the pipeline writes for every document, for its statements through Core.
DOCUMENTS = table(Document)
PAGES = table(Page)
ENTITIES = table(Entity)


def quarantine_document(
    session: Session, *, document_id: str, reason_code: str, reason: str
) -> None:
    """Quarantine a document and every unfinished item that brought it in, with one reason.
    Text it may have from a step that ran before the failure was never screened: it goes."""
    session.execute(delete(PAGES).where(PAGES.c.document_id == document_id))
    session.execute(delete(ENTITIES).where(ENTITIES.c.document_id == document_id))
    session.execute(
        update(DOCUMENTS).where(DOCUMENTS.c.id == document_id).values(screening_version=None)
    )
    set_document_status(
        session,
        document_ids=[document_id],
        status=DocumentStatus.QUARANTINED,
        reason_code=reason_code,
        reason=reason,
    )
    settle_items(
        session,
        document_ids=[document_id],
        status=ItemStatus.QUARANTINED,
        reason_code=reason_code,
        reason=reason,
    )


def lock_documents(session: Session, *, document_ids: Sequence[str], touch: bool = True) -> None:
    """Take the documents' rows for this transaction (an UPDATE locks them on PostgreSQL and
    takes SQLite's write lock), so that a curator's decision and a step that read a document
    before it cannot interleave. Without ``touch`` their time of change stays as it is (what
    harvesters are told changed)."""
    session.execute(
        update(DOCUMENTS)
        .where(DOCUMENTS.c.id.in_(document_ids))
        .values(updated_at=utcnow() if touch else DOCUMENTS.c.updated_at)
    )


def page_counts(session: Session, *, document_ids: Sequence[str]) -> dict[str, int]:
    """How many pages each of these documents has."""
    rows = session.execute(
        select(Page.document_id, func.count())
        .where(Page.document_id.in_(document_ids))
        .group_by(Page.document_id)
    ).all()
    return {str(document_id): int(count) for document_id, count in rows}


def stale_document_ids(
    session: Session, *, model_version: str, kb_version: str, screening_version: str
) -> list[str]:
    """Documents whose entities were found with another model or knowledge base, or whose
    personal data was looked for with other rules."""
    return list(
        session.scalars(
            select(Document.id)
            .where(
                Document.status.in_([DocumentStatus.ENRICHED, DocumentStatus.INDEXED]),
                Document.withdrawn_at.is_(None),
                (Document.model_version.is_distinct_from(model_version))
                | (Document.kb_version.is_distinct_from(kb_version))
                | (Document.screening_version.is_distinct_from(screening_version)),
            )
            .order_by(Document.id)
        )
    )


# The statuses of a document extraction has read (``record_extraction`` stamps its version).
_READ = (
    DocumentStatus.EXTRACTED,
    DocumentStatus.OCR,
    DocumentStatus.ENRICHED,
    DocumentStatus.INDEXED,
)


def outdated_extraction_ids(session: Session, *, extractor_versions: Sequence[str]) -> list[str]:
    """Documents read by an extractor version that is no longer current (a fix to what the
    extractors make of a file): their stored text and metadata are what the old one made. And
    documents read before a curator's metadata correction, which takes their version away until
    extraction has read them again with it (one never read has none either, and is left out)."""
    return list(
        session.scalars(
            select(Document.id)
            .where(
                Document.extractor_version.not_in(extractor_versions)
                | (Document.extractor_version.is_(None) & Document.status.in_(_READ)),
                Document.withdrawn_at.is_(None),
            )
            .order_by(Document.id)
        )
    )


def unembedded_document_ids(session: Session, *, embedding_version: str) -> list[str]:
    """Indexed documents not yet searchable by meaning with this embedding."""
    return _published_ids(session, Document.embedding_version.is_distinct_from(embedding_version))


def waiting_for_embedding_ids(session: Session) -> list[str]:
    """Indexed documents whose passages are to be embedded: new ones, and those whose text or
    title changed since (what the embedding queue holds for them, unless it was lost)."""
    return _published_ids(session, Document.embedding_version.is_(None))


def _published_ids(session: Session, condition: ColumnElement[bool]) -> list[str]:
    """The indexed documents, neither withdrawn nor held, that meet ``condition``."""
    return list(
        session.scalars(
            select(Document.id)
            .where(
                Document.status == DocumentStatus.INDEXED,
                Document.withdrawn_at.is_(None),
                Document.held_at.is_(None),
                condition,
            )
            .order_by(Document.id)
        )
    )


def forget_embeddings(session: Session, *, document_ids: Sequence[str]) -> None:
    """The documents' passages are to be embedded again: their text or title changed, or the
    index holds them without their passages."""
    if not document_ids:
        return
    session.execute(
        update(DOCUMENTS).where(DOCUMENTS.c.id.in_(document_ids)).values(embedding_version=None)
    )


def mark_embedded(session: Session, *, document_ids: Sequence[str], embedding_version: str) -> None:
    if not document_ids:
        return
    session.execute(
        update(DOCUMENTS)
        .where(DOCUMENTS.c.id.in_(document_ids))
        .values(embedding_version=embedding_version)
    )


def get_pages(session: Session, *, document_id: str) -> list[tuple[int, str]]:
    return pages_of(session, document_ids=[document_id]).get(document_id, [])


def pages_of(session: Session, *, document_ids: Sequence[str]) -> dict[str, list[tuple[int, str]]]:
    """Each document's pages as (number, text), in one query; a document without pages is left
    out."""
    found: dict[str, list[tuple[int, str]]] = {}
    for document_id, number, text in session.execute(
        select(PAGES.c.document_id, PAGES.c.number, PAGES.c.text)
        .where(PAGES.c.document_id.in_(document_ids))
        .order_by(PAGES.c.document_id, PAGES.c.number)
    ):
        found.setdefault(str(document_id), []).append((int(number), str(text)))
    return found


def english_pages_of(session: Session, *, document_ids: Sequence[str]) -> dict[str, set[int]]:
    """The numbers of each document's pages written in English; a document without any is
    left out."""
    found: dict[str, set[int]] = {}
    for document_id, number in session.execute(
        select(PAGES.c.document_id, PAGES.c.number).where(
            PAGES.c.document_id.in_(document_ids), PAGES.c.language == "en"
        )
    ):
        found.setdefault(str(document_id), set()).add(int(number))
    return found


def titles_of(session: Session, *, updated_since: dt.datetime | None = None) -> dict[str, str]:
    """Every document's title by its id, or those of the documents written since a moment."""
    query = select(Document.id, Document.title)
    if updated_since is not None:
        query = query.where(Document.updated_at >= updated_since)
    return {str(document_id): str(title) for document_id, title in session.execute(query)}


def get_document(session: Session, *, document_id: str) -> Document | None:
    return next(iter(get_documents(session, document_ids=[document_id])), None)


def get_title(session: Session, *, document_id: str) -> str | None:
    """The document's title alone (no pages or entities read)."""
    return session.scalar(select(Document.title).where(Document.id == document_id))


def get_documents(session: Session, *, document_ids: Sequence[str]) -> list[Document]:
    """These documents with their pages and entities, in three queries whatever their number."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.id.in_(document_ids))
            .options(selectinload(Document.pages), selectinload(Document.entities))
        )
    )


def get_document_records(session: Session, *, document_ids: Sequence[str]) -> list[Document]:
    """These documents without their pages and entities: what a citation or a list needs."""
    return list(session.scalars(select(Document).where(Document.id.in_(document_ids))))


def record_file(
    session: Session,
    *,
    document_id: str,
    source_uri: str,
    filename: str,
    title: str,
    source_metadata: dict[str, Any],
    content_hash: str,
    size: int,
) -> Document:
    """The document a file brings in, waiting for extraction (created, or reset when the file
    changed); its pages and entities stay as they are until the next steps replace them."""
    document = session.get(Document, document_id)
    if document is None:
        document = Document(id=document_id)
        session.add(document)
    document.source_uri = source_uri
    document.filename = filename
    document.title = title
    document.source_metadata = source_metadata
    if document.content_hash != content_hash:
        document.screening_version = None  # a new file: not served before it is screened
        if document.content_hash is not None:
            # What OCR read belongs to the old file: a new one is read again.
            session.execute(
                update(Page)
                .where(Page.document_id == document_id, Page.ocr == OCRStatus.READ)
                .values(ocr=None, ocr_confidence=None)
            )
    document.content_hash = content_hash
    document.size = size
    document.status = DocumentStatus.PENDING
    session.flush()
    return document


@dataclass(frozen=True)
class Extraction:
    """What extraction learnt of a document besides its pages."""

    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    authors: list[str]
    extra: dict[str, Any]
    mime_type: str
    extractor_version: str
    active_content: bool


def record_extraction(session: Session, *, document_id: str, extraction: Extraction) -> None:
    """The document was read: its metadata, and the status that hands it to enrichment."""
    session.execute(
        update(DOCUMENTS)
        .where(DOCUMENTS.c.id == document_id)
        .values(
            **asdict(extraction),
            status=DocumentStatus.EXTRACTED,
            reason_code=None,
            reason=None,
            # New text: its vectors are made again (or found again, when the text is the same),
            # and it is not served before its personal data has been looked for.
            embedding_version=None,
            screening_version=None,
        )
    )


def replace_pages(
    session: Session,
    *,
    document_id: str,
    pages: Sequence[tuple[int, str]],
    awaiting_ocr: Sequence[int] = (),
    languages: Sequence[str] | None = None,
    labels: Sequence[str | None] | None = None,
) -> None:
    """The document's pages from its text layer, each with its language (``languages``, in the
    same order) and the number printed on it (``labels``); those numbered in ``awaiting_ocr``
    wait for OCR with the few words they have. Without ``languages`` a page keeps the language
    it had: a redaction changes a page's words, not its language."""
    stated: Sequence[str | None] | None = languages
    if stated is None:
        had = session.execute(
            select(PAGES.c.number, PAGES.c.language).where(PAGES.c.document_id == document_id)
        ).all()
        kept = {int(number): language for number, language in had}
        stated = [kept.get(number) for number, _text in pages]
    # One multi-row INSERT: a long report has hundreds of pages, and ORM objects cost per row.
    session.execute(delete(PAGES).where(PAGES.c.document_id == document_id))
    ocr = set(awaiting_ocr)
    if pages:
        session.execute(
            insert(PAGES),
            [
                {
                    "document_id": document_id,
                    "number": n,
                    "text": t,
                    "ocr": OCRStatus.PENDING if n in ocr else None,
                    "ocr_confidence": None,
                    "language": language,
                    "label": label,
                }
                for (n, t), language, label in zip(
                    pages, stated, labels or [None] * len(pages), strict=True
                )
            ],
        )


def page_label(session: Session, *, document_id: str, number: int) -> str | None:
    """The number printed on the document's page ``number``, where it is not ``number``."""
    return session.scalar(
        select(PAGES.c.label).where(PAGES.c.document_id == document_id, PAGES.c.number == number)
    )


def update_page_texts(
    session: Session, *, document_id: str, pages: Sequence[tuple[int, str]]
) -> None:
    """New text for existing pages (a redaction), keeping how each was read."""
    for number, text in pages:
        session.execute(
            update(Page)
            .where(Page.document_id == document_id, Page.number == number)
            .values(text=text)
        )


def ocr_readings(
    session: Session, *, document_ids: Sequence[str]
) -> dict[str, dict[int, tuple[str, float | None]]]:
    """The text and confidence of each page that OCR read, by document (one without such pages
    is left out)."""
    found: dict[str, dict[int, tuple[str, float | None]]] = {}
    for document_id, number, text, confidence in session.execute(
        select(PAGES.c.document_id, PAGES.c.number, PAGES.c.text, PAGES.c.ocr_confidence).where(
            PAGES.c.document_id.in_(document_ids), PAGES.c.ocr == OCRStatus.READ
        )
    ):
        found.setdefault(document_id, {})[int(number)] = (str(text), confidence)
    return found


def pages_awaiting_ocr(session: Session, *, document_id: str) -> list[int]:
    return list(
        session.scalars(
            select(PAGES.c.number)
            .where(PAGES.c.document_id == document_id, PAGES.c.ocr == OCRStatus.PENDING)
            .order_by(PAGES.c.number)
        )
    )


def set_languages(
    session: Session, *, document_id: str, language: str, pages: dict[int, str]
) -> None:
    """The language of a document and of its pages, told again once OCR has read them."""
    document = session.get(Document, document_id)
    if document is None:
        return
    document.extra = {**document.extra, "language": language}
    for page in document.pages:
        page.language = pages.get(page.number, page.language)


def record_ocr_page(
    session: Session,
    *,
    document_id: str,
    number: int,
    text: str,
    status: OCRStatus,
    confidence: float | None,
    content_hash: str,
) -> None:
    """What OCR read on a page of the file ``content_hash`` waiting for it (a page replaced
    meanwhile, or one of a newer file of the document, is left alone)."""
    session.execute(
        update(Page)
        .where(
            Page.document_id == document_id,
            Page.number == number,
            Page.ocr == OCRStatus.PENDING,
            Page.document_id.in_(
                select(Document.id).where(
                    Document.id == document_id, Document.content_hash == content_hash
                )
            ),
        )
        # A page OCR read nothing on keeps the few words of its text layer (a stamp, a title).
        .values(text=text or Page.text, ocr=status, ocr_confidence=confidence)
    )


@dataclass(frozen=True)
class EntityRow:
    """All mentions of one entity in one document: what the enrich step stores."""

    text: str
    label: str
    canonical: str
    kb_id: str | None
    count: int
    pages: list[int]
    forms: list[str] = field(default_factory=list)


def replace_entities(session: Session, *, document_id: str, entities: Sequence[EntityRow]) -> None:
    session.execute(delete(ENTITIES).where(ENTITIES.c.document_id == document_id))
    if entities:
        session.execute(
            insert(ENTITIES),
            [{"document_id": document_id, **asdict(entity)} for entity in entities],
        )


def set_document_status(
    session: Session,
    *,
    document_ids: Sequence[str],
    status: str,
    reason_code: str | None = None,
    reason: str | None = None,
) -> None:
    if not document_ids:
        return
    session.execute(
        update(DOCUMENTS)
        .where(DOCUMENTS.c.id.in_(document_ids))
        .values(status=status, reason_code=reason_code, reason=reason)
    )


def mark_enriched(
    session: Session, *, document_id: str, model_version: str, kb_version: str
) -> None:
    """The document's entities are stored, found with this model and knowledge base."""
    session.execute(
        update(DOCUMENTS)
        .where(DOCUMENTS.c.id == document_id)
        .values(status=DocumentStatus.ENRICHED, model_version=model_version, kb_version=kb_version)
    )


def _indexable() -> ColumnElement[bool]:
    return and_(Document.status.in_([DocumentStatus.ENRICHED, DocumentStatus.INDEXED]), is_public())


def changed_since(session: Session, *, since: dt.datetime) -> list[tuple[str, bool]]:
    """The documents written at or after ``since``, and whether each belongs in the index."""
    return [
        (str(document_id), bool(indexable))
        for document_id, indexable in session.execute(
            select(Document.id, _indexable()).where(Document.updated_at >= since)
        )
    ]


def withdrawn_or_held(session: Session, *, document_ids: Collection[str]) -> list[str]:
    """Those of the documents that are taken down or held back now."""
    return list(
        session.scalars(
            select(Document.id).where(
                Document.id.in_(list(document_ids)),
                or_(Document.withdrawn_at.is_not(None), Document.held_at.is_not(None)),
            )
        )
    )


def iter_indexable_document_ids(session: Session) -> Iterator[str]:
    """Ids of every document that belongs in the search index."""
    yield from session.scalars(select(Document.id).where(_indexable()).order_by(Document.id))


def withdraw_document(session: Session, *, document_id: str, reason: str) -> None:
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(withdrawn_at=utcnow(), withdrawn_reason=reason)
    )
    settle_items(session, document_ids=[document_id], status=ItemStatus.WITHDRAWN)


def restore_document(session: Session, *, document_id: str) -> None:
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(withdrawn_at=None, withdrawn_reason=None)
    )


def documents_at(session: Session, *, source_uris: Sequence[str]) -> dict[str, Document]:
    """The documents that come from these addresses, by address."""
    return {
        document.source_uri: document
        for document in session.scalars(
            select(Document).where(Document.source_uri.in_(source_uris))
        )
    }
