"""What the search page shows around its results, worked out from the search's parameters and
its response: the filter form (a fieldset per filter, checkboxes for several values, number fields
for a range of years and an age), the active filters with the way to remove each, the pages,
and the addresses of searches and of results. Pure functions, so they are tested without a server.
"""

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from markupsafe import Markup

from ingest.metadata import MAX_AGE
from search_api.api.parameters import model_parameters
from search_api.query import search
from search_api.query.builder import MAX_RESULT_WINDOW, SearchParams
from search_api.query.filters import (
    FILTERS,
    FIRST_YEAR,
    LAST_YEAR,
    BoundFilter,
    Filter,
    RangeFilter,
)
from search_api.query.results import SearchResponse
from web.reader import cite_url, document_url

# The checkboxes a fieldset shows before the rest fold away under "Vis flere".
SHOWN_OPTIONS = 8
# Page links around the current one: all pages up to this many, else the first, the last and
# the current page's neighbours (Det Fælles Designsystem's pagination).
ALL_PAGES_UP_TO = 7


# A table of contents' leader dots ("Forord ........ 3"), which say nothing in a snippet.
LEADER_DOTS = re.compile(r"(?:\s*\.){4,}\s*")


def tidy_snippet(highlight: str) -> Markup:
    """A hit's snippet as the page shows it: leader dots become one ellipsis. The highlight is
    HTML-escaped text with <mark> around the matched words (Elasticsearch's html encoder), so
    it is markup already; dots and spaces are all this touches."""
    return Markup(LEADER_DOTS.sub(" … ", highlight).strip())


def search_url(params: SearchParams, **changes: Any) -> str:
    """The search page's URL for ``params`` with some of them changed (page resets to 1)."""
    values = params.model_dump(exclude_defaults=True)
    values.pop("page", None)
    values.update(changes)
    return "/?" + urlencode(
        {k: v for k, v in values.items() if v not in (None, [], "")}, doseq=True
    )


def without_url(params: SearchParams, search_filter: Filter, value: Any) -> str:
    """The search page's URL for ``params`` without one value of one filter."""
    rest = [v for v in params.values(search_filter) if str(v) != str(value)]
    return search_url(params, **{search_filter.name: rest})


def clear_url(params: SearchParams) -> str:
    """The same search with no filter set."""
    return search_url(params, **{f.name: [] for f in FILTERS})


@dataclass(frozen=True)
class ActiveFilter:
    """One value of a filter that is set, as the page lists it, with the way to remove it."""

    filter: Filter
    value: Any
    label: str
    remove_url: str


def active_filters(params: SearchParams) -> list[ActiveFilter]:
    """Every value of every filter that is set, in the table's order."""
    return [
        ActiveFilter(f, value, search.show_value(f, value), without_url(params, f, value))
        for f, value in params.active_filters()
    ]


@dataclass(frozen=True)
class Option:
    """A checkbox of the filter form: a value of the facet, or a chosen value it lacks."""

    value: str
    label: str
    count: int | None  # None: chosen, but not among the values this search counts
    chosen: bool
    entity_url: str | None = None  # the page of a knowledge-base record


@dataclass(frozen=True)
class NumberField:
    """A number field of the filter form (a year of a range, an age)."""

    filter: Filter
    label: str
    value: str
    low: int
    high: int
    suffix: str = ""


@dataclass(frozen=True)
class Fieldset:
    """One filter of the form: its checkboxes and any number fields that go with it."""

    filter: Filter
    options: list[Option] = field(default_factory=list)
    numbers: list[NumberField] = field(default_factory=list)

    @property
    def shown(self) -> list[Option]:
        return self.options[:SHOWN_OPTIONS]

    @property
    def folded(self) -> list[Option]:
        return self.options[SHOWN_OPTIONS:]

    @property
    def chosen(self) -> int:
        return sum(o.chosen for o in self.options) + sum(bool(n.value) for n in self.numbers)


def _options(search_filter: Filter, params: SearchParams, response: SearchResponse) -> list[Option]:
    """The facet's values, the chosen ones checked, then any chosen value the facet does not
    list (so the form keeps it). Values are compared without regard to case: the index does."""
    chosen = {str(v).casefold(): str(v) for v in params.values(search_filter)}
    options = [
        Option(
            value=bucket.value,
            label=bucket.label,
            count=bucket.count,
            chosen=chosen.pop(bucket.value.casefold(), None) is not None,
            entity_url=f"/entitet/{quote(bucket.value, safe='')}"
            if search_filter.labels_from_kb
            else None,
        )
        for bucket in response.facets.get(search_filter.name, [])
    ]
    return options + [
        Option(value=value, label=search.show_value(search_filter, value), count=None, chosen=True)
        for value in chosen.values()
    ]


