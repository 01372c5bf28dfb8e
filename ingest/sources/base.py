from typing import Any

from pydantic import BaseModel, Field


class SourceItem(BaseModel):
    """One file to ingest: where to fetch it, its identity, and what its publisher says of it."""

    filename: str
    location: str
    source_uri: str
    metadata: dict[str, Any] = Field(default_factory=dict)
