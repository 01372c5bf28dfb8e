"""The search page's form, active filters, pages and links, from parameters and a response."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from search_api.query import search
from search_api.query.builder import MAX_RESULT_WINDOW, SearchParams
from search_api.query.filters import FILTERS, FILTERS_BY_NAME
from search_api.query.results import FacetValue, PageHit, SearchResponse, SearchResult
from web.reader import document_url
from web.search_view import (
    SHOWN_OPTIONS,
    Pages,
    fieldsets,
    page_context,
    pages,
    tidy_snippet,
    without_url,
)
from web.templating import templates

NAMES = [f.name for f in FILTERS]
# One value of each filter, as the sample corpus has them.
EVERY_FILTER: dict[str, list[Any]] = {
    "publisher": ["Børns Vilkår"],
    "kind": ["værktøj"],
    "language": ["en"],
    "year": [2021],
    "year_from": [2020],
    "year_to": [2022],
    "target_age": ["10"],
    "professional": ["lærer", "pædagog"],
    "entity": ["ini.boernetelefonen"],
}


def params(**values: Any) -> SearchParams:
    return SearchParams.model_validate(values)


def response(total: int = 0, **facets: list[tuple[str, int]]) -> SearchResponse:
    return SearchResponse(
        total=total,
        results=[],
        facets={
            name: [
                FacetValue(
                    value=value, label=search.show_value(FILTERS_BY_NAME[name], value), count=count
                )
                for value, count in values
            ]
            for name, values in facets.items()
        },
        did_you_mean=None,
    )


def result(document_id: str, title: str, hits: list[PageHit] | None = None) -> SearchResult:
    return SearchResult(
        id=document_id,
        title=title,
        publisher="VIVE",
        kind="rapport",
        published=None,
        filename=f"{document_id}.pdf",
        source_uri=None,
        score=1.0,
        hits=hits or [],
    )


def rendered(search: SearchParams, answer: SearchResponse | None = None) -> LexborHTMLParser:
    context = page_context(search, answer or response(), "q=x")
    return LexborHTMLParser(templates.get_template("search.html").render(**context))


def first(page: LexborHTMLParser | LexborNode, selector: str) -> LexborNode:
    node = page.css_first(selector)
    assert node is not None, selector
    return node


def submitted(page: LexborHTMLParser) -> list[tuple[str, str]]:
    """What the search form sends: its own fields and those that name it (form="soegning"),
    checked boxes only, empty fields left out (the search ignores them)."""
    sent = []
    for node in page.css("form#soegning input, input[form=soegning], select[form=soegning]"):
        kind = node.attributes.get("type")
        if kind == "checkbox" and "checked" not in node.attributes:
            continue
        name, value = node.attributes.get("name"), node.attributes.get("value") or ""
        if name and value and name not in ("q", "sort"):
            sent.append((str(name), str(value)))
    return sorted(sent)


def test_removing_one_value_keeps_every_other_filter() -> None:
    search = params(q="samtale", **EVERY_FILTER)
    url = without_url(search, FILTERS_BY_NAME["professional"], "lærer")
    assert "professional=p%C3%A6dagog" in url and "professional=l%C3%A6rer" not in url
    assert all(f"{name}=" in url for name in NAMES)
    assert "q=samtale" in url


def test_the_form_carries_every_active_filter_and_the_page_lists_each() -> None:
    page = rendered(params(q="samtale", **EVERY_FILTER))
    expected = sorted((name, str(v)) for name, values in EVERY_FILTER.items() for v in values)
    assert submitted(page) == expected
    listed = page.css(".active-filters li")
    assert sorted((li.attributes["data-filter"], li.attributes["data-value"]) for li in listed) == (
        expected
    )
    labels = [" ".join(li.text().split()) for li in listed]
    assert "Fjern filteret Målgruppe: 10 år" in labels
    assert "Fjern filteret Sprog: Engelsk" in labels
    assert "Fjern filteret Navne i teksten: BørneTelefonen" in labels
    assert "Fjern filteret Fra år: 2020" in labels
    for li in listed:
        name, value = li.attributes["data-filter"], li.attributes["data-value"]
        remove = first(li, "a")
        assert remove is not None
        left = parse_qs(urlsplit(str(remove.attributes["href"])).query)
        assert value not in left.get(str(name), [])
        assert {n for n in NAMES if n != name} <= set(left) and left["q"] == ["samtale"]
    [clear] = page.css(".active-filters a.clear-filters")
    assert clear.attributes["href"] == "/?q=samtale"


def test_a_facet_value_that_is_set_is_checked_and_several_can_be() -> None:
    search = params(publisher=["VIVE", "Socialstyrelsen"])
    page = rendered(search, response(64, publisher=[("Børns Vilkår", 24), ("VIVE", 20)]))
    boxes = {
        box.attributes["value"]: "checked" in box.attributes
        for box in page.css("fieldset[data-filter=publisher] input[type=checkbox]")
    }
    # Socialstyrelsen is chosen but not counted: it stays in the form, checked.
    assert boxes == {"Børns Vilkår": False, "VIVE": True, "Socialstyrelsen": True}


def test_values_differing_only_in_case_are_one_checked_value() -> None:
    [professionals] = [
        f
        for f in fieldsets(params(professional=["Lærer"]), response(3, professional=[("lærer", 3)]))
        if f.filter.name == "professional"
    ]
    assert [(o.value, o.label, o.chosen) for o in professionals.options] == [
        ("lærer", "Lærer", True)
    ]


def test_the_years_take_a_range_and_the_age_a_number() -> None:
    search = params(year_from=[2015], target_age=["10", "6-12 år"])
    sets = {f.filter.name: f for f in fieldsets(search, response(5, year=[("2021", 3)]))}
    assert "year_from" not in sets and "year_to" not in sets
    assert [(n.filter.name, n.value) for n in sets["year"].numbers] == [
        ("year_from", "2015"),
        ("year_to", ""),
    ]
    [age] = sets["target_age"].numbers
    assert (age.value, age.suffix) == ("10", "år")
    # A range of ages (from a link) stays in the form beside the number.
    assert [(o.value, o.chosen) for o in sets["target_age"].options] == [("6-12 år", True)]
    page = rendered(search)
    [field] = page.css("input#felt-target_age")
    assert field.attributes["type"] == "number" and field.attributes["value"] == "10"


def test_entity_values_link_to_their_page_besides_filtering() -> None:
    page = rendered(params(), response(5, entity=[("law.barnets-lov", 3)]))
    [link] = page.css("fieldset[data-filter=entity] a.entity-link")
    assert link.attributes["href"] == "/entitet/law.barnets-lov"
    assert " ".join(link.text().split()) == "Om Barnets Lov"
    assert first(page, "fieldset[data-filter=entity] input").attributes["name"] == "entity"


def test_long_facets_fold_the_rest_away_and_open_when_one_of_them_is_chosen() -> None:
    many = [(f"faggruppe {i}", 20 - i) for i in range(SHOWN_OPTIONS + 3)]
    folded = rendered(params(), response(20, professional=many))
    assert len(folded.css("fieldset[data-filter=professional] details input")) == 3
    assert "open" not in first(folded, "fieldset[data-filter=professional] details").attributes
    chosen = rendered(params(professional=[many[-1][0]]), response(20, professional=many))
    assert "open" in first(chosen, "fieldset[data-filter=professional] details").attributes


def test_the_home_page_lists_the_newest_and_offers_no_sorting() -> None:
    page = rendered(params(), response(64))
    assert first(page, "h1").text() == "Søg i Vidensbank"
    assert "nyeste først" in first(page, "#antal").text()
    assert page.css("select[name=sort]") == []


def test_a_search_offers_sorting_and_does_not_claim_newest_first() -> None:
    page = rendered(params(q="samtale"), response(12))
    assert first(page, "h1").text() == "Søgeresultater"
    assert "nyeste først" not in first(page, "#antal").text()
    [chosen] = page.css("select[name=sort] option[selected]")
    assert chosen.text() == "Mest relevante"


def test_a_page_after_the_last_says_so_and_links_to_the_last() -> None:
    page = rendered(params(q="samtale", page=99), response(134))
    text = " ".join(page.body.text().split()) if page.body else ""
    assert "Side 99 findes ikke" in text and "Side 99 af" not in text
    assert "Ingen dokumenter matcher" not in text
    [last] = page.css(".beyond-last-page a")
    assert parse_qs(urlsplit(str(last.attributes["href"])).query)["page"] == ["14"]
    assert page.css("nav.pagination") == []


def test_results_link_to_the_reader_with_the_query_and_the_page_of_each_hit() -> None:
    answer = response(1)
    answer.results.append(
        SearchResult(
            id="abc",
            title="Samtaleguide",
            publisher="Børns Vilkår",
            kind="værktøj",
            published=None,
            filename="guide.html",
            source_uri=None,
            score=1.0,
            hits=[PageHit(page=3, highlight="en <mark>samtale</mark>")],
        )
    )
    page = rendered(params(q="samtale med barn"), answer)
    # With the search page's own query ("q=x" here), for the reader's way back to it.
    assert first(page, ".result h3 a").attributes["href"] == (
        "/dokument/abc?q=samtale+med+barn&soegning=q%3Dx"
    )
    assert first(page, ".hit a").attributes["href"] == (
        "/dokument/abc?side=3&q=samtale+med+barn&soegning=q%3Dx#side-3"
    )
    assert "Værktøj" in first(page, ".result-meta").text()


def test_document_urls() -> None:
    assert document_url("abc") == "/dokument/abc"
    assert document_url("abc", "  ") == "/dokument/abc"
    assert document_url("abc", "barn") == "/dokument/abc?q=barn"
    # A page hit opens that page's section on the server (any browser), then scrolls to it.
    assert document_url("a/b", "æ & ø", 2) == "/dokument/a%2Fb?side=2&q=%C3%A6+%26+%C3%B8#side-2"


@pytest.mark.parametrize(
    ("current", "last", "numbers"),
    [
        (1, 1, [1]),
        (3, 7, [1, 2, 3, 4, 5, 6, 7]),
        (1, 14, [1, 2, 3, 4, 5, None, 14]),
        (4, 14, [1, 2, 3, 4, 5, None, 14]),
        (7, 14, [1, None, 6, 7, 8, None, 14]),
        (11, 14, [1, None, 10, 11, 12, 13, 14]),
        (14, 14, [1, None, 10, 11, 12, 13, 14]),
    ],
)
def test_page_links_keep_the_first_the_last_and_the_neighbours(
    current: int, last: int, numbers: list[int | None]
) -> None:
    assert Pages(current=current, last=last).numbers == numbers


def test_the_pages_of_a_search() -> None:
    assert pages(params(size=10), 134) == Pages(current=1, last=14)
    assert pages(params(size=10), 0) == Pages(current=1, last=0)
    assert pages(params(page=99), 134).beyond
    assert not pages(params(page=14), 134).beyond
    assert not pages(params(page=3), 0).beyond
    # No further than a search can page.
    assert pages(params(size=100), 10**6).last == MAX_RESULT_WINDOW // 100


def test_snippets_lose_leader_dots_and_keep_their_marks() -> None:
    snippet = tidy_snippet("5 Forord . . . . . . 3 <mark>Inddragelse</mark> ........ 9 &lt;b&gt;")
    assert str(snippet) == "5 Forord … 3 <mark>Inddragelse</mark> … 9 &lt;b&gt;"
    assert str(tidy_snippet("Der står tre prikker... og to..")) == "Der står tre prikker... og to.."


def test_control_characters_in_a_search_are_spaces() -> None:
    """A NUL in ``q`` reached the page's title and the index's query."""
    assert SearchParams(q="børn\x00i\tpleje\x1b[31m").q == "børn i pleje [31m"


def test_invisible_characters_copied_into_a_search_are_left_out() -> None:
    """A soft hyphen or zero-width space copied from a PDF split the word (37 results for
    "inddra­gelse" against 54, and "Mente du gerne?")."""
    for typed in ("inddra\u00adgelse", "inddra\u200bgelse", "\ufeffinddragelse\u2060"):
        assert SearchParams(q=typed).q == "inddragelse"
    assert SearchParams(q="a\u0301r").q == "ár"  # composed


def test_a_chosen_number_of_results_a_page_is_kept_by_the_next_search() -> None:
    """``size=5`` was lost by the next search from the form (10 again)."""
    assert ("size", "5") in submitted(rendered(params(q="børn", size=5)))
    assert "size" not in dict(submitted(rendered(params(q="børn"))))


def test_words_no_document_has_are_named_above_the_results() -> None:
    found = result("a", "Kursus")
    answer = response(1).model_copy(
        update={"results": [found], "missing_words": ["bitcoin", "ethereum"]}
    )
    note = first(rendered(params(q="bitcoin ethereum kurs"), answer), ".missing-words")
    assert note.text() == (
        "Intet dokument indeholder »bitcoin« eller »ethereum«, så der er søgt uden dem."
    )


def test_a_misspelt_search_sends_the_reader_the_words_it_was_taken_for() -> None:
    """From "anbrigelse" the snippets marked "anbringelse", and the reader said the words of
    the search were nowhere in the text."""
    hits = [PageHit(page=2, highlight="<mark>anbringelse</mark>")]
    found = result("a", "Unge på vej ud af anbringelse", hits)
    answer = response(1).model_copy(update={"results": [found], "did_you_mean": "anbringelse"})
    page = rendered(params(q="anbrigelse"), answer)
    links = [
        str(a.attributes["href"])
        for a in page.css(".result a")
        if "/dokument/a" in str(a.attributes["href"])
    ]
    assert links and all(parse_qs(urlsplit(link).query)["q"] == ["anbringelse"] for link in links)


def test_english_titles_and_snippets_are_marked_english_and_page_links_name_their_document() -> (
    None
):
    """A screen reader read an English title and snippet with Danish pronunciation, and listed
    ten links that all said "Side 1"."""
    answer = response(2)
    english = result(
        "en1", "Leaving care", [PageHit(page=1, highlight="young <mark>people</mark>")]
    )
    english.language = "en"
    mixed = result("da1", "Anbragte børn", [PageHit(page=4, highlight="summary", language="en")])
    mixed.language = "da"
    answer.results += [english, mixed]
    page = rendered(params(q="care"), answer)
    titles = page.css(".result h3")
    assert [t.attributes.get("lang") for t in titles] == ["en", None]
    snippets = [node.attributes.get("lang") for node in page.css(".hit > span")]
    assert snippets == ["en", "en"]
    links = [a.text() for a in page.css(".hit > a:first-child")]
    assert links == ["Side 1 af »Leaving care«", "Side 4 af »Anbragte børn«"]


def test_the_title_says_what_the_page_lists() -> None:
    """A filtered page and every page after the first were titled as the front page ("Søg")
    or as the first page: the tab, the history and a screen reader could not tell them apart."""

    def title(search: SearchParams) -> str:
        return first(rendered(search, response(total=300)), "title").text()

    assert title(params()) == "Søg · Vidensbank"
    assert title(params(q="samvær")) == "Søgning: samvær · Vidensbank"
    assert (
        title(params(q="samvær", publisher=["VIVE"], language=["en"], page=2))
        == "Søgning: samvær – Udgiver: VIVE, Sprog: Engelsk – side 2 · Vidensbank"
    )
    assert title(params(publisher=["VIVE"])) == "Søgeresultater – Udgiver: VIVE · Vidensbank"
