"""The crawler's HTTP client: it reads a publisher's site as a polite guest would.

- It names itself (a user agent with the service's contact page).
- robots.txt is read once per host and crawl (``protego``): a 4xx means everything is allowed,
  a 5xx or no answer means nothing is, for this crawl; a Crawl-delay longer than ours is kept.
- Requests to one host are at least ``crawl_delay`` seconds apart.
- What it read before is asked for conditionally (If-None-Match / If-Modified-Since); a 304
  costs the publisher no body, and a page is then read from the blob store.
- 429, 5xx and lost connections are retried with exponential backoff (a Retry-After is heeded,
  up to ``crawl_max_wait``); bodies are bounded in size and every request in time.
- Redirects are followed by hand, at most ``MAX_REDIRECTS``, and only to the publisher's hosts.

Everything it will not or cannot fetch comes back as a ``Response`` with a Danish reason, never
as an exception: one refused file is part of a crawl's report, not its end.
"""

import dataclasses
import datetime as dt
import email.utils
import logging
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from vidensbank.errors import ReasonCode
from vidensbank.settings import get_settings
from vidensbank.store.blobs import BlobStore

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
ROBOTS_BYTES = 500 * 1024
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_CHUNK = 64 * 1024


def user_agent() -> str:
    return f"Vidensbank/0.1 (+{get_settings().crawl_contact_url})"


class Outcome(StrEnum):
    FETCHED = "fetched"
    NOT_MODIFIED = "not_modified"
    MISSING = "missing"  # 404 or 410: the publisher no longer has it
    # robots.txt forbids it: the publisher's standing wish, so, like a 404, it leaves a listing
    # whole (a publication behind it is not one the crawler may keep).
    FORBIDDEN = "forbidden"
    REFUSED = "refused"  # robots.txt unreadable, another host, too large, too many redirects
    FAILED = "failed"  # the server kept failing, or answered another 4xx


@dataclass(frozen=True)
class Validators:
    """What was read from an address last time: enough to ask whether it changed."""

    etag: str | None
    last_modified: str | None
    content_hash: str | None


@dataclass(frozen=True)
class Response:
    """What came of asking for ``requested``. ``url`` is where it was found (after redirects);
    ``content_hash`` is the blob store key of its body (fetched, or unchanged since last time);
    ``body`` is given for a fetched page or file, and for an unchanged one when asked for."""

    requested: str
    url: str
    outcome: Outcome
    status: int | None = None
    body: bytes | None = None
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    code: ReasonCode | None = None
    reason: str | None = None
    content_type: str | None = None

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified, self.content_hash)


@dataclass(frozen=True)
class UnreadPage:
    """A page the client could not or would not read (a 404 or 410 aside), and why.

    ``landing`` tells a publication's own page (its landing page, or a web-only publication)
    from a listing's; ``cuts_listing`` whether the listing may now lack publications that are
    still there: a listing page that failed or was refused for any reason but robots.txt.
    """

    url: str
    code: ReasonCode
    reason: str
    landing: bool
    cuts_listing: bool


@dataclass
class Counts:
    """What a crawl asked of the publisher's servers."""

    requests: int = 0
    not_modified: int = 0
    refused: int = 0
    pages: int = 0


class _Refusal(Exception):
    def __init__(self, outcome: Outcome, code: ReasonCode, reason: str, status: int | None = None):
        super().__init__(reason)
        self.outcome, self.code, self.reason, self.status = outcome, code, reason, status


