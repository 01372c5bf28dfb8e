"""The language of texts, pages and documents (texts written for these tests)."""

import pytest

from ingest.extract.base import EmbeddedMetadata, ExtractedPage
from ingest.language import (
    DEFAULT_LANGUAGE,
    declared_language,
    detect_language,
    document_languages,
    plainly_danish,
)
from ingest.metadata import resolve_metadata

DANISH = {
    "report": (
        "Undersøgelsen viser, at kommunerne i stigende grad inddrager børnene i deres egen sag, "
        "men at samtalerne ofte finder sted sent i forløbet. Sagsbehandlerne peger på travlhed "
        "og skiftende kolleger som de vigtigste årsager."
    ),
    "tool": (
        "Sådan bruger du dialogkortene: Læg kortene med billedsiden opad, og lad barnet vælge "
        "det kort, der passer bedst til, hvordan det har det i dag. Spørg åbent, og giv tid."
    ),
    "news": (
        "Regeringen har afsat 40 mio. kr. til en ny pulje, der skal styrke efterværnet for unge, "
        "som har været anbragt uden for hjemmet. Kommunerne kan søge fra 1. marts."
    ),
    "letter": (
        "Ministeren har modtaget spørgsmål nr. 212 fra udvalget og skal hermed svare, at "
        "Ankestyrelsen vil undersøge praksis i sager om samvær under anbringelse i løbet af året."
    ),
    # Danish text around an English quote and English titles: still Danish.
    "quotes": (
        'I rapporten citeres en britisk forsker for, at "children should be heard in every '
        'decision", og forfatterne henviser til bogen Working with Children in Care. Men de '
        "danske kommuner har valgt en anden vej, hvor barnets egne ord skrives ind i planen."
    ),
}
ENGLISH = {
    "summary": (
        "This report examines how Danish municipalities involve children in decisions about "
        "their own placement. Caseworkers reported that conversations often took place late."
    ),
    "web page": (
        "Our counsellors answer calls from children every day. Here you can read what children "
        "told us about bullying, divorce and feeling lonely, and how adults can help them."
    ),
    "abstract": (
        "Background: Few studies have followed care leavers after their eighteenth birthday. "
        "Methods: We interviewed 42 young people twice over two years."
    ),
    # English with Danish names of laws and bodies in it: still English.
    "names": (
        "Since Barnets Lov came into force in 2024, Socialstyrelsen and Kommunernes "
        "Landsforening have published guidance on how the child's own plan should be written."
    ),
}


@pytest.mark.parametrize("genre", DANISH)
def test_danish_texts_are_danish(genre: str) -> None:
    assert detect_language(DANISH[genre]) == "da"


@pytest.mark.parametrize("genre", ENGLISH)
def test_english_texts_are_english(genre: str) -> None:
    assert detect_language(ENGLISH[genre]) == "en"


def test_only_plain_danish_skips_the_detector() -> None:
    # Plain Danish prose is told by its short words alone.
    assert all(plainly_danish(DANISH[genre]) for genre in ("report", "tool", "news", "letter"))
    # A Danish text around an English quote, English text and a list of names are for lingua.
    assert not plainly_danish(DANISH["quotes"])
    assert not any(plainly_danish(text) for text in ENGLISH.values())
    assert not plainly_danish("Socialstyrelsen, Ankestyrelsen, Børns Vilkår, VIVE, Børnerådet")
    assert not plainly_danish("2024 – 17 – 3,5 %")


def test_short_pages_say_too_little() -> None:
    assert detect_language("Side 3") is None
    assert detect_language("Indhold\n1. Indledning 5\n2. Metode 9") is None
    assert detect_language("") is None


def test_a_document_is_in_the_language_of_most_of_its_letters() -> None:
    pages = [
        "VIVE 2024",  # a cover: too short, takes the document's language
        DANISH["report"] + " " + DANISH["letter"],
        ENGLISH["summary"],  # an English summary in a Danish report
        DANISH["news"] + " " + DANISH["tool"],
    ]
    assert document_languages(pages) == ("da", ["da", "da", "en", "da"])
    english = ["Contents 3", ENGLISH["abstract"], ENGLISH["web page"], DANISH["quotes"]]
    assert document_languages(english) == ("en", ["en", "en", "en", "da"])


def test_a_stated_language_wins_and_short_documents_are_read_whole() -> None:
    assert document_languages([ENGLISH["summary"]], stated="da") == ("da", ["en"])
    assert document_languages(["Kort", ""], stated="en") == ("en", ["en", "en"])
    # No page is long enough alone; together they are.
    halves = [ENGLISH["names"][:70], ENGLISH["names"][70:]]
    assert document_languages(halves) == ("en", ["en", "en"])
    assert document_languages(["Side 1", "Side 2"]) == (DEFAULT_LANGUAGE, ["da", "da"])
    assert document_languages([]) == (DEFAULT_LANGUAGE, [])


def test_metadata_holds_the_languages_and_believes_the_source() -> None:
    pages = [ExtractedPage(number=1, text=ENGLISH["summary"]), ExtractedPage(number=2, text="2")]
    detected = resolve_metadata(
        source={}, embedded=EmbeddedMetadata(), pages=pages, filename="report.pdf"
    )
    assert detected.extra["language"] == "en"
    assert detected.page_languages == ["en", "en"]
    stated = resolve_metadata(
        source={"language": "da"}, embedded=EmbeddedMetadata(), pages=pages, filename="r.pdf"
    )
    assert stated.extra["language"] == "da"
    assert stated.page_languages == ["en", "da"]


SWEDISH = (
    "Barn som är placerade utanför hemmet ska få komma till tals i alla frågor som rör dem. "
    "Socialtjänsten ska ge barnet information om vad som händer och varför det händer."
)


def test_a_language_the_detector_cannot_tell_is_the_stated_one() -> None:
    # The detector knows Danish and English: Swedish it calls Danish.
    assert detect_language(SWEDISH) == "da"
    assert document_languages([SWEDISH, ENGLISH["summary"]], stated="sv") == ("sv", ["sv", "en"])


@pytest.mark.parametrize(
    ("declared", "language"),
    [
        ("sv-SE", "sv"),
        ("NB", "nb"),
        ("nn_NO", "nn"),
        # Between Danish and English the text tells better than a template's declaration.
        ("da-DK", None),
        ("en", None),
        ("xx", None),
        ("", None),
        (None, None),
    ],
)
def test_a_declared_language_counts_where_the_text_cannot_tell(
    declared: str | None, language: str | None
) -> None:
    assert declared_language(declared) == language


def test_metadata_takes_the_language_a_file_declares() -> None:
    pages = [ExtractedPage(number=1, text=SWEDISH)]
    swedish = resolve_metadata(
        source={}, embedded=EmbeddedMetadata(language="sv"), pages=pages, filename="s.html"
    )
    assert (swedish.extra["language"], swedish.page_languages) == ("sv", ["sv"])
    # What a source states comes first.
    stated = resolve_metadata(
        source={"language": "nb"},
        embedded=EmbeddedMetadata(language="sv"),
        pages=pages,
        filename="s.html",
    )
    assert (stated.extra["language"], stated.page_languages) == ("nb", ["nb"])
