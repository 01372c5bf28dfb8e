"""The rule-based entity pass on the project's own knowledge base."""

import time

import pytest

from nlp_models import entities
from nlp_models.entities import EntityFinder, get_finder
from nlp_models.mentions import summarize
from tests.helpers import PROJECT_ROOT


@pytest.fixture(scope="module")
def finder() -> EntityFinder:
    return get_finder(PROJECT_ROOT / "nlp_models" / "kb")


def found(finder: EntityFinder, text: str) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.label, m.kb_id) for m in finder.find(text)]


def test_full_name_abbreviation_and_genitive_link_to_one_record(finder: EntityFinder) -> None:
    mentions = found(finder, "Kommunernes Landsforening (KL) mener, at KL's rolle er vigtig.")
    assert mentions == [
        ("Kommunernes Landsforening", "ORG", "org.kl"),
        ("KL", "ORG", "org.kl"),
        ("KL's", "ORG", "org.kl"),
    ]


def test_former_name_links_to_the_current_record(finder: EntityFinder) -> None:
    [(text, label, kb_id)] = found(finder, "Det viser Socialstyrelsens nye opgørelse.")
    assert (text, label) == ("Socialstyrelsens", "ORG")
    assert kb_id is not None and kb_id == found(finder, "Social- og Boligstyrelsen")[0][2]


def test_a_suspended_compound_in_capitals_links_too(finder: EntityFinder) -> None:
    """In capitals the hyphen was joined ("SOCIAL-OG"), before lower-casing: no link."""
    [(_text, _label, kb_id)] = found(finder, "Social- og Boligstyrelsen")
    assert kb_id is not None
    mentions = found(finder, "NOTAT FRA SOCIAL- OG BOLIGSTYRELSEN OM SAGEN")
    assert kb_id in [k for _t, _l, k in mentions], mentions


def test_law_with_paragraph_and_lower_case_law_name(finder: EntityFinder) -> None:
    mentions = found(finder, "Efter Serviceloven § 52 a og barnets lov skal barnet høres.")
    assert mentions[0][:2] == ("Serviceloven § 52 a", "LAW")
    assert mentions[1][:2] == ("barnets lov", "LAW")


def test_dates_and_amounts(finder: EntityFinder) -> None:
    text = "Den 10-06-2021 og i 1. kvartal 2023 blev 39,7 mio. kr. og to milliarder kr. fordelt."
    labels = [(t, label) for t, label, _ in found(finder, text)]
    assert labels == [
        ("10-06-2021", "DATE"),
        ("1. kvartal 2023", "DATE"),
        ("39,7 mio. kr.", "MONEY"),
        ("to milliarder kr.", "MONEY"),
    ]


def test_a_year_inside_a_web_or_mail_address_is_no_date(finder: EntityFinder) -> None:
    text = (
        "Rapporten ligger på https://www.vive.dk/vive-2022-bisiddere-for-boern og på "
        "www.vive.dk/sfi-2010-rapport; skriv til team2021@kommune.dk før 3. maj 2021."
    )
    assert [(t, label) for t, label, _ in found(finder, text)] == [("3. maj 2021", "DATE")]


def test_a_sign_or_a_list_of_roles_is_no_name(finder: EntityFinder) -> None:
    text = (
        "© VIVE 2022.\nMålgruppe: Sagsbehandler, Kontaktperson\nBrug den med: Skole, SFO\n"
        "Lykke, M. og Holst, S. (2020) skrev om Aarhus, Odense og Vejle."
    )
    assert [(t, label) for t, label, _ in found(finder, text)] == [
        ("VIVE", "ORG"),
        ("2022", "DATE"),
        ("Lykke, M.", "PER"),
        ("Holst, S.", "PER"),
        ("2020", "DATE"),
        ("Aarhus", "LOC"),
        ("Odense", "LOC"),
        ("Vejle", "LOC"),
    ]


