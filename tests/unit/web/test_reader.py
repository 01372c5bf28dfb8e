import time
from urllib.parse import parse_qs, urlsplit

from markupsafe import Markup

from search_api.api.schemas import DocumentPublic, EntityPublic, PageText
from web.reader import (
    Block,
    Highlighter,
    build_reader,
    group_entities,
    html_blocks,
    query_phrases,
    query_words,
    reflow,
    section_sizes,
    times,
    translated_words,
    window,
)

# A page of a report as pypdf gives it: one line per printed line, no blank lines.
REPORT_PAGE = """1 Indledning
Børn og unge har ret til at blive hørt i forhold, der vedrører dem. Princippet følger af FN's
Børnekonvention artikel 12 og er skrevet ind i den danske sociale lovgivning, senest med forslag
til Barnets Lov, som efter planen træder i kraft den 1. januar 2024. Ifølge serviceloven § 48 skal
kommunen afholde en samtale med barnet, inden der træffes en afgørelse.
Lovgivningen stiller altså klare krav. Men de formelle krav siger ikke meget om kvaliteten af
inddragelsen. Tidligere undersøgelser fra Ankestyrelsen har netop peget på, at inddragelsen af
børn i mange sager er mangelfuld.
1.1 Formål og forskningsspørgsmål
Formålet med undersøgelsen er at give et nuanceret billede af, hvordan inddragelse af børn
foregår i praksis, og hvad der fremmer og hæmmer den i kommunernes gå-
hjem-møder og i Social-
og Boligstyrelsens arbejde med at samle erfaringerne fra de deltagende kommuner.
1
Lovforslaget er udarbejdet som opfølgning på den politiske aftale om Børnene Først fra maj 2021."""


def texts(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(block.kind, " / ".join(block.lines)) for block in blocks]


def test_reflow_joins_the_lines_of_a_paragraph_and_keeps_paragraphs_apart() -> None:
    blocks = texts(reflow(REPORT_PAGE))
    assert blocks[0] == ("heading", "1 Indledning")
    assert blocks[1][0] == "paragraph"
    assert blocks[1][1].startswith("Børn og unge har ret til at blive hørt")
    assert "af FN's Børnekonvention artikel 12" in blocks[1][1]
    assert blocks[1][1].endswith("inden der træffes en afgørelse.")
    # A short line that ends a sentence ends its paragraph.
    assert blocks[2] == (
        "paragraph",
        "Lovgivningen stiller altså klare krav. Men de formelle krav siger ikke meget om "
        "kvaliteten af inddragelsen. Tidligere undersøgelser fra Ankestyrelsen har netop peget "
        "på, at inddragelsen af børn i mange sager er mangelfuld.",
    )
    assert blocks[3] == ("heading", "1.1 Formål og forskningsspørgsmål")
    assert "\n" not in "".join(text for _kind, text in blocks)


def test_reflow_keeps_hyphens_that_belong_to_the_words() -> None:
    paragraph = dict(texts(reflow(REPORT_PAGE)))["paragraph"]  # the last paragraph
    assert "kommunernes gå-hjem-møder og i Social- og Boligstyrelsens arbejde" in paragraph


def test_reflow_finds_the_footnotes_at_the_foot_of_a_page() -> None:
    assert texts(reflow(REPORT_PAGE))[-1] == (
        "footnote",
        "1 Lovforslaget er udarbejdet som opfølgning på den politiske aftale om Børnene Først "
        "fra maj 2021.",
    )


def test_reflow_drops_the_dot_leaders_of_a_table_of_contents() -> None:
    page = "Indhold\nForord ........................ 3\n1 Indledning . . . . . . . . . . 5\n"
    page += "2 Data og metode …………… 7\nLitteratur ____________ 11"
    blocks = reflow(page)
    assert [(b.kind, b.lines, b.page) for b in blocks] == [
        ("heading", ("Indhold",), None),
        ("toc", ("Forord",), "3"),
        ("toc", ("1 Indledning",), "5"),
        ("toc", ("2 Data og metode",), "7"),
        ("toc", ("Litteratur",), "11"),
    ]


def test_an_entrys_page_number_on_the_next_line_is_its_number() -> None:
    """A number set right-aligned as text of its own comes on the line after its entry: the
    reader made each number a heading and kept the leaders."""
    page = "Indhold\nSammenfatning ......\n1\n1 Indledning ......\n3\n2 Metode ......\n12"
    assert [(b.kind, b.lines, b.page) for b in reflow(page)] == [
        ("heading", ("Indhold",), None),
        ("toc", ("Sammenfatning",), "1"),
        ("toc", ("1 Indledning",), "3"),
        ("toc", ("2 Metode",), "12"),
    ]


