import time

from ingest.extract.cleanup import (
    join_hyphenation,
    join_page_breaks,
    normalize_whitespace,
    remove_running_lines,
    set_apart_footnotes,
    visible_line,
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


def test_ligatures_are_letters_and_no_invisible_character_cuts_a_word() -> None:
    """ "ﬁnansiering" from a typeset PDF was no "finansiering", and "skole\u200bbørn" two
    words."""
    text = "\ufb01nansiering, \ufb02ytning, o\ufb00entlig og skole\u200bbørn\u2060\ufeff"
    assert normalize_whitespace(text) == "finansiering, flytning, offentlig og skolebørn"
    assert visible_line("O\ufb00entlig \ufb01nansiering") == "Offentlig finansiering"


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
        "fremgå af sagen.¹ Denne rapport\nmyndighedsafdelinger² en gennemgang af 240\n"
        "barnet får skriftlig og\n1 Barnets Lov trådte i kraft den 1. januar\n"
        "2024 og erstattede serviceloven.\n2 Spørgeskemaet blev udsendt."
    )
    assert set_apart_footnotes(text, [1, 2]) == (
        "fremgå af sagen.¹ Denne rapport\nmyndighedsafdelinger² en gennemgang af 240\n"
        "barnet får skriftlig og\n\n1\nBarnets Lov trådte i kraft den 1. januar\n"
        "2024 og erstattede serviceloven.\n\n2\nSpørgeskemaet blev udsendt."
    )


def test_a_page_whose_notes_are_not_found_is_left_as_it_is() -> None:
    text = "fremgå af sagen.¹ Denne rapport\nTabel 1\n2 kommuner"
    assert set_apart_footnotes(text, [1]) == text
    # A number that stands apart in the text is no marker there, whatever the PDF drew.
    text = "i alt 240 ¹\n1 Barnets Lov."
    assert set_apart_footnotes(text, [1]) == text
    assert set_apart_footnotes("1 Indledning\nTekst.", []) == "1 Indledning\nTekst."


def test_a_page_of_one_long_word_is_joined_in_linear_time() -> None:
    """Tried from every letter of a word without a hyphen, 20,000 letters took 2 s (a hostile
    page of one word, 20 MB, would have taken days)."""
    started = time.monotonic()
    assert join_hyphenation("x" * 200_000) == "x" * 200_000
    assert time.monotonic() - started < 1


def _appendix_page(number: int) -> str:
    year = 1984 + number
    rows = [
        f"{town} Kommune\n{number + 3},{index}\n{700 + number * index}"
        for index, town in enumerate(["Aarhus", "Aalborg", "Odense", "Vejle", "Allerød"], start=1)
    ]
    return (
        f"Tabel B.{number}. Anbragte børn og unge pr. 1.000 0-17-årige, {year}\n"
        + "\n".join(rows)
        + f"\nKilde: Danmarks Statistik, {year}."
    )


def test_a_statistical_appendix_keeps_its_captions_sources_and_table_rows() -> None:
    """Each page of a yearly appendix is a caption, a table of the same municipalities and a
    source line: the caption's table number and year and the source's year change from page
    to page, so they are no running lines; nor is the first row below the kept caption, nor a
    figure at the table's foot. Every caption, source line and first and last row was lost."""
    pages = [_appendix_page(number) for number in range(1, 11)]
    assert remove_running_lines(pages) == pages


def test_an_appendix_loses_its_running_footer_but_not_its_tables() -> None:
    pages = [
        f"{_appendix_page(number)}\nVIVE · Bilagstabeller 2025 | {number + 2}"
        for number in range(1, 11)
    ]
    cleaned = remove_running_lines(pages)
    assert cleaned == [_appendix_page(number) for number in range(1, 11)]


def test_a_table_number_that_follows_the_pages_is_no_page_number() -> None:
    """ "Tabel B.5" on page 5 is the table's number, not a page number beside a running line."""
    pages = [
        f"Tabel B.{number}. Anbragte børn pr. kommune\nAarhus Kommune\n{number + 3},1\n"
        f"Odense Kommune\n{number + 9},4\nKilde: Danmarks Statistik."
        for number in range(1, 11)
    ]
    cleaned = remove_running_lines(pages)
    assert all(page.startswith(f"Tabel B.{n}. Anbragte") for n, page in enumerate(cleaned, 1))


