"""Files fetched over HTTP(S): politely, with timeouts and retries on transient faults."""

import ipaddress
import logging
import socket
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx

from ingest.sources.base import SourceItem
from ingest.sources.polite import host_of, user_agent
from vidensbank.errors import ExtractionError, ReasonCode, SourceUnavailableError
from vidensbank.settings import get_settings

log = logging.getLogger(__name__)


def is_web_address(target: str) -> bool:
    """Whether a target or an item's location is fetched over HTTP(S) rather than read."""
    return target.startswith(("http://", "https://"))


def address_problem(url: str) -> str | None:
    """What keeps a request from being sent to ``url``, in Danish ("… er ikke …"); None when
    nothing does."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # An unclosed "[" of an IPv6 address, or a port that is no number or above 65535.
        return "er ikke en gyldig webadresse (tjek værtsnavnet og portnummeret)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "skal være en http- eller https-adresse med et værtsnavn"
    if port == 0:
        return "har port 0, som ingen server svarer på"
    return None


def item_from_url(url: str) -> SourceItem:
    name = PurePosixPath(urlsplit(url).path).name or "index.html"
    return SourceItem(filename=name, location=url, source_uri=url)


def _is_internal(host: str) -> bool:
    """Whether a host is, or resolves to, an address off the public internet (loopback, a
    private network, link-local such as a cloud's metadata service)."""
    try:
        found = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False  # not resolved: the request itself fails
    return any(not ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_global for info in found)


def _inside_only_where_asked(url: str) -> Callable[[httpx.Request], None]:
    """A request hook: a redirect may lead to another host on the public internet (a CDN), but
    not from the address given to an internal one, which the service would then fetch and
    publish for whoever gave it."""
    given = httpx.URL(url).host

    def check(request: httpx.Request) -> None:
        host = request.url.host
        if host != given and _is_internal(host):
            raise ExtractionError(
                ReasonCode.FETCH_FAILED,
                f"Adressen kunne ikke hentes: den viderestiller til en intern adresse ({host}).",
            )

    return check


# Why a file failed when its server stayed down through every retry: its server, not Vidensbank,
# and nothing was fetched.
_SERVER_DOWN = (
    "Serveren på {host} {answer}, heller ikke ved de senere forsøg, så filen er ikke hentet, og "
    "intet er gemt. Prøv igen, når serveren svarer."
)


def fetch_url(url: str) -> bytes:
    """The body of ``url``. A 4xx is the file's fault; network trouble and 5xx are transient."""
    settings = get_settings()
    transport = httpx.HTTPTransport(retries=2)
    try:
        with (
            httpx.Client(
                transport=transport,
                timeout=settings.fetch_timeout,
                follow_redirects=True,
                headers={"User-Agent": user_agent()},
                event_hooks={"request": [_inside_only_where_asked(url)]},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 500:
                raise SourceUnavailableError(
                    _SERVER_DOWN.format(
                        host=host_of(url), answer=f"svarede med fejlen {response.status_code}"
                    )
                )
            if response.status_code >= 400:
                raise ExtractionError(
                    ReasonCode.FETCH_FAILED,
                    f"Adressen kunne ikke hentes: serveren svarede {response.status_code}.",
                )
            chunks = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > settings.max_file_bytes:
                    raise ExtractionError(
                        ReasonCode.TOO_LARGE, "Filen er for stor til at blive indlæst."
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.UnsupportedProtocol as exc:
        # A redirect to file:// or the like: no retry makes it a web address.
        raise ExtractionError(
            ReasonCode.FETCH_FAILED,
            "Adressen kunne ikke hentes: den viderestiller til noget, der ikke er en webadresse.",
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise ExtractionError(
            ReasonCode.FETCH_FAILED,
            "Adressen kunne ikke hentes: den viderestiller i ring eller for mange gange.",
        ) from exc
    except httpx.DecodingError as exc:
        raise ExtractionError(
            ReasonCode.FETCH_FAILED,
            "Adressen kunne ikke hentes: serveren sendte filen pakket på en måde, der ikke kan "
            "pakkes ud.",
        ) from exc
    except httpx.TransportError as exc:
        log.info("fetching %s failed: %r", url, exc)
        raise SourceUnavailableError(
            _SERVER_DOWN.format(host=host_of(url), answer="svarede ikke")
        ) from exc