def test_an_amount_keeps_its_own_full_stop_not_the_sentences(finder: EntityFinder) -> None:
    text = "Besparelsen anslås til 3-5 mio. kr.. Udvalget godkendte indstillingen."
    assert ("3-5 mio. kr.", "MONEY") in [(t, label) for t, label, _ in found(finder, text)]


def test_an_address_over_two_lines_is_a_place_a_line(finder: EntityFinder) -> None:
    letterhead = (
        "Social- og Boligministeriet\nHolmens Kanal 22\n1060 København K\nDato: 3. marts 2025"
    )
    places = [t for t, label, _ in found(finder, letterhead) if label == "LOC"]
    assert places == ["Holmens Kanal 22", "1060 København K"]
    assert [t for t, label, _ in found(finder, "Slotsholmsgade 10-12\n1216 København K")] == [
        "Slotsholmsgade 10-12",
        "1216 København K",
    ]
    # A table's label over a year and a heading has the same shape, but is no street.
    assert found(finder, "Tabel 3\n2024 Resultater") == [("2024", "DATE", None)]


def test_an_address_on_one_line_takes_none_of_the_lines_above_it(finder: EntityFinder) -> None:
    letterhead = "1240 København K\nSocialstyrelsen\nEdisonsvej 1, 5000 Odense C\nTlf. 72 42 37 00"
    places = [t for t, label, _ in found(finder, letterhead) if label == "LOC"]
    assert places[-1] == "Edisonsvej 1, 5000 Odense C"
    assert not any("\n" in place for place in places)


def test_the_authors_of_a_reference_are_persons_each(finder: EntityFinder) -> None:
    references = (
        "Litteratur\n"
        "Waite, Linda J., Goodman, Robert & Holm, Anne-Mette (2004): Ensomhed blandt unge. "
        "Aarhus: VIA University College.\n"
        "Socialstyrelsen (2020): Vejledning om underretning.\n"
    )
    persons = [t for t, label, _ in found(finder, references) if label == "PER"]
    assert persons == ["Waite, Linda J.", "Goodman, Robert", "Holm, Anne-Mette"]
    # Not at the head of a reference: a comma between two names is not a surname's.
    assert not [
        t
        for t, label, _ in found(finder, "Deltagere: Aarhus, Odense og Aalborg.")
        if label == "PER"
    ]


def test_lower_case_abbreviation_is_not_matched(finder: EntityFinder) -> None:
    assert found(finder, "Mødet starter kl. 10.") == []


def test_summary_groups_mentions_with_their_pages(finder: EntityFinder) -> None:
    mentions = finder.find("KL og Aarhus Kommune", page=1) + finder.find(
        "Kommunernes Landsforening skriver. Det mener KL også.", page=3
    )
    summary = {s.kb_id: s for s in summarize(mentions)}
    assert summary["org.kl"].count == 3 and summary["org.kl"].pages == [1, 3]
    assert summary["org.kl"].canonical == "Kommunernes Landsforening"
    # Every way it is written, the most frequent first (only the first was kept).
    assert summary["org.kl"].forms == ["KL", "Kommunernes Landsforening"]


def test_pages_without_a_single_name_give_no_entities(finder: EntityFinder) -> None:
    assert finder.find_in_pages([(1, "Der er to sætninger her. Ingen af dem har navne.")]) == []


def test_a_long_page_is_processed_in_pieces_with_offsets_on_the_page(
    finder: EntityFinder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entities, "CHUNK_CHARS", 1000)
    page = "Børnene leger i skolegården. " * 100 + "Til sidst skriver Socialstyrelsen."
    [mention] = [m for m in finder.find_in_pages([(3, page)]) if m.kb_id]
    assert (mention.page, mention.start) == (3, page.index("Socialstyrelsen"))