_TOPICS = [
    "anbringelse",
    "efterværn",
    "underretning",
    "samvær",
    "handleplan",
    "bisidder",
    "netværk",
    "skolegang",
    "trivsel",
    "klageadgang",
    "børnesamtale",
    "plejefamilie",
]


def test_a_footnote_written_alike_on_every_page_is_kept() -> None:
    """A footnote whose number, paragraph and guidance number change from page to page is no
    running footer, though its shape is on every page; "Side n af 12" still goes."""
    notes = [
        f"{number % 9 + 1} Jf. Barnets Lov § {number % 150 + 40}, stk. 2, og "
        f"Socialstyrelsens vejledning nr. {number}."
        for number in range(1, 13)
    ]
    bodies = [f"Om {topic} i kommunerne.\nMere om {topic}." for topic in _TOPICS]
    pages = [
        f"Børns inddragelse\n{body}\n{note}\nSide {number} af 12"
        for number, (body, note) in enumerate(zip(bodies, notes, strict=True), start=1)
    ]
    cleaned = remove_running_lines(pages)
    assert cleaned == [f"{body}\n{note}" for body, note in zip(bodies, notes, strict=True)]


def test_a_card_deck_keeps_its_cards() -> None:
    """A deck of a card a page, each card the same sentence with the page's number: the line
    is the page's text, also on the page that says more. The deck was left with one line."""
    pages = [f"Kort nummer {number} om trivsel og inddragelse." for number in range(1, 41)]
    pages[20] += "\nHer gemmer sig en pelikan i Nyborg."
    assert remove_running_lines(pages) == pages


def test_a_page_of_running_lines_only_keeps_them() -> None:
    pages = [
        f"Rapport om samvær\nOm {topic}.\nMere om {topic}.\n{number}"
        for number, topic in enumerate(_TOPICS[:6], start=1)
    ]
    pages[3] = "Rapport om samvær\n4"
    cleaned = remove_running_lines(pages)
    assert cleaned[2] == "Om underretning.\nMere om underretning."
    assert cleaned[3] == "Rapport om samvær\n4"


def test_a_figure_that_is_not_the_page_number_stays() -> None:
    """A table of contents' page number ("4" on page 2) is no page number; the page's own
    number, printed ten lower than its place in the file, goes."""
    pages = [
        f"Rapport om samvær\n{number - 10}\nOm {topic}.\nMere om {topic}."
        for number, topic in enumerate(_TOPICS[:10], start=11)
    ]
    pages[1] = "Rapport om samvær\n2\nIndhold\n1 Indledning\n4\n2 Metode\n9"
    cleaned = remove_running_lines(pages)
    assert cleaned[1] == "Indhold\n1 Indledning\n4\n2 Metode\n9"
    assert cleaned[2] == "Om underretning.\nMere om underretning."


