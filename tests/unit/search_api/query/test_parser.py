from search_api.query.parser import Term, parse_query


def test_plain_words() -> None:
    parsed = parse_query("anbragte unge")
    assert parsed.words == ["anbragte", "unge"]
    assert not (parsed.phrases or parsed.alternatives or parsed.excluded)


def test_phrase_and_words() -> None:
    parsed = parse_query('"inddragelse af børn" efterværn')
    assert parsed.phrases == ["inddragelse af børn"]
    assert parsed.words == ["efterværn"]


def test_exclusion_of_word_and_phrase() -> None:
    parsed = parse_query('anbringelse -plejefamilie -"Barnets Lov"')
    assert parsed.words == ["anbringelse"]
    assert parsed.excluded == [Term(text="plejefamilie"), Term(text="Barnets Lov", phrase=True)]


def test_or_groups() -> None:
    parsed = parse_query('samvær OR "kontakt med forældre" OR besøg underretning')
    assert parsed.alternatives == [
        [Term(text="samvær"), Term(text="kontakt med forældre", phrase=True), Term(text="besøg")]
    ]
    assert parsed.words == ["underretning"]


def test_stray_syntax_is_plain_text() -> None:
    assert parse_query("OR børn OR").words == ["børn"]
    assert parse_query("OR").words == ["OR"]
    assert parse_query('"uafsluttet citat').words == ["uafsluttet", "citat"]
    assert parse_query("- -- børne-inddragelse").words == ["børne-inddragelse"]
    assert parse_query('{"query": 1}').words == ["{", "query", ":", "1}"]


def test_lower_case_or_is_a_word() -> None:
    assert parse_query("børn or unge").words == ["børn", "or", "unge"]


def test_empty_and_only_exclusions() -> None:
    assert parse_query("").is_empty
    parsed = parse_query("-børn")
    assert parsed.is_empty and parsed.excluded == [Term(text="børn")]


def test_a_quoted_or_is_the_word() -> None:
    """ "OR" in quotes was still the operator: 'børn "OR" unge' asked for either word."""
    parsed = parse_query('børn "OR" unge')
    assert parsed.words == ["børn", "OR", "unge"] and parsed.alternatives == []
    assert len(parse_query("børn OR unge").alternatives) == 1


def test_not_and_and_as_library_catalogues_have_them() -> None:
    """ "børn NOT unge" found documents about young people; "børn AND unge" looked for a word
    stemmed like "anden" too."""
    assert parse_query("børn NOT unge") == parse_query("børn -unge")
    assert parse_query('børn NOT "Barnets Lov"') == parse_query('børn -"Barnets Lov"')
    assert parse_query("børn AND unge") == parse_query("børn unge")
    assert parse_query("plejefamilie OR netværk AND børn").alternatives
    # Alone, in lower case or in quotes, they are words; at the end, beside nothing, left out.
    assert parse_query("NOT").words == ["NOT"] and parse_query("AND").words == ["AND"]
    assert parse_query("børn AND") == parse_query("børn NOT") == parse_query("børn")
    assert parse_query("to be or not to be").words == ["to", "be", "or", "not", "to", "be"]
    assert parse_query('børn "NOT" unge').words == ["børn", "NOT", "unge"]


def test_not_before_brackets_excludes_everything_in_them() -> None:
    """ "børn NOT (unge OR anbringelse)" required "anbringelse" (7 results, not 10)."""
    assert parse_query("børn NOT (unge OR anbringelse)") == parse_query("børn -unge -anbringelse")
    assert parse_query("børn NOT (unge anbringelse) skole") == parse_query(
        "børn -unge -anbringelse skole"
    )
    # Other brackets only group: OR joins the terms beside it anyway.
    grouped = parse_query('(plejefamilie OR "netværkspleje") børn')
    assert grouped.words == ["børn"]
    assert [[t.text for t in g] for g in grouped.alternatives] == [
        ["plejefamilie", "netværkspleje"]
    ]
    assert parse_query("§ 50(3)").words == ["§", "50", "3"]
    # A minus before brackets is NOT (the about page says so); it required them.
    assert parse_query("børn -(unge OR anbringelse)") == parse_query("børn -unge -anbringelse")
    # NOT inside brackets reaches no further; operators alone are the words.
    assert parse_query("x (a NOT) b").words == ["x", "a", "b"]
    assert parse_query("NOT AND").words == ["NOT", "AND"]
    assert parse_query("( )").is_empty and not parse_query("( )").excluded


