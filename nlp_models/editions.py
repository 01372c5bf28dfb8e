"""Editions and near-duplicates: the same text as a PDF and a web page, from two publishers, or
in a new edition.

A document's text becomes a MinHash signature over its word shingles: the share of equal
values in two signatures estimates the Jaccard similarity of the two texts' shingle sets. The
signature is cut into bands; documents that share a band (its values hashed to one bucket) are
candidates, and a candidate whose estimated similarity reaches the threshold is linked. The
bands are stored in SQL, so a new document is compared with the stored ones without reading
their text again (``vidensbank.store.editions``).
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy.orm import Session

from vidensbank.settings import get_settings
from vidensbank.store import editions as edition_store

if TYPE_CHECKING:
    from datasketch import MinHash

# Raise when the normalisation, shingles or hashing change: every signature is made again.
SIGNATURE_VERSION = "1"
# Three-word shingles: an edition with a fifth of its words changed here and there keeps half
# its shingles, while different reports of one publisher share under a tenth (bench/editions.py).
SHINGLE_WORDS = 3
PERMUTATIONS = 128
# 64 bands of 2 values: a pair at the threshold's similarity (0.3) becomes a candidate with
# probability 1 - (1 - 0.3**2)**64 = 0.998; at 0.05 (unrelated texts) with 0.15, and those few
# cost one signature compared each.
BANDS = 64
ROWS = PERMUTATIONS // BANDS
# A text shorter than this many words says too little to be called the same as another.
MIN_WORDS = 50
_SEED = 1

_SOFT_HYPHEN = "\u00ad"
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-\s*\n\s*(?=[^\W\d_])")
_WORD = re.compile(r"[^\W_]+")


def normalised_words(pages: Sequence[str]) -> list[str]:
    """The words of a text as a comparison sees them: lower-case, a word split at a line end
    joined again, punctuation and layout gone. Running headers and footers are mostly gone
    already (extraction drops them); what remains of them weighs little in a long text."""
    text = "\n".join(pages).replace(_SOFT_HYPHEN, "")
    text = _LINE_END_HYPHEN.sub("", text)
    return _WORD.findall(text.lower())


def shingles(words: Sequence[str]) -> set[bytes]:
    """Every run of ``SHINGLE_WORDS`` words, encoded (a text shorter than that is one run)."""
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode()}
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # PERMUTATIONS unsigned 64-bit hash values

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature":
        return cls(np.frombuffer(data, dtype="<u8").copy())

    def similarity(self, other: "Signature") -> float:
        """The estimated Jaccard similarity of the two texts' shingles."""
        return float(np.count_nonzero(self.values == other.values)) / PERMUTATIONS

    def band_keys(self) -> list[int]:
        """One signed 64-bit bucket per band (SQL's BIGINT), the band's number mixed in."""
        keys = []
        for band in range(BANDS):
            chunk = self.values[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
            digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return keys


def load_minhash() -> None:
    """Import the MinHash library now. It is imported when first needed: datasketch imports
    scipy (most of a second), which the web app, importing this module for a curator's
    decision, need not pay for at start; a worker calls this before it forks, so that its
    children do not each pay for it on their first document."""
    import datasketch  # noqa: F401


@cache
def _blank_minhash() -> "MinHash":
    """An empty MinHash of the seed: its hash permutations are drawn once, not for every
    document."""
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=_SEED)


def signature(pages: Sequence[str]) -> Signature | None:
    """The text's signature; None for a text too short to compare."""
    from datasketch import LeanMinHash

    words = normalised_words(pages)
    if len(words) < MIN_WORDS:
        return None
    minhash = _blank_minhash().copy()
    minhash.update_batch(list(shingles(words)))
    return Signature(np.asarray(LeanMinHash(minhash).hashvalues, dtype=np.uint64))


def link_documents(session: Session, *, documents: Mapping[str, Sequence[str]]) -> list[str]:
    """Store each document's signature (``documents``: its pages) and work out its edition
    group again, with every group the documents touch (their old ones, which may fall apart
    without them, and their neighbours'); return the documents whose group changed.

    A batch is linked together: its signatures are stored first, so each of its documents
    finds the others, and the database is read once for all of them."""
    threshold = get_settings().edition_threshold
    edition_store.lock_editions(session)
    found = {document_id: signature(pages) for document_id, pages in documents.items()}
    signed = {document_id: sig for document_id, sig in found.items() if sig is not None}
    keys = {document_id: sig.band_keys() for document_id, sig in signed.items()}
    edition_store.put_signatures(
        session,
        version=SIGNATURE_VERSION,
        signatures={
            document_id: (sig.to_bytes() if sig else b"", keys.get(document_id, []))
            for document_id, sig in found.items()
        },
    )
    sharing = edition_store.band_members(session, keys=[k for own in keys.values() for k in own])
    candidates = {
        document_id: {other for key in own for other in sharing.get(key, ())} - {document_id}
        for document_id, own in keys.items()
    }
    known = edition_store.signatures(
        session, document_ids=set().union(*candidates.values()), version=SIGNATURE_VERSION
    )
    neighbours = {
        other
        for document_id, others in candidates.items()
        for other in others & known.keys()
        if signed[document_id].similarity(Signature.from_bytes(known[other])) >= threshold
    }
    touched = set(documents) | neighbours
    groups = set(edition_store.groups_of(session, document_ids=touched).values())
    if not groups and not neighbours:
        return []  # alone before and alone now: most documents, and nothing more to read
    touched |= set(edition_store.members(session, group_ids=groups))
    stored = edition_store.signatures(session, document_ids=touched, version=SIGNATURE_VERSION)
    # A document a curator keeps apart is compared with none.
    apart = edition_store.separated(session, document_ids=touched)
    sigs = {d: Signature.from_bytes(data) for d, data in stored.items() if data and d not in apart}
    # A group's id is its first ingested member's.
    rank = {d: i for i, d in enumerate(edition_store.oldest_first(session, document_ids=touched))}
    assignment: dict[str, str | None] = {}
    for component in _components(sorted(touched), sigs, threshold):
        group = min(component, key=rank.__getitem__) if len(component) > 1 else None
        assignment |= dict.fromkeys(component, group)
    return edition_store.set_groups(session, groups=assignment)


def _components(
    documents: list[str], sigs: Mapping[str, Signature], threshold: float
) -> list[list[str]]:
    """The documents joined by similar pairs, each set of them one edition group (a chain of
    editions is one group, its first and last alike or not)."""
    parent = {d: d for d in documents}

    def root(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for a, b in combinations(documents, 2):
        if a in sigs and b in sigs and sigs[a].similarity(sigs[b]) >= threshold:
            parent[root(a)] = root(b)
    components: dict[str, list[str]] = {}
    for d in documents:
        components.setdefault(root(d), []).append(d)
    return list(components.values())