def test_a_chapters_running_header_goes() -> None:
    """The chapter a page belongs to, in the header ("Kapitel 2"), is the same line on the
    chapter's pages, and front matter's roman numbers do not keep the header above them."""
    pages = [
        f"Børns inddragelse\nKapitel {chapter}\nOm {topic}.\nMere om {topic}.\n{number}"
        for number, topic in enumerate(_TOPICS, start=1)
        for chapter in [(number - 1) // 4 + 1]
    ]
    pages[1] = "Om efterværn.\nMere om efterværn.\nBørns inddragelse\nii"
    cleaned = remove_running_lines(pages)
    assert cleaned[1] == "Om efterværn.\nMere om efterværn.\nii"
    assert cleaned[2:] == [f"Om {topic}.\nMere om {topic}." for topic in _TOPICS[2:]]


def test_a_line_of_a_very_long_number_is_no_page_number() -> None:
    """Python reads no number of more than 4,300 digits: a page of one was an error."""
    long_number = "7" * 5000
    assert remove_running_lines([long_number, "Tekst"]) == [long_number, "Tekst"]
    pages = [f"{long_number}\nOm {topic}.\nMere om {topic}." for topic in _TOPICS[:4]]
    assert remove_running_lines(pages)[1] == "Om efterværn.\nMere om efterværn."


def test_a_footnotes_number_that_grows_with_the_pages_stays() -> None:
    """A note a page, its number alone on its line two lower than the page's: the numbers
    follow the pages as page numbers do, and went (note 3's text was then shown as note 2's)."""
    pages = [
        f"Om {topic}.{number - 2}\nMere om {topic}.\n{number - 2}\nKilde: Årsstatistik om {topic}."
        f"\n{number}"
        for number, topic in enumerate(_TOPICS[:8], start=3)
    ]
    notes = [[number - 2] for number in range(3, 11)]
    cleaned = remove_running_lines(pages, notes=notes)
    assert cleaned == [page.rsplit("\n", 1)[0] for page in pages]
    assert "\n1\n" not in remove_running_lines(pages)[0]  # what the notes' numbers said


def test_a_header_on_alternate_pages_or_a_chapters_pages_goes() -> None:
    """The report's title on even pages and its chapter's on odd ones (VIVE's layout): neither
    stood on most pages, so both stayed, the chapter's in front of a paragraph's end. Each
    goes from the pages after the first it stands on, where it may be the chapter's heading;
    the title page keeps its title."""
    chapters = ["1 Indledning"] * 3 + ["2 Metode"] * 4 + ["3 Børnenes perspektiver"] * 4
    front = ["Børns stemmer i egen sag\nVIVE 2025", "Kolofon\nISBN 978-87-7582-214-0"]
    heads = [
        "Børns stemmer i egen sag" if number % 2 == 0 else chapter
        for number, chapter in enumerate(chapters, start=3)
    ]
    pages = front + [
        f"{head}\nom {topic} fortsat.\nMere om {topic}.\n{number}"
        for number, (head, topic) in enumerate(zip(heads, _TOPICS, strict=False), start=3)
    ]
    first = {3, 4, 7, 11}  # where each header stands first
    assert remove_running_lines(pages) == front + [
        (f"{head}\n" if number in first else "") + f"om {topic} fortsat.\nMere om {topic}."
        for number, (head, topic) in enumerate(zip(heads, _TOPICS, strict=False), start=3)
    ]


def test_a_line_that_repeats_near_its_page_is_content_but_at_the_top() -> None:
    """A source line or a footnote at the foot of the next page, alike, is content; so is a
    heading that stands at the top of two pages the first time."""
    body = [
        "\n".join(f"Tekst {number}.{line} om sagen." for line in range(6)) for number in range(6)
    ]
    pages = [
        "Titel",
        f"Tabel 2.1 Antal sager\n{body[2]}\nKilde: Danmarks Statistik.\n1\nIbid.",
        f"Tabel 2.2 Udgifter\n{body[3]}\nKilde: Danmarks Statistik.\n2\nIbid.",
        body[4],
        body[5],
    ]
    assert remove_running_lines(pages, notes=[[], [1], [2], [], []]) == pages


def test_a_word_a_page_break_splits_is_whole_on_its_first_page() -> None:
    pages = ["Vi talte med plejefami-", "lier. De fortalte om børne-", "og ungeudvalget."]
    assert join_page_breaks(pages) == [
        "Vi talte med plejefamilier.",
        "De fortalte om børne-",
        "og ungeudvalget.",
    ]
    assert join_page_breaks(["Slut på siden", "ny side"]) == ["Slut på siden", "ny side"]
    # A page is not left without text, and a line break after the rest of the word goes too.
    assert join_page_breaks(["ab-", "b"]) == ["ab-", "b"]
    assert join_page_breaks(["ab-", "cd-", "ef"]) == ["ab-", "cd-", "ef"]
    assert join_page_breaks(["x fami-", "lier\n\nmere"]) == ["x familier", "mere"]