def test_documents_found_together_get_the_mentions_each_gets_alone(finder: EntityFinder) -> None:
    documents = [
        [(1, "Ankestyrelsen (ASK) har talt med børn i Aarhus Kommune."), (2, "ASK svarer.")],
        [(1, "Der er ingen navne her.")],
        [(4, "Socialstyrelsen udgav rapporten den 3. marts 2021.")],
    ]
    together = finder.find_in_documents(documents)
    assert together == [finder.find_in_pages(pages) for pages in documents]
    assert together[0] and together[1] == [] and {m.page for m in together[2]} == {4}


def test_the_model_reads_only_the_sentences_that_may_hold_a_name(finder: EntityFinder) -> None:
    text = (
        "Det er vigtigt at lytte til børnene. Hvis de bliver hørt, trives de bedre.\n"
        "Det fortalte Birgitte Holm fra Familiehuset Lærkereden i Vejle. Hun var glad.\n"
        "Børn skal inddrages. Der kom 12 svar."
    )
    read = [text[start:end] for start, end in entities.name_sentences(text)]
    # Neighbouring sentences are read together; a capitalised common word starts a sentence
    # worth reading ("Børn"), a stop word does not ("Det", "Hvis", "Hun"), a digit does.
    assert read == [
        "Det fortalte Birgitte Holm fra Familiehuset Lærkereden i Vejle.",
        "Børn skal inddrages. Der kom 12 svar.",
    ]
    # The model's names land on the whole text's tokens.
    mentions = finder.find(text)
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert ("Birgitte Holm", "PER") in [(m.text, m.label) for m in mentions]


def test_pdf_layout_does_not_hide_a_known_name(finder: EntityFinder) -> None:
    """A footnote marker glued to a name, and a name wrapped over two lines."""
    text = "politiske aftaler som Børnene Først.1 En mindre del bruger Signs of\nSafety."
    assert [(t, kb) for t, _, kb in found(finder, text)] == [
        ("Børnene Først", "ini.boernene-foerst"),
        ("Signs of Safety", "ini.signs-of-safety"),
    ]


def test_initiatives_named_as_such(finder: EntityFinder) -> None:
    """Named after their kind, with a year or a place in their name; a capitalised short
    form of a partnership; the word for its kind after a hyphen left out."""
    text = (
        "Kommunen er med i rekrutteringsprojektet Flere Hjem til Børn og i Projekt Ny Kurs. "
        "Foreninger kan søge Horsens Ungepulje, og Børne- og Ungestrategi 2024-2028 gælder. "
        "I år har Partnerskabet samlet 12 kommuner om kurser efter Tryg i Pleje-modellen."
    )
    initiatives = [t for t, label, _ in found(finder, text) if label == "INITIATIVE"]
    assert initiatives == [
        "Flere Hjem til Børn",
        "Projekt Ny Kurs",
        "Horsens Ungepulje",
        "Børne- og Ungestrategi 2024-2028",
        "Partnerskabet",
        "Tryg i Pleje",
    ]


def test_an_initiative_goes_on_after_a_short_word_in_capitals(finder: EntityFinder) -> None:
    text = (
        "Kommunen har siden 2022 kørt Projekt Fritidsjob til Alle Unge i Tingbjerg.\n"
        "Midlerne fra Barnets Reform til Aarhus Kommune blev brugt."
    )
    initiatives = [t for t, label, _ in found(finder, text) if label == "INITIATIVE"]
    assert initiatives == ["Projekt Fritidsjob til Alle Unge", "Barnets Reform"]


def test_a_table_row_is_not_part_of_a_name(finder: EntityFinder) -> None:
    text = (
        "Tabel 2.1 Udvalgte puljer\nPulje Bevilling Ansøgninger\n"
        "Puljen til flere plejefamilier 60,0 71 38\nPuljen til styrket efterværn 42,5 54 19\n"
    )
    initiatives = [t for t, label, _ in found(finder, text) if label == "INITIATIVE"]
    assert "Puljen til flere plejefamilier" in initiatives
    assert not any(c.isdigit() for name in initiatives for c in name)


