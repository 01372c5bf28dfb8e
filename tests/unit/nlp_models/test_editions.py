"""Editions: how alike two texts are, and the groups the linking step makes of them on a real
SQLite database (no search engine)."""

import random
from collections.abc import Iterator

import pytest

from nlp_models.editions import (
    MIN_WORDS,
    Signature,
    link_documents,
    normalised_words,
    signature,
)
from tests.documents import store_document
from tests.editions import (
    OTHER_REPORT,
    REPORT,
    as_web_page,
    page_texts,
    second_edition,
    spec,
)
from vidensbank.settings import get_settings
from vidensbank.store import documents as document_store
from vidensbank.store import editions as edition_store
from vidensbank.store.db import migrate, session_scope


def similarity(a: list[str], b: list[str]) -> float:
    first, second = signature(a), signature(b)
    assert first is not None and second is not None
    return first.similarity(second)


@pytest.fixture(scope="module", autouse=True)
def own_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A database of this module's own: the integration tests of the same session have linked
    the sample corpus's reports, which these groups must not join."""
    url = f"sqlite:///{tmp_path_factory.mktemp('udgaver') / 'vidensbank.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VB_DATABASE_URL", url)
        get_settings.cache_clear()
        migrate()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def texts() -> dict[str, list[str]]:
    report = spec(REPORT)
    return {
        "pdf": page_texts(report),
        "web": page_texts(as_web_page(report)),
        "second": page_texts(second_edition(report)),
        "other": page_texts(spec(OTHER_REPORT)),
    }


def test_the_words_are_compared_without_case_hyphenation_or_layout() -> None:
    assert normalised_words(["Part-\nnerskabet  om\n\nBØRN,", "gå-hjem-møder\u00adne"]) == [
        "partnerskabet",
        "om",
        "børn",
        "gå",
        "hjem",
        "møderne",
    ]


def test_a_report_as_pdf_and_as_a_web_page_is_one_text(texts: dict[str, list[str]]) -> None:
    assert similarity(texts["pdf"], texts["web"]) >= 0.7


def test_a_second_edition_is_linked(texts: dict[str, list[str]]) -> None:
    threshold = get_settings().edition_threshold
    assert threshold + 0.15 <= similarity(texts["pdf"], texts["second"]) < 0.95


def test_two_reports_of_one_publisher_and_kind_are_not(texts: dict[str, list[str]]) -> None:
    # Same cover, colophon, footer and kind of headings: the boilerplate weighs nothing.
    assert similarity(texts["pdf"], texts["other"]) < 0.1
    assert similarity(texts["web"], texts["other"]) < 0.1


def test_a_text_too_short_to_compare_has_no_signature() -> None:
    assert signature(["Kort nyhed om børn."] * 3) is None
    words = [f"ord{i}" for i in range(MIN_WORDS)]
    found = signature([" ".join(words)])
    assert found is not None
    assert Signature.from_bytes(found.to_bytes()).similarity(found) == 1.0
    # Equal texts share every band; the band keys are what the SQL index finds them by.
    assert found.band_keys() == signature([" ".join(words)]).band_keys()  # type: ignore[union-attr]


def paragraph(number: int) -> str:
    rng = random.Random(number)
    return " ".join(f"ord{rng.randrange(10**6)}" for _ in range(200))


@pytest.fixture(scope="module", autouse=True)
def database() -> None:
    migrate()


def link(document_id: str, pages: list[str]) -> list[str]:
    with session_scope() as session:
        return link_documents(session, documents={document_id: pages})


def groups(*document_ids: str) -> dict[str, str | None]:
    with session_scope() as session:
        found = edition_store.groups_of(session, document_ids=document_ids)
    return {d: found.get(d) for d in document_ids}


def others(document_id: str) -> list[str]:
    with session_scope() as session:
        return [d.id for d in edition_store.other_editions(session, document_id=document_id)]


def store(document_id: str, pages: list[str], publisher: str = "VIVE") -> None:
    with session_scope() as session:
        store_document(session, document_id, title=document_id, publisher=publisher, pages=pages)
        document_store.set_document_status(session, document_ids=[document_id], status="indexed")


