"""A crawl of one publisher's site: one ingest run, with one item per publication.

The adapter lists the publications (reading pages through the polite client); the crawler
fetches each file, conditionally when it read it before, and keeps it in the blob store. Then,
in one transaction, it compares what it found with the crawl state and starts the run:

- a new or changed file (or new metadata) goes through the pipeline, read from the blob store;
- an unchanged one is ``unchanged`` at once;
- a file at a new address with the content of one that vanished (or one whose address now
  redirects) is the same publication moved: it keeps its document and id;
- a publication no longer listed is withdrawn (kept, out of search, deleted for harvesters),
  and one that comes back is restored, unless a curator withdrew it;
- a publication the crawler may not or cannot fetch, or whose metadata is bad, is quarantined
  with the reason; so is every page it could not read (a 404 aside), named by its address.

A listing the crawler could not read whole (a listing page refused, or failing) withdraws
nothing. A landing page that cannot be read costs only its own publication, which stays as it
was; only one the crawl cannot tell the publication of (read before, without a record of what
it led to) withdraws nothing either, as it may hide a publication that is still there.
"""

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import redis
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ingest.runs import record_run, recover_queue
from ingest.sources.manifest import ManifestEntry, explain
from ingest.sources.polite import (
    Outcome,
    PoliteClient,
    Response,
    UnreadPage,
    Validators,
    host_of,
)
from ingest.sources.publishers.base import Publication, Publisher
from vidensbank.celery_app import enqueue, enqueue_files
from vidensbank.errors import BadRequestError, DependencyUnavailableError, ReasonCode
from vidensbank.identity import document_id as make_document_id
from vidensbank.settings import get_settings
from vidensbank.store import crawl as crawl_store
from vidensbank.store import documents as document_store
from vidensbank.store.base import utcnow
from vidensbank.store.blobs import blob_location
from vidensbank.store.crawl import AddressKind, CrawledAddress, CrawlFigures, Seen
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document, DocumentStatus
from vidensbank.store.runs import ItemStatus, NewItem

log = logging.getLogger(__name__)

GONE_REASON = "Udgiveren har fjernet publikationen fra sit websted."
# The largest share of a site's publications one crawl withdraws; more gone at once is taken
# for a site the crawler no longer reads right.
MAX_GONE_SHARE = 0.5
# Added to the reason of a page that leaves the crawl unable to tell what the publisher removed.
LISTING_CUT = (
    "Udgiverens oversigt er derfor ikke læst helt, så intet er trukket tilbage i denne gennemgang."
)
LANDING_CUT = (
    "Siden kan vise en publikation, der stadig findes, så intet er trukket tilbage i denne "
    "gennemgang."
)


@dataclass(frozen=True)
class CrawlResult:
    run_id: str
    figures: CrawlFigures


@dataclass(frozen=True)
class _Found:
    """A listed publication and what came of fetching it (nothing, when its metadata is bad)."""

    publication: Publication
    metadata: dict[str, object]
    response: Response | None
    refusal: str | None = None


@dataclass(frozen=True)
class _Address:
    """A crawl state row as it was when the crawl began."""

    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    document_id: str | None
    published: dt.date | None
    gone: bool
    withdrawn: bool

    @classmethod
    def of(cls, row: CrawledAddress) -> "_Address":
        return cls(
            url=row.url,
            kind=row.kind,
            etag=row.etag,
            last_modified=row.last_modified,
            content_hash=row.content_hash,
            document_id=row.document_id,
            published=row.published,
            gone=row.gone_at is not None,
            withdrawn=row.withdrawn,
        )


def crawl(
    publisher: Publisher, *, base_url: str | None = None, since: dt.date | None = None
) -> CrawlResult:
    """Crawl ``publisher``'s site (at ``base_url`` instead of its own, when given) and start
    the ingest run of what was found; return the run's id and the crawl's figures."""
    recover_queue()
    with _alone(publisher):
        return _crawl(publisher, base_url or publisher.base_url, since)


