"""Citations: RIS, BibTeX and CSL-JSON for a document, a page of it and a collection, read back
by readers other than the libraries that wrote them (Citation.js, pybtex, citeproc-py); the
formatted references; the Highwire tags Zotero imports a report from, Schema.org and FAIR
Signposting (on the real app and a real SQLite database)."""

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors
from citeproc.source.json import CiteProcJSON
from fastapi.testclient import TestClient
from pybtex.backends.plaintext import Backend as PlainText
from pybtex.database import parse_string
from pybtex.style.formatting.plain import Style as PlainStyle
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import update

from search_api.api.citations import (
    CitationFormat,
    csl_item,
    export,
    formatted_references,
    highwire_tags,
    json_ld,
    to_bibtex,
    to_ris,
)
from search_api.api.schemas import Reference
from tests.accounts import add, csrf, logged_in
from tests.documents import store_document
from vidensbank.store import documents as document_store
from vidensbank.store.base import utcnow
from vidensbank.store.db import migrate, session_scope
from vidensbank.store.documents import Document
from web.app import app

CITATION_JS = Path(__file__).parents[2] / "citation_js"
REPORT = "cite-rapport"
TOOL = "cite-vaerktoej"
HELD = "cite-tilbageholdt"
NEWS = "cite-nyhed"
ANSWER = "cite-folketingssvar"
UNPUBLISHED = "cite-uden-udgiver"
WITHDRAWN = "cite-tilbagetrukket"
RIGHTS = "© VIVE. Må citeres med tydelig kildeangivelse."
CURATOR = "citater@eksempel.dk"


def _document(
    document_id: str,
    *,
    title: str,
    publisher: str | None,
    kind: str,
    authors: list[str],
    extra: dict[str, Any],
    mime_type: str = "application/pdf",
    pages: int = 3,
) -> None:
    with session_scope() as session:
        store_document(
            session,
            document_id,
            title=title,
            publisher=publisher,
            kind=kind,
            published=dt.date(2021, 9, 14),
            authors=authors,
            extra=extra,
            mime_type=mime_type,
            pages=[f"Side {n} om børn i netværkspleje." for n in range(1, pages + 1)],
        )


@pytest.fixture(scope="module", autouse=True)
def documents() -> None:
    migrate()
    _document(
        REPORT,
        title="Børn anbragt i netværket: trivsel & skolegang",
        publisher="VIVE",
        kind="rapport",
        authors=["Mette Lykke Vinther", "Kasper Holm-Sørensen", "Bønnelykke, Ida"],
        extra={"isbn": "978-87-7119-854-6", "rights": RIGHTS, "language": "da"},
    )
    _document(
        TOOL,
        title="Dialogkort: <b>Mit netværk</b> {og} 100 % mig",
        publisher="Børns Vilkår",
        kind="værktøj",
        authors=[],
        extra={"language": "da"},
        mime_type="text/html",
        pages=1,
    )
    _document(
        HELD, title="Sagen om en dreng", publisher="VIVE", kind="rapport", authors=[], extra={}
    )
    _document(
        NEWS,
        title="Nye regler for børns inddragelse",
        publisher="Socialstyrelsen",
        kind="nyhed",
        authors=["Social- og Boligstyrelsen", "Mette Lykke Vinther"],
        extra={},
        mime_type="text/html",
        pages=1,
    )
    _document(
        ANSWER,
        title="Svar på spørgsmål om anbringelser",
        publisher="Social- og Boligministeriet",
        kind="folketingssvar",
        authors=[],
        extra={"isbn": "978-87-7119-854-6"},
    )
    _document(
        UNPUBLISHED,
        title="Kontroltegn i navn",
        publisher=None,
        kind="rapport",
        authors=[],
        extra={},
    )
    _document(
        WITHDRAWN, title="Trukket tilbage", publisher="VIVE", kind="rapport", authors=[], extra={}
    )
    with session_scope() as session:
        document_store.withdraw_document(session, document_id=WITHDRAWN, reason="Fejl i tallene")
        session.execute(update(Document).where(Document.id == HELD).values(held_at=utcnow()))
    add(CURATOR)


client = TestClient(app)