def test_reflow_drops_leaders_on_lines_of_their_own() -> None:
    # pypdf may put each leader with its number on a line between the titles; which title the
    # number belongs to cannot be told, so the titles stay, one entry each, without numbers.
    page = "Indhold\n. . . . . . . . . 3\nForord\n. . . . . . . . . 4\nSammenfatning\n"
    page += ". . . . . . . . . 5\n1 Indledning"
    blocks = reflow(page)
    assert texts(blocks) == [
        ("heading", "Indhold"),
        ("toc", "Forord"),
        ("toc", "Sammenfatning"),
        ("toc", "1 Indledning"),
    ]
    assert all(block.page is None for block in blocks)


def test_reflow_keeps_tables_line_by_line_and_lists_apart() -> None:
    page = (
        "Baselinemålingen bygger på fire datakilder, der er beskrevet nærmere herunder i tabel 2,\n"
        "og som alle er indsamlet i løbet af 2023 i de deltagende kommuner.\n"
        "Datakilde\nOmfang\nSpørgeskema\n94 af 98 kommuner\nSagsgennemgang\n480 sager\n"
        "• Børnene skal høres, før der træffes en afgørelse i sagen, og deres synspunkter skal\n"
        "tillægges passende vægt.\n"
        "• Forældrene skal inddrages."
    )
    assert texts(reflow(page))[1:] == [
        (
            "lines",
            "Datakilde / Omfang / Spørgeskema / 94 af 98 kommuner / Sagsgennemgang / 480 sager",
        ),
        (
            "item",
            "• Børnene skal høres, før der træffes en afgørelse i sagen, og deres synspunkter skal "
            "tillægges passende vægt.",
        ),
        ("item", "• Forældrene skal inddrages."),
    ]


def test_dates_at_the_start_of_a_line_are_not_list_items() -> None:
    page = (
        "Barnets Lov afløser reglerne om børn og unge i serviceloven og træder i kraft den\n"
        "1. januar 2024 for alle landets kommuner, som skal omsætte de nye krav til hverdag."
    )
    assert [b.kind for b in reflow(page)] == ["paragraph"]


def test_reflow_of_a_huge_line_is_quick() -> None:
    started = time.monotonic()
    blocks = reflow("Indledning " + ". " * 500_000 + "x")
    assert time.monotonic() - started < 2
    assert len(blocks) == 1


def test_web_page_text_keeps_its_blocks_and_line_breaks() -> None:
    text = "Formål\n\nBørn, der ringer til BørneTelefonen, fortæller ofte om det.\n\nMålgruppe\n"
    text += "Børn og unge 6-17 år"
    assert texts(html_blocks(text)) == [
        ("heading", "Formål"),
        ("paragraph", "Børn, der ringer til BørneTelefonen, fortæller ofte om det."),
        ("lines", "Målgruppe / Børn og unge 6-17 år"),
    ]


def test_query_words_leave_out_stop_words_and_excluded_words() -> None:
    query = 'inddragelse af børn "Barnets Lov" -plejefamilie KL OR VIVE "anbringelse"'
    assert query_words(query) == ["inddragelse", "børn", "anbringelse", "kl", "vive"]
    assert query_phrases(query) == [("barnets", "lov")]
    assert query_words(None) == query_words("   ") == [] == query_phrases(None)


def test_a_phrase_is_marked_only_where_its_words_stand_together() -> None:
    """ "Barnets Lov" marked every "barnet" and every "lov" (19 marks on a page the search
    found the phrase on three times)."""
    highlighter = Highlighter('"Barnets Lov" samvær')
    text = "Barnets Lov gælder. Barnet har ret til samvær efter loven; barnets lov er ny."
    assert highlighter.mark(text) == Markup(
        "<mark>Barnets Lov</mark> gælder. Barnet har ret til <mark>samvær</mark> efter loven; "
        "<mark>barnets lov</mark> er ny."
    )
    assert highlighter.count(text) == 3
    assert Highlighter('"Barnets Lov"').count("Barnet og loven. Lov om barnets tarv.") == 0
    # The longest phrase first, and a phrase across punctuation as the search reads it.
    both = Highlighter('"børn i familiepleje" "børn i"')
    assert both.mark("Børn i familiepleje – børn i pleje") == Markup(
        "<mark>Børn i familiepleje</mark> – <mark>børn i</mark> pleje"
    )


