"""The index document and the mapping name the same fields."""

from typing import Any

from pydantic import BaseModel

from search_api.index.document import IndexDocument
from search_api.index.lifecycle import PRODUCTION, mapping


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
    # The completion field is mapped as one field; its document gives the inputs.
    expected["suggest"] = {"input": None}
    assert fields(IndexDocument) == expected
