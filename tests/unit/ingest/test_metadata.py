"""Metadata: professionals (faggrupper) written one way; the ISBN read from the text; the
publisher's rights; the publisher, title, authors and date only as a document states them of
itself."""

import datetime as dt
import time

import pytest

from ingest.extract.base import EmbeddedMetadata, ExtractedPage
from ingest.metadata import (
    DocumentMetadata,
    find_isbn,
    normalise_professionals,
    publisher_rights,
    resolve_metadata,
    stated_authors,
    stated_publisher,
)


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


def _resolved(*texts: str, embedded: EmbeddedMetadata | None = None) -> DocumentMetadata:
    return resolve_metadata(
        source={},
        embedded=embedded or EmbeddedMetadata(),
        pages=_pages(*texts),
        filename="fil.pdf",
    )


@pytest.mark.parametrize(
    "texts",
    [
        # A news article about the work of one of the three.
        ["Unge i ungepanel\nSocialstyrelsen har tidligere peget på, at ungepaneler virker."],
        # A municipality's leaflet that refers readers to another.
        ["Kontakt\nSilkeborg Kommune\nDu kan skrive til Børns Vilkår eller ringe til os."],
        # A report that cites one of them once.
        ["Anbragte børns skolegang", "Undersøgelser fra VIVE har dokumenteret fravær."],
        # In running text, "udgivet af" is about another publication; a photo has its credit.
        ["Rapport", "Analysen, udgivet af VIVE i 2019, viste det.\n© Colourbox\nForord"],
    ],
)
def test_a_publisher_the_text_merely_mentions_is_not_the_documents(texts: list[str]) -> None:
    """A news article from another paper became Socialstyrelsen's, with its rights."""
    metadata = _resolved(*texts)
    assert metadata.publisher is None
    assert "rights" not in metadata.extra


@pytest.mark.parametrize(
    ("texts", "publisher"),
    [
        # A colophon's copyright line, the year after or before the name.
        (
            ["Børns stemmer i egen sag", "© Center for Børneperspektiver og Udsathed 2025"],
            "Center for Børneperspektiver og Udsathed",
        ),
        (["Pressemeddelelse\n© 2025 Landsforeningen Børn i Pleje"], "Landsforeningen Børn i Pleje"),
        # A colophon's statement, with an address after the name.
        (
            ["Titel", "Udgiver: Dansk Socialrådgiverforening, Toldbodgade 19"],
            "Dansk Socialrådgiverforening",
        ),
        # One of the three, by any of its names, gets its canonical name.
        (["Rapport\n© KORA 2015. Publikationen kan frit citeres."], "VIVE"),
        (
            ["Titel", "Tekst", "Tekst", "Tekst", "Tekst", "Udgivet af Social- og Boligstyrelsen"],
            "Socialstyrelsen",
        ),
        # A letterhead or masthead at the very top of the first page.
        (
            ["KOMMISSORIUM\nKommissorium for følgegruppen\nSocial- og Boligstyrelsen · 12-09-2023"],
            "Socialstyrelsen",
        ),
    ],
)
def test_the_publisher_is_the_one_the_document_states(texts: list[str], publisher: str) -> None:
    metadata = _resolved(*texts)
    assert metadata.publisher == publisher
    assert metadata.extra.get("rights") == publisher_rights().get(publisher)


def test_a_file_that_names_one_of_the_publishers_as_its_author_is_its() -> None:
    metadata = _resolved("Tekst", embedded=EmbeddedMetadata(authors=["Social- og Boligstyrelsen"]))
    assert metadata.publisher == "Socialstyrelsen"
    assert metadata.extra["rights"] == publisher_rights()["Socialstyrelsen"]


@pytest.mark.parametrize(
    "junk",
    [
        "Microsoft Word - rapport_final_v3.docx",
        "Microsoft PowerPoint - Oplæg om børnesamtalen",
        "untitled",
        "Uden titel",
        "Dokument1",
        "Presentation2",
        "rapport_final_v3",
        "Folder bekymring 2025 tryk.indd",
    ],
)
def test_a_title_the_software_wrote_gives_way_to_the_first_page(junk: str) -> None:
    """A report was listed as "Microsoft Word - rapport_final_v3.docx"."""
    metadata = _resolved(
        "Anbragte børns skolegang og trivsel\nEvaluering af projekt Skolestart",
        embedded=EmbeddedMetadata(title=junk),
    )
    assert metadata.title == "Anbragte børns skolegang og trivsel"


@pytest.mark.parametrize(
    "title",
    ["Barnets Lov i praksis", "Klar til 18?", "Børnene Først – baselinemåling", "Web 2.0 i skolen"],
)
def test_a_files_own_title_is_kept(title: str) -> None:
    assert _resolved("Forside", embedded=EmbeddedMetadata(title=title)).title == title


def test_implausible_authors_are_left_out() -> None:
    """A ministry's answer was by "jkl", a municipality's leaflet by "Grafisk"."""
    authors = [
        "jkl",
        "Grafisk",
        "Kommunikation",
        "mh@vive.dk",
        "VIVE\\mhj",
        "Bruger01",
        "Mette Lindholm Rasmussen",
        "Holm, M.",
        "Socialstyrelsen",
        "Social- og Boligstyrelsen",
        "VIVE",
        "Landsforeningen Børn i Pleje",
        "Rambøll",
    ]
    assert _resolved("Tekst", embedded=EmbeddedMetadata(authors=authors)).authors == [
        "Mette Lindholm Rasmussen",
        "Holm, M.",
        "Socialstyrelsen",
        "Social- og Boligstyrelsen",
        "VIVE",
        "Landsforeningen Børn i Pleje",
        "Rambøll",  # a firm that writes evaluations was thrown away as a lone word
    ]


