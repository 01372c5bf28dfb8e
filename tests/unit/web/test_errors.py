from web.errors import explain_validation_error


def test_validation_errors_get_danish_messages_and_statuses() -> None:
    assert explain_validation_error(
        {"loc": ["query", "size"], "type": "less_than_equal", "ctx": {"le": 100}}
    ) == (
        400,
        "Antal resultater pr. side må højst være 100.",
    )
    assert explain_validation_error({"loc": ["query", "page"], "type": "int_parsing"}) == (
        400,
        "Sidenummeret skal være et helt tal.",
    )
    status, message = explain_validation_error(
        {"loc": ["query", "q"], "type": "string_too_long", "ctx": {"max_length": 1000}}
    )
    assert status == 413 and "for lang" in message


def test_unknown_error_types_still_get_a_danish_message() -> None:
    assert explain_validation_error({"loc": ["query", "foo"], "type": "weird"}) == (
        400,
        "Parameteren 'foo' er ugyldig.",
    )


def test_a_choice_of_values_is_listed_in_danish() -> None:
    # A Literal parameter (the sort order) and an enum alike: pydantic's "or" is not Danish.
    for kind in ["literal_error", "enum"]:
        status, message = explain_validation_error(
            {"loc": ["query", "sort"], "type": kind, "ctx": {"expected": "'relevance' or 'newest'"}}
        )
        assert status == 400
        # With the form's names: the page's own choices are "Mest relevante", "Nyeste først".
        assert message.endswith(
            "skal være en af: 'relevance' (mest relevante) eller 'newest' (nyeste først)."
        )