def _bound(bound: BoundFilter, params: SearchParams) -> NumberField:
    """One end of the range of years; of several values the widest, as the search takes it."""
    values = params.values(bound)
    widest = (min(values) if bound.bound == "gte" else max(values)) if values else ""
    return NumberField(
        filter=bound, label=bound.label, value=str(widest), low=FIRST_YEAR, high=LAST_YEAR
    )


def _age_fieldset(age: RangeFilter, params: SearchParams) -> Fieldset:
    """An age in a number field ("10 år"); any other chosen value (a range of ages from a link)
    stays as a checked checkbox."""
    values = [str(v) for v in params.values(age)]
    number = next((v for v in values if v.strip().isdigit()), "")
    rest = list(values)
    if number:
        rest.remove(number)
    return Fieldset(
        filter=age,
        options=[Option(value=v, label=age.show(v), count=None, chosen=True) for v in rest],
        numbers=[
            NumberField(
                filter=age,
                label="Alder",
                value=number.strip(),
                low=0,
                high=MAX_AGE,
                suffix=age.unit,
            )
        ],
    )


def fieldsets(params: SearchParams, response: SearchResponse) -> list[Fieldset]:
    """The filter form, one fieldset per filter with a facet, in the table's order; the ends of
    a range go with the facet on the same field (a range of years with the years)."""
    sets = []
    for f in FILTERS:
        if isinstance(f, BoundFilter):
            continue
        if isinstance(f, RangeFilter):
            sets.append(_age_fieldset(f, params))
            continue
        bounds = [b for b in FILTERS if isinstance(b, BoundFilter) and b.field == f.field]
        sets.append(
            Fieldset(
                filter=f,
                options=_options(f, params, response),
                numbers=[_bound(b, params) for b in bounds],
            )
        )
    return sets


@dataclass(frozen=True)
class Pages:
    """Where a page of results lies among all of them."""

    current: int
    last: int  # 0 when nothing matched

    @property
    def beyond(self) -> bool:
        """Asked for a page after the last one (an old link, a typed address)."""
        return self.last > 0 and self.current > self.last

    @property
    def numbers(self) -> list[int | None]:
        """The page links to show, in order; None is a gap of pages left out."""
        current, last = self.current, self.last
        if last <= ALL_PAGES_UP_TO:
            return list(range(1, last + 1))
        if current < 5:
            return [*range(1, 6), None, last]
        if current > last - 4:
            return [1, None, *range(last - 4, last + 1)]
        return [1, None, current - 1, current, current + 1, None, last]


def pages(params: SearchParams, total: int) -> Pages:
    """The pages of a search: as many as its results fill, and no more than can be reached."""
    reachable = MAX_RESULT_WINDOW // params.size
    return Pages(current=params.page, last=min(-(-total // params.size), reachable))


def api_query(query: str) -> str:
    """The page's query string as its JSON twin takes it: the search's own parameters only, one
    that takes one value once (its last, which the page read). The page ignores what a browser
    or a link adds; the API refuses it."""
    taken = model_parameters(SearchParams)
    pairs = parse_qsl(query, keep_blank_values=True)
    single = {name: value for name, value in pairs if name in taken and not taken[name]}
    return urlencode([*single.items(), *((n, v) for n, v in pairs if taken.get(n))])


def page_context(params: SearchParams, response: SearchResponse, query: str) -> dict[str, Any]:
    """Everything ``search.html`` renders; ``query`` is the page's query string, for its twin."""
    twin = api_query(query)
    return {
        "params": params,
        "response": response,
        # Without a query the newest come first, and there is nothing to sort by relevance.
        "browsing": not params.q.strip(),
        "fieldsets": fieldsets(params, response),
        "active_filters": active_filters(params),
        "clear_url": clear_url(params),
        "pages": pages(params, response.total),
        "search_url": search_url,
        "document_url": document_url,
        "page_cite_url": cite_url,
        # The results carry it to the reader, whose way back keeps the filters, order and page.
        "search_address": query,
        # What the reader marks: the words "Mente du" offers for a misspelt query, as the
        # snippets did (the reader said the misspelt word was nowhere in the text).
        "reader_query": response.did_you_mean or params.q,
        "tidy_snippet": tidy_snippet,
        "json_url": f"/api/search?{twin}",
        "cite_url": f"/api/search/cite?{twin}{'&' if twin else ''}format=",
    }