def test_a_footnote_marker_after_a_word_is_not_marked_with_it() -> None:
    """A marker in superscript digits is no part of its word, for the marks as for the search:
    "18²" is the number 18, and a phrase goes on past a marker inside it."""
    assert Highlighter('18 samvær "Barnets Lov"').mark(
        "Unge over 18² har ret til samvær³ efter Barnets⁴ Lov."
    ) == Markup(
        "Unge over <mark>18</mark>² har ret til <mark>samvær</mark>³ efter "
        "<mark>Barnets⁴ Lov</mark>."
    )


def test_highlighting_marks_inflected_forms_of_long_words() -> None:
    marked = Highlighter("børnesamtaler Anbringelse").mark(
        "Børnesamtalen og børnesamtaler før anbringelsen. Anbringelser er sjældne."
    )
    assert marked == Markup(
        "<mark>Børnesamtalen</mark> og <mark>børnesamtaler</mark> før <mark>anbringelsen</mark>. "
        "<mark>Anbringelser</mark> er sjældne."
    )


def test_highlighting_marks_the_verb_of_a_noun() -> None:
    marked = Highlighter("inddragelse underretning forskning").mark(
        "Barnet blev inddraget, da skolen underrettede. Forskere og forskningen."
    )
    assert marked == Markup(
        "Barnet blev <mark>inddraget</mark>, da skolen <mark>underrettede</mark>. Forskere og "
        "<mark>forskningen</mark>."
    )


def test_short_words_match_only_themselves_and_stop_words_not_at_all() -> None:
    marked = Highlighter("KL og lov").mark("KL og KLAR lov lovgivning og Lov")
    assert marked == Markup(
        "<mark>KL</mark> og KLAR <mark>lov</mark> lovgivning og <mark>Lov</mark>"
    )


def test_words_are_marked_at_the_start_of_a_word_or_of_a_compounds_part() -> None:
    """The search finds "børneinddragelse" for "inddragelse" (its decompounder); the reader
    marked only words that begin with a search word, and so counted fewer hit pages."""
    assert Highlighter("barn").mark("Barnet og skolebarnet, ubarnlig") == Markup(
        "<mark>Barnet</mark> og <mark>skolebarnet</mark>, ubarnlig"
    )
    assert Highlighter("inddragelse").mark(
        "Børneinddragelsen og inddragelse, ikke indrage. Forældreinddraget."
    ) == Markup(
        "<mark>Børneinddragelsen</mark> og <mark>inddragelse</mark>, ikke indrage. "
        "<mark>Forældreinddraget</mark>."
    )
    # Short words stay whole words: "KL" is not in "ANKLAGE", "lov" not in "forlov".
    assert Highlighter("KL lov").mark("ANKLAGE og forlov, KL og lov") == Markup(
        "ANKLAGE og forlov, <mark>KL</mark> og <mark>lov</mark>"
    )


def test_highlighting_escapes_the_text_and_marks_only_words() -> None:
    text = '<script>alert("barn")</script> <img src=x onerror=alert(1)> Barnets & amp'
    marked = Highlighter("barn script amp quot").mark(text)
    assert marked == Markup(
        "&lt;<mark>script</mark>&gt;alert(&#34;<mark>barn</mark>&#34;)&lt;/<mark>script</mark>&gt; "
        "&lt;img src=x onerror=alert(1)&gt; <mark>Barnets</mark> &amp; <mark>amp</mark>"
    )
    assert "<script" not in marked and "<img" not in marked


def test_a_query_of_markup_and_pattern_characters_is_only_text() -> None:
    highlighter = Highlighter('<mark> (børn* [a-z]+ "\\d"')
    assert highlighter.mark("<mark> børn") == Markup("&lt;<mark>mark</mark>&gt; <mark>børn</mark>")
    assert Highlighter(None).mark("<b>") == Markup("&lt;b&gt;")
    assert not Highlighter("og i af")


def test_mentions_are_counted_in_danish() -> None:
    assert times(1) == "nævnt 1 gang"
    assert times(3) == "nævnt 3 gange"


def entity(
    text: str, label: str, canonical: str, kb_id: str | None, count: int, pages: list[int]
) -> EntityPublic:
    return EntityPublic(
        text=text, label=label, canonical=canonical, kb_id=kb_id, count=count, pages=pages
    )