def _download(path: str) -> tuple[str, str, str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    filename = re.fullmatch(r'attachment; filename="([^"]+)"', disposition)
    assert filename, disposition
    return response.text, response.headers["content-type"], filename.group(1)


def _citation_js(text: str, input_type: str) -> list[dict[str, Any]]:
    """What Citation.js (installed by scripts/install_citation_js.sh) reads from the text."""
    done = subprocess.run(
        ["node", str(CITATION_JS / "read.js"), input_type],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    records: list[dict[str, Any]] = json.loads(done.stdout)
    return records


REPORT_URL = f"http://testserver/dokument/{REPORT}"
REPORT_AUTHORS = [
    {"family": "Vinther", "given": "Mette Lykke"},
    {"family": "Holm-Sørensen", "given": "Kasper"},
    {"family": "Bønnelykke", "given": "Ida"},
]


def test_ris_is_a_golden_record_that_citation_js_reads_back() -> None:
    text, content_type, filename = _download(f"/api/documents/{REPORT}/cite?format=ris")
    assert content_type == "application/x-research-info-systems; charset=utf-8"
    assert filename == f"vidensbank-{REPORT}.ris"
    assert text == (
        "TY  - RPRT\n"
        "TI  - Børn anbragt i netværket: trivsel & skolegang\n"
        "AU  - Vinther, Mette Lykke\n"
        "AU  - Holm-Sørensen, Kasper\n"
        "AU  - Bønnelykke, Ida\n"
        f"UR  - {REPORT_URL}\n"
        "LA  - da\n"
        "PY  - 2021\n"
        "DA  - 2021/09/14\n"
        "PB  - VIVE\n"
        "SN  - 978-87-7119-854-6\n"
        "M3  - Rapport\n"
        f"N1  - {RIGHTS}\n"
        "ER  - \n"
    )
    [record] = _citation_js(text, "@ris/file")
    assert record["type"] == "report"
    assert record["title"] == "Børn anbragt i netværket: trivsel & skolegang"
    assert record["author"] == REPORT_AUTHORS
    assert record["issued"] == {"date-parts": [[2021, 9, 14]]}
    assert record["publisher"] == "VIVE"
    assert record["URL"] == REPORT_URL
    assert record["language"] == "da"
    # RIS keeps a report's ISBN and its number in one tag (SN); Citation.js takes the number.
    assert "978-87-7119-854-6" in (record.get("ISBN"), record.get("number"))


def test_bibtex_is_a_golden_record_that_pybtex_and_citation_js_read_back() -> None:
    text, content_type, filename = _download(f"/api/documents/{REPORT}/cite?format=bibtex")
    assert content_type == "application/x-bibtex; charset=utf-8"
    assert filename == f"vidensbank-{REPORT}.bib"
    assert text == (
        "@techreport{vinther2021,\n"
        "\ttitle = {Børn anbragt i netværket: trivsel \\& skolegang},\n"
        "\tauthor = {Vinther, Mette Lykke and Holm-Sørensen, Kasper and Bønnelykke, Ida},\n"
        "\tyear = {2021},\n"
        "\tdate = {2021-09-14},\n"
        "\tinstitution = {VIVE},\n"
        "\ttype = {Rapport},\n"
        "\tisbn = {978-87-7119-854-6},\n"
        f"\turl = {{{REPORT_URL}}},\n"
        "\tlanguage = {danish},\n"
        f"\tcopyright = {{{RIGHTS}}}\n"
        "}\n"
    )
    entry = parse_string(text, "bibtex").entries["vinther2021"]
    assert entry.type == "techreport"
    assert entry.fields["title"] == "Børn anbragt i netværket: trivsel \\& skolegang"
    assert [(p.last_names, p.first_names + p.middle_names) for p in entry.persons["author"]] == [
        (["Vinther"], ["Mette", "Lykke"]),
        (["Holm-Sørensen"], ["Kasper"]),
        (["Bønnelykke"], ["Ida"]),
    ]
    assert entry.fields["year"] == "2021" and entry.fields["institution"] == "VIVE"
    assert entry.fields["isbn"] == "978-87-7119-854-6" and entry.fields["url"] == REPORT_URL
    [record] = _citation_js(text, "@biblatex/text")
    assert record["title"] == "Børn anbragt i netværket: trivsel & skolegang"
    assert record["author"] == REPORT_AUTHORS
    assert record["ISBN"] == "978-87-7119-854-6" and record["publisher"] == "VIVE"


# citeproc-py reads every CSL variable but the licence, and says so.
@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_csl_json_is_read_by_citeproc() -> None:
    text, content_type, filename = _download(f"/api/documents/{REPORT}/cite?format=csl-json")
    assert content_type == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert filename == f"vidensbank-{REPORT}.json"
    source = CiteProcJSON(json.loads(text))
    reference = source[REPORT]
    assert reference.type == "report"
    assert str(reference.title) == "Børn anbragt i netværket: trivsel & skolegang"
    assert [str(name.family) for name in reference.author] == [
        "Vinther",
        "Holm-Sørensen",
        "Bønnelykke",
    ]
    assert reference.issued.year == 2021 and str(reference.ISBN) == "978-87-7119-854-6"


def test_an_organisation_is_the_author_and_latex_and_html_stay_text() -> None:
    ris, _, _ = _download(f"/api/documents/{TOOL}/cite?format=ris")
    [record] = _citation_js(ris, "@ris/file")
    assert record["title"] == "Dialogkort: <b>Mit netværk</b> {og} 100 % mig"
    assert record["type"] == "document"
    assert record["author"] == [{"literal": "Børns Vilkår"}]
    bibtex, _, _ = _download(f"/api/documents/{TOOL}/cite?format=bibtex")
    entry = parse_string(bibtex, "bibtex").entries["boernsvilkaar2021"]
    assert entry.type == "misc"
    assert entry.fields["title"] == (
        r"Dialogkort: {<b>Mit} netværk</b> \textbraceleft{}og\textbraceright{} 100 \% mig"
    )
    assert [str(person) for person in entry.persons["author"]] == ["{Børns Vilkår}"]
    assert entry.fields["howpublished"] == "Børns Vilkår"
    [record] = _citation_js(bibtex, "@biblatex/text")
    assert record["title"] == "Dialogkort: <b>Mit netværk</b> {og} 100 % mig"


def test_a_page_is_cited_with_its_number_and_a_link_to_it() -> None:
    ris, _, filename = _download(f"/api/documents/{REPORT}/cite?format=ris&side=2")
    assert filename == f"vidensbank-{REPORT}-side-2.ris"
    [record] = _citation_js(ris, "@ris/file")
    assert record["URL"] == f"{REPORT_URL}?side=2#side-2" and record["page"] == "2"
    citation = client.get(f"/api/documents/{REPORT}/citation?side=2").json()
    assert citation["reference"]["url"] == f"{REPORT_URL}?side=2#side-2"
    assert citation["reference"]["pdf_url"] == (
        f"http://testserver/api/documents/{REPORT}/original#page=2"
    )
    styles = {reference["style"]: reference for reference in citation["references"]}
    assert set(styles) == {"apa", "chicago-author-date", "harvard-cite-them-right"}
    assert styles["apa"]["in_text"] == "(Vinther et al., 2021, s. 2)"
    assert styles["harvard-cite-them-right"]["in_text"].endswith("s. 2)")
    assert styles["apa"]["text"] == (
        "Vinther, M. L., Holm-Sørensen, K., & Bønnelykke, I. (2021). Børn anbragt i netværket: "
        f"trivsel & skolegang [Rapport]. VIVE. {REPORT_URL}?side=2#side-2"
    )
    page = client.get(f"/dokument/{REPORT}/citer?side=2")
    assert page.status_code == 200
    assert "Citér side 2 af »Børn anbragt i netværket" in page.text
    assert "(Vinther et al., 2021, s. 2)" in page.text
    assert f'href="/api/documents/{REPORT}/cite?format=ris&amp;side=2"' in page.text
    back = HTMLParser(page.text).css_first("a.back-link")
    assert back is not None and back.attributes["href"] == f"/dokument/{REPORT}?side=2#side-2"
    # A page the document does not have: the whole document, and why (it was an error page
    # with no way back to the document).
    beyond = client.get(f"/dokument/{REPORT}/citer?side=9")
    assert beyond.status_code == 200 and "Citér »Børn anbragt i netværket" in beyond.text
    assert "Dokumentet har ikke en side 9; her er henvisningen til hele dokumentet." in beyond.text
    back = HTMLParser(beyond.text).css_first("a.back-link")
    assert back is not None and back.attributes["href"] == f"/dokument/{REPORT}"


def test_a_page_is_cited_by_the_number_printed_on_it() -> None:
    """A report whose front matter is numbered "i", "ii" was cited "s. 3" for the page it
    prints as 1: a reader looking up "s. 3" in the printed report found the wrong page."""
    with session_scope() as session:
        store_document(
            session,
            "cite-sidetal",
            title="Børns trivsel i plejefamilier",
            publisher="VIVE",
            authors=["Mette Lykke Vinther"],
            published=dt.date(2021, 9, 14),
            extra={"language": "da"},
        )
        document_store.replace_pages(
            session,
            document_id="cite-sidetal",
            pages=[(1, "Forord"), (2, "Indhold"), (3, "Kapitel 1. Indledning")],
            labels=["i", "ii", "1"],
        )
    url = "http://testserver/dokument/cite-sidetal?side=3#side-3"
    citation = client.get("/api/documents/cite-sidetal/citation?side=3").json()
    assert citation["reference"]["page"] == 3 and citation["reference"]["page_label"] == "1"
    assert citation["reference"]["url"] == url
    styles = {reference["style"]: reference for reference in citation["references"]}
    assert styles["apa"]["in_text"] == "(Vinther, 2021, s. 1)"
    ris, _, _ = _download("/api/documents/cite-sidetal/cite?format=ris&side=3")
    [record] = _citation_js(ris, "@ris/file")
    assert record["page"] == "1" and record["URL"] == url
    page = client.get("/dokument/cite-sidetal/citer?side=3")
    assert "Citér side 3 (trykt side 1) af »Børns trivsel i plejefamilier«" in page.text
    reader = HTMLParser(client.get("/dokument/cite-sidetal").text)
    titles = [" ".join(node.text().split()) for node in reader.css("h3.reader-page-title")]
    assert titles == ["Side 1 (trykt side i)", "Side 2 (trykt side ii)", "Side 3 (trykt side 1)"]
    assert client.get("/api/documents/cite-sidetal").json()["pages"][2]["label"] == "1"
    # A label is the file's text: in BibTeX it stays one field's text ("}" closed the field
    # and what followed was a field of its own, or LaTeX to run).
    with session_scope() as session:
        document_store.replace_pages(
            session,
            document_id="cite-sidetal",
            pages=[(1, "Forord"), (2, "Indhold"), (3, "Kapitel 1. Indledning")],
            labels=["i", "ii", "1}, note = {\\input{x}"],
        )
    bibtex, _, _ = _download("/api/documents/cite-sidetal/cite?format=bibtex&side=3")
    [entry] = bibtexparser.parse_string(bibtex).entries
    assert "note" not in entry.fields_dict
    assert "input" in entry.fields_dict["pages"].value


def test_chicago_writes_given_names_in_full_and_apa_shortens_them() -> None:
    """Chicago's bibliography gave "Vinther, M. L." where the style writes names in full."""
    citation = client.get(f"/api/documents/{REPORT}/citation").json()
    texts = {reference["style"]: reference["text"] for reference in citation["references"]}
    assert texts["chicago-author-date"].startswith(
        "Vinther, Mette Lykke, Kasper Holm-Sørensen, og Ida Bønnelykke. 2021."
    ), texts["chicago-author-date"]
    assert texts["apa"].startswith("Vinther, M. L., Holm-Sørensen, K., & Bønnelykke, I.")


def test_citing_a_page_keeps_the_search_it_was_found_by() -> None:
    """The citation page's way back dropped the search: the words were no longer marked and
    "Tilbage til søgningen" was gone."""
    search = "q=netv%C3%A6rk&kind=rapport&page=2"
    reader = HTMLParser(
        client.get(f"/dokument/{REPORT}", params={"q": "netværk", "soegning": search}).text
    )
    cite = reader.css_first("a.reader-page-cite")
    assert cite is not None
    page = HTMLParser(client.get(cite.attributes["href"] or "").text)
    back = page.css_first("a.back-link")
    assert back is not None
    again = HTMLParser(client.get(back.attributes["href"] or "").text)
    assert again.css_first("mark") is not None
    way_back = [a.attributes["href"] for a in again.css("a") if "Tilbage til søgningen" in a.text()]
    assert way_back == [f"/?{search}"]


def test_the_document_page_cites_in_three_styles_and_links_every_page() -> None:
    page = client.get(f"/dokument/{REPORT}")
    assert page.status_code == 200
    html = HTMLParser(page.text)
    styles = [node.text() for node in html.css(".citation-styles dt")]
    assert styles == ["APA 7", "Chicago (forfatter-år)", "Harvard"]
    assert "Vinther, M. L., Holm-Sørensen, K., & Bønnelykke, I. (2021)." in page.text.replace(
        "&amp;", "&"
    )
    cite_links = [node.attributes["href"] for node in html.css("a.reader-page-cite")]
    assert cite_links == [f"/dokument/{REPORT}/citer?side={n}" for n in (1, 2, 3)]
    searched = HTMLParser(client.get(f"/dokument/{REPORT}", params={"q": "børn"}).text)
    cite_links = [node.attributes["href"] for node in searched.css("a.reader-page-cite")]
    assert cite_links == [f"/dokument/{REPORT}/citer?side={n}&q=b%C3%B8rn" for n in (1, 2, 3)]
    assert "Rettigheder" in page.text and RIGHTS in page.text and "978-87-7119-854-6" in page.text
    beyond = client.get(f"/dokument/{REPORT}", params={"side": 4})
    assert beyond.status_code == 200 and "Dokumentet har ikke en side 4; det har 3 sider." in (
        beyond.text
    )


# Zotero's item types for the Highwire tags that decide one, and for the DC.type and og:type
# values its RDF translator maps (a DC.type that names an item type is taken as it is).
ZOTERO_HIGHWIRE_TYPES = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}
ZOTERO_ITEM_TYPES = {"report", "document", "webpage", "book", "journalArticle", "thesis"}
ZOTERO_OG_TYPES = {"website": "webpage", "book": "book"}


def _zotero_creator(name: str) -> dict[str, str]:
    """A citation_author as Zotero's ZU.cleanAuthor reads it: with a comma "Last, First" (the
    punctuation at either end dropped first, so "Name," is a last name alone), otherwise the
    last word is the last name."""
    if "," in name:
        parts = re.split(r", ?", re.sub(r"^[\s.,/\[\]:]+|[\s.,/\[\]:]+$", "", name))
        return (
            {"lastName": parts[0], "firstName": parts[1]}
            if len(parts) > 1
            else {"lastName": parts[0]}
        )
    return {"lastName": name.split()[-1], "firstName": " ".join(name.split()[:-1])}


def _zotero_item(page_html: str) -> dict[str, Any]:
    """The item Zotero's "Embedded Metadata" translator makes of a page's meta tags, by its
    rules: the type a Highwire tag decides (a report for
    citation_technical_report_institution); otherwise, when there are Dublin Core or Open Graph
    tags, the type its RDF translator reads from DC.type or og:type; otherwise a guess, a book
    from citation_isbn and a journal article from citation_title. Each citation_author a
    creator; title, date, institution, publisher, ISBN, language and URL from their tags;
    DC.type the report type; citation_pdf_url the full-text attachment."""
    tags: dict[str, list[str]] = {}
    for meta in HTMLParser(page_html).css("head meta"):
        name = meta.attributes.get("name") or meta.attributes.get("property") or ""
        tags.setdefault(name, []).append(meta.attributes.get("content") or "")
    highwire = [ZOTERO_HIGHWIRE_TYPES[tag] for tag in tags if tag in ZOTERO_HIGHWIRE_TYPES]
    guess = (
        "book"
        if "citation_isbn" in tags
        else "journalArticle"
        if "citation_title" in tags
        else None
    )
    rdf = {tag: values[0] for tag, values in tags.items() if re.match(r"(?i)(dc|og)[.:_]", tag)}
    dc_type = rdf.get("DC.type")
    rdf_type = ZOTERO_OG_TYPES.get(rdf.get("og:type", "")) or (
        dc_type if dc_type in ZOTERO_ITEM_TYPES else None
    )
    if highwire:
        item_type = highwire[-1]
    elif rdf:
        item_type = rdf_type or guess or "webpage"
    else:
        item_type = guess or "webpage"
    fields = {
        "citation_title": "title",
        "citation_publication_date": "date",
        "citation_technical_report_institution": "institution",
        "citation_publisher": "publisher",
        "citation_isbn": "ISBN",
        "citation_language": "language",
        "citation_public_url": "url",
    }
    item: dict[str, Any] = {"itemType": item_type}
    item.update({field: tags[tag][0] for tag, field in fields.items() if tag in tags})
    if dc_type and item_type == "report":
        item["reportType"] = dc_type
    item["creators"] = [_zotero_creator(name) for name in tags.get("citation_author", [])]
    item["attachments"] = tags.get("citation_pdf_url", [])
    return item


def test_zotero_makes_a_report_of_the_document_page() -> None:
    item = _zotero_item(client.get(f"/dokument/{REPORT}").text)
    assert item == {
        "itemType": "report",
        "title": "Børn anbragt i netværket: trivsel & skolegang",
        "date": "2021/09/14",
        "institution": "VIVE",
        "ISBN": "978-87-7119-854-6",
        "language": "da",
        "url": REPORT_URL,
        "creators": [
            {"lastName": "Vinther", "firstName": "Mette Lykke"},
            {"lastName": "Holm-Sørensen", "firstName": "Kasper"},
            {"lastName": "Bønnelykke", "firstName": "Ida"},
        ],
        "attachments": [f"http://testserver/api/documents/{REPORT}/original"],
    }


def test_schema_org_and_signposting_describe_the_document() -> None:
    page = client.get(f"/dokument/{REPORT}")
    [script] = HTMLParser(page.text).css('script[type="application/ld+json"]')
    data = json.loads(script.text())
    assert data["@type"] == "Report" and data["name"].startswith("Børn anbragt")
    assert data["isbn"] == "978-87-7119-854-6" and data["datePublished"] == "2021-09-14"
    assert data["license"] == RIGHTS and data["numberOfPages"] == 3
    links = {
        (match.group(1), match.group(2))
        for match in re.finditer(r'<([^>]+)>; rel="([^"]+)"', page.headers["link"])
    }
    assert (REPORT_URL, "cite-as") in links
    assert (f"http://testserver/api/documents/{REPORT}/cite?format=ris", "describedby") in links
    assert (f"http://testserver/api/documents/{REPORT}/original", "item") in links
    assert ("https://schema.org/Report", "type") in links
    assert ("https://schema.org/AboutPage", "type") in links


def test_a_title_with_markup_stays_text_on_every_page() -> None:
    for path in (f"/dokument/{TOOL}", f"/dokument/{TOOL}/citer"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<b>Mit netværk</b>" not in page.text
        assert "&lt;b&gt;Mit netværk&lt;/b&gt;" in page.text
    [script] = HTMLParser(client.get(f"/dokument/{TOOL}").text).css(
        'script[type="application/ld+json"]'
    )
    assert "<" not in script.text() and json.loads(script.text())["@type"] == "DigitalDocument"


def test_a_collection_cites_its_public_documents_in_its_order() -> None:
    curator = logged_in(CURATOR)
    token = csrf(curator.get("/samlinger").text)
    created = curator.post(
        "/samlinger",
        data={"csrf_token": token, "title": "Netværkspleje"},
        follow_redirects=False,
    )
    collection_id = created.headers["location"].removeprefix("/samlinger/")
    for document_id in (TOOL, HELD, REPORT):
        curator.post(
            "/samlinger/dokumenter",
            data={"csrf_token": token, "collection_id": collection_id, "document_id": document_id},
        )
    # Not published: only a curator gets it.
    assert client.get(f"/api/collections/{collection_id}/cite?format=ris").status_code == 404
    text, _, filename = _download_as(curator, f"/api/collections/{collection_id}/cite?format=ris")
    assert filename == f"samling-{collection_id}.ris"
    titles = [record["title"] for record in _citation_js(text, "@ris/file")]
    assert titles == [
        "Dialogkort: <b>Mit netværk</b> {og} 100 % mig",
        "Børn anbragt i netværket: trivsel & skolegang",
    ]
    bibtex, _, _ = _download_as(curator, f"/api/collections/{collection_id}/cite?format=bibtex")
    assert list(parse_string(bibtex, "bibtex").entries) == ["boernsvilkaar2021", "vinther2021"]


def _download_as(browser: TestClient, path: str) -> tuple[str, str, str]:
    response = browser.get(path)
    assert response.status_code == 200, response.text
    filename = re.search(r'filename="([^"]+)"', response.headers["content-disposition"])
    assert filename
    return response.text, response.headers["content-type"], filename.group(1)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (f"/api/documents/{REPORT}/cite?format=word", 400, "Formatet skal være et af følgende"),
        (f"/api/documents/{REPORT}/cite", 400, "Formatet mangler"),
        (f"/api/documents/{REPORT}/cite?format=ris&side=4", 400, "Dokumentet har ikke en side 4."),
        (f"/api/documents/{REPORT}/cite?format=ris&side=0", 400, "Sidetallet skal være mindst 1."),
        ("/api/documents/findes-ikke/cite?format=ris", 404, "Dokumentet findes ikke."),
        (f"/api/documents/{HELD}/cite?format=ris", 404, "Dokumentet findes ikke."),
        # Withdrawn: said so, with the reason, as the document's own address says it.
        (f"/api/documents/{WITHDRAWN}/citation", 410, "Dokumentet er trukket tilbage"),
        (f"/api/documents/{WITHDRAWN}/cite?format=ris", 410, "Dokumentet er trukket tilbage"),
        ("/api/collections/findes-ikke/cite?format=ris", 404, None),
    ],
)
def test_bad_citation_requests_get_a_danish_4xx(
    path: str, status: int, message: str | None
) -> None:
    response = client.get(path)
    assert response.status_code == status
    if message:
        assert response.json()["error"].startswith(message)