def test_a_pools_title_runs_to_where_the_sentence_goes_on(finder: EntityFinder) -> None:
    """A pool's title, capitalised or not, takes its ordinary words, a name inside it and its
    years, and ends at the verb, amount, year, next name or next cell after it; a description
    ("en pulje til …") and a breadcrumb are no titles."""
    text = (
        "Kommunen fik 2,1 mio. kr. fra puljen til rekruttering og fastholdelse af "
        "plejefamilier 2025-2027, som styrelsen udmøntede i maj.\n"
        "Midler fra Puljen til implementering af Barnets Lov er brugt på kurser.\n"
        "Projektet har fået støtte fra Puljen til bedre overgange fra anbringelse til voksenliv "
        "og yderligere 2 mio. kr. fra en fond.\n"
        "Puljen til etablering af familiehuse gav 14 kommuner penge i 2024.\n"
        "Vi søger også en pulje til efterværn.\n"
        "Forside · Puljer · Pulje til samvær for anbragte børn\n"
        "Puljen til mentorer for unge i efterværn udlodningsmidler 18,5 2,9\n"
    )
    initiatives = [t for t, label, _ in found(finder, text) if label == "INITIATIVE"]
    assert initiatives == [
        "puljen til rekruttering og fastholdelse af plejefamilier 2025-2027",
        "Puljen til implementering af Barnets Lov",
        "Puljen til bedre overgange fra anbringelse til voksenliv",
        "Puljen til etablering af familiehuse",
        "Puljen til mentorer for unge i efterværn",
        "udlodningsmidler",
    ]


def test_a_programme_in_ordinary_words_is_no_person(finder: EntityFinder) -> None:
    """The model takes a programme named in ordinary capitalised words for a person; a name
    with a word that is no ordinary word stays a person's."""
    text = (
        "Familierne i Hobro får hjælp gennem Trygt Hjem, som Lærke Dam Pedersen leder. "
        "Unge kan komme i gang via Job Først. Det fortæller Ane Kjær Mortensen fra kommunen."
    )
    assert [(t, label) for t, label, _ in found(finder, text) if label != "LOC"] == [
        ("Trygt Hjem", "INITIATIVE"),
        ("Lærke Dam Pedersen", "PER"),
        ("Job Først", "INITIATIVE"),
        ("Ane Kjær Mortensen", "PER"),
    ]


def test_long_runs_of_names_and_capitals_take_linear_time(finder: EntityFinder) -> None:
    """A reference line of 22 authors with hyphenated given names took 15 s (each two more
    authors four times as long: a hyphen could be read two ways), and a page of capitalised
    words grew with its square (a 20 KB run of "ABC" took 14 s). The bound is generous: the
    fixed patterns take hundredths of a second."""
    authors = ["Hansen, Anne-Mette", "Jensen, Lise-Lotte", "Nielsen, Hans-Henrik"]
    line = ", ".join(authors[i % 3] for i in range(22)) + ". Rapport om anbragte børn. VIVE."
    for text in (line, "ABC " * 5000, "Æ" * 100_000):
        started = time.perf_counter()
        finder.find(text)
        assert time.perf_counter() - started < 3, text[:40]
    # The authors of a reference entry are still found, hyphenated given names whole.
    entry = "Holm, Anne-Mette og Lauritsen, Peter (2021): Børn i pleje. VIVE."
    people = [text for text, label, _kb_id in found(finder, entry) if label == "PER"]
    assert people == ["Holm, Anne-Mette", "Lauritsen, Peter"]


def test_a_hyphenated_first_name_is_part_of_the_name(finder: EntityFinder) -> None:
    """ "Anne-Mette Holm" was found as "Mette Holm", so a redaction left "Anne-[skjult]"."""
    assert found(finder, "Anne-Mette Holm fra VIVE siger det.")[0][:2] == (
        "Anne-Mette Holm",
        "PER",
    )
    assert found(finder, "Hans-Christian Ørsted var fysiker.") == [
        ("Hans-Christian Ørsted", "PER", None)
    ]


