"""Accounts: the users command, logging in and out, personal tokens, and the guard on every
write route (on the real app and a real SQLite database; no search is needed)."""

import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from starlette.routing import BaseRoute

from search_api.api.auth import SAFE_METHODS, require
from tests.accounts import PASSWORD, add, csrf, logged_in
from vidensbank import accounts
from vidensbank.cli import main
from vidensbank.store.base import utcnow
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.users import LoginSession, Role
from web.app import app, create_app
from web.errors import install_error_handlers
from web.static_files import UNVERSIONED


@pytest.fixture(scope="module", autouse=True)
def database() -> None:
    migrate()


def csrf_of(client: TestClient) -> str:
    return csrf(client.get("/konto").text)


def test_users_command_adds_lists_and_deactivates(capsys: pytest.CaptureFixture[str]) -> None:
    add("Kurator.Liste@Eksempel.dk")
    assert "kurator.liste@eksempel.dk er oprettet som kurator" in capsys.readouterr().out
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO("kort\n"))
        assert main(["users", "add", "ny@eksempel.dk", "--role", "admin"]) == 1
    assert "mindst 12 tegn" in capsys.readouterr().err
    assert main(["users", "list"]) == 0
    assert re.search(r"kurator\.liste@eksempel\.dk\s+kurator\s+aktiv", capsys.readouterr().out)
    assert main(["users", "deactivate", "kurator.liste@eksempel.dk"]) == 0
    assert main(["users", "list"]) == 0
    assert re.search(r"kurator\.liste@eksempel\.dk\s+kurator\s+lukket", capsys.readouterr().out)
    assert main(["users", "deactivate", "ingen@eksempel.dk"]) == 1


