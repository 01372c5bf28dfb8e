"""What the API returns. The web pages render these same models."""

import datetime as dt
from typing import Annotated, Any, Literal, Self

from fastapi import Path
from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, model_validator

from search_api.query.results import Edition

# A row's number in a path (a finding, a correction): larger than a database integer holds, it
# made SQLite raise OverflowError (a 500) before the row could be looked for.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ErrorResponse(BaseModel):
    """Every error under /api: a Danish message and the HTTP status."""

    error: str
    status: int


class PageOCR(BaseModel):
    """How a page that is an image of text was read by OCR (tekstgenkendelse)."""

    status: Literal["pending", "read", "timed_out", "failed"]
    confidence: float | None = Field(
        description="Tesseract's mean word confidence in the page's text, 0–100."
    )
    low_confidence: bool = Field(
        description="Below the confidence curators are warned at (VB_OCR_LOW_CONFIDENCE)."
    )
    note: str = Field(description="What the page says of it, in Danish.")


class PageText(BaseModel):
    number: int
    text: str
    ocr: PageOCR | None = Field(
        default=None, description="Set when the page was read by OCR; none for a text layer."
    )
    language: str = "da"  # ISO 639-1: the page's own, detected (or its document's, when short)
    label: str | None = Field(
        default=None,
        description='The number the file prints on the page ("iii", "12") where it is '
        "not the page's place in the file; a citation of the page gives it.",
    )


class EntityPublic(BaseModel):
    text: str
    label: str
    canonical: str
    kb_id: str | None
    count: int
    pages: list[int]
    # Every way the document writes it, most frequent first ("Socialstyrelsen",
    # "Servicestyrelsen" for Social- og Boligstyrelsen).
    forms: Annotated[list[str], BeforeValidator(lambda value: value or [])] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _stored_before(self) -> Self:
        # An entity stored before its forms were kept has one form: its text.
        self.forms = self.forms or [self.text]
        return self


class Withdrawal(BaseModel):
    at: AwareDatetime
    reason: str
    # Withdrawn by the crawler, as its publication went: put back if it comes back.
    by_crawler: bool = False


class MetadataCorrectionPublic(BaseModel):
    field: str
    name: str  # the field's Danish name
    value: Any


class EntityCorrectionPublic(BaseModel):
    """One correction a curator made to an entity, on every page it is anchored to."""

    id: int  # the first page's; taking it back takes back every page's
    document_id: str
    pages: list[int]
    review_pages: list[int]  # pages where its anchor was gone when last applied
    text: str
    label: str
    action: str
    action_name: str  # in Danish
    new_label: str | None
    kb_id: str | None
    author: str
    created_at: AwareDatetime


class KBEditPublic(BaseModel):
    id: int
    record_id: str
    action: str
    action_name: str  # in Danish
    value: str
    author: str
    created_at: AwareDatetime


class DocumentCorrections(BaseModel):
    metadata: list[MetadataCorrectionPublic]
    entities: list[EntityCorrectionPublic]


class DocumentPublic(BaseModel):
    id: str
    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    filename: str
    source_uri: str | None
    opens_in_browser: bool  # whether the original opens in the browser or is downloaded
    authors: list[str]
    status: str
    pages: list[PageText]
    entities: list[EntityPublic]
    # Taken down by a curator (only curators see such a document; everyone else gets 410).
    withdrawn: Withdrawal | None = None
    # Held back for personal data a curator must look at (only curators see it; else 404).
    held_at: AwareDatetime | None = None
    # False once personal data in it was redacted: the original still holds it.
    original_served: bool = True
    isbn: str | None = None
    rights: str | None = None  # the publisher's rights statement or licence, as curators set it
    target_age: str | None = None  # as the publisher or a curator wrote it ("6-12 år")
    professional: list[str] = Field(default_factory=list)  # the professions it is written for
    language: str = "da"  # ISO 639-1
    # The same text elsewhere: another rendering, publisher or edition (anyone may read them),
    # oldest publication first.
    editions: list[Edition] = Field(default_factory=list)
    # A curator decided it is no other document's edition.
    editions_kept_apart: bool = False


class Reference(BaseModel):
    """A document (or a page of it) as a citation gives it."""

    id: str
    title: str
    authors: list[str]
    publisher: str | None
    kind: str | None
    published: dt.date | None
    isbn: str | None
    rights: str | None
    language: str
    url: str  # the document's page here (the cited page's anchor for a page)
    pdf_url: str | None  # the original PDF (at the cited page), when it is served
    page: int | None  # the cited page, by its place in the file (the URLs' anchors)
    page_label: str | None = None  # the number printed on it, where that is another
    pages: int | None  # how many pages the document has


class FormattedReference(BaseModel):
    style: str  # the CSL style's name, e.g. "apa"
    name: str  # its name in Danish
    in_text: str  # the citation in the text, e.g. "(Kjeldsen & Iversen, 2012, s. 12)"
    html: str  # the reference, HTML-escaped, with the style's <i> and <b>
    text: str  # the reference as plain text


class CitationPage(BaseModel):
    """How to cite a document or one of its pages: formatted, and as files to download."""

    reference: Reference
    references: list[FormattedReference]
    downloads: dict[str, str]  # format → address


class FindingPublic(BaseModel):
    """Personal data the guard found, as curators see it (never anyone else)."""

    # What names the finding to redact or release it: its data's key, which the same data
    # keeps when the document is screened again (a row's number did not: it went to another
    # finding, and "Godkend" on an address released a CPR number).
    key: str
    kind: str
    kind_name: str  # in Danish
    text: str
    page: int
    before: str  # the text around it on its page
    after: str
    holds: bool  # whether it holds the document back until a curator decides
    decided: str | None  # "redact" or "release", once a curator has
    occurrences: int = 1  # where else the same data stands in the document (the first shown)


