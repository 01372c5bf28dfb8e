"""Extraction: one extractor per format, picked by a registry (``ingest.extract.registry``) from
what each declares. The package itself imports nothing: what only needs a helper of it (a
manifest reading its authors) does not pay for loading every extractor."""