def test_the_command_line_takes_the_longest_password_the_login_form_takes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A password of 1200 characters made an account whose login the form answered 413."""
    longest = "p" * accounts.MAX_PASSWORD_CHARS
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(longest + "p\n"))
        assert main(["users", "add", "lang@eksempel.dk", "--role", "curator"]) == 1
        assert capsys.readouterr().err == "Fejl: Adgangskoden må højst have 1000 tegn.\n"
        patch.setattr("sys.stdin", io.StringIO(longest + "\n"))
        assert main(["users", "add", "lang@eksempel.dk", "--role", "curator"]) == 0
    logged_in("lang@eksempel.dk", longest)
    address = "a" * (accounts.MAX_EMAIL_CHARS - len("@eksempel.dk") + 1) + "@eksempel.dk"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["users", "add", address, "--role", "curator"]) == 1
    assert capsys.readouterr().err == "Fejl: E-mailadressen må højst have 320 tegn.\n"


def test_password_is_stored_as_an_argon2_hash_only() -> None:
    add("hash@eksempel.dk")
    [user] = [u for u in accounts.list_users() if u.email == "hash@eksempel.dk"]
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_log_in_see_the_account_and_log_out() -> None:
    add("kurator@eksempel.dk")
    client = logged_in("kurator@eksempel.dk")
    cookie = client.cookies.get("vb_session")
    assert cookie and len(cookie) >= 40
    page = client.get("/konto")
    assert "kurator@eksempel.dk" in page.text and "Log ud" in page.text
    # Logging out is a write: without the session's token it is refused.
    assert client.post("/log-ud", follow_redirects=False).status_code == 403
    response = client.post("/log-ud", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert response.status_code == 303
    # The page it leads to says so (the search page it led to showed nothing).
    assert "Du er logget ud." in client.get(response.headers["location"]).text
    assert "Du er logget ud." not in TestClient(app).get("/log-ind").text
    # The old cookie opens nothing any more, even sent again by hand.
    replay = TestClient(app, cookies={"vb_session": cookie})
    assert replay.get("/konto", follow_redirects=False).headers["location"].startswith("/log-ind")
    # "Log ud" again from a tab left open (its session over) ends where the first did; it was a
    # 401 page asking to log in.
    again = replay.post("/log-ud", data={"csrf_token": "gammel"}, follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, "/log-ind?logget_ud=1")


def test_logging_in_returns_to_the_page_it_was_asked_from() -> None:
    """The header's "Log ind" led to the search page afterwards, and a page that needs a login
    (401) offered no way to log in."""
    add("tilbage@eksempel.dk")
    visitor = TestClient(app)
    page = HTMLParser(visitor.get("/om", params={"a": "b&c"}).text)
    link = page.css_first(".account-menu a")
    assert link is not None and link.attributes["href"] == "/log-ind?next=%2Fom%3Fa%3Db%2526c"
    refused = visitor.get("/rettelser")
    assert refused.status_code == 401
    login = HTMLParser(refused.text).css_first(".error-links a")
    assert login is not None and login.text() == "Log ind"
    assert login.attributes["href"] == "/log-ind?next=%2Frettelser"
    # A page says what to do; it said "Du skal være logget ind for at gøre dette."
    heading = HTMLParser(refused.text).css_first("h1")
    assert heading is not None and heading.text() == "Du er ikke logget ind"
    assert "Log ind for at se siden." in refused.text
    assert "Du skal være logget ind for at gøre dette." in visitor.post("/samlinger").text
    assert visitor.get("/api/audit").json()["error"] == (
        "Du skal være logget ind for at gøre dette."
    )
    form = visitor.get(login.attributes["href"] or "")
    next_field = HTMLParser(form.text).css_first('input[name="next"]')
    assert next_field is not None
    answer = visitor.post(
        "/log-ind",
        data={
            "email": "tilbage@eksempel.dk",
            "password": PASSWORD,
            "csrf_token": csrf(form.text),
            "next": next_field.attributes["value"],
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/rettelser"
    # The search page and the login page itself need no way back.
    assert 'href="/log-ind"' in TestClient(app).get("/log-ind").text


def test_wrong_password_and_forged_login_form_are_refused() -> None:
    add("forkert@eksempel.dk")
    client = TestClient(app)
    form = client.get("/log-ind")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    wrong = client.post(
        "/log-ind",
        data={"email": "forkert@eksempel.dk", "password": "ikke den", "csrf_token": csrf.group(1)},
    )
    assert wrong.status_code == 401 and accounts.WRONG_LOGIN in wrong.text
    # The address stays in the form; only the password is typed again.
    assert 'value="forkert@eksempel.dk"' in wrong.text
    # A form posted from elsewhere has no matching login cookie.
    forged = TestClient(app).post(
        "/log-ind",
        data={"email": "forkert@eksempel.dk", "password": PASSWORD, "csrf_token": "gæt"},
    )
    assert forged.status_code == 403 and "vb_session" not in forged.cookies


def test_what_a_logged_in_user_is_shown_is_kept_by_no_cache() -> None:
    """A new token, private collections and held documents were sent with no Cache-Control."""
    add("cache@eksempel.dk")
    client = logged_in("cache@eksempel.dk")
    token = client.post("/konto/token", data={"csrf_token": csrf_of(client)})
    assert token.headers["cache-control"] == "private, no-store"
    assert client.get("/samlinger").headers["cache-control"] == "private, no-store"
    # The static files are everyone's.
    assert client.get("/static/style.css").headers["cache-control"] == UNVERSIONED
    assert "cache-control" not in TestClient(app).get("/om").headers


def test_failed_logins_are_limited_per_account() -> None:
    add("begraenset@eksempel.dk")
    for _ in range(accounts.FAILED_LOGINS_PER_ACCOUNT):
        with pytest.raises(accounts.UnauthorizedError):
            accounts.log_in("begraenset@eksempel.dk", "forkert kode", "10.0.0.1")
    # Even the right password waits now, from any address.
    with pytest.raises(accounts.TooManyRequestsError) as error:
        accounts.log_in("begraenset@eksempel.dk", PASSWORD, "10.0.0.2")
    assert "For mange forkerte forsøg" in error.value.message


def test_failed_logins_sent_at_once_are_limited_too() -> None:
    """Counted before they were recorded, 19 of 30 wrong passwords sent at once were checked."""
    add("samtidig@eksempel.dk")

    def attempt(number: int) -> str:
        try:
            accounts.log_in("samtidig@eksempel.dk", f"forkert {number}", "10.0.1.1")
        except accounts.TooManyRequestsError:
            return "429"
        except accounts.UnauthorizedError:
            return "401"
        return "200"

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(attempt, range(12)))
    assert answers.count("401") <= accounts.FAILED_LOGINS_PER_ACCOUNT
    assert answers.count("429") >= 12 - accounts.FAILED_LOGINS_PER_ACCOUNT


def test_logins_that_succeed_do_not_count_against_their_address() -> None:
    add("kontor@eksempel.dk")
    for _ in range(accounts.FAILED_LOGINS_PER_ADDRESS + 1):
        accounts.log_in("kontor@eksempel.dk", PASSWORD, "10.0.1.2")
    with pytest.raises(accounts.UnauthorizedError):
        accounts.log_in("kontor@eksempel.dk", "forkert kode", "10.0.1.2")


def test_a_new_token_is_shown_once_and_a_reload_makes_no_other() -> None:
    """The POST answered with the page itself: reloading it made a second token."""
    add("prg@eksempel.dk")
    client = logged_in("prg@eksempel.dk")
    made = client.post("/konto/token", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/konto"
    shown = re.search(r"(vb_[\w-]{40,})", client.get("/konto").text)
    assert shown is not None and accounts.account_for_api_token(shown.group(1)) is not None
    again = client.get("/konto").text
    assert "Din nye nøgle" not in again and shown.group(1) not in again
    assert len(HTMLParser(again).css("table.tokens tbody tr")) == 1
    # Logging out before the page showed it takes the cookie away too.
    client.post("/konto/token", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    out = client.post("/log-ud", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert any(
        c.startswith('vb_new_token=""') and "Path=/konto" in c
        for c in out.headers.get_list("set-cookie")
    )
    # Another account's browser shown the cookie sees no token of someone else's.
    add("anden.prg@eksempel.dk")
    other = logged_in("anden.prg@eksempel.dk")
    other.cookies.set("vb_new_token", shown.group(1), path="/konto")
    assert shown.group(1) not in other.get("/konto").text


def test_a_deactivated_account_loses_its_session_and_tokens() -> None:
    add("lukkes@eksempel.dk")
    client = logged_in("lukkes@eksempel.dk")
    token = client.post("/konto/token", data={"csrf_token": csrf_of(client)})
    assert token.status_code == 200
    found = re.search(r"(vb_[\w-]{40,})", token.text)
    assert found is not None
    assert accounts.account_for_api_token(found.group(1)) is not None
    accounts.deactivate("lukkes@eksempel.dk")
    assert accounts.account_for_api_token(found.group(1)) is None
    assert client.get("/konto", follow_redirects=False).status_code == 303


def test_a_reopened_account_has_no_session_or_token_from_before() -> None:
    """A login and a token made while the account was being closed (the password checked
    before it closed, the session stored after) worked again once an admin opened the account
    with a new password."""
    add("lukkes.samtidig@eksempel.dk")
    client = logged_in("lukkes.samtidig@eksempel.dk")
    page = client.post("/konto/token", data={"csrf_token": csrf_of(client)}).text
    found = re.search(r"(vb_[\w-]{40,})", page)
    assert found is not None
    user = accounts.get_user("lukkes.samtidig@eksempel.dk")
    assert user is not None
    accounts.deactivate("lukkes.samtidig@eksempel.dk")
    # As the race leaves it: a session stored after the account was closed.
    with session_scope() as session:
        session.add(
            LoginSession(
                token_hash=accounts.digest("sent-med-det-gamle-kodeord"),
                user_id=user.id,
                csrf_token="x",
                expires_at=utcnow() + accounts.SESSION_IDLE,
            )
        )
    accounts.add_user("lukkes.samtidig@eksempel.dk", "et-helt-nyt-kodeord-1234", Role.CURATOR)
    assert accounts.account_for_session("sent-med-det-gamle-kodeord") is None
    assert accounts.account_for_api_token(found.group(1)) is None
    assert client.get("/konto", follow_redirects=False).status_code == 303


def test_a_script_writes_with_its_personal_token_and_no_csrf() -> None:
    add("script@eksempel.dk")
    client = logged_in("script@eksempel.dk")
    page = client.post("/konto/token", data={"csrf_token": csrf_of(client)}).text
    found = re.search(r"(vb_[\w-]{40,})", page)
    assert found is not None
    script = TestClient(app)
    bearer = {"Authorization": f"Bearer {found.group(1)}"}
    made = script.post(
        "/samlinger", data={"title": "Fra et script"}, headers=bearer, follow_redirects=False
    )
    assert made.status_code == 303
    bad = script.post("/samlinger", data={"title": "x"}, headers={"Authorization": "Bearer vb_x"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    # A key that does not work is refused on reads too: served as anybody's, a script got an
    # empty list of its private collections and never learnt its key had stopped working.
    for path in ("/api/collections", "/api/search?q=børn", "/"):
        read = script.get(path, headers={"Authorization": "Bearer vb_taget-tilbage"})
        assert read.status_code == 401 and read.headers["www-authenticate"] == "Bearer", path
    assert (
        "virker ikke"
        in script.get("/api/collections", headers={"Authorization": "Bearer vb_x"}).json()["error"]
    )
    assert script.get("/api/collections", headers=bearer).status_code == 200
    assert TestClient(app).get("/api/collections").status_code == 200  # no key: anybody


def test_tokens_are_listed_and_taken_back_one_at_a_time_from_a_browser_only() -> None:
    """A token could only be stopped by closing the account; it could make more tokens, and
    its "log out" was recorded but ended nothing."""
    add("noegler@eksempel.dk")
    client = logged_in("noegler@eksempel.dk")
    made = [
        re.search(
            r"(vb_[\w-]{40,})",
            client.post("/konto/token", data={"csrf_token": csrf_of(client)}).text,
        )
        for _ in range(2)
    ]
    first, second = (m.group(1) for m in made if m is not None)
    page = HTMLParser(client.get("/konto").text)
    forms = [str(f.attributes["action"]) for f in page.css("table.tokens form")]
    assert len(forms) == 2
    # Each is listed by its beginning, as the box that showed it said (a digest's start, which
    # is in no token, told them apart for nobody).
    listed = {node.text() for node in page.css("table.tokens td code")}
    assert listed == {f"{first[:11]}…", f"{second[:11]}…"}
    labels = {b.attributes["aria-label"] for b in page.css("table.tokens button")}
    assert labels == {f"Tag nøglen {first[:11]}… tilbage", f"Tag nøglen {second[:11]}… tilbage"}
    bearer = {"Authorization": f"Bearer {first}"}
    script = TestClient(app)
    for path in ("/konto/token", "/log-ud", f"{forms[1]}"):
        refused = script.post(path, headers=bearer, follow_redirects=False)
        assert refused.status_code == 403 and "i en browser" in refused.text
    assert accounts.account_for_api_token(first) and accounts.account_for_api_token(second)
    # Taken back from the page, that one token stops working, the other not.
    taken = client.post(forms[0], data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert taken.status_code == 303
    assert "taget tilbage" in client.get(taken.headers["location"]).text
    working = [t for t in (first, second) if accounts.account_for_api_token(t) is not None]
    assert len(working) == 1
    again = client.post(forms[0], data={"csrf_token": csrf_of(client)})
    assert again.status_code == 404
    # Another account's token is not this one's to take back.
    add("anden-noegle@eksempel.dk")
    other = logged_in("anden-noegle@eksempel.dk")
    assert other.post(forms[1], data={"csrf_token": csrf_of(other)}).status_code == 404
    assert accounts.account_for_api_token(working[0]) is not None


def test_the_wrong_role_is_refused() -> None:
    guarded = FastAPI()
    install_error_handlers(guarded)

    @guarded.post("/api/admin-only")
    def admin_only(_: Annotated[accounts.Account, Depends(require(Role.ADMIN))]) -> dict[str, bool]:
        return {"ok": True}

    add("rolle@eksempel.dk")
    login = accounts.log_in("rolle@eksempel.dk", PASSWORD, "10.0.0.3")
    client = TestClient(guarded, cookies={"vb_session": login.session_token})
    headers = {"X-CSRF-Token": login.account.csrf_token or ""}
    response = client.post("/api/admin-only", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == "Din rolle giver ikke adgang til dette."


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every route of the app, also those of the routers it includes (none has a prefix)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from api_routes(router.routes)


# POSTs that change nothing, so anyone may send them without logging in: each is guarded by its
# own test instead (a form's CSRF token, a JSON-only body, or nothing to guard). A route listed
# here must exist.
READ_ONLY_POSTS = {
    # OAI-PMH lets harvesters send a request as a form; it reads, exactly as GET /oai does.
    ("POST", "/oai"),
    ("POST", "/soegning/liste"),
    ("POST", "/api/search/batch"),
}


def write_routes() -> Iterator[tuple[str, str]]:
    for route in api_routes(create_app().routes):
        for method in sorted((route.methods or set()) - SAFE_METHODS):
            if (method, route.path) not in READ_ONLY_POSTS:
                yield method, route.path


def test_read_only_posts_exist_and_ask_for_no_login() -> None:
    routes = {
        (method, route.path)
        for route in api_routes(create_app().routes)
        for method in route.methods or set()
    }
    assert routes >= READ_ONLY_POSTS
    anonymous = TestClient(app)
    for method, path in READ_ONLY_POSTS:
        assert anonymous.request(method, path).status_code != 401, (method, path)


def test_every_write_route_refuses_anonymous_and_forged_requests() -> None:
    """A new route without the guard fails here: anonymous → 401, a logged-in browser without
    the CSRF token → 403. Logging in itself has its own form token instead."""
    routes = list(write_routes())
    assert ("POST", "/log-ud") in routes and ("POST", "/konto/token") in routes
    add("vagt@eksempel.dk")
    browser = logged_in("vagt@eksempel.dk")
    anonymous = TestClient(app)
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", "x", path)
        if path == "/log-ind":
            assert (
                anonymous.request(method, url, data={"email": "a", "password": "b"}).status_code
                == 403
            )
            continue
        if path == "/log-ud":  # nothing to end: it leads to the login page, which says so
            assert anonymous.request(method, url, follow_redirects=False).status_code == 303
            assert browser.request(method, url).status_code == 403
            continue
        assert anonymous.request(method, url).status_code == 401, (method, path)
        assert browser.request(method, url).status_code == 403, (method, path)


def test_a_page_keeps_its_header_when_the_session_cannot_be_looked_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def database_down(_token: str) -> None:
        raise OperationalError("SELECT", {}, Exception("databasen svarer ikke"))

    monkeypatch.setattr("search_api.api.auth.account_for_session", database_down)
    page = TestClient(app, cookies={"vb_session": "noget"}).get("/om")
    assert page.status_code == 200 and "Log ind" in page.text


def _expiry(token: str) -> dt.datetime:
    with session_scope() as session:
        login = session.scalar(
            select(LoginSession).where(LoginSession.token_hash == accounts.digest(token))
        )
        assert login is not None
        return login.expires_at


def _set_login(token: str, **values: dt.datetime) -> None:
    with session_scope() as session:
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == accounts.digest(token))
            .values(**values)
        )


def test_a_session_in_use_goes_on_and_ends_after_a_day_unused_or_a_week() -> None:
    """A login ended 12 hours after it began, in the middle of a curator's work: the form's
    text was lost with it."""
    migrate()
    add("i-brug@eksempel.dk", Role.CURATOR)
    token = accounts.log_in("i-brug@eksempel.dk", PASSWORD, "10.0.2.1").session_token
    now = utcnow()
    # Used 22 hours after its last use: it lasts another day from now.
    _set_login(token, expires_at=now + dt.timedelta(hours=2))
    assert accounts.account_for_session(token) is not None
    assert _expiry(token) >= now + accounts.SESSION_IDLE
    # Used again at once: no write.
    before = _expiry(token)
    accounts.account_for_session(token)
    assert _expiry(token) == before
    # A week after logging in it ends, however much it is used.
    _set_login(
        token,
        created_at=now - accounts.SESSION_MAX + dt.timedelta(minutes=1),
        expires_at=now + dt.timedelta(hours=2),
    )
    assert accounts.account_for_session(token) is not None
    assert _expiry(token) <= now + dt.timedelta(minutes=1)
    _set_login(token, expires_at=now - dt.timedelta(seconds=1))
    assert accounts.account_for_session(token) is None