class HeldDocumentPublic(BaseModel):
    id: str
    title: str
    publisher: str | None
    held_at: AwareDatetime | None
    findings: list[FindingPublic]  # those not decided on yet


class IngestItemPublic(BaseModel):
    filename: str
    source_uri: str | None
    status: str
    id: str | None
    reason_code: str | None  # a stable code (README: "Hostile and broken input"), or "system"
    reason: str | None


class CrawlPublic(BaseModel):
    """The crawl a run came from: which site, and what the crawl asked and found."""

    source: str
    base_url: str
    since: dt.date | None
    started_at: AwareDatetime
    requests: int
    pages: int
    not_modified: int
    new: int
    changed: int
    unchanged: int
    moved: int
    gone: int
    restored: int
    refused: int
    seconds: float


class IngestRunPublic(BaseModel):
    run_id: str
    created_at: AwareDatetime
    counts: dict[str, int]
    documents: list[IngestItemPublic]
    crawl: CrawlPublic | None = None


class IngestRunList(BaseModel):
    runs: list[IngestRunPublic]


class ComponentHealth(BaseModel):
    ok: bool
    detail: str


class Health(BaseModel):
    ok: bool
    elasticsearch: ComponentHealth
    database: ComponentHealth
    broker: ComponentHealth


class EntityEdition(BaseModel):
    """Another edition of the document that mentions the record too."""

    id: str
    publisher: str | None
    published: dt.date | None


class EntityDocument(BaseModel):
    """The newest edition that mentions the record; its count and pages are this edition's."""

    id: str
    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    count: int
    pages: list[int]
    editions: list[EntityEdition] = []


class RelatedEntity(BaseModel):
    kb_id: str
    canonical: str
    label: str
    documents: int


class KBReference(BaseModel):
    """Another record of the knowledge base, by the name its page has."""

    kb_id: str
    name: str
    # Its usual abbreviation where the name does not hold it ("VIVE" for Det Nationale
    # Forsknings- og Analysecenter for Velfærd): the name readers know it by.
    abbreviation: str | None = None


class EntityPage(BaseModel):
    kb_id: str
    label: str
    name: str
    aliases: list[str]
    former_names: list[dict[str, Any]]
    description: str | None
    parent: KBReference | None  # None also where the parent is not in the knowledge base
    documents: list[EntityDocument]
    co_occurring: list[RelatedEntity]
    mentions_by_year: dict[str, int]
    # The bodies merged into this one (VIVE: SFI, KORA), and the bodies this one was merged into.
    successor_of: list[KBReference] = []
    succeeded_by: list[KBReference] = []


class CollectionEntryPublic(BaseModel):
    document_id: str
    title: str
    publisher: str | None
    kind: str | None
    published: dt.date | None
    note: str
    withdrawn: bool = False  # shown to curators only; others do not see the entry


class CollectionSummary(BaseModel):
    id: str
    title: str
    description: str
    published: bool  # public page and JSON for everyone; otherwise curators only
    documents: int
    updated_at: AwareDatetime


class CollectionPublic(BaseModel):
    id: str
    title: str
    description: str
    published: bool
    updated_at: AwareDatetime
    entries: list[CollectionEntryPublic]


class AuditEventPublic(BaseModel):
    id: int
    at: AwareDatetime
    actor: str  # an account's e-mail address, or "kommandolinjen"
    action: str  # e.g. "login", "collection.update"
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class MonthUsage(BaseModel):
    """Uses in one month: each counted once per person, target and day."""

    month: str  # "2026-05"
    views: int
    downloads: int


class PublisherUsage(BaseModel):
    publisher: str  # "" when the documents name none
    views: int
    downloads: int
    months: list[MonthUsage]  # every month of the period, oldest first


class TargetUsage(BaseModel):
    """A document's or a collection's uses in the period (a collection is only viewed)."""

    id: str
    title: str
    publisher: str | None
    views: int
    downloads: int


class UsageReport(BaseModel):
    start: str  # the first month, "2026-01"
    end: str  # the last month, included
    months: list[MonthUsage]  # all documents together, every month of the period
    publishers: list[PublisherUsage]  # most used first
    documents: list[TargetUsage]  # the most used public documents
    collections: list[TargetUsage]  # the most viewed published collections


class DocumentUsage(BaseModel):
    id: str
    title: str
    publisher: str | None
    start: str
    end: str
    views: int
    downloads: int
    months: list[MonthUsage]  # every month of the period, oldest first


class BatchHit(BaseModel):
    """One document a query of a batch found, as the table shows it."""

    rank: int  # from 1
    id: str
    title: str
    year: int | None
    published: dt.date | None
    publisher: str | None
    kind: str | None
    pages: list[int]  # the pages its words were found on (or, found by meaning, the closest)
    score: float | None
    url: str  # the document's page


class BatchQueryResult(BaseModel):
    number: int  # the query's place in the list, from 1
    query: str
    total: int  # every document the query finds, not only those listed
    hits: list[BatchHit]

    def relative_score(self, hit: BatchHit) -> float | None:
        """The hit's score as a share of the query's first hit's, to two decimals: a fused
        ranking's scores (around 0.03) and a phrase's BM25 scores (around 12) are on
        different scales, so only scores relative to the query's best compare."""
        top = self.hits[0].score if self.hits else None
        if hit.score is None or not top:
            return None
        return round(hit.score / top, 2)


class BatchSearchResponse(BaseModel):
    size: int  # the most hits listed per query
    results: list[BatchQueryResult]
