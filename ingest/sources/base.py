from typing import Any

from pydantic import BaseModel, Field

from vidensbank.errors import ExtractionError, ReasonCode


class Refusal(BaseModel):
    """Why a source refused an entry before anything was read from it."""

    code: ReasonCode
    reason: str


class SourceItem(BaseModel):
    """One file to ingest: where to fetch it, its identity, and what its publisher says of it.

    A source that finds an entry it must not or cannot read (a link out of the folder, a
    special file, a bad manifest entry) still returns it, refused, so the run shows it.
    """

    filename: str
    location: str
    source_uri: str
    metadata: dict[str, Any] = Field(default_factory=dict)
    refusal: Refusal | None = None
    # The document it belongs to, when the source knows it; otherwise ``source_uri`` decides.
    document_id: str | None = None

    def refuse(self, error: ExtractionError) -> "SourceItem":
        return self.model_copy(update={"refusal": Refusal(code=error.code, reason=error.message)})