def test_held_and_withdrawn_documents_offer_nothing_to_cite() -> None:
    page = logged_in(CURATOR).get(f"/dokument/{HELD}")
    assert page.status_code == 200
    assert "citation_title" not in page.text and "Citér" not in page.text
    assert "link" not in page.headers
    assert client.get(f"/dokument/{HELD}/citer").status_code == 404


def test_a_curator_cannot_store_an_isbn_with_a_wrong_check_digit() -> None:
    curator = logged_in(CURATOR)
    token = csrf(curator.get(f"/dokument/{REPORT}").text)
    answer = curator.post(
        f"/dokument/{REPORT}/metadata", data={"csrf_token": token, "isbn": "978-87-7119-854-7"}
    )
    assert answer.status_code == 400
    assert "ISBN-nummeret er ikke gyldigt" in answer.text
    form = HTMLParser(curator.get(f"/dokument/{REPORT}").text)
    isbn, rights = form.css_first("#ret-isbn"), form.css_first("#ret-rights")
    assert isbn is not None and isbn.attributes["value"] == "978-87-7119-854-6"
    assert rights is not None and rights.text() == RIGHTS


def reference(document_id: str, **metadata: Any) -> Reference:
    """A web document's reference with the metadata given, without ISBN, rights or pages."""
    return Reference(
        id=document_id,
        isbn=None,
        rights=None,
        language="da",
        url=f"https://vidensbank.example/dokument/{document_id}",
        pdf_url=None,
        page=None,
        pages=None,
        **metadata,
    )