@contextmanager
def _alone(publisher: Publisher) -> Iterator[None]:
    """Hold the publisher's crawl lock: two crawls of one site at once would double the load
    on it and race over its state."""
    settings = get_settings()
    client = redis.Redis.from_url(settings.broker_url, socket_timeout=5)
    lock = client.lock(
        f"vidensbank:crawl:{settings.queue}:{publisher.key}",
        timeout=settings.crawl_time_limit,
        blocking=False,
    )
    try:
        acquired = lock.acquire()
    except redis.RedisError as exc:
        raise DependencyUnavailableError(
            "Køen (Redis) svarer ikke, så gennemgangen er ikke begyndt. Start den, og prøv igen."
        ) from exc
    if not acquired:
        raise BadRequestError(
            f"{publisher.name} gennemgås allerede; vent, til den gennemgang er færdig."
        )
    try:
        yield
    finally:
        try:
            lock.release()
        except redis.RedisError:
            log.warning("the crawl lock of %s had expired before the crawl ended", publisher.key)
        client.close()


def _crawl(publisher: Publisher, base: str, since: dt.date | None) -> CrawlResult:
    started, clock = utcnow(), time.monotonic()
    with session_scope() as session:
        known = [_Address.of(row) for row in crawl_store.addresses(session, source=publisher.key)]
    validators = {a.url: Validators(a.etag, a.last_modified, a.content_hash) for a in known}
    with PoliteClient({host_of(base), *publisher.other_hosts}, known=validators) as client:
        found = [_fetch(client, p) for p in _unique(publisher.publications(client, base, since))]
        figures = CrawlFigures(
            requests=client.counts.requests,
            pages=client.counts.pages,
            not_modified=client.counts.not_modified,
            refused=client.counts.refused,
        )
        pages = [
            Seen(url, AddressKind.PAGE, r.etag, r.last_modified, r.content_hash)
            for url, r in client.pages_read.items()
        ]
        unread = list(client.unread.values())

    with session_scope() as session:
        listed = {f.publication.url for f in found}
        plan = _Plan(session, publisher.key, known, figures, listed=listed)
        # First, so that a publication kept for its unread landing page is taken for listed.
        hiding = [page.url for page in unread if plan.unread_page(page)]
        for entry in found:
            plan.publication(entry)
        if hiding:
            log.warning(
                "crawl of %s read only part of its listing (%s): nothing withdrawn",
                publisher.key,
                ", ".join(hiding),
            )
        else:
            plan.vanished(since)
        figures.seconds = round(time.monotonic() - clock, 3)
        run_id, queued = record_run(session, items=plan.items)
        plan.write(pages)
        crawl_store.record_crawl(
            session,
            run_id=run_id,
            source=publisher.key,
            base_url=base,
            since=since,
            started_at=started,
            figures=figures,
        )
        taken_out = plan.withdrawn_ids
    enqueue_files(queued)
    if taken_out:
        # The index step takes a withdrawn document out of the index.
        enqueue("index.documents", taken_out)
    return CrawlResult(run_id=run_id, figures=figures)


def _unique(publications: Iterable[Publication]) -> list[Publication]:
    """Each address once (a publication listed on two pages is one publication)."""
    first: dict[str, Publication] = {}
    for publication in publications:
        first.setdefault(publication.url, publication)
    return list(first.values())


def _fetch(client: PoliteClient, publication: Publication) -> _Found:
    try:
        entry = ManifestEntry.model_validate(publication.metadata)
    except ValidationError as exc:
        return _Found(publication, {}, None, explain(exc, where="i udgiverens oplysninger"))
    metadata = entry.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return _Found(publication, metadata, client.fetch(publication.url))


def _filename(url: str) -> str:
    return unquote(PurePosixPath(urlsplit(url).path).name) or "index.html"


