import logging
import sqlite3

import psycopg.errors
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError, ProgrammingError

from web.app import app
from web.errors import NOT_AN_OBJECT, explain_validation_error, install_error_handlers


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
            "skal være en af følgende: 'relevance' (mest relevante) eller 'newest' (nyeste først)."
        )


def test_adjectives_agree_with_the_parameters_gender() -> None:
    """ "Fundet er ugyldig" and "Navnet må ikke være tom": every noun was taken as common."""
    assert explain_validation_error({"loc": ["body", "fund"], "type": "weird"}) == (
        400,
        "Fundet er ugyldigt.",
    )
    assert explain_validation_error({"loc": ["body", "value"], "type": "string_too_short"}) == (
        400,
        "Navnet må ikke være tomt.",
    )
    assert explain_validation_error(
        {"loc": ["body", "isbn"], "type": "string_too_long", "ctx": {"max_length": 20}}
    ) == (413, "ISBN-nummeret er for langt (højst 20 tegn).")
    assert explain_validation_error({"loc": ["body", "title"], "type": "string_too_short"}) == (
        400,
        "Titlen må ikke være tom.",
    )
    assert explain_validation_error({"loc": ["body", "files"], "type": "weird"}) == (
        400,
        "Filerne er ugyldige.",
    )
    _, message = explain_validation_error(
        {
            "loc": ["query", "format"],
            "type": "literal_error",
            "ctx": {"expected": "'ris' or 'bibtex'"},
        }
    )
    assert message == "Formatet skal være et af følgende: 'ris' eller 'bibtex'."
    # A filter's noun too: "sprog" is an et-word.
    assert explain_validation_error({"loc": ["query", "language", 0], "type": "weird"}) == (
        400,
        "Sprog er ugyldigt.",
    )


def test_limits_are_written_with_danish_thousands_separators() -> None:
    assert explain_validation_error(
        {"loc": ["query", "side"], "type": "less_than_equal", "ctx": {"le": 100_000}}
    ) == (400, "Sidetallet må højst være 100.000.")
    # A year, and any number of four digits, as Danish may write it: without the point.
    assert explain_validation_error(
        {"loc": ["query", "year", 0], "type": "less_than_equal", "ctx": {"le": 9999}}
    ) == (400, "År må højst være 9999.")


def test_a_batch_body_that_is_no_list_of_queries_says_what_it_should_be() -> None:
    client = TestClient(app)
    headers = {"content-type": "application/json"}
    cases = [
        (b"{ikke json", "Forespørgslens indhold er ikke gyldig JSON."),
        (b"{}", "queries (søgningerne) mangler."),
        (b'{"queries": "born"}', "queries skal være en liste af søgninger (tekster)."),
        (b'{"queries": [1]}', "queries skal være en liste af søgninger (tekster)."),
        # Not "Parameteren 'body' er ugyldig": nobody sent a "body".
        (b'["born"]', NOT_AN_OBJECT),
        (b'"born"', NOT_AN_OBJECT),
    ]
    for body, message in cases:
        response = client.post("/api/search/batch", content=body, headers=headers)
        assert response.status_code == 400
        assert response.json()["error"] == message


def test_a_batch_body_with_a_key_it_does_not_know_is_refused_by_name() -> None:
    """A misspelt filter in the JSON was ignored, and the list searched unfiltered."""
    client = TestClient(app)
    cases: list[tuple[dict[str, object], str]] = [
        ({"publsher": ["VIVE"]}, "Feltet 'publsher' kendes ikke. Mente du 'publisher'?"),
        (
            {"bogus": 1},
            "Feltet 'bogus' kendes ikke. En søgning med en liste tager: queries, size, sort, "
            "publisher, ",
        ),
    ]
    for extra, message in cases:
        response = client.post("/api/search/batch", json={"queries": ["børn"], **extra})
        assert response.status_code == 400
        assert response.json()["error"].startswith(message)


def test_a_role_is_named_as_the_form_names_it() -> None:
    assert explain_validation_error({"loc": ["body", "role"], "type": "enum"}) == (
        400,
        "Vælg rollen kurator eller administrator.",
    )


def test_a_wrong_method_on_a_page_says_what_to_do_and_the_api_says_what_is_wrong() -> None:
    client = TestClient(app)
    page = client.post("/om")
    assert page.status_code == 405
    assert "Adressen kan ikke åbnes direkte. Gå tilbage, og brug knappen på siden." in page.text
    api = client.delete("/api/search")
    assert api.status_code == 405
    assert api.json()["error"] == "Metoden (HTTP) er ikke tilladt på denne adresse."


def _failing_app(error: Exception) -> TestClient:
    failing = FastAPI()
    install_error_handlers(failing)

    @failing.get("/api/noget")
    def fail() -> None:
        raise error

    return TestClient(failing, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT", {}, sqlite3.OperationalError("no such column: documents.ny")),
        OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: ny_tabel")),
        # What SQLite says of an INSERT into a table of the old schema (a personal token).
        OperationalError(
            "INSERT", {}, sqlite3.OperationalError("table api_tokens has no column named hint")
        ),
        ProgrammingError(
            "SELECT", {}, psycopg.errors.UndefinedColumn("column d.ny does not exist")
        ),
        ProgrammingError("SELECT", {}, psycopg.errors.UndefinedTable("relation x does not exist")),
    ],
)
def test_a_database_not_upgraded_is_told_apart_from_one_that_is_down(error: Exception) -> None:
    """After an upgrade without ``vidensbank init`` every page said the database did not
    answer, and the operator looked for a database that was running."""
    response = _failing_app(error).get("/api/noget")
    assert response.status_code == 503
    assert response.json()["error"] == (
        "Databasens indhold er ikke opdateret til denne version af Vidensbank. "
        "Driften skal køre »vidensbank init«."
    )


def test_a_database_that_does_not_answer_is_still_said_to_be_down() -> None:
    down = OperationalError("SELECT", {}, sqlite3.OperationalError("unable to open database file"))
    response = _failing_app(down).get("/api/noget")
    assert response.status_code == 503
    assert response.json()["error"] == "Databasen svarer ikke lige nu. Prøv igen om lidt."


def test_an_error_pages_title_says_what_went_wrong() -> None:
    """It said "Fejl 404" alone: the reason was only in the page."""
    page = TestClient(app).get("/ingen-side")
    assert "<title>Siden blev ikke fundet (fejl 404) · Vidensbank</title>" in page.text
    assert "<h1>Siden blev ikke fundet</h1>" in page.text


def test_an_unexpected_error_is_logged_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The handler logged the traceback, and the server again the error the framework raises
    after the answer: 15 KB a 500. The handler now logs one line; the traceback is the
    server's."""
    with caplog.at_level(logging.INFO):
        answer = _failing_app(RuntimeError("uventet")).get("/api/noget")
    assert answer.status_code == 500
    [record] = [r for r in caplog.records if r.name == "web.errors"]
    assert record.exc_info is None and "RuntimeError('uventet')" in record.getMessage()


def test_the_search_engines_client_does_not_log_every_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its INFO line for every request it sent was two thirds of the server's log."""
    with caplog.at_level(logging.INFO):
        assert TestClient(app).get("/api/search", params={"q": "samvær"}).status_code == 200
    assert not [r for r in caplog.records if r.name.startswith("elastic_transport")]
