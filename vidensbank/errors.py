"""One exception tree, grouped by cause.

Errors in the data (a file we cannot read, a bad request) are never retried; an unavailable
dependency is. Every error a user can see carries an HTTP status and a Danish message.
"""


class VidensbankError(Exception):
    """Base of all errors the project raises on purpose."""

    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequestError(VidensbankError):
    """The request is malformed or asks for something we do not allow."""

    status = 400


class NotFoundError(VidensbankError):
    status = 404


class PayloadTooLargeError(BadRequestError):
    status = 413


class DependencyUnavailableError(VidensbankError):
    """Elasticsearch, the database or the broker cannot be reached right now."""

    status = 503


class ExtractionError(VidensbankError):
    """A file that cannot be read. ``code`` is stable and machine-readable."""

    status = 422

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
