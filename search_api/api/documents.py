"""A document and its original, as the API and the pages show them."""

from sqlalchemy.orm import Session

from ingest.language import DEFAULT_LANGUAGE
from ingest.metadata import normalise_professionals
from nlp_models.editions import link_documents
from nlp_models.personal_data import SCREENING_VERSION
from search_api.api.schemas import DocumentPublic, EntityPublic, PageOCR, PageText, Withdrawal
from search_api.index import indexer
from search_api.index.elastic import elastic_errors, get_client
from search_api.query.results import Edition, file_format
from vidensbank.accounts import Account
from vidensbank.celery_app import enqueue_stored, require_broker
from vidensbank.errors import BadRequestError, DependencyUnavailableError, GoneError, NotFoundError
from vidensbank.identity import public_source_uri
from vidensbank.settings import get_settings
from vidensbank.store import audit
from vidensbank.store import crawl as crawl_store
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus, OCRStatus, Page


def _not_found() -> NotFoundError:
    return NotFoundError("Dokumentet findes ikke.")


def _document_or_404(session: Session, document_id: str) -> Document:
    document = document_store.get_document(session, document_id=document_id)
    if document is None:
        raise _not_found()
    return document


def _gone(document: Document) -> GoneError:
    return GoneError(
        f"Dokumentet er trukket tilbage af Vidensbank: {document.withdrawn_reason}"
        if document.withdrawn_reason
        else "Dokumentet er trukket tilbage af Vidensbank."
    )


def unavailable(document_id: str) -> GoneError | NotFoundError:
    """Why a document anyone may read is not there: withdrawn (410, with the reason), or not
    there at all, held back or not yet screened (404)."""
    with session_scope() as session:
        document = document_store.get_document(session, document_id=document_id)
        if document is not None and document.withdrawn_at is not None:
            return _gone(document)
    return _not_found()


def get_document(document_id: str, account: Account | None = None) -> DocumentPublic:
    """The document; a withdrawn one for curators only (410 for everyone else)."""
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        if account is None and not document.public:
            # Withdrawn: said so. Held back or not yet screened: as if it did not exist.
            raise _gone(document) if document.withdrawn_at is not None else _not_found()
        language = (document.extra or {}).get("language") or DEFAULT_LANGUAGE
        return DocumentPublic(
            id=document.id,
            title=document.title,
            publisher=document.publisher,
            kind=document.kind,
            published=document.published,
            filename=document.filename,
            source_uri=public_source_uri(document.source_uri),
            opens_in_browser=_opens_in_browser(document),
            authors=document.authors or [],
            status=document.status,
            pages=[
                PageText(
                    number=p.number,
                    text=p.text,
                    ocr=_page_ocr(p),
                    language=p.language or language,
                    label=p.label,
                )
                for p in document.pages
            ],
            entities=[
                EntityPublic.model_validate(entity, from_attributes=True)
                for entity in document.entities
            ],
            withdrawn=Withdrawal(
                at=document.withdrawn_at,
                reason=document.withdrawn_reason or "",
                by_crawler=crawl_store.withdrawn_by_crawler(session, document_id=document.id),
            )
            if document.withdrawn_at is not None
            else None,
            held_at=document.held_at,
            original_served=not personal_store.redaction_count(session, document_id=document.id),
            isbn=(document.extra or {}).get("isbn"),
            rights=(document.extra or {}).get("rights"),
            target_age=(document.extra or {}).get("target_age"),
            professional=normalise_professionals((document.extra or {}).get("professional") or []),
            language=language,
            editions=[
                Edition(
                    id=other.id,
                    title=other.title,
                    publisher=other.publisher,
                    kind=other.kind,
                    published=other.published,
                    filename=other.filename,
                    format=file_format(other.filename),
                )
                for other in edition_store.other_editions(session, document_id=document.id)
            ],
            editions_kept_apart=bool(edition_store.separated(session, document_ids=[document.id])),
        )


