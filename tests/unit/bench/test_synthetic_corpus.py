"""The synthetic corpus of the scale benchmark (``bench/synthetic_corpus.py``): the same
documents for a seed, the pages asked for, Danish text naming knowledge-base records."""

import importlib
import sys
from pathlib import Path

import pytest

from ingest.language import detect_language
from nlp_models.knowledge_base import load_knowledge_base
from vidensbank.settings import get_settings

# The benchmarks are scripts that import each other from their folder, not a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
synthetic_corpus = importlib.import_module("synthetic_corpus")


def test_a_seed_gives_the_same_documents_and_another_seed_others() -> None:
    first = list(synthetic_corpus.documents(400, seed=7))
    again = list(synthetic_corpus.documents(400, seed=7))
    other = list(synthetic_corpus.documents(400, seed=8))
    assert first == again
    assert [d.pages for d in first] != [d.pages for d in other]
    assert len({d.id for d in first}) == len(first)


@pytest.mark.parametrize("pages", [1, 9, 250, 1234])
def test_the_documents_hold_the_pages_asked_for(pages: int) -> None:
    assert sum(len(d.pages) for d in synthetic_corpus.documents(pages, seed=3)) == pages


def test_documents_come_in_the_sizes_of_the_literature() -> None:
    sizes = [len(d.pages) for d in synthetic_corpus.documents(5_000, seed=1)][:-1]
    assert any(2 <= size <= 10 for size in sizes)
    assert any(20 <= size <= 120 for size in sizes)
    assert any(150 <= size <= 300 for size in sizes)
    assert all(2 <= size <= 300 for size in sizes)


def test_the_text_is_danish_and_names_the_entities_it_carries() -> None:
    kb = load_knowledge_base(get_settings().kb_dir)
    docs = list(synthetic_corpus.documents(300, seed=5))
    for doc in docs:
        text = "\n".join(doc.pages)
        assert detect_language(doc.pages[-1]) == "da"
        assert doc.entities
        for entity in doc.entities:
            record = kb.get(entity.kb_id)
            assert record is not None
            assert (entity.canonical, entity.label) == (record.name, record.type)
            assert entity.canonical in text
    labels = {e.label for doc in docs for e in doc.entities}
    assert {"LAW", "ORG", "LOC"} <= labels
