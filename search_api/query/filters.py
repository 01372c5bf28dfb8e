"""The search filters, each defined once.

A filter's entry drives everything that names it: the query parameter and its validation
(``SearchParams``), the Elasticsearch filter clause and the facet's aggregation
(``build_query``), the facet's heading, the fields of the filter form and the list of active
filters in the pages, and the Danish messages for a bad value. Every filter takes several values: a
document matches when it has any of a filter's values, and every filter that is set. An empty
value (what a form's empty field sends) is no value.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from ingest import language
from ingest.metadata import AgeRange, parse_age_range
from nlp_models.curated_kb import current_knowledge_base

# Bounds of the filters: enough for any real search, small enough that no value or list of
# values can reach a limit of Elasticsearch (terms of 32,766 bytes, 65,536 terms a query).
MAX_FILTER_VALUES = 50
MAX_FILTER_CHARS = 200
FIRST_YEAR, LAST_YEAR = 1000, 9999
FACET_SIZE = 20
# Every year a search's documents have: the page's chart of them left out the older ones.
YEAR_FACET_SIZE = 1000
# The error type of a value its filter does not accept; web/errors.py words it in Danish.
INVALID_VALUE = "filter_value"

Text = Annotated[str, Field(min_length=1, max_length=MAX_FILTER_CHARS)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


def _without_empty(values: Any) -> Any:
    """A search form sends its empty fields too (``year_from=``): they set nothing."""
    if isinstance(values, list):
        return [v for v in values if not (isinstance(v, str) and not v.strip())]
    return values


@dataclass(frozen=True, kw_only=True)
class Filter:
    """A filter on a keyword (or number) field: a value matches the documents that have it."""

    name: str  # the query parameter, and the key of the facet in a search response
    field: str  # the index field filtered on and, unless facet_field says otherwise, counted
    facet_field: str | None = None  # the index field the facet counts, when not ``field``
    label: str  # Danish: the facet's heading, and the name of an active filter
    noun: str  # Danish: the filter named in a sentence ("Der er for mange værdier af …")
    neuter: bool = False  # the noun is an et-word: "Sprog er ugyldigt", not "ugyldig"
    value: Any = Text  # the type of one value, with its validation
    hint: str | None = None  # Danish: what a valid value looks like ("skal være …")
    labels_from_kb: bool = False  # the values are knowledge-base ids, shown by their names
    capitalised: bool = False  # shown with a capital first letter ("lærer" → "Lærer")
    names: Mapping[str, str] | None = None  # Danish: the values' names ("en" → "engelsk")
    facet_order: Literal["count", "newest"] = "count"  # "newest": highest value first (years)
    facet_size: int = FACET_SIZE  # the most values the facet lists
    # The facet also counts the documents that have no value (``SearchResponse.without_year``).
    count_missing: bool = False

    @property
    def annotation(self) -> Any:
        return self.value

    @property
    def description(self) -> str:
        return f"Filtrér på {self.noun}" + (f": {self.hint}" if self.hint else "")

    def parameter(self) -> tuple[Any, Any]:
        """The filter's query parameter, as ``pydantic.create_model`` takes a field."""
        # The type is built at run time, where a type checker cannot follow it.
        values = Annotated[
            list[self.annotation],  # type: ignore[name-defined]
            BeforeValidator(_without_empty),
        ]
        return values, Field(
            default_factory=list, max_length=MAX_FILTER_VALUES, description=self.description
        )

    def clause(self, values: Sequence[Any]) -> dict[str, Any]:
        if self.value is not Text:
            return {"terms": {self.field: list(values)}}
        # A value written in another case ("EN", "vive", "Rapport") is the same value: the
        # form shows it checked on the facet's entry, so the search must find what it counts.
        return {
            "bool": {
                "should": [
                    {"term": {self.field: {"value": value, "case_insensitive": True}}}
                    for value in values
                ],
                "minimum_should_match": 1,
            }
        }

    def aggregation(self) -> dict[str, Any] | None:
        """The facet's aggregation; None for a filter without a facet."""
        terms: dict[str, Any] = {"field": self.facet_field or self.field, "size": self.facet_size}
        if self.facet_order == "newest":
            terms["order"] = {"_key": "desc"}
        return {"terms": terms}

    def show(self, value: Any) -> str:
        """A value as the page shows it (knowledge-base names are looked up by the caller)."""
        text = str(value)
        if self.names is not None:
            text = self.names.get(text, text)
        return text[:1].upper() + text[1:] if self.capitalised else text


@dataclass(frozen=True, kw_only=True)
class BoundFilter(Filter):
    """One end of a range on a number field ("from year", "to year"), with no facet of its
    own. Of several values the widest counts, as a document matches any of a filter's values."""

    bound: Literal["gte", "lte"]

    def clause(self, values: Sequence[Any]) -> dict[str, Any]:
        edge = min(values) if self.bound == "gte" else max(values)
        return {"range": {self.field: {self.bound: edge}}}

    def aggregation(self) -> dict[str, Any] | None:
        return None