def _page_ocr(page: Page) -> PageOCR | None:
    """How the page was read by OCR, with the sentence the page shows curators and readers."""
    if page.ocr is None:
        return None
    status = OCRStatus(page.ocr)
    confidence = page.ocr_confidence
    low = confidence is not None and confidence < get_settings().ocr_low_confidence
    if status == OCRStatus.READ and confidence is not None:
        note = f"Teksten er læst med tekstgenkendelse (OCR); sikkerhed {round(confidence)} %."
        if low:
            note += " Sikkerheden er lav, så teksten kan have fejl: sammenlign med originalen."
    else:
        note = {
            OCRStatus.PENDING: "Siden er et billede og venter på tekstgenkendelse (OCR).",
            OCRStatus.READ: "Siden er et billede, og tekstgenkendelsen (OCR) fandt ingen tekst.",
            OCRStatus.TIMED_OUT: "Siden er et billede, og tekstgenkendelsen (OCR) nåede ikke at "
            "læse den inden for tidsgrænsen, så den har ingen tekst.",
            OCRStatus.FAILED: "Siden er et billede, som tekstgenkendelsen (OCR) ikke kunne læse, "
            "så den har ingen tekst.",
        }[status]
    return PageOCR(status=status.value, confidence=confidence, low_confidence=low, note=note)


# Only a file that was read as a PDF without scripts or actions opens in the browser; anything
# else is downloaded, so nothing inside an original runs, on the app's origin or in a viewer.
INLINE_TYPES = frozenset({"application/pdf"})


def _opens_in_browser(document: Document) -> bool:
    return document.mime_type in INLINE_TYPES and not document.active_content


def get_original(document_id: str, account: Account | None) -> tuple[str, str, str, bool]:
    """The content hash, MIME type and file name of a document's original, and whether it may
    open in the browser. One not screened for personal data (held, not yet read, or a file
    that could not be read) only for curators; one with redacted data for no one."""
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        if document.withdrawn_at is not None:
            raise _gone(document)
        if not document.public and account is None:
            raise _not_found()
        if personal_store.redaction_count(session, document_id=document_id):
            raise NotFoundError(
                "Originalen vises ikke, fordi personoplysninger i den er skjult. "
                "Teksten på dokumentets side er den skjulte udgave."
            )
        return (
            document.content_hash,
            document.mime_type or "application/octet-stream",
            document.filename,
            _opens_in_browser(document),
        )


MAX_REASON_CHARS = 2000


def withdraw(account: Account, document_id: str, reason: str) -> None:
    """Take the document down: out of the index at once, its original no longer served; it
    stays in SQL, and a new ingest of its file keeps it out.

    Out of the index first, then withdrawn in SQL: when the search engine does not answer,
    nothing is stored and the curator is told so. Stored first, such a withdrawal stayed in
    search for good while its page said it was not."""
    reason = " ".join(reason.split())
    if not reason:
        raise BadRequestError("Skriv, hvorfor dokumentet trækkes tilbage.")
    if len(reason) > MAX_REASON_CHARS:
        raise BadRequestError(f"Begrundelsen må højst have {MAX_REASON_CHARS} tegn.")
    with session_scope() as session:
        if _document_or_404(session, document_id).withdrawn_at is not None:
            if crawl_store.withdrawn_by_crawler(session, document_id=document_id):
                # The crawler's, for a publication that went: the curator's now, with its
                # reason, so the crawler does not publish it again when it comes back.
                crawl_store.keep_withdrawn(session, document_id=document_id)
                _store_withdrawal(session, account, document_id, reason)
            return  # withdrawn already (a second press): nothing to do, nothing to refuse
    client = get_client()
    try:
        indexer.delete_documents(client, [document_id])
        indexer.refresh(client)
    except DependencyUnavailableError as error:
        raise DependencyUnavailableError(
            f"Dokumentet er ikke trukket tilbage. {error.message}"
        ) from error
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        if document.withdrawn_at is None:
            _store_withdrawal(session, account, document_id, reason)
    # Once more, now that it is stored: an index step that read it as public before may have
    # written it after the first delete (``indexer.take_out_withdrawn`` covers a later one).
    try:
        indexer.delete_documents(client, [document_id])
    except DependencyUnavailableError:
        enqueue_stored("index.documents", [document_id])


