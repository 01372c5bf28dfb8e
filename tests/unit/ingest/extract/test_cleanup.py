import time

from ingest.extract.cleanup import (
    join_hyphenation,
    normalize_whitespace,
    remove_running_lines,
    set_apart_footnotes,
)


def test_line_end_hyphen_inside_a_word_is_joined() -> None:
    assert join_hyphenation("det nye Part-\nnerskab om børn") == "det nye Partnerskab om børn"


def test_hyphen_of_a_hyphenated_compound_stays() -> None:
    assert join_hyphenation("vi holdt gå-\nhjem-møder") == "vi holdt gå-hjem-møder"


def test_suspended_compound_before_og_keeps_hyphen_and_space() -> None:
    text = "Det Nationale Forsknings-\nog Analysecenter for Velfærd"
    assert join_hyphenation(text) == "Det Nationale Forsknings- og Analysecenter for Velfærd"


def test_abbreviation_and_capitalised_right_part_keep_hyphen() -> None:
    assert join_hyphenation("mange EU-\nborgere") == "mange EU-borgere"
    assert join_hyphenation("Social-\nBoligstyrelsen") == "Social-Boligstyrelsen"
    assert join_hyphenation("i årene 2021-\n2024") == "i årene 2021-\n2024"


def test_danish_letters_are_word_characters() -> None:
    assert join_hyphenation("børne-\ninddragelse og sam-\nvær") == "børneinddragelse og samvær"


def test_hyphen_not_at_line_end_is_untouched() -> None:
    assert join_hyphenation("Barnets Lov-forslaget") == "Barnets Lov-forslaget"


def test_running_header_footer_and_page_numbers_are_removed() -> None:
    topics = ["anbringelse", "efterværn", "underretning", "samvær", "handleplan"]
    pages = [
        f"Inddragelse af børn i egen sag\nOm {topic} i kommunerne.\n"
        f"Mere om {topic}.\nVIVE – Det Nationale Forsknings- og Analysecenter for Velfærd\n"
        f"Side {n} af 5"
        for n, topic in enumerate(topics, start=1)
    ]
    cleaned = remove_running_lines(pages)
    for topic, page in zip(topics, cleaned, strict=True):
        assert page == f"Om {topic} i kommunerne.\nMere om {topic}."


def test_a_heading_on_one_page_only_is_kept() -> None:
    pages = ["Kapitel 1\nTekst a\nfod", "Tekst b\nmere\nfod", "Tekst c\nmere\nfod"]
    cleaned = remove_running_lines(pages)
    assert cleaned[0].startswith("Kapitel 1")
    assert all("fod" not in page for page in cleaned)


def test_short_documents_keep_every_line() -> None:
    pages = ["Titel\nTekst", "Titel\nTekst"]
    assert remove_running_lines(pages) == pages


def test_normalize_whitespace_drops_soft_hyphens_and_blank_runs() -> None:
    assert normalize_whitespace("a\u00adb   c\r\n\n\n\nd ") == "ab c\n\nd"


def test_decomposed_letters_are_composed() -> None:
    """A PDF or a Mac's web page may write "å" as "a" and a combining ring: the text then had
    no "år", and "Århus Kommune" matched no record of the knowledge base."""
    decomposed = "A\u030arhus Kommune: Åse er 9 a\u030ar."
    assert normalize_whitespace(decomposed) == "Århus Kommune: Åse er 9 år."


def test_control_characters_in_a_pages_text_are_spaces() -> None:
    """A BEL or an ESC in a file's text stood in the reader's text and the index."""
    assert normalize_whitespace("Tekst\x07med\x1b[31m styretegn\x85.\n\tNy linje") == (
        "Tekst med [31m styretegn .\nNy linje"
    )


