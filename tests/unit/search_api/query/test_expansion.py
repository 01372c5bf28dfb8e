"""Query expansion from the knowledge base, with the index's analysis given as data."""

from search_api.query.builder import QueryOptions
from search_api.query.expansion import WordAnalysis, expand
from search_api.query.parser import parse_query


def lookup(words: list[str]) -> dict[str, WordAnalysis]:
    known = {
        "af": WordAnalysis(parts=[], stop=True),
        "og": WordAnalysis(parts=[], stop=True),
        "i": WordAnalysis(parts=[], stop=True),
        "børneinddragelse": WordAnalysis(parts=["børn", "inddragelse"], stop=False),
        "ungeudvalget": WordAnalysis(parts=["udvalget", "unge"], stop=False),
    }
    return {w: known.get(w, WordAnalysis(parts=[], stop=False)) for w in words}


def test_abbreviation_gets_the_full_name_and_kb_id() -> None:
    [unit] = expand(parse_query("KL"), QueryOptions(), lookup).units
    assert unit.kb_id == "org.kl" and "Kommunernes Landsforening" in unit.alternatives


def test_former_name_and_multiword_name_are_one_unit() -> None:
    units = expand(
        parse_query("social- og boligstyrelsen tidlig opsporing"), QueryOptions(), lookup
    ).units
    assert units[0].text == "social- og boligstyrelsen"
    assert "Socialstyrelsen" in units[0].alternatives
    assert [u.text for u in units[1:]] == ["tidlig", "opsporing"]


def test_successor_searches_predecessors_but_not_the_other_way() -> None:
    [vive] = expand(parse_query("VIVE"), QueryOptions(), lookup).units
    assert "SFI" in vive.related
    [sfi] = expand(parse_query("SFI"), QueryOptions(), lookup).units
    assert "VIVE" not in sfi.alternatives + sfi.related


def test_an_older_name_finds_the_body_as_it_was_and_its_later_names_less() -> None:
    """ "Servicestyrelsen" (until 2011) ranked every document of Socialstyrelsen and Social- og
    Boligstyrelsen above the reports it commissioned; "Socialstyrelsen" (until 2023) is still
    what people call Social- og Boligstyrelsen."""
    [older] = expand(parse_query("Servicestyrelsen"), QueryOptions(), lookup).units
    assert older.kb_id == "org.social-og-boligstyrelsen" and not older.alternatives
    assert {"Socialstyrelsen", "Social- og Boligstyrelsen"} <= set(older.related)
    [latest] = expand(parse_query("Socialstyrelsen"), QueryOptions(), lookup).units
    assert {"Servicestyrelsen", "Social- og Boligstyrelsen"} <= set(latest.alternatives)
    # A name the body had twice, last lately, and a name it has now besides an older one.
    for name in ("Undervisningsministeriet", "Socialministeriet"):
        [unit] = expand(parse_query(name), QueryOptions(), lookup).units
        assert unit.alternatives and not unit.related, name


def test_a_compounds_first_part_before_og_is_the_compound_it_makes() -> None:
    """ "børne- og ungeudvalget" found every document: "børne-" was "børn"."""
    units = expand(parse_query("børne- og ungeudvalget"), QueryOptions(), lookup).units
    assert [(u.text, u.parts) for u in units] == [
        ("børneudvalget", ["børne", "udvalget"]),
        ("ungeudvalget", ["udvalget", "unge"]),
    ]
    # "børne" is in most documents; the compound is not: it must match.
    common = WordAnalysis(parts=[], stop=False, common=True)
    [compound, _] = expand(
        parse_query("børne- og ungeudvalget"),
        QueryOptions(),
        lambda words: lookup(words) | {"børne-": common},
    ).units
    assert not compound.common
    # Several hanging parts, with a comma too.
    for chained in ("børne- og unge- og ungeudvalget", "børne-, unge- og ungeudvalget"):
        units = expand(parse_query(chained), QueryOptions(), lookup).units
        assert [u.text for u in units[:2]] == ["børneudvalget", "ungeudvalget"], chained
    # Nothing to complete it with: as typed.
    assert expand(parse_query("børne- og unge"), QueryOptions(), lookup).units[0].text == ("børne-")


