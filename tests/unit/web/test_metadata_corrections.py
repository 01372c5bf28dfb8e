"""Two curators correct the same document's metadata: the second form, opened before the first
was saved, must not undo it (on the real app and a real SQLite database)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from vidensbank.store.db import migrate, session_scope

DOCUMENT = "metadata-to-kuratorer"
TITLE = "Børns deltagelse i egen sag"


@pytest.fixture(scope="module", autouse=True)
def document() -> None:
    migrate()
    with session_scope() as session:
        store_document(session, DOCUMENT, title=TITLE, pages=["Om børns deltagelse."])
    add("kurator-a@eksempel.dk")
    add("kurator-b@eksempel.dk")


def opened(client: TestClient) -> dict[str, str]:
    """The metadata form as a curator's browser holds it: every field, as shown."""
    return opened_from(client.get(f"/dokument/{DOCUMENT}").text)


def opened_from(page: str) -> dict[str, str]:
    form = HTMLParser(page).css_first(f'form[action="/dokument/{DOCUMENT}/metadata#ret-metadata"]')
    assert form is not None
    fields = {
        node.attributes["name"] or "": node.attributes.get("value") or ""
        for node in form.css("input[name]")
    }
    fields |= {node.attributes["name"] or "": node.text() for node in form.css("textarea")}
    return fields | {"csrf_token": csrf(page)}


