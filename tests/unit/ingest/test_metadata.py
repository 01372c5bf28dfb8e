"""Metadata: professionals (faggrupper) written one way; the ISBN read from the text; the
publisher's rights."""

import pytest

from ingest.extract.base import EmbeddedMetadata, ExtractedPage
from ingest.metadata import find_isbn, normalise_professionals, publisher_rights, resolve_metadata


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


def _pages(*texts: str) -> list[ExtractedPage]:
    return [ExtractedPage(number=n, text=text) for n, text in enumerate(texts, start=1)]


@pytest.mark.parametrize(
    ("texts", "isbn"),
    [
        # On the title page, as the sample corpus prints it.
        (["Rapport\nVIVE 2019\nISBN: 978-87-7119-688-7 (e-bog)"], "978-87-7119-688-7"),
        # Print and e-book side by side in the colophon: the e-book is the file at hand.
        (
            ["Forside", "ISBN 978-87-7119-031-1 (trykt)\nISBN 978-87-7119-854-6 (pdf)"],
            "978-87-7119-854-6",
        ),
        # Spaces for hyphens, and an ISBN-10 with X as its check digit.
        (["Kolofon\nISBN-13: 978 87 7582 014 6"], "978-87-7582-014-6"),
        (["ISBN 87-7119-01-X? nej: ISBN 0-306-40615-2"], "0-306-40615-2"),
        # A wrong check digit is a misprint or another number: left out.
        (["ISBN 978-87-7119-688-8"], None),
        # On the last page of a long report (the colophon at the back).
        (
            [*(["Tekst"] * 10), "Udgivet af Socialstyrelsen\nISBN 978-87-7582-956-9"],
            "978-87-7582-956-9",
        ),
        # In the middle of a long report: a reference to another book, not this one's.
        ([*(["Tekst"] * 5), "jf. ISBN 978-87-7582-956-9", *(["Tekst"] * 5)], None),
    ],
)
def test_the_isbn_is_read_from_the_title_or_colophon_page(
    texts: list[str], isbn: str | None
) -> None:
    assert find_isbn(_pages(*texts)) == isbn


def test_rights_come_from_the_publisher_and_a_correction_overrides_them() -> None:
    pages = _pages("ISBN 978-87-7119-688-7")
    metadata = resolve_metadata(
        source={"title": "Rapport", "publisher": "VIVE"},
        embedded=EmbeddedMetadata(),
        pages=pages,
        filename="r.pdf",
    )
    assert metadata.extra["rights"] == publisher_rights()["VIVE"]
    assert metadata.extra["isbn"] == "978-87-7119-688-7"
    assert metadata.extra["language"] == "da"
    corrected = resolve_metadata(
        source={"title": "Rapport", "publisher": "VIVE", "rights": "CC BY 4.0", "isbn": "x"},
        embedded=EmbeddedMetadata(),
        pages=pages,
        filename="r.pdf",
    )
    assert corrected.extra["rights"] == "CC BY 4.0" and corrected.extra["isbn"] == "x"
    unknown = resolve_metadata(
        source={"title": "Notat", "publisher": "Et konsulenthus"},
        embedded=EmbeddedMetadata(),
        pages=[],
        filename="n.pdf",
    )
    assert "rights" not in unknown.extra and "isbn" not in unknown.extra
    assert set(publisher_rights()) == {"VIVE", "Børns Vilkår", "Socialstyrelsen"}