def test_stop_words_beside_paragraphs_or_an_or_group_are_left_out() -> None:
    """Kept when nothing else was left of the words, "og" of "§ 52 og § 53" (or "i § 52",
    "børn OR unge og") was a word the index drops, and required: nothing was found."""
    for text in ("§ 52 og § 53", "i § 52"):
        expansion = expand(parse_query(text), QueryOptions(), lookup)
        assert expansion.units == [] and expansion.paragraphs, text
    expansion = expand(parse_query("børn OR unge og"), QueryOptions(), lookup)
    assert expansion.units == [] and len(expansion.any_of) == 1
    # Alone, stop words are what was asked for.
    assert [u.text for u in expand(parse_query("af"), QueryOptions(), lookup).units] == ["af"]


def test_compound_parts_and_stop_words() -> None:
    units = expand(parse_query("børneinddragelse af"), QueryOptions(), lookup).units
    assert [(u.text, u.parts) for u in units] == [("børneinddragelse", ["børn", "inddragelse"])]


def test_a_compound_in_an_or_group_is_searched_by_its_parts_too() -> None:
    """ "efterværn OR børneinddragelse" found 35 fewer documents than "børneinddragelse"."""
    [group] = expand(parse_query("efterværn OR børneinddragelse"), QueryOptions(), lookup).any_of
    assert [(u.text, u.parts) for u in group] == [
        ("efterværn", []),
        ("børneinddragelse", ["børn", "inddragelse"]),
    ]


def test_switched_off_features_leave_the_words_as_typed() -> None:
    options = QueryOptions(synonyms=False, decompounding=False)
    units = expand(parse_query("KL børneinddragelse"), options, lookup).units
    assert [(u.text, u.alternatives, u.parts) for u in units] == [
        ("KL", [], []),
        ("børneinddragelse", [], []),
    ]


def test_a_query_of_only_stop_words_keeps_them() -> None:
    assert [u.text for u in expand(parse_query("af"), QueryOptions(), lookup).units] == ["af"]


def test_a_partys_letter_is_not_searched_for_its_name() -> None:
    """ "S" and "A" matched every stray letter: "Socialdemokratiet" found 11 documents where
    one names the party, "Radikale Venstre" 38 where two do."""
    [party] = expand(parse_query("Radikale Venstre"), QueryOptions(), lookup).units
    assert party.kb_id == "org.radikale-venstre" and "RV" in party.alternatives
    assert not [form for form in party.alternatives + party.related if len(form) == 1]


def test_a_name_of_seven_words_is_one_name() -> None:
    """VIVE's full name, typed without quotes, was searched word by word and missed 5 of the
    27 documents its page lists."""
    query = "Det Nationale Forsknings- og Analysecenter for Velfærd"
    [vive] = expand(parse_query(query), QueryOptions(), lookup).units
    assert vive.kb_id == "org.vive" and "VIVE" in vive.alternatives


def test_an_english_function_word_no_document_has_is_left_out() -> None:
    """ "efterværn not kontanthjælp" searched "not" by its nearest words, "noter" and "note";
    one the documents have (an English summary's) is a word of the query like any other."""

    def analysis(found: bool) -> dict[str, WordAnalysis]:
        return {
            "efterværn": WordAnalysis(parts=[], stop=False),
            "not": WordAnalysis(
                parts=[], stop=False, corrections=["noter"], known=found, found=found
            ),
            "kontanthjælp": WordAnalysis(parts=[], stop=False),
        }

    query = parse_query("efterværn not kontanthjælp")
    lacked = expand(query, QueryOptions(), lambda words: analysis(False)).units
    assert [u.text for u in lacked] == ["efterværn", "kontanthjælp"]
    had = expand(query, QueryOptions(), lambda words: analysis(True)).units
    assert [u.text for u in had] == ["efterværn", "not", "kontanthjælp"]