def test_page_numbers_and_a_shared_footer_go_from_a_two_page_letter() -> None:
    """A two-page answer to parliament kept "Side 1 af 2" and the ministry's address line."""
    footer = "Social- og Boligministeriet · Holmens Kanal 22 · 1060 København K"
    pages = [
        f"Social- og Boligministeriet\nFolketingets Socialudvalg\nSvar:\nTekst a.\nTekst b.\n"
        f"praksisundersøgelsen.\n{footer}\nSide 1 af 2",
        f"Jeg kan endvidere oplyse.\nTekst c.\nTekst d.\nMed venlig hilsen\nSofie Winther\n"
        f"{footer}\nSide 2 af 2",
    ]
    first, second = remove_running_lines(pages)
    assert first.endswith("Tekst b.\npraksisundersøgelsen.")
    assert first.startswith("Social- og Boligministeriet\n")  # the letterhead is no footer
    assert second.endswith("Med venlig hilsen\nSofie Winther")


def test_a_short_documents_own_page_number_goes_but_a_figure_stays() -> None:
    pages = ["Anbragte børn\nI alt\n240\nTekst.\n1", "Mere tekst\n2"]
    assert remove_running_lines(pages) == ["Anbragte børn\nI alt\n240\nTekst.", "Mere tekst"]


def test_a_title_page_keeps_the_title_a_later_running_header_repeats() -> None:
    title = "Børns stemmer i egen sag"
    topics = ["Indledning", "Metode", "Resultater", "Anbefalinger"]
    pages = [f"{title}\nEn undersøgelse", "Kolofon\nISBN 978-87"] + [
        f"{title}\n{topic}\nOm {topic.lower()} i kommunerne.\nRapport 2025:07\n{n}"
        for n, topic in enumerate(topics, start=3)
    ]
    cleaned = remove_running_lines(pages)
    assert cleaned[0] == f"{title}\nEn undersøgelse"
    assert cleaned[2] == "Indledning\nOm indledning i kommunerne."


def test_a_header_on_every_page_goes_from_the_first_too() -> None:
    topics = ["anbringelse", "efterværn", "underretning", "samvær"]
    pages = [f"Rapport om samvær\nOm {topic}.\nMere om {topic}." for topic in topics]
    assert remove_running_lines(pages)[0] == "Om anbringelse.\nMere om anbringelse."


def test_footnotes_at_a_pages_foot_are_paragraphs_of_their_own() -> None:
    text = (
        "fremgå af sagen.1 Denne rapport\nmyndighedsafdelinger,2 en gennemgang af 240\n"
        "barnet får skriftlig og\n1 Barnets Lov trådte i kraft den 1. januar\n"
        "2024 og erstattede serviceloven.\n2 Spørgeskemaet blev udsendt."
    )
    assert set_apart_footnotes(text, [1, 2]) == (
        "fremgå af sagen.1 Denne rapport\nmyndighedsafdelinger,2 en gennemgang af 240\n"
        "barnet får skriftlig og\n\n1\nBarnets Lov trådte i kraft den 1. januar\n"
        "2024 og erstattede serviceloven.\n\n2\nSpørgeskemaet blev udsendt."
    )


def test_a_page_whose_notes_are_not_found_is_left_as_it_is() -> None:
    text = "fremgå af sagen.1 Denne rapport\nTabel 1\n2 kommuner"
    assert set_apart_footnotes(text, [1]) == text
    # A number that stands apart in the text is no marker there, whatever the PDF drew.
    text = "i alt 240 1\n1 Barnets Lov."
    assert set_apart_footnotes(text, [1]) == text
    assert set_apart_footnotes("1 Indledning\nTekst.", []) == "1 Indledning\nTekst."


def test_a_page_of_one_long_word_is_joined_in_linear_time() -> None:
    """Tried from every letter of a word without a hyphen, 20,000 letters took 2 s (a hostile
    page of one word, 20 MB, would have taken days)."""
    started = time.monotonic()
    assert join_hyphenation("x" * 200_000) == "x" * 200_000
    assert time.monotonic() - started < 1
