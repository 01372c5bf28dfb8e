"""Extraction: one extractor per format, picked by a registry from what each declares."""

from ingest.extract.base import ExtractedDocument, ExtractedPage, Extractor
from ingest.extract.registry import EXTRACTORS, extract

__all__ = ["EXTRACTORS", "ExtractedDocument", "ExtractedPage", "Extractor", "extract"]
