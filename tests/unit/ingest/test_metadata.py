"""Metadata written one way: professionals (faggrupper) that differ only in case are one value."""

import pytest

from ingest.extract.base import EmbeddedMetadata
from ingest.metadata import normalise_professionals, resolve_metadata


@pytest.mark.parametrize(
    ("given", "written"),
    [
        (["Lærer", "lærer", "LÆRER"], ["lærer"]),
        (["Pædagog", "pædagog på opholdssted"], ["pædagog", "pædagog på opholdssted"]),
        (["Sagsbehandler i myndighedsafdelingen"], ["sagsbehandler i myndighedsafdelingen"]),
        (["AKT-lærer", "SSP-medarbejder"], ["AKT-lærer", "SSP-medarbejder"]),
        (["  Frivillig   bisidder "], ["frivillig bisidder"]),
        (["", "   "], []),
    ],
)
def test_professionals_are_written_one_way(given: list[str], written: list[str]) -> None:
    assert normalise_professionals(given) == written


def test_ingest_stores_the_professionals_written_one_way() -> None:
    metadata = resolve_metadata(
        source={"title": "Dialogkort", "professional": ["Lærer", "Pædagog", "lærer"]},
        embedded=EmbeddedMetadata(),
        pages=[],
        filename="dialogkort.pdf",
    )
    assert metadata.extra["professional"] == ["lærer", "pædagog"]