def test_entities_are_grouped_by_kind_with_dates_and_amounts_folded() -> None:
    groups = group_entities(
        [
            entity("15. marts 2022", "DATE", "15. marts 2022", None, 1, [1]),
            entity("Socialstyrelsen", "ORG", "Social- og Boligstyrelsen", "org.sbst", 3, [1, 3]),
            entity(
                "Social- og Boligstyrelsen",
                "ORG",
                "Social- og Boligstyrelsen",
                "org.sbst",
                2,
                [3, 7],
            ),
            entity("39,7 mio. kr.", "MONEY", "39,7 mio. kr.", None, 1, [4]),
            entity("Holbæk", "LOC", "Holbæk Kommune", "loc.holbaek", 1, [3]),
            entity("Ankestyrelsen", "ORG", "Ankestyrelsen", "org.ast", 4, [2]),
            entity("Mette Lindholm", "PER", "Mette Lindholm", None, 1, [1]),
            entity("Barnets Lov", "LAW", "Barnets Lov", "law.barnets-lov", 4, [4, 5]),
            entity("Børnene Først", "INITIATIVE", "Børnene Først", "ini.bf", 2, [3]),
        ]
    )
    assert [(g.kind.title, g.kind.folded) for g in groups] == [
        ("Personer", False),
        ("Organisationer", False),
        ("Steder", False),
        ("Love", False),
        ("Indsatser", False),
        ("Datoer", True),
        ("Beløb", True),
    ]
    organisations = groups[1].entities
    # One record under two forms is one entry; the most mentioned comes first.
    assert [(e.name, e.count, e.pages) for e in organisations] == [
        ("Social- og Boligstyrelsen", 5, (1, 3, 7)),
        ("Ankestyrelsen", 4, (2,)),
    ]
    assert organisations[0].kb_id == "org.sbst"
    assert organisations[0].forms == ("Socialstyrelsen",)
    assert organisations[0].mentioned == "nævnt 5 gange"
    # "Holbæk" says nothing "Holbæk Kommune" does not.
    assert groups[2].entities[0].forms == ()
    assert groups[0].entities[0].mentioned == "nævnt 1 gang"


def test_sections_hold_three_pages_and_never_become_too_many() -> None:
    def pages(count: int, length: int = 2_000) -> list[int]:
        return [length] * count

    assert section_sizes(pages(1)) == [1]
    assert section_sizes(pages(4)) == [4]
    assert section_sizes(pages(7)) == [3, 4]
    assert section_sizes(pages(8)) == [3, 3, 2]
    assert section_sizes(pages(11)) == [3, 3, 3, 2]
    assert section_sizes(pages(300, 1_000)) == [15] * 20
    # A section is sent whole: never more than 30 pages, nor (but for a page alone) 50,000
    # characters. It held 500 pages of 10,000, all sent in one page of the reader.
    assert section_sizes(pages(10_001, 35)) == [30] * 333 + [11]
    assert section_sizes(pages(600, 3_000)) == [16] * 37 + [8]
    assert section_sizes([10, 90_000, 10, 10]) == [1, 1, 2]
    assert section_sizes([]) == []


def document(pages: int) -> DocumentPublic:
    return DocumentPublic(
        id="abc",
        title="Inddragelse af børn i egen sag",
        publisher="VIVE",
        kind="rapport",
        published=None,
        filename="rapport.pdf",
        source_uri=None,
        opens_in_browser=True,
        authors=[],
        status="indexed",
        pages=[
            PageText(number=n, text=f"Side {n} handler om inddragelse." if n % 2 else "Tom.")
            for n in range(1, pages + 1)
        ],
        entities=[],
    )


def test_the_reader_opens_the_first_section_or_the_one_asked_for() -> None:
    reader = build_reader(document(11), "inddragelse", None)
    assert [(s.label, s.open) for s in reader.sections] == [
        ("Side 1–3", True),
        ("Side 4–6", False),
        ("Side 7–9", False),
        ("Side 10–11", False),
    ]
    assert [s.open for s in build_reader(document(11), None, 8).sections] == [
        False,
        False,
        True,
        False,
    ]
    # A page the document does not have opens it at the beginning, and says so (it said
    # nothing: "?side=12" of eleven pages looked like a page 12 that was page 1).
    missing = build_reader(document(11), None, 12)
    assert missing.sections[0].open and missing.missing_page == 12
    assert build_reader(document(11), None, 8).missing_page is None
    assert build_reader(document(11), None, None).missing_page is None