def _store_withdrawal(session: Session, account: Account, document_id: str, reason: str) -> None:
    document_store.withdraw_document(session, document_id=document_id, reason=reason)
    audit.record(
        session,
        actor=account.email,
        action="document.withdraw",
        target=f"dokument:{document_id}",
        after={"reason": reason},
    )


def restore(account: Account, document_id: str) -> None:
    """Put a withdrawn document back: indexed again at once when its entities are found, or
    when the pipeline gets there with a new file of it.

    What it needs is asked before anything is stored (the search engine, or the queue for a
    document whose entities must be found first): when it does not answer, the document stays
    withdrawn and the curator is told so. Restored first, it stayed out of search for good."""
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        status = document.status
        screened = document.screening_version == SCREENING_VERSION
    to_index = screened and status in (DocumentStatus.ENRICHED, DocumentStatus.INDEXED)
    # A new file came while it was withdrawn (its entities were not looked for), or its text
    # was not screened with the current rules: the enrich step does both.
    to_enrich = not to_index and status in (
        DocumentStatus.EXTRACTED,
        DocumentStatus.ENRICHED,
        DocumentStatus.INDEXED,
    )
    refused = "Dokumentet er ikke gendannet."
    if to_index:
        _require_search(refused)
    elif to_enrich:
        require_broker(refused)
    with session_scope() as session:
        document = _document_or_404(session, document_id)
        if document.withdrawn_at is not None:
            before = {"reason": document.withdrawn_reason}
            document_store.restore_document(session, document_id=document_id)
            audit.record(
                session,
                actor=account.email,
                action="document.restore",
                target=f"dokument:{document_id}",
                before=before,
            )
    if to_index:
        try:
            indexer.index_documents(get_client(), [document_id])
        except DependencyUnavailableError:
            # The search engine stopped answering since it was asked: the index step puts the
            # document back when it answers again (it retries, as every step does).
            enqueue_stored("index.documents", [document_id])
    elif to_enrich:
        enqueue_stored("enrich.documents", [document_id])


def _require_search(refused: str) -> None:
    """Ask the search engine before a change it must follow is stored: when it does not
    answer, nothing is stored and the curator is told so (``refused``, and why)."""
    try:
        with elastic_errors():
            get_client().cluster.health()
    except DependencyUnavailableError as error:
        raise DependencyUnavailableError(f"{refused} {error.message}") from error


def keep_apart(account: Account, document_id: str, apart: bool) -> None:
    """A curator's decision that the document is no other's edition (``apart``), or that it
    is linked by its text again; its groups are worked out again and indexed at once.

    The search engine is asked first: stored while it did not answer, the decision was in the
    document's page and never in search, whose results still grouped it with the others."""
    with session_scope() as session:
        _document_or_404(session, document_id)
        was_apart = bool(edition_store.separated(session, document_ids=[document_id]))
        if was_apart == apart:
            return
    _require_search(
        "Dokumentet er ikke skilt ud fra sine udgaver."
        if apart
        else "Dokumentet er ikke koblet til sine udgaver igen."
    )
    with session_scope() as session:
        _document_or_404(session, document_id)
        if bool(edition_store.separated(session, document_ids=[document_id])) == apart:
            return  # another curator's press got there first
        if apart:
            edition_store.separate(session, document_id=document_id, by=account.email)
        else:
            edition_store.unseparate(session, document_id=document_id)
        audit.record(
            session,
            actor=account.email,
            action="document.editions.separate" if apart else "document.editions.rejoin",
            target=f"dokument:{document_id}",
        )
        pages = [
            text for _number, text in document_store.get_pages(session, document_id=document_id)
        ]
    with session_scope() as session:
        changed = link_documents(session, documents={document_id: pages})
    try:
        indexer.index_documents(get_client(), {document_id, *changed})
    except DependencyUnavailableError:
        # It stopped answering since it was asked: the index step brings the groups in when
        # it answers again (it retries, as every step does).
        enqueue_stored("index.documents", sorted({document_id, *changed}))