def test_a_dated_web_page_is_cited_with_the_day_first() -> None:
    """The styles wrote "(2014, maj 6)" and "6 maj": English order with Danish month names.
    A title that happens to read like a date is left as written."""
    news = reference(
        "nyhed",
        title="Frist for ansøgning: maj 6",
        authors=[],
        publisher="Socialstyrelsen",
        kind="nyhed",
        published=dt.date(2014, 5, 6),
    )
    texts = {found.style: found.text for found in formatted_references(news)}
    assert "(2014, 6. maj)" in texts["apa"]
    assert "6. maj" in texts["chicago-author-date"]
    for text in texts.values():
        assert "maj 6." not in text.replace("Frist for ansøgning: maj 6", "")
        assert "Frist for ansøgning: maj 6" in text


def test_an_organisation_as_author_is_cited_by_its_name() -> None:
    """A curator's "Børns Vilkår" among the authors was cited as "Vilkår, B." (APA) and
    {Vilkår, Børns} (BibTeX), and a Person in JSON-LD."""
    tool = reference(
        "vaerktoej",
        title="Samtalekort om trivsel",
        authors=["Børns Vilkår", "Social- og Boligstyrelsen", "Mette Lykke Vinther"],
        publisher="Børns Vilkår",
        kind="værktøj",
        published=dt.date(2016, 3, 1),
    )
    item = csl_item(tool)
    assert item["author"] == [
        {"literal": "Børns Vilkår"},
        {"literal": "Social- og Boligstyrelsen"},
        {"family": "Vinther", "given": "Mette Lykke"},
    ]
    apa = next(found.text for found in formatted_references(tool) if found.style == "apa")
    assert apa.startswith("Børns Vilkår, Social- og Boligstyrelsen, & Vinther, M. L.")
    assert (
        "author = {{Børns Vilkår} and {Social- og Boligstyrelsen} and Vinther, Mette Lykke}"
        in to_bibtex([item])
    )
    assert [a["@type"] for a in json_ld(tool)["author"]] == [
        "Organization",
        "Organization",
        "Person",
    ]


