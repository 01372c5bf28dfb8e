"""A server process loads what searches need before it takes its first request: its first
searches waited 0.8 and 0.3 s for them."""

from fastapi.testclient import TestClient

from ingest.language import detector
from nlp_models import curated_kb, embeddings
from search_api.query import english
from vidensbank.settings import get_settings
from web.app import app


def test_the_models_are_loaded_when_the_app_starts() -> None:
    detector.cache_clear()
    english.glossary.cache_clear()
    embeddings._model.cache_clear()
    curated_kb.forget()
    assert curated_kb._current is None
    with TestClient(app):
        assert curated_kb._current is not None
        assert detector.cache_info().currsize == 1
        assert english.glossary.cache_info().currsize == 1
        assert embeddings._model.cache_info().currsize == int(get_settings().embeddings)
