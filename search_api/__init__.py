"""Index and query: the Elasticsearch side, and the JSON API on top of it."""