def test_a_one_word_name_that_is_an_everyday_word_matches_only_as_a_name(
    finder: EntityFinder,
) -> None:
    """ "hen ad vejen" was Vejen Kommune, "hendes mors bolig" Morsø Kommune, "til venstre"
    the party."""
    for text in ("Hun bor i hendes mors bolig.", "Han fandt vejen.", "Drej til venstre her."):
        assert found(finder, text) == [], text
    assert [kb_id for _t, _l, kb_id in found(finder, "Mors og Venstre stemte for.")] == [
        "loc.morsoe-kommune",
        "org.venstre",
    ]
    # A law is named in lower case too.
    assert [kb_id for _t, _l, kb_id in found(finder, "Efter serviceloven")] == ["law.serviceloven"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Det koster 2500 kr. om måneden.", "2500 kr."),
        ("Hun fik 12500 kroner.", "12500 kroner"),
        ("Prisen er 750 kr i alt.", "750 kr"),
        ("Puljen er på 3 mio kr til kommunerne.", "3 mio kr"),
        ("Det koster 1.500 DKK.", "1.500 DKK"),
        ("Beløbet er 1.234,56 kr.", "1.234,56 kr."),
        ("Tilskuddet er 2000 kr.", "2000 kr."),
    ],
)
def test_amounts_without_thousands_points_or_with_kr_dkk_and_mio(
    finder: EntityFinder, text: str, amount: str
) -> None:
    """Written without a thousands' point, with "kr" or "DKK", or "mio" without its point,
    amounts were missed, and "2000 kr." was the year 2000."""
    assert found(finder, text) == [(amount, "MONEY", None)]


@pytest.mark.parametrize(
    ("text", "law"),
    [
        ("Efter serviceloven § 50, 2023 blev det ændret.", "serviceloven § 50"),
        ("Serviceloven § 50 i praksis.", "Serviceloven § 50"),
        ("Serviceloven § 50 f.eks. siger det.", "Serviceloven § 50"),
        ("Efter § 76, stk. 2, i serviceloven høres barnet.", "§ 76, stk. 2, i serviceloven"),
        ("servicelovens §§ 52, 76 og 76 a.", "servicelovens §§ 52, 76 og 76 a"),
    ],
)
def test_a_paragraph_reference_ends_where_the_reference_does(
    finder: EntityFinder, text: str, law: str
) -> None:
    """ "§ 50, 2023" took "202" for a paragraph (and overlapped the year), "§ 50 i" the
    preposition for a paragraph letter; "§ 76, stk. 2, i serviceloven" lost its paragraph."""
    laws = [t for t, label, _k in found(finder, text) if label == "LAW"]
    assert laws == [law]


def test_a_cue_word_at_the_start_of_a_sentence_names_an_initiative(finder: EntityFinder) -> None:
    """ "projektet Ny Kurs" was found mid-sentence, "Projektet Ny Kurs" at its start not."""
    for text in ("Projektet Ny Kurs har hjulpet 40 unge.", "I projektet Ny Kurs deltog 40."):
        assert ("Ny Kurs", "INITIATIVE") in [(t, label) for t, label, _k in found(finder, text)]


def test_a_quantity_is_not_a_year(finder: EntityFinder) -> None:
    """ "Han kørte 2000 km" was a date."""
    for text in (
        "Han kørte 2000 km til mødet.",
        "Projektet brugte 1950 timer.",
        "Det steg 2000 %.",
    ):
        assert [t for t, label, _ in found(finder, text) if label == "DATE"] == [], text
    assert [t for t, label, _ in found(finder, "I 2020 kørte hun 2000 km.") if label == "DATE"] == [
        "2020"
    ]
    # "m.fl." and "m.v." are no metres.
    years = [t for t, label, _ in found(finder, "Mellem 1990 og 2000 m.v. og i 2020 m.fl.")]
    assert years == ["1990", "2000", "2020"]