def test_a_publisher_that_is_the_author_is_named_once() -> None:
    """APA 7 leaves out a publisher that is the author: "Socialstyrelsen. (2014, 6. maj).
    Titel [Nyhed]. Socialstyrelsen. https://…" named it twice, in every style."""
    news = reference(
        "nyhed",
        title="Børn med handicap skal høres",
        authors=[],
        publisher="Socialstyrelsen",
        kind="nyhed",
        published=dt.date(2014, 5, 6),
    )
    for found in formatted_references(news):
        assert found.text.count("Socialstyrelsen") == 1, (found.style, found.text)
    # The files for reference managers keep it: it is what the fields say.
    assert csl_item(news)["publisher"] == "Socialstyrelsen"


def _plain_style(bibtex: str) -> list[str]:
    """The references in pybtex's "plain" style, which, like BibTeX's plain.bst and
    apalike.bst, prints a note, sets a title in sentence case, prints a @misc's howpublished
    and an entry type it does not know (@online) as a @misc."""
    entries = parse_string(bibtex, "bibtex").entries.values()
    return [entry.text.render(PlainText()) for entry in PlainStyle().format_entries(entries)]


def test_the_rights_are_kept_where_no_bibtex_style_prints_them() -> None:
    """The rights statement was the note, which plain, apalike and biblatex print in every
    reference."""
    text, _, _ = _download(f"/api/documents/{REPORT}/cite?format=bibtex")
    [formatted] = _plain_style(text)
    assert "VIVE. Må citeres" not in formatted and "Må citeres" not in formatted
    entry = parse_string(text, "bibtex").entries["vinther2021"]
    assert "note" not in entry.fields and entry.fields["copyright"] == RIGHTS


