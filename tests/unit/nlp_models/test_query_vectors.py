"""A query's vector, and what the cache keeps of it."""

import math

from nlp_models.embeddings import DIMENSIONS, _cached_query_vector, embed_query, query_vector


def test_a_query_vector_is_kept_as_float32_and_given_as_embedded() -> None:
    """The cache kept each vector as a tuple of Python floats: 12 KB a query, about 48 MB of
    every server process when full."""
    text = "samvær for anbragte børn"
    vector = embed_query(text)
    assert len(vector) == DIMENSIONS
    assert math.isclose(math.fsum(x * x for x in vector), 1.0, abs_tol=1e-3)
    assert embed_query(text) == vector == tuple(query_vector(text).tolist())
    kept = _cached_query_vector(text)
    assert isinstance(kept, bytes) and len(kept) == DIMENSIONS * 4
