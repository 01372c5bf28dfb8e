"""The JSON API: routes and the public models of documents, entities, runs and health."""