def test_a_bibtex_title_keeps_its_proper_nouns_and_acronyms_in_sentence_case_styles() -> None:
    """ "Inddragelse af børn efter Barnets Lov" came out "… barnets lov" in plain and
    apalike."""
    report = reference(
        "barnets-lov",
        title="VIVE-notat: Inddragelse af børn efter Barnets Lov i en iPad-tid",
        authors=["Mette Lykke Vinther"],
        publisher="VIVE",
        kind="rapport",
        published=dt.date(2024, 1, 1),
    )
    bibtex = to_bibtex([csl_item(report)])
    [formatted] = _plain_style(bibtex)
    assert "VIVE-notat: Inddragelse af børn efter Barnets Lov i en iPad-tid." in formatted
    assert (
        "title = {{VIVE-notat:} {Inddragelse} af børn efter {Barnets} {Lov} i en {iPad-tid}}"
        in (bibtex)
    )
    [record] = _citation_js(bibtex, "@biblatex/text")
    assert record["title"] == "VIVE-notat: Inddragelse af børn efter Barnets Lov i en iPad-tid"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_a_lone_brace_in_a_title_leaves_the_bibtex_file_whole() -> None:
    """A title with a lone "{" was written "\\{", which BibTeX, biber and pybtex count as a
    brace: the field ran on and the whole file (a collection, a search) could not be read."""
    references = [
        reference(
            f"klamme-{n}",
            title=title,
            authors=["Mette Lykke Vinther"],
            publisher="VIVE",
            kind="rapport",
            published=dt.date(2020 + n, 1, 1),
        )
        for n, title in enumerate(["Skema {A", "Svar} og {B}", "Tredje rapport"])
    ]
    bibtex = export(references, CitationFormat.BIBTEX, "samling").text
    assert _balanced(bibtex)
    entries = parse_string(bibtex, "bibtex").entries
    assert list(entries) == ["vinther2020", "vinther2021", "vinther2022"]
    assert entries["vinther2022"].fields["title"] == "Tredje rapport"
    assert all(_balanced(value) for entry in entries.values() for value in entry.fields.values())
    library = bibtexparser.parse_string(bibtex)
    assert not library.failed_blocks and len(library.entries) == 3
    titles = [record["title"] for record in _citation_js(bibtex, "@biblatex/text")]
    assert titles == ["Skema {A", "Svar} og {B}", "Tredje rapport"]


def test_a_document_without_author_or_publisher_is_cited_by_its_title_once() -> None:
    """APA 7 (§9.12) and Chicago (15.32) put the title where the author would be, and do not
    repeat it: "Kontroltegn i navn. (u.å.). Kontroltegn i navn. Hentet http://…". A document
    here keeps its address, so APA gives no retrieval date (§9.16), and no "Hentet"."""
    tool = reference(
        "kontroltegn",
        title="Kontroltegn i navn",
        authors=[],
        publisher=None,
        kind="værktøj",
        published=None,
    )
    url = "https://vidensbank.example/dokument/kontroltegn"
    texts = {found.style: found.text for found in formatted_references(tool)}
    assert texts["apa"] == f"Kontroltegn i navn. (u.å.). [Værktøj]. {url}"
    assert texts["chicago-author-date"] == f"“Kontroltegn i navn”. u.å. Værktøj. {url}."
    dated = reference(
        "kontroltegn",
        title="Kontroltegn i navn",
        authors=[],
        publisher=None,
        kind="rapport",
        published=dt.date(2020, 3, 1),
    )
    for found in [*formatted_references(tool), *formatted_references(dated)]:
        assert found.text.count("Kontroltegn i navn") == 1, (found.style, found.text)
        assert "Hentet" not in found.text
    # A named author keeps the title in its place.
    signed = reference(
        "kontroltegn",
        title="Kontroltegn i navn",
        authors=["Mette Lykke Vinther"],
        publisher=None,
        kind="værktøj",
        published=None,
    )
    apa = next(found.text for found in formatted_references(signed) if found.style == "apa")
    assert apa == f"Vinther, M. L. (u.å.). Kontroltegn i navn [Værktøj]. {url}"


def test_the_publisher_of_a_tool_or_web_page_is_where_bibtex_styles_print_it() -> None:
    """Classic BibTeX has no publisher of a @misc, so "Børns Vilkår" disappeared; a report
    with no publisher was a @techreport without the institution it must have."""
    tool = reference(
        "samtalekort",
        title="Samtalekort om trivsel",
        authors=["Mette Lykke Vinther"],
        publisher="Børns Vilkår",
        kind="værktøj",
        published=dt.date(2016, 3, 1),
    )
    news = reference(
        "nyhed",
        title="Nye regler",
        authors=["Mette Lykke Vinther"],
        publisher="Socialstyrelsen",
        kind="nyhed",
        published=dt.date(2016, 3, 1),
    )
    unpublished = reference(
        "uden-udgiver",
        title="Kontroltegn i navn",
        authors=["Mette Lykke Vinther"],
        publisher=None,
        kind="rapport",
        published=dt.date(2016, 3, 1),
    )
    bibtex = to_bibtex([csl_item(tool), csl_item(news), csl_item(unpublished)])
    entries = parse_string(bibtex, "bibtex").entries
    tool_entry, news_entry, unpublished_entry = entries.values()
    assert tool_entry.type == "misc" and tool_entry.fields["howpublished"] == "Børns Vilkår"
    assert "publisher" not in tool_entry.fields and "organization" not in tool_entry.fields
    # biblatex prints the organization of an @online; classic styles print it as a @misc.
    assert news_entry.type == "online"
    assert (
        news_entry.fields["organization"]
        == news_entry.fields["howpublished"]
        == ("Socialstyrelsen")
    )
    assert unpublished_entry.type == "misc" and "institution" not in unpublished_entry.fields
    formatted = " ".join(_plain_style(bibtex))
    assert "Samtalekort om trivsel. Børns Vilkår, 2016." in formatted
    assert "Nye regler. Socialstyrelsen, 2016." in formatted
    records = _citation_js(bibtex, "@biblatex/text")
    assert [record.get("publisher") for record in records] == [
        "Børns Vilkår",
        "Socialstyrelsen",
        None,
    ]


