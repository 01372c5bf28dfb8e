"""The SQL store (the source of truth), the blob store of originals, and their migrations."""