@dataclass(frozen=True, kw_only=True)
class EntityFilter(Filter):
    """Knowledge-base records. A record merged into another is that one, as its page is: its
    id found nothing once its documents were found again under the other, and the other's id
    missed them until they were."""

    def clause(self, values: Sequence[Any]) -> dict[str, Any]:
        kb = current_knowledge_base()
        records = {record.id for value in values if (record := kb.get(str(value)))}
        merged = {old for old, new in kb.merged.items() if new in records}
        return super().clause(sorted({*map(str, values), *records, *merged}))


@dataclass(frozen=True, kw_only=True)
class RangeFilter(Filter):
    """A filter on a field of number ranges. A value is a number or a range of numbers, in any
    form ``parse`` reads, and matches the documents whose range holds all of it; the facet
    counts the ranges as the documents give them, from ``facet_field``."""

    parse: Callable[[str], AgeRange | None]
    unit: str  # Danish: shown after a bare number ("10" → "10 år")

    @property
    def annotation(self) -> Any:
        return Annotated[self.value, AfterValidator(self._validate)]

    def _validate(self, value: str) -> str:
        if self.parse(value) is None:
            raise PydanticCustomError(INVALID_VALUE, "not a number or range of numbers")
        return value

    def clause(self, values: Sequence[Any]) -> dict[str, Any]:
        should = []
        for numbers in (n for n in map(self.parse, values) if n is not None):
            bounds: dict[str, Any] = {"gte": numbers.from_age, "relation": "contains"}
            if numbers.to_age is not None:
                bounds["lte"] = numbers.to_age
            should.append({"range": {self.field: bounds}})
        return {"bool": {"should": should, "minimum_should_match": 1}}

    def show(self, value: Any) -> str:
        text = str(value).strip()
        return f"{text} {self.unit}" if text.isdigit() else text

    def holding(self, counted: Mapping[str, int]) -> dict[str, int]:
        """The facet's counts as choosing each value gives them, most first: a value finds the
        documents whose range holds all of it, so its count is the sum of the counts of every
        stated range that holds it (a document states one). "10-14 år" counted its own single
        document, and choosing it gave eight."""
        ranges = {value: self.parse(value) for value in counted}

        def holds(outer: AgeRange | None, inner: AgeRange) -> bool:
            if outer is None or outer.from_age > inner.from_age:
                return False
            if outer.to_age is None:
                return True
            return inner.to_age is not None and outer.to_age >= inner.to_age

        counts = {
            value: sum(n for other, n in counted.items() if holds(ranges[other], inner))
            for value, inner in ranges.items()
            if inner is not None
        }
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


# The bounds of the years' range (``SearchParams`` puts them in order).
YEAR_FROM, YEAR_TO = "year_from", "year_to"
# In the order the page shows the facets.
FILTERS: tuple[Filter, ...] = (
    Filter(name="publisher", field="publisher", label="Udgiver", noun="udgiver"),
    Filter(name="kind", field="kind", label="Type", noun="dokumenttype", capitalised=True),
    # The document's language, by its ISO 639-1 code ("en"), shown by its name ("Engelsk").
    Filter(
        name="language",
        field="language",
        label="Sprog",
        noun="sprog",
        neuter=True,
        hint="en sprogkode (fx da eller en)",
        capitalised=True,
        names=language.NAMES,
    ),
    Filter(
        name="year",
        field="year",
        label="År",
        noun="år",
        neuter=True,
        value=Year,
        hint="et årstal",
        facet_order="newest",
        facet_size=YEAR_FACET_SIZE,
        count_missing=True,
    ),
    BoundFilter(
        name=YEAR_FROM,
        field="year",
        label="Fra år",
        noun="første år",
        neuter=True,
        value=Year,
        hint="et årstal",
        bound="gte",
    ),
    BoundFilter(
        name=YEAR_TO,
        field="year",
        label="Til år",
        noun="sidste år",
        neuter=True,
        value=Year,
        hint="et årstal",
        bound="lte",
    ),
    RangeFilter(
        name="target_age",
        field="target_age_range",
        facet_field="target_age",
        label="Målgruppe",
        noun="målgruppe",
        hint="en alder i år (fx 10) eller et aldersspænd (fx 6-12 år)",
        parse=parse_age_range,
        unit="år",
    ),
    # The index folds case in this field (a filter for "Lærer" finds "lærer"), and ingest writes
    # each value one way, so the facet counts one "lærer" (ingest.metadata.normalise_professionals).
    Filter(
        name="professional",
        field="professional",
        facet_field="professional.as_written",
        label="Faggruppe",
        noun="faggruppe",
        capitalised=True,
    ),
    EntityFilter(
        name="entity",
        field="entities.kb_id",
        label="Navne i teksten",
        noun="vidensbase-id",
        neuter=True,
        labels_from_kb=True,
    ),
)
FILTERS_BY_NAME = {f.name: f for f in FILTERS}