def test_a_window_of_sections_is_sent_around_the_open_one() -> None:
    """A short document is sent whole; a long one, the open section and its neighbours as far
    as 150,000 characters and 90 pages go."""
    short = build_reader(document(11), None, 8)
    assert short.sent == range(4) and all(s.pages for s in short.sections)
    assert short.before_window is None and short.after_window is None
    assert window([50_000] * 10, [16] * 10, 5) == range(4, 7)
    assert window([50_000] * 10, [16] * 10, 0) == range(0, 3)
    assert window([50_000] * 10, [16] * 10, 9) == range(7, 10)
    assert window([1_000] * 10, [30] * 10, 5) == range(4, 7)  # by pages
    assert window([200_000, 10, 10], [1, 1, 1], 0) == range(0, 1)  # one long page alone


def test_without_a_page_the_reader_opens_where_the_search_words_first_are() -> None:
    later = document(11)
    later.pages = [
        PageText(number=p.number, text="Omslag." if p.number <= 3 else p.text) for p in later.pages
    ]
    assert [s.open for s in build_reader(later, "inddragelse", None).sections] == [
        False,
        True,
        False,
        False,
    ]
    assert build_reader(later, "ordet findes ikke", None).sections[0].open


def test_the_reader_links_pages_and_the_way_back_with_the_search() -> None:
    reader = build_reader(document(11), "inddragelse & co", 5)
    assert reader.back_url == "/?q=inddragelse+%26+co"
    assert [link.label for link in reader.nav] == [str(n) for n in range(1, 12)]
    assert reader.nav[6].href == "/dokument/abc?side=7&q=inddragelse+%26+co#side-7"
    assert reader.hit_pages == (1, 3, 5, 7, 9, 11)
    assert [link.current for link in reader.nav[:7]] == [
        False,
        False,
        False,
        True,
        True,
        True,
        False,
    ]
    assert reader.sections[0].pages[0].blocks[0].html == Markup(
        "Side 1 handler om <mark>inddragelse</mark>."
    )
    plain = build_reader(document(11), None, None)
    assert plain.back_url is None and plain.nav[0].href == "/dokument/abc?side=1#side-1"


def test_the_way_back_keeps_the_searchs_filters_order_and_page() -> None:
    """It went to a search of the words alone: the filters, the order and the page were lost."""
    search = "q=anbringelse&publisher=VIVE&sort=newest&page=2"
    reader = build_reader(document(11), "anbringelse", 5, search)
    assert reader.back_url == "/?" + search
    # Moving between pages keeps it.
    assert parse_qs(urlsplit(reader.nav[6].href).query)["soegning"] == [search]
    assert parse_qs(urlsplit(reader.page_url(3)).query)["soegning"] == [search]


def test_a_one_page_document_has_no_page_navigation() -> None:
    reader = build_reader(document(1), None, None)
    assert reader.nav == () and not reader.folded and reader.sections[0].open


def test_an_english_search_marks_the_danish_words_it_was_searched_by() -> None:
    """The search found "Netværksanbringelser" for "kinship care" by the glossary's Danish;
    the reader then said the words were not in the text and marked nothing."""
    text = "Børn anbragt i netværkspleje har ret til samvær. Kinship care is rare."
    assert Highlighter("kinship care").mark(text) == Markup(
        "Børn anbragt i <mark>netværkspleje</mark> har ret til samvær. "
        "<mark>Kinship</mark> <mark>care</mark> is rare."
    )
    assert translated_words("rights of children in care")[:2] == ["rettighed", "ret"]
    # A Danish search is not translated.
    assert translated_words("børn i netværkspleje") == []


def test_every_way_a_document_writes_an_entity_is_shown() -> None:
    """Only the first form was kept: "Servicestyrelsen", linked to Social- og Boligstyrelsen,
    was never shown, and a curator added it again as a name the pipeline had missed."""
    [organisations] = group_entities(
        [
            EntityPublic(
                text="Socialstyrelsen",
                label="ORG",
                canonical="Social- og Boligstyrelsen",
                kb_id="org.sbst",
                count=4,
                pages=[1, 3],
                forms=["Socialstyrelsen", "Socialstyrelsens", "Servicestyrelsen"],
            ),
            EntityPublic(
                text="SFI",
                label="ORG",
                canonical="SFI – Det Nationale Forskningscenter for Velfærd",
                kb_id="org.sfi",
                count=3,
                pages=[2],
                forms=["SFI", "SFI's", "SFIs"],
            ),
        ]
    )
    assert [(e.name, e.forms) for e in organisations.entities] == [
        ("Social- og Boligstyrelsen", ("Socialstyrelsen", "Servicestyrelsen")),
        ("SFI – Det Nationale Forskningscenter for Velfærd", ()),
    ]