_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_of(url: str) -> str:
    """The host a URL points at, with its port when that is not the scheme's own: a publisher's
    host on another port (a database, a search node) is another host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return f"{host}:?"  # a port that is no number is on nobody's list
    return host if port is None or port == _DEFAULT_PORTS.get(parts.scheme) else f"{host}:{port}"


class PoliteClient:
    """One crawl's client for one publisher, whose pages and files live on ``hosts``.

    ``known`` gives what was read from each address last time (the crawl state); the pages it
    reads, with their validators, are in ``pages_read`` afterwards, for the state to keep, and
    those it could not read, with the reason, in ``unread``.
    """

    def __init__(
        self,
        hosts: Iterable[str],
        *,
        known: dict[str, Validators] | None = None,
        delay: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_wait: float | None = None,
        page_bytes: int | None = None,
        file_bytes: int | None = None,
        timeout: float | None = None,
    ) -> None:
        settings = get_settings()
        self.hosts = frozenset(host.lower() for host in hosts)
        self.known = known or {}
        self.delay = settings.crawl_delay if delay is None else delay
        self.retries = settings.crawl_retries if retries is None else retries
        self.backoff = settings.crawl_backoff if backoff is None else backoff
        self.max_wait = settings.crawl_max_wait if max_wait is None else max_wait
        self.page_bytes = settings.crawl_max_page_bytes if page_bytes is None else page_bytes
        self.file_bytes = settings.max_file_bytes if file_bytes is None else file_bytes
        self.timeout = settings.fetch_timeout if timeout is None else timeout
        self.blobs = BlobStore(settings.blob_dir)
        self.counts = Counts()
        self.pages_read: dict[str, Response] = {}
        self.unread: dict[str, UnreadPage] = {}
        self._robots: dict[str, Protego | None] = {}
        # Why a host's robots.txt could not be read, for the reason of what is then refused.
        self._robots_problems: dict[str, str] = {}
        self._next_request: dict[str, float] = {}
        self._client = httpx.Client(
            headers={"User-Agent": user_agent()},
            timeout=self.timeout,
            follow_redirects=False,
        )

    def __enter__(self) -> "PoliteClient":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def page(self, url: str, *, landing: bool = False) -> str | None:
        """``Reader.page``: a listing, feed or landing page as text; one it cannot read (a 404
        or 410 aside) is kept in ``unread`` with the reason."""
        response = self.fetch(url, limit=self.page_bytes, body=True)
        if (
            response.outcome in (Outcome.FETCHED, Outcome.NOT_MODIFIED)
            and response.body is not None
        ):
            if url not in self.pages_read:
                self.counts.pages += 1
                self.pages_read[url] = dataclasses.replace(response, body=None)
            return _decode(response.body, response)
        if response.outcome != Outcome.MISSING and url not in self.unread:
            log.info("page not read: %s (%s)", url, response.reason)
            self.unread[url] = UnreadPage(
                url=url,
                code=response.code or ReasonCode.FETCH_FAILED,
                reason=response.reason or "",
                landing=landing,
                cuts_listing=not landing and response.outcome != Outcome.FORBIDDEN,
            )
        return None

    def fetch(self, url: str, *, limit: int | None = None, body: bool = False) -> Response:
        """``url``'s body, asked for conditionally when it was read before; the body of an
        unchanged one only when ``body`` asks for it (from the blob store)."""
        if (read := self.pages_read.get(url)) is not None and read.content_hash is not None:
            # Read once in this crawl already (a listing page read twice, or a web-only
            # publication's page): the publisher is not asked again.
            return (
                dataclasses.replace(read, body=self.blobs.get(read.content_hash)) if body else read
            )
        known = self.known.get(url)
        if known is not None and (
            known.content_hash is None or not self.blobs.exists(known.content_hash)
        ):
            known = None  # without the stored body, a 304 would leave us with nothing
        try:
            response = self._follow(url, known, self.file_bytes if limit is None else limit)
        except _Refusal as refusal:
            if refusal.outcome in (Outcome.REFUSED, Outcome.FORBIDDEN):
                self.counts.refused += 1
            return Response(
                requested=url,
                url=url,
                outcome=refusal.outcome,
                status=refusal.status,
                code=refusal.code,
                reason=refusal.reason,
            )
        if response.outcome == Outcome.NOT_MODIFIED and body and response.content_hash:
            response = dataclasses.replace(response, body=self.blobs.get(response.content_hash))
        return response

    # The steps of one fetch: redirects, robots, the host's pace, retries, the body.

    def _follow(self, url: str, known: Validators | None, limit: int) -> Response:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_address(current)
            response = self._with_retries(current, known)
            try:
                if response.status_code not in _REDIRECT_STATUSES:
                    return self._read(url, current, response, known, limit)
                location = response.headers.get("Location")
            finally:
                response.close()
            if not location:
                raise _Refusal(
                    Outcome.FAILED,
                    ReasonCode.FETCH_FAILED,
                    "Udgiverens server viderestillede uden at sige hvorhen "
                    f"(svar {response.status_code}).",
                    response.status_code,
                )
            current = urljoin(current, location)
        raise _Refusal(
            Outcome.REFUSED,
            ReasonCode.NOT_ALLOWED,
            f"Adressen {urlsplit(url).path or '/'} viderestiller mere end {MAX_REDIRECTS} gange; "
            "den følges ikke længere.",
        )

    def _check_address(self, url: str) -> None:
        parts = urlsplit(url)
        host = host_of(url)
        if parts.scheme not in ("http", "https"):
            raise _Refusal(
                Outcome.REFUSED,
                ReasonCode.NOT_ALLOWED,
                f"Adressen {url} er ikke en http- eller https-adresse og hentes ikke.",
            )
        if host not in self.hosts:
            raise _Refusal(
                Outcome.REFUSED,
                ReasonCode.NOT_ALLOWED,
                f"Adressen fører til værten {host}, som ikke hører til udgiverens websted "
                f"({', '.join(sorted(self.hosts))}); den hentes ikke.",
            )
        robots = self._robots_for(parts.scheme, host)
        if robots is None:
            raise _Refusal(
                Outcome.REFUSED,
                ReasonCode.NOT_ALLOWED,
                f"Værtens robots.txt kunne ikke hentes ({host}), så intet hentes derfra i denne "
                f"gennemgang. {self._robots_problems[host]}",
            )
        if not robots.can_fetch(url, user_agent()):
            raise _Refusal(
                Outcome.FORBIDDEN,
                ReasonCode.NOT_ALLOWED,
                f"Udgiverens robots.txt forbyder at hente {urlsplit(url).path or '/'}.",
            )

    def _robots_for(self, scheme: str, host: str) -> Protego | None:
        if host in self._robots:
            return self._robots[host]
        robots_url = f"{scheme}://{host}/robots.txt"
        rules: Protego | None
        try:
            response = self._robots_response(robots_url)
        except _Refusal as refusal:
            log.info("robots.txt of %s unavailable: %s", host, refusal.reason)
            self._robots_problems[host] = refusal.reason
            rules = None
        else:
            if response is None:
                rules = Protego.parse("")  # 4xx: the host sets no rules
            else:
                rules = Protego.parse(response.decode("utf-8", "replace"))
        self._robots[host] = rules
        self._answered(host)  # its Crawl-delay holds from the robots.txt request on
        return rules

    def _robots_response(self, robots_url: str) -> bytes | None:
        """The robots.txt body, None for a 4xx (no rules); a 5xx, no answer or a redirect off
        the hosts raises ``_Refusal``."""
        current = robots_url
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._with_retries(current, None)
            try:
                status, location = response.status_code, response.headers.get("Location")
                if status == 200:
                    return self._body(response, ROBOTS_BYTES, time.monotonic() + self.timeout)
            finally:
                response.close()
            if status in _REDIRECT_STATUSES and location:
                current = urljoin(current, location)
                if host_of(current) not in self.hosts:
                    raise _Refusal(
                        Outcome.FAILED,
                        ReasonCode.FETCH_FAILED,
                        f"Filen viderestiller til værten {host_of(current)}, som ikke hører "
                        "til udgiverens websted.",
                    )
                continue
            if 400 <= status < 500:
                return None
            raise _Refusal(
                Outcome.FAILED, ReasonCode.FETCH_FAILED, f"Serveren svarede {status}.", status
            )
        raise _Refusal(
            Outcome.FAILED,
            ReasonCode.FETCH_FAILED,
            f"Filen viderestiller mere end {MAX_REDIRECTS} gange.",
        )

    def _interval(self, host: str) -> float:
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(user_agent()) if robots is not None else None
        # A Crawl-delay longer than our longest wait would stall the crawl until its time limit.
        return max(self.delay, min(float(crawl_delay or 0), self.max_wait))

    def _wait_turn(self, host: str) -> None:
        wait = self._next_request.get(host, 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _answered(self, host: str) -> None:
        """The interval counts from the answer, so the server sees its requests at least that
        far apart however long it takes to answer."""
        self._next_request[host] = time.monotonic() + self._interval(host)

    def _with_retries(self, url: str, known: Validators | None) -> httpx.Response:
        """The response to a GET of ``url`` (its body not yet read; the caller closes it), once
        it is no longer a 429 or a 5xx, or ``_Refusal`` when the retries ran out."""
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        host = host_of(url)
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            self.counts.requests += 1
            retry_after: float | None = None
            try:
                response = self._client.send(
                    self._client.build_request("GET", url, headers=headers), stream=True
                )
            except httpx.TransportError as exc:
                self._answered(host)
                log.info("request for %s failed: %r", url, exc)
                problem = transport_problem(exc)
            else:
                self._answered(host)
                if response.status_code not in _RETRY_STATUSES:
                    return response
                response.close()
                problem = f"serveren svarede {response.status_code}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if attempt == self.retries:
                    break
            if attempt < self.retries:
                wait = max(self.backoff * 2**attempt, retry_after or 0.0)
                log.info("retrying %s in %.1f s: %s", url, min(wait, self.max_wait), problem)
                time.sleep(min(wait, self.max_wait))
        raise _Refusal(
            Outcome.FAILED,
            ReasonCode.FETCH_FAILED,
            f"Adressen kunne ikke hentes: {problem}{_after_retries(self.retries)}.",
        )

    def _read(
        self,
        requested: str,
        url: str,
        response: httpx.Response,
        known: Validators | None,
        limit: int,
    ) -> Response:
        status = response.status_code
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304 and known is not None:
            self.counts.not_modified += 1
            return Response(
                requested=requested,
                url=url,
                outcome=Outcome.NOT_MODIFIED,
                status=status,
                content_hash=known.content_hash,
                etag=etag or known.etag,
                last_modified=last_modified or known.last_modified,
            )
        if status in (404, 410):
            raise _Refusal(
                Outcome.MISSING,
                ReasonCode.FETCH_FAILED,
                f"Udgiveren har ikke (længere) adressen: serveren svarede {status}.",
                status,
            )
        if status != 200:
            raise _Refusal(
                Outcome.FAILED,
                ReasonCode.FETCH_FAILED,
                f"Adressen kunne ikke hentes: serveren svarede {status}.",
                status,
            )
        data = self._body(response, limit, time.monotonic() + self.timeout)
        return Response(
            requested=requested,
            url=url,
            outcome=Outcome.FETCHED,
            status=status,
            body=data,
            content_hash=self.blobs.put(data),
            etag=etag,
            last_modified=last_modified,
            content_type=response.headers.get("Content-Type"),
        )

    def _body(self, response: httpx.Response, limit: int, deadline: float) -> bytes:
        too_large = _Refusal(
            Outcome.REFUSED,
            ReasonCode.TOO_LARGE,
            f"Filen er større end de {_megabytes(limit)}, en gennemgang henter, og er ikke hentet.",
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large
                if time.monotonic() > deadline:
                    raise _Refusal(
                        Outcome.FAILED,
                        ReasonCode.FETCH_FAILED,
                        f"Det tog mere end {self.timeout:g} s at hente adressen; den er opgivet.",
                    )
                chunks.append(chunk)
        except httpx.DecodingError as exc:
            raise _Refusal(
                Outcome.FAILED,
                ReasonCode.FETCH_FAILED,
                "Serveren sendte filen pakket på en måde, der ikke kan pakkes ud.",
            ) from exc
        except httpx.TransportError as exc:
            log.info("reading %s failed: %r", response.url, exc)
            raise _Refusal(
                Outcome.FAILED,
                ReasonCode.FETCH_FAILED,
                f"Adressen kunne ikke hentes helt: {transport_problem(exc)}.",
            ) from exc
        return b"".join(chunks)


def transport_problem(error: httpx.TransportError) -> str:
    """What went wrong on the way to the server, in Danish, as a clause ("serveren afviste
    forbindelsen"); the exception's class and text are for the log."""
    causes: list[BaseException] = []
    cause: BaseException | None = error
    # httpx's error, httpcore's under it, and the socket's; the bound keeps a chain that
    # loops from looping here.
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    # The socket's own error tells a name that is not found from a server that refuses.
    if any(isinstance(c, socket.gaierror) for c in causes):
        return "værtsnavnet kunne ikke slås op"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "serveren afviste forbindelsen"
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return "der kunne ikke oprettes en sikker forbindelse (TLS) til serveren"
    if isinstance(error, httpx.TimeoutException):
        return "serveren svarede ikke inden for tidsfristen"
    if isinstance(error, httpx.ConnectError):
        return "der kunne ikke oprettes forbindelse til serveren"
    if isinstance(error, httpx.RemoteProtocolError | httpx.NetworkError):
        return "forbindelsen blev afbrudt"
    return "forbindelsen til serveren mislykkedes"


def _after_retries(retries: int) -> str:
    """The retries a reason names (", også efter 3 nye forsøg"), when there were any."""
    if retries == 0:
        return ""
    return f", også efter {retries} {'nyt' if retries == 1 else 'nye'} forsøg"


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After asks for (a number, or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _decode(data: bytes, response: Response) -> str:
    """A page's text in the charset its Content-Type names (UTF-8 when it names none)."""
    content_type = (response.content_type or "").lower()
    encoding = "utf-8"
    if "charset=" in content_type:
        encoding = content_type.split("charset=", 1)[1].split(";", 1)[0].strip(" \"'") or encoding
    try:
        return data.decode(encoding, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit} bytes"