def test_editions_are_one_group_named_for_the_first_and_a_withdrawn_one_leaves_the_list(
    texts: dict[str, list[str]],
) -> None:
    store("udg-pdf", texts["pdf"])
    store("udg-anden", texts["other"])
    store("udg-web", texts["web"], publisher="Socialstyrelsen")
    store("udg-2", texts["second"])
    assert link("udg-pdf", texts["pdf"]) == []
    assert link("udg-anden", texts["other"]) == []
    assert sorted(link("udg-web", texts["web"])) == ["udg-pdf", "udg-web"]
    assert sorted(link("udg-2", texts["second"])) == ["udg-2"]
    assert groups("udg-pdf", "udg-web", "udg-2", "udg-anden") == {
        "udg-pdf": "udg-pdf",
        "udg-web": "udg-pdf",
        "udg-2": "udg-pdf",
        "udg-anden": None,
    }
    assert sorted(others("udg-web")) == ["udg-2", "udg-pdf"]
    # Linking again changes nothing.
    assert link("udg-2", texts["second"]) == []

    with session_scope() as session:
        document_store.withdraw_document(session, document_id="udg-2", reason="Erstattet.")
    assert sorted(others("udg-pdf")) == ["udg-web"]
    assert groups("udg-2") == {"udg-2": "udg-pdf"}


def test_a_document_whose_text_changed_leaves_its_group_and_a_chain_falls_apart() -> None:
    # Each shares two of its three parts with the next: the first and the last are alike only
    # through the middle one.
    first = [paragraph(1), paragraph(2), paragraph(3)]
    middle = [paragraph(2), paragraph(3), paragraph(4)]
    last = [paragraph(3), paragraph(4), paragraph(5)]
    for document_id, pages in (("kaede-1", first), ("kaede-2", middle), ("kaede-3", last)):
        store(document_id, pages)
        link(document_id, pages)
    assert set(groups("kaede-1", "kaede-2", "kaede-3").values()) == {"kaede-1"}

    changed = [paragraph(6), paragraph(7), paragraph(8)]
    assert sorted(link("kaede-2", changed)) == ["kaede-1", "kaede-2", "kaede-3"]
    assert groups("kaede-1", "kaede-2", "kaede-3") == {
        "kaede-1": None,
        "kaede-2": None,
        "kaede-3": None,
    }

    # Back as it was: one group again, under the first one's id.
    link("kaede-2", middle)
    assert set(groups("kaede-1", "kaede-2", "kaede-3").values()) == {"kaede-1"}


def test_a_batch_is_linked_as_its_documents_one_by_one() -> None:
    """The same shapes twice, with texts of their own: one linked a document at a time, the
    other as one batch, after a document each that the batch has an edition of."""

    def shapes(seed: int) -> tuple[list[str], dict[str, list[str]]]:
        def part(n: int) -> str:
            return paragraph(seed + n)

        earlier = [part(10), part(11), part(12)]
        return earlier, {
            "kaede-1": [part(1), part(2), part(3)],
            "kaede-2": [part(2), part(3), part(4)],
            "kaede-3": [part(3), part(4), part(5)],
            "alene": [part(6), part(7)],
            "kort": ["For kort til at sammenligne."],
            "udgave": [part(10), part(11), part(13)],
        }

    results = {}
    for prefix, seed, one_at_a_time in (("enkelt", 100, True), ("parti", 200, False)):
        earlier, batch = shapes(seed)
        store(f"{prefix}-tidligere", earlier)
        link(f"{prefix}-tidligere", earlier)
        for name, pages in batch.items():
            store(f"{prefix}-{name}", pages)
        if one_at_a_time:
            changed = {d for name, pages in batch.items() for d in link(f"{prefix}-{name}", pages)}
        else:
            with session_scope() as session:
                changed = set(
                    link_documents(
                        session,
                        documents={f"{prefix}-{name}": pages for name, pages in batch.items()},
                    )
                )
        found = groups(*(f"{prefix}-{name}" for name in ["tidligere", *batch]))
        results[prefix] = (
            {d.removeprefix(prefix) for d in changed},
            {d.removeprefix(prefix): (g or "").removeprefix(prefix) for d, g in found.items()},
        )
    assert results["parti"] == results["enkelt"]
    moved, grouped = results["parti"]
    assert moved == {"-tidligere", "-udgave", "-kaede-1", "-kaede-2", "-kaede-3"}
    assert grouped["-kaede-3"] == "-kaede-1" and grouped["-udgave"] == "-tidligere"
    assert grouped["-alene"] == grouped["-kort"] == ""