def test_brackets_of_words_beside_or_must_match_together() -> None:
    """ "a OR (b c)" was read as "(a OR b) c": the documents of "a" without "c" were missing."""
    assert parse_query("efterværn OR (plejefamilie netværk)").alternatives == [
        [Term(text="efterværn"), Term(text="plejefamilie netværk")]
    ]
    assert parse_query("(børn AND samvær) OR efterværn skole").alternatives == [
        [Term(text="børn samvær"), Term(text="efterværn")]
    ]
    assert parse_query("(børn AND samvær) OR efterværn skole").words == ["skole"]
    # With nothing for OR to join, they are words again; brackets elsewhere only group.
    assert parse_query("(børn samvær) OR -skole").words == ["børn", "samvær"]
    assert parse_query("(børn samvær) skole") == parse_query("børn samvær skole")
    # NOT before them excludes each word, an OR after or not.
    assert parse_query("x NOT (a b) OR c").excluded == [Term(text="a"), Term(text="b")]
    assert parse_query("x -(a b) OR c").excluded == [Term(text="a"), Term(text="b")]


def test_a_genitive_is_the_name_and_danish_quotation_marks_quote() -> None:
    """ "KL's" was no abbreviation in capitals ("kl. 14" matched, and "Mente du kl's?"), and
    „Tryg i skolen“ copied from a report was three words."""
    assert parse_query("KL's anbefalinger").words == ["KL", "anbefalinger"]
    assert parse_query("FN’s børnekonvention -EU's").words == ["FN", "børnekonvention"]
    assert parse_query("FN’s børnekonvention -EU's").excluded == [Term(text="EU")]
    # Only the genitive: "sms'en", "Jens'" and a quoted phrase are as typed.
    assert parse_query("sms'en Jens'").words == ["sms'en", "Jens'"]
    for quoted in ("„Tryg i skolen“", "«Tryg i skolen»", "“Tryg i skolen”"):
        assert parse_query(quoted).phrases == ["Tryg i skolen"]
    # The genitive before punctuation, in capitals; an operator's is no operator.
    assert parse_query("hvad mener KL's? KL'S").words == ["hvad", "mener", "KL?", "KL"]
    assert parse_query("børn OR's unge").words == ["børn", "OR", "unge"]
    # A minus glued to a closing quote joins a compound; it excluded the compound's head.
    for compound in ("„Tryg i skolen“-projektet", '"Barnets Lov"-reformen'):
        assert not parse_query(compound).excluded and len(parse_query(compound).words) == 1
    # ... nor a phrase or a bracket after one.
    for glued in ('"a"-"b"', "«a»-«b»", "(a)-(b)", '"a b"-(c OR d)'):
        assert not parse_query(glued).excluded, glued
    assert parse_query('-"x y" -(a b) z').excluded == [
        Term(text="x y", phrase=True),
        Term(text="a"),
        Term(text="b"),
    ]
    # A quote is no part of a word: 'rapporten:"Tryg i skolen"' has a phrase.
    assert parse_query('rapporten:"Tryg i skolen"').phrases == ["Tryg i skolen"]
    assert parse_query('a OR"b c"').alternatives == [
        [Term(text="a"), Term(text="b c", phrase=True)]
    ]
    # Copied from a typeset PDF: ligatures and invisible characters.
    assert parse_query("\ufb01nansiering skole\u200bbørn").words == ["finansiering", "skolebørn"]