@pytest.mark.parametrize(
    ("texts", "authors"),
    [
        # On the colophon page, after the title page.
        (
            [
                "Børns stemmer i egen sag",
                "© Center for Børneperspektiver og Udsathed 2025\n"
                "Forfattere: Mette Kjærgaard Holm, Jonas Brandt Lauridsen og Sara Ebbesen\n"
                "Layout: Tryk & Form ApS",
            ],
            ["Mette Kjærgaard Holm", "Jonas Brandt Lauridsen", "Sara Ebbesen"],
        ),
        # A list that goes on in the next line; a role in parentheses is no part of a name.
        (
            ["Notat\nAf: Anne-Marie Juul Skovgaard (red.),\nPeter Brix Olesen\nIndledning"],
            ["Anne-Marie Juul Skovgaard", "Peter Brix Olesen"],
        ),
        (["Forfatter(e): Karen Thygesen Bak"], ["Karen Thygesen Bak"]),
        # "Af" that begins a sentence, and a line that names no people.
        (["Af de 46 børn havde 31 fået et bedre udbytte.\nForfattere: se bagsiden"], []),
    ],
)
def test_authors_come_from_an_explicit_line_on_the_first_pages(
    texts: list[str], authors: list[str]
) -> None:
    assert _resolved(*texts).authors == authors


def test_a_files_authors_come_before_those_the_text_lists() -> None:
    embedded = EmbeddedMetadata(authors=["Mette Holm"])
    assert _resolved("Forfatter: Jens Berg", embedded=embedded).authors == ["Mette Holm"]


@pytest.mark.parametrize(
    ("published", "kept"),
    [
        (dt.date(2025, 11, 14), True),
        (dt.date(1899, 12, 31), False),
        (dt.date(1, 1, 1), False),
        (dt.date.today() + dt.timedelta(days=400), False),
        (dt.date.today() + dt.timedelta(days=1), True),
    ],
)
def test_a_date_before_1900_or_far_ahead_is_no_publication_date(
    published: dt.date, kept: bool
) -> None:
    metadata = _resolved("Tekst", embedded=EmbeddedMetadata(published=published))
    assert metadata.published == (published if kept else None)


@pytest.mark.parametrize(
    "line",
    [
        "Af: Ab,",
        "© " + "Ab " * 50_000,
        "Forfattere: " + "Ab og " * 50_000,
        "Udgiver: " + " " * 50_000,
    ],
)
def test_a_page_of_colophon_like_lines_is_read_in_time(line: str) -> None:
    """The statements are looked for in a few lines of a colophon, not in every line of a
    page of millions of characters."""
    pages = _pages("\n".join([line] * (5_000_000 // len(line))))
    started = time.monotonic()
    assert stated_authors(pages) == []
    assert stated_publisher(pages) in (None, "Ab")
    assert time.monotonic() - started < 3


def test_a_stamp_on_a_page_waiting_for_ocr_is_no_title() -> None:
    """A stamped scan was titled "Modtaget 12.03.2024"; OCR's text titles it instead."""
    pages = [ExtractedPage(number=1, text="Modtaget 12.03.2024", needs_ocr=True)]
    metadata = resolve_metadata(
        source={}, embedded=EmbeddedMetadata(), pages=pages, filename="scanning.pdf"
    )
    assert metadata.title == "scanning.pdf"


def _published(embedded: EmbeddedMetadata, colophon: str) -> dt.date | None:
    pages = [
        ExtractedPage(number=1, text="Børn i egen sag"),
        ExtractedPage(number=2, text=colophon),
    ]
    resolved = resolve_metadata(source={}, embedded=embedded, pages=pages, filename="r.pdf")
    return resolved.published


def test_a_pdf_made_after_its_colophons_year_is_dated_by_the_colophon() -> None:
    """A report "Udgivet af VIVE, september 2025" in a file made in 2026 was dated, and cited,
    2026. A file's date in the colophon's year is kept (it has the day), and a web page's date
    is what the page states, not a file's."""
    colophon = "Udgivet af VIVE, september 2025\n© VIVE 2025\nISBN 978-87-7582-214-0"
    made = dt.date(2026, 12, 5)
    pdf = EmbeddedMetadata(published=made, dated_by_file=True)
    assert _published(pdf, colophon) == dt.date(2025, 9, 1)
    assert _published(EmbeddedMetadata(dated_by_file=True), "Udgivet 8. maj 2012") == dt.date(
        2012, 5, 8
    )
    same_year = EmbeddedMetadata(published=dt.date(2025, 9, 17), dated_by_file=True)
    assert _published(same_year, colophon) == dt.date(2025, 9, 17)
    assert _published(EmbeddedMetadata(published=made), colophon) == made
    assert _published(pdf, "© Colourbox") == made


def test_a_colophons_postcode_range_or_edition_is_read_as_it_is_meant() -> None:
    """A postcode was a year ("2000 Frederiksberg"), a range gave its first year, an edition
    of two digits and an impossible day gave nothing."""
    made = EmbeddedMetadata(published=dt.date(2022, 3, 1), dated_by_file=True)
    for colophon, published in (
        ("Udgivet af Frederiksberg Kommune, Smallegade 1, 2000 Frederiksberg", dt.date(2022, 3, 1)),
        ("Copyright 2008-2021 Socialstyrelsen", dt.date(2021, 1, 1)),
        ("© 2019 Socialstyrelsen", dt.date(2019, 1, 1)),
        ("12. udgave, marts 2020", dt.date(2020, 3, 1)),
        ("Udgivet: 31. februar 2020", dt.date(2020, 2, 1)),
    ):
        assert _published(made, colophon) == published, colophon
