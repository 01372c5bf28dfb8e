"""One exception tree, grouped by cause.

Errors in the data (a file we cannot read, a bad request) are never retried; an unavailable
dependency is. Every error a user can see carries an HTTP status and a Danish message.
"""

from enum import StrEnum


class VidensbankError(Exception):
    """Base of all errors the project raises on purpose."""

    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(VidensbankError):
    """The request is malformed or asks for something we do not allow."""

    status = 400


class FieldsError(BadRequestError):
    """A form's fields refused, each with its reason, so a form can mark every one at once."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


class UnauthorizedError(VidensbankError):
    """Nobody is logged in, or the login failed."""

    status = 401


class ForbiddenError(VidensbankError):
    """The account may not do this, or the request lacks its CSRF token."""

    status = 403


class NotFoundError(VidensbankError):
    status = 404


class ConflictError(VidensbankError):
    """What the request was based on changed meanwhile (another curator saved first)."""

    status = 409


class GoneError(VidensbankError):
    """It was here and was taken down on purpose."""

    status = 410


class TooManyRequestsError(VidensbankError):
    status = 429


class PayloadTooLargeError(BadRequestError):
    status = 413


class UnsupportedMediaTypeError(BadRequestError):
    """The request's body is not in the format its route takes."""

    status = 415


class DependencyUnavailableError(VidensbankError):
    """Elasticsearch, the database or the broker cannot be reached right now, or the disk
    cannot be written."""

    status = 503


class SourceUnavailableError(DependencyUnavailableError):
    """The web server a file is fetched from does not answer, or answers with its own error:
    retried as any dependency is, and when it stays down its Danish message is the reason the
    file failed, naming the server (not Vidensbank) and saying nothing was fetched."""


class BackupError(VidensbankError):
    """A backup that cannot be written, or one that must not or cannot be restored (damaged,
    of a newer schema, or over a database that holds documents)."""


class ReasonCode(StrEnum):
    """Why a file was quarantined: stable, machine-readable codes stored on items and documents.

    The Danish message beside a code may name details (a field, a type); it never names a
    server path.
    """

    # The path or the listing.
    MISSING = "missing"
    UNREADABLE = "unreadable"
    NOT_REGULAR = "not_regular"
    OUTSIDE_ROOT = "outside_root"
    BAD_MANIFEST = "bad_manifest"
    DUPLICATE = "duplicate"
    BAD_METADATA = "bad_metadata"
    # Fetching.
    FETCH_FAILED = "fetch_failed"
    # A crawl must not fetch it: robots.txt forbids it, or it is off the publisher's hosts.
    NOT_ALLOWED = "not_allowed"
    TOO_LARGE = "too_large"
    # The content.
    EMPTY = "empty"
    WRONG_TYPE = "wrong_type"
    UNSUPPORTED = "unsupported"
    TRUNCATED = "truncated"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    NO_PAGES = "no_pages"
    NO_TEXT = "no_text"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_DEEP = "too_deep"
    TOO_SLOW = "too_slow"

    @property
    def label(self) -> str:
        """The code in a few Danish words, as the pages show it beside the full reason."""
        return _REASON_LABELS[self]


_REASON_LABELS = {
    ReasonCode.MISSING: "findes ikke",
    ReasonCode.UNREADABLE: "kan ikke læses",
    ReasonCode.NOT_REGULAR: "ikke en almindelig fil",
    ReasonCode.OUTSIDE_ROOT: "uden for mappen",
    ReasonCode.BAD_MANIFEST: "fejl i manifest.json",
    ReasonCode.DUPLICATE: "dublet",
    ReasonCode.BAD_METADATA: "fejl i udgiverens oplysninger",
    ReasonCode.FETCH_FAILED: "kunne ikke hentes",
    ReasonCode.NOT_ALLOWED: "må ikke hentes",
    ReasonCode.TOO_LARGE: "for stor",
    ReasonCode.EMPTY: "tom fil",
    ReasonCode.WRONG_TYPE: "forkert filtype",
    ReasonCode.UNSUPPORTED: "filtypen understøttes ikke",
    ReasonCode.TRUNCATED: "afkortet",
    ReasonCode.ENCRYPTED: "krypteret",
    ReasonCode.CORRUPT: "ødelagt",
    ReasonCode.NO_PAGES: "ingen sider",
    ReasonCode.NO_TEXT: "ingen tekst",
    ReasonCode.TOO_MANY_PAGES: "for mange sider",
    ReasonCode.TOO_DEEP: "for dybt indlejret",
    ReasonCode.TOO_SLOW: "for langsom",
}


class ExtractionError(VidensbankError):
    """A file that cannot be read: quarantined with ``code`` and the Danish message."""

    status = 422

    def __init__(self, code: ReasonCode, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type["ExtractionError"], tuple[ReasonCode, str]]:
        # Celery pickles exceptions between processes; keep both arguments.
        return (type(self), (self.code, self.message))


def too_slow(step: str) -> ExtractionError:
    """The reason for a file whose task was stopped by its time limit while doing ``step``."""
    return ExtractionError(
        ReasonCode.TOO_SLOW,
        f"Det tog for lang tid at {step}, så arbejdet blev stoppet ved tidsgrænsen. Filen er "
        "for stor eller for kompleks til at blive indlæst.",
    )
