"""Sources: where files come from. Each returns ``SourceItem``s for an ingest run."""

from ingest.sources.base import SourceItem
from ingest.sources.folder import items_from_path
from ingest.sources.url import fetch_url, is_web_address, item_from_url

__all__ = ["SourceItem", "fetch_url", "is_web_address", "item_from_url", "items_from_path"]
