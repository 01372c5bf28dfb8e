"""The personal data guard as curators work with it: held documents and their findings, and
the three ways out — redact a finding, release the document, or withdraw it (``documents``).

The audit trail names a finding by its kind, page and key, never by its text.
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nlp_models.personal_data import TITLE_PAGE, Kind, redact_pages, redacted_keys
from search_api.api.schemas import FindingPublic, HeldDocumentPublic
from search_api.index import indexer
from search_api.index.elastic import get_client
from vidensbank.accounts import Account
from vidensbank.celery_app import enqueue
from vidensbank.errors import NotFoundError
from vidensbank.store import audit
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, Entity
from vidensbank.store.personal_data import Decision, PersonalDataFinding

CONTEXT_CHARS = 60


def _document(session: Session, document_id: str) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("Dokumentet findes ikke.")
    return document


def _finding(session: Session, document_id: str, key: str) -> PersonalDataFinding:
    finding = session.scalars(
        select(PersonalDataFinding)
        .where(PersonalDataFinding.document_id == document_id, PersonalDataFinding.key == key)
        .order_by(PersonalDataFinding.page, PersonalDataFinding.start)
        .limit(1)
    ).first()
    if finding is None:
        raise NotFoundError("Fundet findes ikke (længere). Dokumentet er måske læst igen.")
    return finding


def _public(session: Session, document: Document) -> list[FindingPublic]:
    decided = personal_store.decisions(session, document_ids=[document.id]).get(document.id, {})
    texts = {TITLE_PAGE: document.title} | {page.number: page.text for page in document.pages}
    found: dict[str, FindingPublic] = {}
    for finding in personal_store.findings_of(session, document_id=document.id):
        if finding.key in found:
            found[finding.key].occurrences += 1  # the same data again: one decision for all
            continue
        text = texts.get(finding.page, "")
        found[finding.key] = FindingPublic(
            key=finding.key,
            kind=finding.kind,
            kind_name=Kind(finding.kind).label,
            text=finding.text,
            page=finding.page,
            before=text[max(0, finding.start - CONTEXT_CHARS) : finding.start],
            after=text[finding.end : finding.end + CONTEXT_CHARS],
            holds=finding.holds,
            decided=decided.get(finding.key),
        )
    return list(found.values())


def document_findings(document_id: str) -> list[FindingPublic]:
    """What the guard found in a document, for its curators."""
    with session_scope() as session:
        return _public(session, _document(session, document_id))


def documents_to_review() -> list[HeldDocumentPublic]:
    """Held documents, then those with findings to look at, each with its findings."""
    with session_scope() as session:
        return [
            HeldDocumentPublic(
                id=document.id,
                title=document.title,
                publisher=document.publisher,
                held_at=document.held_at,
                findings=[f for f in _public(session, document) if f.decided is None],
            )
            for document in personal_store.documents_to_review(session)
        ]


def _show(document_id: str) -> None:
    """Let the pipeline find the document's entities again and index it, then put its current
    state in the index now (out, when it is held). Queued first: when Elasticsearch refuses
    the second part, the pipeline still replaces the text the index holds."""
    enqueue("enrich.documents", [document_id])
    client = get_client()
    indexer.delete_documents(client, [document_id])
    indexer.index_documents(client, [document_id])


def redact(account: Account, document_id: str, key: str) -> None:
    """Replace what a finding stands for with "[skjult]" in the text, everywhere on every page,
    now and whenever the document is read again; its original is no longer served."""
    with session_scope() as session:
        document = _document(session, document_id)
        document_store.lock_documents(session, document_ids=[document_id])
        finding = _finding(session, document_id, key)
        kind, page, words = finding.kind, finding.page, finding.text
        personal_store.decide(
            session,
            document_id=document_id,
            key=key,
            kind=kind,
            action=Decision.REDACT,
            author=account.email,
        )
        redact_pages(
            session,
            document_id=document_id,
            pages=[(p.number, p.text) for p in document.pages],
            keys=redacted_keys(session, document_ids=[document_id])[document_id],
        )
        # The entities are found again from the redacted text; until then none that says it.
        # Compared here, not by SQL lower(), which SQLite applies to ASCII letters only.
        said = " ".join(words.split()).casefold()
        saying = [
            entity.id
            for entity in session.scalars(select(Entity).where(Entity.document_id == document_id))
            if any(
                said in " ".join(text.split()).casefold()
                for text in (entity.text, entity.canonical, *(entity.forms or []))
            )
        ]
        session.execute(delete(Entity).where(Entity.id.in_(saying)))
        document.model_version = None  # so the enrich step does not skip it
        session.execute(
            delete(PersonalDataFinding).where(
                PersonalDataFinding.document_id == document_id, PersonalDataFinding.key == key
            )
        )
        personal_store.update_hold(session, document_id=document_id)
        audit.record(
            session,
            actor=account.email,
            action="personal_data.redact",
            target=f"dokument:{document_id}",
            after={"kind": kind, "page": page},
        )
    _show(document_id)


def release(account: Account, document_id: str, key: str | None = None) -> None:
    """A curator looked and lets the data stand: one finding, or every finding not yet decided
    on (which releases a held document)."""
    with session_scope() as session:
        _document(session, document_id)
        document_store.lock_documents(session, document_ids=[document_id])
        chosen = (
            [_finding(session, document_id, key)]
            if key is not None
            else personal_store.open_findings(session, document_id=document_id)
        )
        for finding in chosen:
            personal_store.decide(
                session,
                document_id=document_id,
                key=finding.key,
                kind=finding.kind,
                action=Decision.RELEASE,
                author=account.email,
            )
        held = personal_store.update_hold(session, document_id=document_id)
        audit.record(
            session,
            actor=account.email,
            action="personal_data.release",
            target=f"dokument:{document_id}",
            after={
                "findings": [{"kind": f.kind, "page": f.page} for f in chosen],
                "held": held,
            },
        )
    client = get_client()
    indexer.index_documents(client, [document_id])
    enqueue("index.documents", [document_id])  # its status, its run's items, its embedding