def test_a_footnote_mark_after_a_year_is_no_part_of_the_date(finder: EntityFinder) -> None:
    """ "maj 2021.1": a PDF glues the footnote's number to the sentence's full stop, and the
    tokenizer kept "2021.1" one token, so the date ran on to the footnote."""
    for text, date in (
        ("Reglerne blev ændret i oktober 2023.2 Herefter gælder nye frister.", "oktober 2023"),
        ("Loven blev vedtaget den 2. juni 2023.3 Den samler reglerne.", "2. juni 2023"),
    ):
        assert [t for t, label, _k in found(finder, text) if label == "DATE"] == [date]


def test_a_footnote_marker_in_superscript_ends_the_name_or_date_before_it(
    finder: EntityFinder,
) -> None:
    """The extractors write a footnote's marker in superscript digits, which patterns read as
    part of a word: the year before one was no date, and the law's paragraph was left out."""
    text = (
        "Ankestyrelsen³ har i 2023² undersøgt sagerne, og Børns Vilkår⁴ mener, at "
        "serviceloven⁵ § 52⁶ skal ændres, sagde Mette Frederiksen⁷ den 3. maj 2021.⁹"
    )
    plain = text.translate(str.maketrans("", "", "²³⁴⁵⁶⁷⁹"))
    for pages in ([(1, text)], [(1, plain)]):
        assert [(m.text, m.label) for m in finder.find_in_pages(pages)] == [
            ("Ankestyrelsen", "ORG"),
            ("2023", "DATE"),
            ("Børns Vilkår", "ORG"),
            ("serviceloven § 52", "LAW"),
            ("Mette Frederiksen", "PER"),
            ("3. maj 2021", "DATE"),
        ]


def test_a_place_inside_a_persons_name_is_part_of_the_name(finder: EntityFinder) -> None:
    """A first name, a middle name that is also a town's, and a surname were a place and a
    stray word ("Jeppe Rønne Kristensen": loc.roenne and an organisation "Kristensen")."""
    text = "Teksten er skrevet af Karen Vejle Mortensen og gennemlæst af kolleger."
    assert found(finder, text) == [("Karen Vejle Mortensen", "PER", None)]


@pytest.mark.parametrize(
    "text",
    [
        # a compound common noun in the plural
        "Flere unge fortæller desuden, at de får støtte fra andre i anonyme Snapchatgrupper "
        "for unge med angst.",
        "Nogle pædagoger fortæller, at de følger Facebooksider om trivsel.",
        # a name and an ordinary word after a hyphen
        "I foråret 2019 blev flere hundrede unge sigtet i den såkaldte Snapchat-sagen.",
    ],
)
def test_a_common_noun_is_no_person(finder: EntityFinder, text: str) -> None:
    """The model took "Facebookgrupper" and "Umbrella-sagen" for persons."""
    assert [t for t, label, _k in found(finder, text) if label == "PER"] == []


def test_a_name_with_a_post_after_it_is_a_persons(finder: EntityFinder) -> None:
    """The signature under a foreword ("…, direktør, SFI") was an initiative or a body."""
    for text in (
        "Vi takker de interviewede sagsbehandlere for deres bidrag.\n"
        "Agi Szalai Wendt, direktør, KORA, marts 2015",
        "Vi takker skolerne og forældrene for deres tid.\n"
        "Ildikó Csonka Berg, direktør, SFI, juni 2012",
    ):
        labels = {label for t, label, _k in found(finder, text) if "Berg" in t or "Wendt" in t}
        assert labels == {"PER"}, text


def test_a_person_described_by_age_is_no_name(finder: EntityFinder) -> None:
    """ "(Ung kvinde, 19 år)" under a quotation was an initiative."""
    for text in (
        "»Det var første gang, jeg blev spurgt.« (Ung kvinde, 22 år)",
        "»Det gjorde en forskel.« (Ung kvinde, 24 år, tidligere anbragt)\nØkonomi fylder meget.",
    ):
        assert found(finder, text) == [], text