@pytest.mark.parametrize(
    ("document_id", "item_type"),
    [(TOOL, "document"), (ANSWER, "document"), (NEWS, "webpage"), (UNPUBLISHED, "report")],
)
def test_zotero_makes_the_right_item_of_every_kind_of_document_page(
    document_id: str, item_type: str
) -> None:
    """Tools, parliamentary answers and news pages had no type hint, so Zotero made a journal
    article of them (a book of one with an ISBN), and so of a report without a publisher."""
    item = _zotero_item(client.get(f"/dokument/{document_id}").text)
    assert item["itemType"] == item_type


def test_zotero_keeps_an_organisation_author_whole() -> None:
    """citation_author="Social- og Boligstyrelsen" became first name "Social- og", last name
    "Boligstyrelsen"."""
    page = client.get(f"/dokument/{NEWS}").text
    item = _zotero_item(page)
    assert item["creators"] == [
        {"lastName": "Social- og Boligstyrelsen"},
        {"lastName": "Vinther", "firstName": "Mette Lykke"},
    ]
    assert item["publisher"] == "Socialstyrelsen"
    [og_type] = HTMLParser(page).css('head meta[property="og:type"]')
    assert og_type.attributes["content"] == "website"


def test_a_title_that_ends_in_its_own_mark_gets_no_second_one() -> None:
    """Chicago and Harvard cited "Klar til 18?." and a title ending in a full stop with two."""
    for title, kind in (("Klar til 18?", "rapport"), ("Sådan gør vi.", None)):
        cited = reference(
            "klar",
            title=title,
            authors=["Mette Lykke Vinther"],
            publisher="Børns Vilkår",
            kind=kind,
            published=dt.date(2021, 5, 3),
        )
        for found in formatted_references(cited):
            assert "?." not in found.text and ".." not in found.text, (found.style, found.text)


def test_zotero_names_the_publisher_as_author_when_no_one_is_named() -> None:
    """The formatted references cite the publisher as author; Zotero made an item with none."""
    unsigned = reference(
        "usigneret",
        title="Tjekliste til børnesamtalen",
        authors=[],
        publisher="Social- og Boligstyrelsen",
        kind="værktøj",
        published=None,
    )
    assert ("citation_author", "Social- og Boligstyrelsen,") in highwire_tags(unsigned)


def test_a_page_cite_link_is_named_by_its_visible_words() -> None:
    """Its spoken name, "Citér side 1", lacked the words it shows, "Citér denne side": a voice
    user saying them found no link (WCAG 2.5.3)."""
    reader = HTMLParser(client.get(f"/dokument/{REPORT}").text)
    cite = reader.css_first("a.reader-page-cite")
    assert cite is not None and "aria-label" not in cite.attributes
    assert " ".join(cite.text().split()) == "Citér denne side (side 1)"


INJECTED = "inj-udgiver"


def test_a_line_break_stored_in_a_field_stays_inside_its_value_in_every_format() -> None:
    """A manifest's publisher and kind were stored with their line breaks: the RIS export of
    one document was two records (the second a made-up "JOUR" with a false title and author),
    and BibTeX carried the RIS lines inside its fields. Data stored before ingest folded them
    is still exported one value a line."""
    with session_scope() as session:
        store_document(
            session,
            INJECTED,
            title="Sprogvurdering i\r\nbørnehaven",
            publisher="Forlaget\nER  - \n\nTY  - JOUR\nTI  - Falsk titel\nAU  - Falsk, Forfatter",
            kind="rapport\r\nN1  - note",
            published=dt.date(2024, 4, 4),
            authors=["Mette\u2028Holm"],
            extra={"language": "da", "rights": "Frit\u2029ER  - "},
        )
    ris, _, _ = _download(f"/api/documents/{INJECTED}/cite?format=ris")
    [record] = rispy.loads(ris)
    assert record["title"] == "Sprogvurdering i børnehaven"
    assert record["authors"] == ["Holm, Mette"]
    assert record["publisher"] == "Forlaget ER - TY - JOUR TI - Falsk titel AU - Falsk, Forfatter"
    assert ris.count("TY  - ") == 1 and ris.count("ER  - ") == 1
    bibtex, _, _ = _download(f"/api/documents/{INJECTED}/cite?format=bibtex")
    [entry] = parse_string(bibtex, "bibtex").entries.values()
    assert all("\n" not in value and "\r" not in value for value in entry.fields.values())
    assert entry.fields["type"] == "Rapport n1 - note"
    csl, _, _ = _download(f"/api/documents/{INJECTED}/cite?format=csl-json")
    [item] = json.loads(csl)
    assert item["publisher"].startswith("Forlaget ER - TY - JOUR")
    assert item["author"] == [{"family": "Holm", "given": "Mette"}]


