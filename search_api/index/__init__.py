"""The search index: analysis, mapping, lifecycle, the stored document and the index step."""