@dataclass
class _Plan:
    """What a crawl's findings mean for the run, the documents and the crawl state, worked out
    and written in the session the run is created in."""

    session: Session
    source: str
    known: list[_Address]
    figures: CrawlFigures
    items: list[NewItem] = field(default_factory=list)
    withdrawn_ids: list[str] = field(default_factory=list)
    _seen: list[Seen] = field(default_factory=list)
    _moves: list[tuple[str, str]] = field(default_factory=list)
    _gone: list[tuple[str, bool]] = field(default_factory=list)
    # A landing page read in this crawl, and the document of the publication it led to.
    _led_to: dict[str, str] = field(default_factory=dict)

    listed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.files = {a.url: a for a in self.known if AddressKind(a.kind).publication}
        self.pages = {a.url: a for a in self.known if not AddressKind(a.kind).publication}
        self.claimed: set[str] = set()

    def _tally(self, what: str) -> None:
        setattr(self.figures, what, getattr(self.figures, what) + 1)

    def _document(self, document_id: str | None) -> Document | None:
        return None if document_id is None else self.session.get(Document, document_id)

    def publication(self, found: _Found) -> None:
        publication, response = found.publication, found.response
        before = self.files.get(publication.url)
        if found.refusal is not None or response is None:
            self._refuse(found, ReasonCode.BAD_METADATA, found.refusal or "", before)
            return
        if response.outcome not in (Outcome.FETCHED, Outcome.NOT_MODIFIED):
            self._refuse(
                found, response.code or ReasonCode.FETCH_FAILED, response.reason or "", before
            )
            return
        content_hash = str(response.content_hash)
        address = response.url
        origin, moved_from = self._origin(publication.url, address, content_hash)
        holder = document_store.documents_at(self.session, source_uris=[address]).get(address)
        document_id = origin.document_id if origin is not None else None
        if holder is not None:
            document_id = holder.id  # the address is the identity of the document it brought in
        document = self._document(document_id)
        published = _date(found.metadata.get("published"))
        self._saw(
            publication,
            Seen(
                url=publication.url,
                kind=AddressKind.FILE if publication.lasting else AddressKind.FEED_ENTRY,
                etag=response.etag,
                last_modified=response.last_modified,
                content_hash=content_hash,
                document_id=document.id if document is not None else make_document_id(address),
                published=published,
            ),
        )
        if moved_from is not None:
            self._moves.append((moved_from, publication.url))
        item = NewItem(
            filename=_filename(address),
            location=blob_location(content_hash),
            source_uri=address,
            source_metadata=found.metadata,
            document_id=document.id if document is not None else None,
        )
        if document is None:
            self._tally("new")
            self.items.append(item)
            return
        same = (
            document.content_hash == content_hash
            and document.source_metadata == found.metadata
            and document.source_uri == address
        )
        if document.withdrawn_at is not None:
            if origin is not None and origin.withdrawn and document.withdrawn_reason == GONE_REASON:
                self._restore(document)
            elif same:
                self._tally("unchanged")
                self.items.append(_settled(item, ItemStatus.WITHDRAWN, document.withdrawn_reason))
                return
        elif same and document.status == DocumentStatus.INDEXED:
            self._tally("unchanged")
            self.items.append(_settled(item, ItemStatus.UNCHANGED))
            return
        if document.source_uri != address:
            self._tally("moved")
        elif document.content_hash != content_hash or document.source_metadata != found.metadata:
            self._tally("changed")
        else:
            self._tally("unchanged")  # the same file, which a step still has to finish
        self.items.append(item)

    def _origin(
        self, listed: str, address: str, content_hash: str
    ) -> tuple[_Address | None, str | None]:
        """The state of the publication before this crawl, and the address it moved from: its
        own row, the row of the address it now redirects to, or a vanished address's row with
        the same content."""
        for url in (listed, address):
            if (row := self.files.get(url)) is not None and row.document_id is not None:
                return row, None
        for row in self.files.values():
            if (
                row.content_hash == content_hash
                and row.document_id is not None
                and row.url not in self.listed
                and row.url not in self.claimed
            ):
                self.claimed.add(row.url)
                return row, row.url
        return None, None

    def _refuse(
        self, found: _Found, code: ReasonCode, reason: str, before: _Address | None
    ) -> None:
        url = found.publication.url
        self.items.append(
            NewItem(
                filename=_filename(url),
                location=url,
                source_uri=url,
                source_metadata={},
                reason_code=code,
                reason=reason,
            )
        )
        if before is not None:
            # Still listed: it keeps its state, and its document, until it can be read again.
            self._saw(found.publication, _kept(before))

    def _saw(self, publication: Publication, seen: Seen) -> None:
        self._seen.append(seen)
        landing = publication.landing_page
        if landing is not None and landing != publication.url and seen.document_id is not None:
            self._led_to[landing] = seen.document_id

    def unread_page(self, page: UnreadPage) -> bool:
        """A page the crawler could not read: an item of the run naming it and why. The known
        publications a landing page leads to are still listed, and keep their state until it
        can be read again. Return whether the page may hide publications the crawl cannot
        name (a listing page, or a landing page it cannot tell the publication of), so that
        nothing may be withdrawn."""
        behind = self._behind(page.url) if page.landing else []
        for row in behind or []:
            if row.url not in self.listed:
                self.listed.add(row.url)
                self._seen.append(_kept(row))
        hiding = page.cuts_listing or behind is None
        reason = page.reason
        if hiding:
            reason = f"{reason} {LANDING_CUT if page.landing else LISTING_CUT}"
        self.items.append(
            NewItem(
                filename=_filename(page.url),
                location=page.url,
                source_uri=page.url,
                source_metadata={},
                reason_code=page.code,
                reason=reason,
            )
        )
        return hiding

    def _behind(self, url: str) -> list[_Address] | None:
        """The known publications a landing page leads to: itself when it is one (a web-only
        publication), else those of the document it led to when last read; none when it was
        never read, and None when it was read without a record of what it led to."""
        if (own := self.files.get(url)) is not None:
            return [own]
        page = self.pages.get(url)
        if page is None:
            return []
        if page.document_id is None:
            return None
        return [row for row in self.files.values() if row.document_id == page.document_id]

    def _restore(self, document: Document) -> None:
        """A publication the crawler withdrew is back: restored, and through the pipeline again
        (it was taken out of the index, so it is enriched and indexed anew)."""
        document_store.restore_document(self.session, document_id=document.id)
        if document.status == DocumentStatus.INDEXED:
            document_store.set_document_status(
                self.session, document_ids=[document.id], status=DocumentStatus.ENRICHED
            )
        self._tally("restored")

    def vanished(self, since: dt.date | None) -> None:
        """Withdraw the documents of the publications no longer listed (within ``since``).

        A listing that lists nothing, or lacks most of what it listed before, is more likely a
        site that changed its form (or a wrong ``--base-url``) than a publisher who removed its
        publications: then nothing is withdrawn, and the log says why."""
        vanished = [
            row
            for row in self.files.values()
            if row.url not in self.listed
            and row.url not in self.claimed
            and not row.gone
            and row.kind == AddressKind.FILE
            and (since is None or (row.published is not None and row.published >= since))
        ]
        present = sum(1 for row in self.files.values() if not row.gone)
        if vanished and (not self.listed or len(vanished) > MAX_GONE_SHARE * present):
            log.warning(
                "crawl of %s: %d of %d publications no longer listed; none withdrawn, as that "
                "looks like a changed or unreadable site rather than removals",
                self.source,
                len(vanished),
                present,
            )
            return
        for row in vanished:
            self._tally("gone")
            document = self._document(row.document_id)
            withdrawn = row.withdrawn
            if document is not None:
                if document.withdrawn_at is None:
                    document_store.withdraw_document(
                        self.session, document_id=document.id, reason=GONE_REASON
                    )
                    self.withdrawn_ids.append(document.id)
                    withdrawn = True
                self.items.append(
                    NewItem(
                        filename=_filename(document.source_uri),
                        location=row.url,
                        source_uri=document.source_uri,
                        source_metadata=document.source_metadata,
                        status=ItemStatus.WITHDRAWN,
                        reason=GONE_REASON if withdrawn else document.withdrawn_reason,
                        document_id=document.id,
                    )
                )
            self._gone.append((row.url, withdrawn))

    def write(self, pages: list[Seen]) -> None:
        for old, new in self._moves:
            crawl_store.move_address(self.session, source=self.source, old_url=old, new_url=new)
        # A landing page keeps the document it led to, for a crawl that cannot read it.
        pages = [dataclasses.replace(p, document_id=self._led_to.get(p.url)) for p in pages]
        # A web-only publication is a page the adapter read and a file: its file row wins.
        crawl_store.record_seen(self.session, source=self.source, seen=[*pages, *self._seen])
        for url, withdrawn in self._gone:
            crawl_store.mark_gone(self.session, source=self.source, url=url, withdrawn=withdrawn)


def _kept(row: _Address) -> Seen:
    """A publication as the crawl found it before: still listed, not read this time."""
    return Seen(
        url=row.url,
        kind=AddressKind(row.kind),
        etag=row.etag,
        last_modified=row.last_modified,
        content_hash=row.content_hash,
        document_id=row.document_id,
        published=row.published,
        withdrawn=row.withdrawn,
    )


def _settled(item: NewItem, status: ItemStatus, reason: str | None = None) -> NewItem:
    return NewItem(
        filename=item.filename,
        location=item.location,
        source_uri=item.source_uri,
        source_metadata=item.source_metadata,
        status=status,
        reason=reason,
        document_id=item.document_id,
    )


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