def test_an_encoding_is_no_organisation(finder: EntityFinder) -> None:
    """A test page's title "Charset idna rapport" gave the organisation "Charset"."""
    for text in (
        "Charset rapport\nRapporten handler om plejefamilier i Norge.",
        "Charset latin1 dokument\nDokumentet handler om anbragte unge i Danmark.",
    ):
        assert [label for _t, label, _k in found(finder, text)] == ["LOC"], text


def test_a_list_of_professions_is_no_name(finder: EntityFinder) -> None:
    """A tool's target group ("Sagsbehandler, Plejeforælder, Pædagog på døgninstitution")
    gave the organisation "Plejeforælder, Pædagog": its first word is no ordinary word (a
    compound), the second is."""
    text = "Fagperson\nFamilieplejekonsulent, Plejeforælder, Pædagog på opholdssted\n\nFormat\nKort"
    assert found(finder, text) == []


def test_the_full_name_of_los_links_to_its_record(finder: EntityFinder) -> None:
    text = "I rådet sidder Landsforeningen af Opholdssteder, Botilbud og Skolebehandlingstilbud."
    assert [kb_id for _t, _label, kb_id in found(finder, text)] == ["org.los"]


def test_a_full_name_links_like_the_short_name_in_parentheses_after_it(
    finder: EntityFinder,
) -> None:
    """ "Lov om … (Barnets Lov)": the short name was linked, the full name left unlinked."""
    text = (
        "Sagen behandles efter lov om hjælp til børn og familier i udsatte situationer "
        "(barnets lov) fra 2024."
    )
    laws = [(m.text, m.kb_id) for m in finder.find_in_pages([(1, text)]) if m.label == "LAW"]
    assert laws == [
        ("lov om hjælp til børn og familier i udsatte situationer", "law.barnets-lov"),
        ("barnets lov", "law.barnets-lov"),
    ]


def test_an_organisations_name_goes_on_over_a_small_word_and_ordinary_words(
    finder: EntityFinder,
) -> None:
    """The model cut "Landsforeningen Børn i Pleje" at "i"; a place after it is no part of it."""
    mentions = found(finder, "Det oplyser Landsforeningen Forældre i Netværk til Avisen.")
    assert ("Landsforeningen Forældre i Netværk", "ORG", None) in mentions, mentions
    mentions = found(finder, "Det oplyser Landsforeningen Forældre i Odense til Avisen.")
    assert ("Odense", "LOC", "loc.odense-kommune") in mentions, mentions


def test_an_organisations_name_is_not_cut_at_og(finder: EntityFinder) -> None:
    """ "Center for Børneperspektiver og Udsathed" was found as two organisations, once cut
    at "og" and once whole; also where a line break follows "og", and in the genitive."""
    mentions = [
        (m.text, m.label, m.canonical)
        for m in finder.find_in_pages(
            [
                (1, "Undersøgelsen er lavet af Institut for Familieliv og Trivsel i år."),
                (2, "Data er indsamlet af Institut for Familieliv og\nTrivsel's analyseenhed."),
            ]
        )
    ]
    assert mentions == [
        ("Institut for Familieliv og Trivsel", "ORG", "Institut for Familieliv og Trivsel"),
        ("Institut for Familieliv og Trivsel's", "ORG", "Institut for Familieliv og Trivsel"),
    ]


def test_a_name_cut_after_an_adjective_at_a_lines_end_goes_on(finder: EntityFinder) -> None:
    """A folder's "Ring til Den Sociale / Døgnvagt" gave the organisation "Den Sociale"."""
    mentions = found(finder, "Ring til Det Kommunale\nKrisecenter via kommunens hovednummer.")
    assert mentions == [("Det Kommunale Krisecenter", "ORG", None)]


