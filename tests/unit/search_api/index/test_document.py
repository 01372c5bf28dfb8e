"""The index document and the mapping name the same fields."""

from typing import Any

from pydantic import BaseModel

from nlp_models.linking import paragraph_numbers
from search_api.index.document import IndexDocument, to_index_document
from search_api.index.lifecycle import PRODUCTION, mapping
from vidensbank.store.documents import Document, Page


def fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field names of a model, with those of nested models (lists of models included)."""
    names: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        inner = info.annotation
        for arg in getattr(inner, "__args__", ()) or (inner,):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names[name] = fields(arg)
                break
        else:
            names[name] = None
    return names


def mapped(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        name: mapped(spec["properties"]) if "properties" in spec else None
        for name, spec in properties.items()
    }


def test_index_document_is_the_mapping_field_for_field() -> None:
    expected = mapped(mapping(PRODUCTION)["properties"])
    # A completion field is mapped as one field; its document gives the inputs.
    expected["suggest"] = expected["suggest_title"] = {"input": None}
    assert fields(IndexDocument) == expected


def test_professionals_are_indexed_one_way_and_filtered_without_regard_to_case() -> None:
    # Stored before ingest wrote them one way: the index document still has one "lærer".
    stored = Document(
        id="d1",
        source_uri="file:///d1.pdf",
        filename="d1.pdf",
        title="Dialogkort",
        authors=[],
        extra={"professional": ["Lærer", "lærer", "AKT-lærer"]},
        pages=[],
        entities=[],
    )
    assert to_index_document(stored).professional == ["lærer", "AKT-lærer"]
    professional = mapping(PRODUCTION)["properties"]["professional"]
    assert professional["normalizer"] == "lowercase"
    assert professional["fields"]["as_written"]["type"] == "keyword"


def test_the_paragraphs_a_text_refers_to_are_indexed_by_their_numbers() -> None:
    """The tokenizer drops "§": in the text "§ 52" is the number 52 of any table."""
    pages = [
        "Efter servicelovens § 52, stk. 3, nr. 7 og §§ 76 og 76 a. Tabel 12: 52 sager i 2023.",
        "Barnets lov § 47 og § 52 igen; § 50, 2023 og en § 50-undersøgelse.",
    ]
    stored = Document(
        id="d1",
        source_uri="file:///d1.pdf",
        filename="d1.pdf",
        title="Vejledning",
        authors=[],
        pages=[Page(number=n, text=text) for n, text in enumerate(pages, 1)],
        entities=[],
    )
    assert to_index_document(stored).paragraphs == ["52", "76", "47", "50"]


def test_a_paragraphs_parts_and_a_number_after_it_are_no_paragraphs() -> None:
    """ "§ 52, stk. 3 og 4" gave 52 and 4, so a search for "§ 4" found it; several paragraphs
    take "§§"."""
    assert paragraph_numbers("§ 52, stk. 3 og 4") == ["52"]
    assert paragraph_numbers("§ 68, stk. 1, nr. 2 og 3; jf. § 5, 2. pkt.") == ["68", "5"]
    assert paragraph_numbers("efter § 52, 100 børn blev anbragt") == ["52"]
    assert paragraph_numbers("§§ 52, 76 og 76 a, stk. 3") == ["52", "76"]