def test_a_form_opened_before_another_curator_saved_does_not_undo_it() -> None:
    first, second = logged_in("kurator-a@eksempel.dk"), logged_in("kurator-b@eksempel.dk")
    form_a, form_b = opened(first), opened(second)
    assert form_a["title"] == TITLE and form_a["version"]

    saved = second.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=form_b | {"title": "Børns deltagelse i egen sag – 2. udgave"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    # A changes the publisher only; its form still shows the old title.
    stale = first.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=form_a | {"publisher": "VIVE"},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert "ændret, siden du åbnede formularen" in stale.text
    # What A sent is not thrown away: where it differs from what is saved now it stands
    # beside the form, which shows what is saved (sent as it is, it cannot undo B's title).
    alert = HTMLParser(stale.text).css_first("details#ret-metadata [role=alert]")
    assert alert is not None
    assert [(n.text(), n.next.text() if n.next else "") for n in alert.css("dt")] == [
        ("Titel", TITLE),
        ("Udgiver", "VIVE"),
    ]
    again = opened_from(stale.text)
    assert again["title"] == "Børns deltagelse i egen sag – 2. udgave"
    assert again["publisher"] != "VIVE"

    saved = first.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=again | {"publisher": "VIVE"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    now = opened(first)
    assert (now["title"], now["publisher"]) == ("Børns deltagelse i egen sag – 2. udgave", "VIVE")


def test_taking_a_correction_back_says_so() -> None:
    """It said "Rettelsen er gemt"."""
    curator = logged_in("kurator-a@eksempel.dk")
    form = opened(curator)
    curator.post(f"/dokument/{DOCUMENT}/metadata", data=form | {"kind": "notat"})
    page = curator.post(
        f"/dokument/{DOCUMENT}/metadata/kind/fjern", data={"csrf_token": form["csrf_token"]}
    ).text
    assert "Rettelsen er taget tilbage" in page and "Rettelsen er gemt" not in page


def test_a_target_age_that_names_no_ages_is_refused() -> None:
    """Accepted, it took the document out of every age facet, and its value could not be
    chosen as a filter (a 400)."""
    curator = logged_in("kurator-b@eksempel.dk")
    form = opened(curator)
    refused = curator.post(
        f"/dokument/{DOCUMENT}/metadata", data=form | {"target_age": "seks til tolv"}
    )
    assert refused.status_code == 400 and "6-12 år" in refused.text
    saved = curator.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=form | {"target_age": "6-12 år"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert opened(curator)["target_age"] == "6-12 år"


def test_a_refused_form_links_back_to_the_page_it_was_sent_from() -> None:
    """The error page offered only the search and the about page: the document, and the form
    on it, were three clicks away. (A knowledge-base edit's refusal is such a page; the
    document's own forms come back open with the reason instead.)"""
    curator = logged_in("kurator-a@eksempel.dk")
    form = {"csrf_token": opened(curator)["csrf_token"], "action": "merge"}
    address = "/entitet/org.ankestyrelsen/vidensbase"
    refused = curator.post(
        address,
        data=form | {"value": "org.findes-ikke"},
        headers={"Referer": f"http://testserver/dokument/{DOCUMENT}?q=samv%C3%A6r"},
    )
    assert refused.status_code in (400, 404) and "org.findes-ikke" in refused.text
    back = HTMLParser(refused.text).css_first(".error-links a")
    assert back is not None and back.text() == "Tilbage til siden, du kom fra"
    assert back.attributes["href"] == f"/dokument/{DOCUMENT}?q=samv%C3%A6r"
    # Another site's page is no way back.
    elsewhere = curator.post(
        address,
        data=form | {"value": "org.findes-ikke"},
        headers={"Referer": "https://andet.example/side"},
    )
    assert "Tilbage til siden, du kom fra" not in elsewhere.text
    # Nor is a path of this site's host that a browser reads as another host.
    for path in ("//andet.example/side", "/\\andet.example/side"):
        other_host = curator.post(
            address,
            data=form | {"value": "org.findes-ikke"},
            headers={"Referer": f"http://testserver{path}"},
        )
        assert "andet.example" not in other_host.text


def test_a_refused_metadata_form_comes_back_as_it_was_filled_in() -> None:
    """It gave an error page: what the curator had typed in the other fields was gone."""
    curator = logged_in("kurator-a@eksempel.dk")
    form = opened(curator)
    typed = form | {
        "isbn": "978-87-0000-000-2",
        "publisher": "Børns Vilkår & <Co>",
        "authors": "Anne Andersen\nBo Bech",
    }
    refused = curator.post(f"/dokument/{DOCUMENT}/metadata", data=typed)
    assert refused.status_code == 400
    page = HTMLParser(refused.text)
    details = page.css_first("details#ret-metadata")
    assert details is not None and "open" in details.attributes
    alert = details.css_first('[role="alert"]')
    assert alert is not None and "ISBN-nummeret er ikke gyldigt" in alert.text()
    shown = opened_from(refused.text)
    for name in ("isbn", "publisher", "authors", "title", "version"):
        assert shown[name] == typed[name], name
    # Nothing was saved, and the form is the document's again when opened anew.
    again = opened(curator)
    assert again["publisher"] == form["publisher"] and again["isbn"] == form["isbn"]
    # Sent again with the ISBN put right, the same form is saved.
    saved = curator.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=shown | {"isbn": "", "csrf_token": form["csrf_token"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert opened(curator)["publisher"] == "Børns Vilkår & <Co>"


def test_every_refused_field_is_named_at_once_and_marked_on_the_field() -> None:
    """One refused field a save: the age first, the ISBN on the next try; the reasons were not
    tied to their fields."""
    curator = logged_in("kurator-b@eksempel.dk")
    form = opened(curator)
    refused = curator.post(
        f"/dokument/{DOCUMENT}/metadata",
        data=form | {"target_age": "ti til fjorten", "isbn": "abc", "published": "2024-13-40"},
    )
    assert refused.status_code == 400
    page = HTMLParser(refused.text)
    links = {a.attributes["href"]: a.text() for a in page.css('[role="alert"] li a')}
    assert set(links) == {"#ret-target-age", "#ret-isbn", "#ret-published"}
    assert links["#ret-isbn"].startswith("ISBN: ")
    for field_id in ("ret-isbn", "ret-target-age"):
        field = page.css_first(f"#{field_id}")
        assert field is not None and field.attributes["aria-invalid"] == "true"
        message = page.css_first(f"#{field.attributes['aria-describedby']}")
        assert message is not None and message.text() == links[f"#{field_id}"]
    title = page.css_first("#ret-title")
    assert title is not None and "aria-invalid" not in title.attributes


def test_the_message_after_saving_says_how_many_fields_changed() -> None:
    """ "Rettelsen er gemt" was said of three corrections, and of none."""
    curator = logged_in("kurator-a@eksempel.dk")
    form = opened(curator)
    url = f"/dokument/{DOCUMENT}/metadata"
    unchanged = curator.post(url, data=form, follow_redirects=False)
    assert unchanged.headers["location"].endswith("?rettet=uaendret#rettelser")
    assert "Intet er ændret" in curator.get(unchanged.headers["location"]).text
    two = form | {"kind": "vejledning", "isbn": "978-87-7546-504-0"}
    saved = curator.post(url, data=two, follow_redirects=False)
    assert saved.headers["location"].endswith("?rettet=flere#rettelser")
    assert "Rettelserne er gemt" in curator.get(saved.headers["location"]).text


def test_curators_saving_the_same_form_at_once_do_not_undo_each_other() -> None:
    """Six curators sent the same form at the same moment, each with a title of their own:
    all six were told "gemt" (each read the version before any wrote), one title was kept and
    the audit trail recorded six corrections of the original title."""
    with session_scope() as session:
        store_document(session, "metadata-samtidig", title=TITLE, pages=["Om samvær."])
    curators = [logged_in("kurator-a@eksempel.dk") for _ in range(6)]
    page = curators[0].get("/dokument/metadata-samtidig").text
    form = HTMLParser(page).css_first(
        'form[action="/dokument/metadata-samtidig/metadata#ret-metadata"]'
    )
    assert form is not None
    fields = {
        n.attributes["name"] or "": n.attributes.get("value") or "" for n in form.css("input[name]")
    }
    fields |= {n.attributes["name"] or "": n.text() for n in form.css("textarea")}
    start = threading.Barrier(len(curators), timeout=30)

    def save(number: int) -> int:
        client = curators[number]
        token = csrf(client.get("/dokument/metadata-samtidig").text)
        start.wait()
        return client.post(
            "/dokument/metadata-samtidig/metadata",
            data=fields | {"csrf_token": token, "title": f"{TITLE} ({number})"},
            follow_redirects=False,
        ).status_code

    with ThreadPoolExecutor(len(curators)) as pool:
        answers = sorted(pool.map(save, range(len(curators))))
    assert answers == [303] + [409] * (len(curators) - 1)
