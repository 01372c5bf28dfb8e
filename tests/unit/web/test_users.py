"""Admins manage accounts in the browser: add a curator, who can then log in; close the
account, which ends its session (on the real app and a real SQLite database)."""

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.accounts import PASSWORD, add, csrf, logged_in
from vidensbank.store.db import migrate
from web.app import app


@pytest.fixture(scope="module", autouse=True)
def database() -> None:
    migrate()


def test_an_admin_adds_and_closes_a_curator() -> None:
    add("chef@eksempel.dk", role="admin")
    admin = logged_in("chef@eksempel.dk")
    token = csrf(admin.get("/brugere").text)
    created = admin.post(
        "/brugere",
        data={
            "csrf_token": token,
            "email": "Ny.Kurator@eksempel.dk",
            "password": PASSWORD,
            "role": "curator",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    page = admin.get("/brugere").text
    assert "ny.kurator@eksempel.dk" in page and "kurator" in page

    curator = logged_in("ny.kurator@eksempel.dk")
    assert curator.get("/brugere").status_code == 403
    too_short = admin.post(
        "/brugere",
        data={"csrf_token": token, "email": "b@eksempel.dk", "password": "kort", "role": "admin"},
    )
    assert too_short.status_code == 400 and "mindst 12 tegn" in too_short.text

    # Closing asks first (it took one click): the list links to a page that asks.
    assert 'href="/brugere/ny.kurator%40eksempel.dk/luk"' in page
    asked = admin.get("/brugere/ny.kurator@eksempel.dk/luk")
    assert asked.status_code == 200 and "Luk kontoen for ny.kurator@eksempel.dk?" in asked.text
    unasked = admin.post("/brugere/ny.kurator@eksempel.dk/luk", data={"csrf_token": token})
    assert unasked.status_code == 400 and "Kontoen er ikke lukket" in unasked.text
    assert curator.get("/konto", follow_redirects=False).status_code == 200
    confirmed = {"csrf_token": token, "confirm": "ja"}
    closed = admin.post(
        "/brugere/ny.kurator@eksempel.dk/luk", data=confirmed, follow_redirects=False
    )
    assert closed.status_code == 303
    assert curator.get("/konto", follow_redirects=False).status_code == 303  # logged out
    assert admin.get("/brugere/ny.kurator@eksempel.dk/luk").status_code == 404  # closed
    own = admin.post("/brugere/chef@eksempel.dk/luk", data=confirmed)
    assert own.status_code == 400
    missing = admin.post("/brugere/ingen@eksempel.dk/luk", data=confirmed)
    assert missing.status_code == 404
    events = admin.get("/api/audit", params={"actor": "chef@eksempel.dk"}).json()
    assert {"user.add", "user.deactivate"} <= {e["action"] for e in events}
    assert TestClient(app).get("/brugere").status_code == 401
    # An address with a slash (allowed before the @) is closed from its link too (it was a 404).
    slash = "a/b@eksempel.dk"
    new = {"csrf_token": token, "email": slash, "password": PASSWORD, "role": "curator"}
    assert admin.post("/brugere", data=new, follow_redirects=False).status_code == 303
    link = HTMLParser(admin.get("/brugere").text).css_first('a[href*="a/b%40"]')
    assert link is not None
    assert admin.get(link.attributes["href"] or "").status_code == 200
    gone = admin.post(link.attributes["href"] or "", data=confirmed, follow_redirects=False)
    assert gone.status_code == 303


def test_a_refused_user_comes_back_in_the_form_and_a_new_one_is_confirmed() -> None:
    """An address already in use gave an error page, and what the admin typed was lost; a
    new user was added without a word."""
    add("chef2@eksempel.dk", role="admin")
    admin = logged_in("chef2@eksempel.dk")
    token = csrf(admin.get("/brugere").text)
    new = {"csrf_token": token, "email": "Dobbelt@eksempel.dk", "password": PASSWORD}
    created = admin.post("/brugere", data={**new, "role": "admin"}, follow_redirects=False)
    # Its own fragment: the form's "#ny-bruger" was kept, the message out of view.
    assert created.headers["location"] == "/brugere?oprettet=dobbelt%40eksempel.dk#besked"
    page = HTMLParser(admin.get(created.headers["location"]).text)
    status = page.css_first('.alert-success[role="status"]')
    assert status is not None
    assert status.text(strip=True) == "Brugeren dobbelt@eksempel.dk er oprettet."
    # An address that names no account is not said to be created.
    stray = admin.get("/brugere", params={"oprettet": "ingen@eksempel.dk"}).text
    assert "er oprettet" not in stray

    again = admin.post("/brugere", data={**new, "role": "admin"})
    assert again.status_code == 400
    form = HTMLParser(again.text).css_first('form[action="/brugere#ny-bruger"]')
    assert form is not None
    error = form.css_first('.alert-error[role="alert"]')
    assert error is not None
    assert "Der findes allerede en bruger med dobbelt@eksempel.dk." in error.text()
    email = form.css_first("#email")
    assert email is not None and email.attributes["value"] == "Dobbelt@eksempel.dk"
    role = form.css_first("#role option[selected]")
    assert role is not None and role.attributes["value"] == "admin"
    assert PASSWORD not in again.text


def test_on_a_phone_each_user_is_a_block_of_labelled_lines() -> None:
    """On a phone the role, status and the action were out of sight, in a sideways scroll:
    the table takes the design system's responsive headers, each cell named by its column."""
    add("chef3@eksempel.dk", role="admin")
    admin = logged_in("chef3@eksempel.dk")
    page = HTMLParser(admin.get("/brugere").text)
    table = page.css_first("table")
    assert table is not None and "table--responsive-headers" in (table.attributes["class"] or "")
    headers = [th.text(strip=True) for th in table.css("thead th")][:4]
    row = table.css_first("tbody tr")
    assert row is not None
    assert [td.attributes.get("data-title") for td in row.css("td")][:4] == headers


def test_a_closed_account_is_opened_again_with_a_new_password_and_role() -> None:
    """A closed account could never be opened again: created anew, its address was taken."""
    add("chef4@eksempel.dk", role="admin")
    add("lukket.igen@eksempel.dk")
    admin = logged_in("chef4@eksempel.dk")
    token = csrf(admin.get("/brugere").text)
    confirmed = {"csrf_token": token, "confirm": "ja"}
    closing = admin.post(
        "/brugere/lukket.igen@eksempel.dk/luk", data=confirmed, follow_redirects=False
    )
    assert closing.headers["location"].endswith("#besked")
    told = HTMLParser(admin.get(closing.headers["location"]).text).css_first("#besked")
    assert told is not None and "lukket.igen@eksempel.dk er lukket" in told.text()
    link = HTMLParser(admin.get("/brugere").text).css_first('a[href*="aabn=lukket.igen"]')
    assert link is not None and "Åbn igen" in link.text()
    reopening = HTMLParser(admin.get(link.attributes["href"] or "").text)
    form = reopening.css_first("#email")
    assert form is not None and form.attributes["value"] == "lukket.igen@eksempel.dk"
    heading = reopening.css_first("#ny-bruger")
    assert heading is not None and heading.text() == "Åbn kontoen lukket.igen@eksempel.dk igen"
    new_password = "et-helt-nyt-kodeord-42"
    opened = admin.post(
        "/brugere",
        data={
            "csrf_token": token,
            "email": "lukket.igen@eksempel.dk",
            "password": new_password,
            "role": "admin",
        },
        follow_redirects=False,
    )
    assert opened.headers["location"] == "/brugere?genaabnet=lukket.igen%40eksempel.dk#besked"
    assert "er åbnet igen" in admin.get(opened.headers["location"]).text
    reopened = logged_in("lukket.igen@eksempel.dk", password=new_password)
    assert reopened.get("/brugere").status_code == 200  # an admin now
    with pytest.raises(AssertionError):
        logged_in("lukket.igen@eksempel.dk")  # the old password opens nothing
    events = admin.get("/api/audit", params={"actor": "chef4@eksempel.dk"}).json()
    assert "user.reopen" in {e["action"] for e in events}


def test_odd_addresses_blank_passwords_and_closing_twice_are_refused() -> None:
    """A tester created users named with a NUL, "<script>" and an IP literal, with a password
    of spaces, and closing a closed account said it was closed."""
    add("chef5@eksempel.dk", role="admin")
    admin = logged_in("chef5@eksempel.dk")
    token = csrf(admin.get("/brugere").text)
    for email in ("nul\x00@eksempel.dk", "<script>@eksempel.dk", "ip@[127.0.0.1]", "a@b"):
        data = {"csrf_token": token, "email": email, "password": PASSWORD, "role": "curator"}
        refused = admin.post("/brugere", data=data)
        assert refused.status_code == 400 and "ikke en e-mailadresse" in refused.text, email
    blank = {"csrf_token": token, "email": "blank@eksempel.dk", "password": " " * 20}
    refused = admin.post("/brugere", data={**blank, "role": "curator"})
    assert refused.status_code == 400 and "mellemrum alene" in refused.text
    # The roles by the names the form shows (it said "'curator' eller 'admin'").
    unknown = {"csrf_token": token, "email": "rolle@eksempel.dk", "password": PASSWORD}
    refused = admin.post("/brugere", data={**unknown, "role": "chef"})
    assert refused.status_code == 400
    assert "Vælg rollen kurator eller administrator." in refused.text
    add("to-gange@eksempel.dk")
    confirmed = {"csrf_token": token, "confirm": "ja"}
    first = admin.post("/brugere/to-gange@eksempel.dk/luk", data=confirmed, follow_redirects=False)
    assert first.status_code == 303
    again = admin.post("/brugere/to-gange@eksempel.dk/luk", data=confirmed)
    assert again.status_code == 404 and "ingen åben konto" in again.text