def test_name_particles_go_before_the_family_name_in_every_style_and_format() -> None:
    """ "Karen de Vries" was family "Vries", given "Karen de": APA cited "Vries, K. de ., &
    Berg, P. van . der ." with stray periods, RIS and BibTeX "Vries, Karen de"."""
    report = reference(
        "partikler",
        title="Efterværn: unge på vej",
        authors=[
            "Karen de Vries",
            "Peter van der Berg",
            "Jens Peter af Rosenborg",
            "Anne Marie Hansen",
            "de la Cour, Anne",
            "Beethoven, Ludwig van",
        ],
        publisher="VIVE",
        kind="rapport",
        published=dt.date(2020, 3, 1),
    )
    item = csl_item(report)
    assert item["author"] == [
        {"family": "Vries", "given": "Karen", "non-dropping-particle": "de"},
        {"family": "Berg", "given": "Peter", "non-dropping-particle": "van der"},
        {"family": "Rosenborg", "given": "Jens Peter", "non-dropping-particle": "af"},
        {"family": "Hansen", "given": "Anne Marie"},
        {"family": "Cour", "given": "Anne", "non-dropping-particle": "de la"},
        {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
    ]
    styles = {found.style: found for found in formatted_references(report)}
    assert set(styles) == {"apa", "chicago-author-date", "harvard-cite-them-right"}
    assert styles["apa"].text.startswith(
        "de Vries, K., van der Berg, P., af Rosenborg, J. P., Hansen, A. M., de la Cour, A., & "
        "Beethoven, L. van. (2020)."
    )
    assert styles["apa"].in_text == "(de Vries et al., 2020)"
    # Chicago demotes the particle in the first, inverted name, as the style says (CSL's
    # "display-and-sort"), and writes the others in full.
    assert styles["chicago-author-date"].text.startswith(
        "Vries, Karen de, Peter van der Berg, Jens Peter af Rosenborg, Anne Marie Hansen, Anne "
        "de la Cour, og Ludwig van Beethoven. 2020."
    )
    assert styles["chicago-author-date"].in_text == "(de Vries m.fl. 2020)"
    assert styles["harvard-cite-them-right"].text.startswith("de Vries, K. m.fl. (2020)")
    for found in styles.values():
        assert not re.search(r"\s\.", found.text + found.in_text), (found.style, found.text)
    two = reference(
        "partikler-to",
        title="Efterværn",
        authors=["Karen de Vries", "Peter van der Berg"],
        publisher="VIVE",
        kind="rapport",
        published=dt.date(2020, 3, 1),
    )
    styles = {found.style: found for found in formatted_references(two)}
    assert styles["apa"].text.startswith("de Vries, K., & van der Berg, P. (2020).")
    assert styles["apa"].in_text == "(de Vries & van der Berg, 2020)"
    assert styles["harvard-cite-them-right"].text.startswith("de Vries, K. og van der Berg, P.")
    assert styles["chicago-author-date"].in_text == "(de Vries og van der Berg 2020)"
    ris = to_ris([item])
    assert [line for line in ris.splitlines() if line.startswith("AU  - ")] == [
        "AU  - de Vries, Karen",
        "AU  - van der Berg, Peter",
        "AU  - af Rosenborg, Jens Peter",
        "AU  - Hansen, Anne Marie",
        "AU  - de la Cour, Anne",
        "AU  - Beethoven, Ludwig van",
    ]
    bibtex = to_bibtex([item])
    assert (
        "author = {de Vries, Karen and van der Berg, Peter and af Rosenborg, Jens Peter" in bibtex
    )
    [entry] = parse_string(bibtex, "bibtex").entries.values()
    assert [
        (p.prelast_names, p.last_names, p.first_names + p.middle_names)
        for p in entry.persons["author"]
    ] == [
        (["de"], ["Vries"], ["Karen"]),
        (["van", "der"], ["Berg"], ["Peter"]),
        (["af"], ["Rosenborg"], ["Jens", "Peter"]),
        ([], ["Hansen"], ["Anne", "Marie"]),
        (["de", "la"], ["Cour"], ["Anne"]),
        (["van"], ["Beethoven"], ["Ludwig"]),
    ]


def test_an_author_named_with_and_stays_one_author_in_bibtex() -> None:
    """ "Smith and Jones" was written "Jones, Smith and": BibTeX readers took the "and" for
    the end of an author and made the next one "and {Madonna}"."""
    item = csl_item(
        reference(
            "og",
            title="Children in care",
            authors=["Smith and Jones", "Madonna", "Department for Children and Families"],
            publisher="VIVE",
            kind="rapport",
            published=dt.date(2024, 1, 1),
        )
    )
    bibtex = to_bibtex([item])
    [entry] = parse_string(bibtex, "bibtex").entries.values()
    assert [str(person) for person in entry.persons["author"]] == [
        "{Smith and Jones}",
        "{Madonna}",
        "{Department for Children and Families}",
    ]
    [parsed] = bibtexparser.parse_string(bibtex, append_middleware=[SeparateCoAuthors()]).entries
    assert parsed["author"] == [
        "{Smith and Jones}",
        "{Madonna}",
        "{Department for Children and Families}",
    ]
    assert rispy.loads(to_ris([item]))[0]["authors"] == [
        "Smith and Jones",
        "Madonna",
        "Department for Children and Families",
    ]


def test_a_page_label_with_a_hyphen_is_one_page_not_a_range() -> None:
    """The page labelled "A-8" was cited "s. A–8" in APA and Chicago: citeproc-py writes a
    locator's hyphen as a range's en dash."""
    with session_scope() as session:
        store_document(
            session,
            "cite-bilag",
            title="Bilag til efterværnsrapporten",
            publisher="VIVE",
            authors=["Mette Lykke Vinther"],
            published=dt.date(2020, 3, 1),
            extra={"language": "da"},
        )
        document_store.replace_pages(
            session,
            document_id="cite-bilag",
            pages=[(1, "Forord"), (2, "Bilag A"), (3, "Tabel A.8")],
            labels=["i", "A-7", "A-8"],
        )
    citation = client.get("/api/documents/cite-bilag/citation?side=3").json()
    assert citation["reference"]["page_label"] == "A-8"
    in_text = {found["style"]: found["in_text"] for found in citation["references"]}
    assert in_text == {
        "apa": "(Vinther, 2020, s. A-8)",
        "chicago-author-date": "(Vinther 2020, A-8)",
        "harvard-cite-them-right": "(Vinther, 2020, s. A-8)",
    }
    ris, _, _ = _download("/api/documents/cite-bilag/cite?format=ris&side=3")
    assert "SP  - A-8\n" in ris and rispy.loads(ris)[0]["start_page"] == "A-8"
    bibtex, _, _ = _download("/api/documents/cite-bilag/cite?format=bibtex&side=3")
    [entry] = parse_string(bibtex, "bibtex").entries.values()
    assert entry.fields["pages"] == "A-8"
    csl, _, _ = _download("/api/documents/cite-bilag/cite?format=csl-json&side=3")
    assert json.loads(csl)[0]["page"] == "A-8"


def test_a_family_name_og_or_a_name_without_a_family_is_no_joined_or_empty_author() -> None:
    """ "Peter Og" was taken for two people joined by "og", and cited as one literal name; ", Anne"
    (a name cut out of a document's metadata) was written "AU  - , Anne" and "," "AU  - "."""
    item = csl_item(
        reference(
            "og-navn",
            title="Samvær",
            authors=["Peter Og", ", Anne", ","],
            publisher="VIVE",
            kind="rapport",
            published=dt.date(2024, 1, 1),
        )
    )
    assert item["author"] == [{"family": "Og", "given": "Peter"}, {"literal": "Anne"}]
    assert rispy.loads(to_ris([item]))[0]["authors"] == ["Og, Peter", "Anne"]