def test_a_reports_number_is_no_date(finder: EntityFinder) -> None:
    """ "Rapport 2025:07" gave the date "2025:07"."""
    text = "Resultaterne står i VIVE-rapport 2024:11 og i Notat 2023:4 fra marts 2023."
    dates = [t for t, label, _ in found(finder, text) if label == "DATE"]
    assert dates == ["marts 2023"]


def test_english_words_of_a_cited_title_are_no_organisation(finder: EntityFinder) -> None:
    """A reference's "From Tokenism to Citizenship" gave the organisation "From Tokenism"."""
    text = "Hansen, P. (2018): Young Voices. From Silence to Participation. London: Sage."
    assert [label for _t, label, _k in found(finder, text)] == ["PER", "DATE"]


def test_a_name_over_a_line_break_is_written_with_a_space(finder: EntityFinder) -> None:
    """ "Egmont\\nFonden" was shown with its line break."""
    [mention, _trygfonden] = finder.find("Projektet fik støtte fra Velux\nFonden og TrygFonden.")
    assert (mention.text, mention.kb_id) == ("Velux Fonden", "org.velux-fonden")
    assert (mention.start, mention.end) == (25, 37)


def test_the_english_name_of_ankestyrelsen_links_to_it(finder: EntityFinder) -> None:
    """An English page's "Social Appeals Board" was left unlinked."""
    mentions = found(finder, "Children may complain to the National Social Appeals Board.")
    assert mentions == [("National Social Appeals Board", "ORG", "org.ankestyrelsen")]


def test_a_partys_letter_is_a_name_only_as_a_tag(finder: EntityFinder) -> None:
    """A stray "B" in a garbled page made the page Radikale Venstre's: on its entity page,
    in its facet and in a search for the party."""
    tagged = "Ordføreren Sofie Carsten Nielsen (B) stillede spørgsmålet."
    assert ("B", "ORG", "org.radikale-venstre") in found(finder, tagged)
    stray = "Skema B udfyldes af kommunen. Bilag B og C følger."
    assert not [k for _t, _l, k in found(finder, stray) if k == "org.radikale-venstre"]


def test_the_model_does_not_read_a_page_in_english(finder: EntityFinder) -> None:
    """The Danish model read a report's English summary badly: its heading a person, "Assess
    relatives'" an organisation. On a page in English the patterns and the knowledge base
    still find the names."""
    page = (
        "Children Placed with Relatives and Friends: English Summary\n"
        "Sofie Brandt Mikkelsen og Jonas Ravn Olesen\n\n"
        "The study was carried out by VIVE for the Ministry of Social Affairs. Assess relatives' "
        "resources early, and involve the child in the decision."
    )
    as_danish = {(m.text, m.label) for m in finder.find_in_pages([(1, page)])}
    as_english = {(m.text, m.label) for m in finder.find_in_pages([(1, page)], english={1})}
    assert ("English Summary", "PER") in as_danish  # what the model makes of it
    assert {m for m in as_english if m[1] in ("PER", "ORG", "INITIATIVE")} == {
        ("Sofie Brandt Mikkelsen", "PER"),
        ("Jonas Ravn Olesen", "PER"),
        ("VIVE", "ORG"),
    }


def test_a_municipality_or_school_a_report_keeps_anonymous_is_no_name(
    finder: EntityFinder,
) -> None:
    """ "Kommune D" was an organisation and "Kommune E" a place (a tester's report: "Kommune
    A" to "F" in a table's rows)."""
    text = (
        "Tabel 3.2. Antal sager\nKommune A\n12\nKommune B\n9\nI Kommune D talte vi med "
        "Informant 3 og Skole B. Aarhus Kommune og Kommune E deltog."
    )
    assert [(t, kb) for t, _label, kb in found(finder, text)] == [
        ("Aarhus Kommune", "loc.aarhus-kommune")
    ]
