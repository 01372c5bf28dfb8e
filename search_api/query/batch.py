"""Many searches at once: a researcher's list of queries, each with the same filters.

Each query is searched by the very plan ``search`` follows, so it finds the same documents in
the same order; only the round trips differ: the same step of a chunk of searches goes to
Elasticsearch in one ``_msearch``, and the chunk's queries are embedded while its first step
runs.
"""

import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from elasticsearch import NotFoundError as ESNotFoundError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, model_validator

from search_api.index.elastic import elastic_errors
from search_api.index.lifecycle import alias_name
from search_api.query.builder import MAX_QUERY_LENGTH, QueryOptions, SearchParams
from search_api.query.filters import FILTERS, Filter
from search_api.query.results import SearchResponse
from search_api.query.search import NOTHING_INDEXED, advance, default_options, msearch, plan_search
from vidensbank.errors import BadRequestError, PayloadTooLargeError

MAX_QUERIES = 500
MAX_HITS = 50
# Searches sent together: the progress a page shows moves on after each chunk.
CHUNK = 50

NO_QUERIES = "Skriv mindst én søgning (én pr. linje), eller vælg en fil med søgninger."
TOO_MANY = "Højst {most} søgninger ad gangen; listen har {count}. Del den op i flere lister."
TOO_LONG = "Søgning nr. {number} er for lang (højst {most} tegn)."
NOT_TEXT = "Søgning nr. {number} indeholder tegn, der ikke er gyldig tekst (Unicode)."


def bounded_queries(queries: list[str]) -> list[str]:
    """The queries of a list without blank lines and surrounding spaces, if there are some and
    not too many, and none is longer than a search's query may be."""
    kept = [query.strip() for query in queries if query.strip()]
    if not kept:
        raise BadRequestError(NO_QUERIES)
    if len(kept) > MAX_QUERIES:
        raise PayloadTooLargeError(TOO_MANY.format(most=MAX_QUERIES, count=len(kept)))
    for number, query in enumerate(kept, start=1):
        if len(query) > MAX_QUERY_LENGTH:
            raise PayloadTooLargeError(TOO_LONG.format(number=number, most=MAX_QUERY_LENGTH))
        if not _is_text(query):
            raise BadRequestError(NOT_TEXT.format(number=number))
    return kept


def _is_text(query: str) -> bool:
    """Whether a query is Unicode text: JSON can carry half a surrogate pair, which is not."""
    try:
        query.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    return value


class BatchInput(BaseModel):
    """A batch apart from its filters, which ``BatchParams`` adds from the filter table. The
    list's bounds are checked by ``bounded_queries``, whose Danish errors pass through
    pydantic unchanged. A key it does not know is refused: a misspelt filter was ignored, and
    the list searched unfiltered."""

    model_config = ConfigDict(extra="forbid")

    queries: Annotated[list[str], AfterValidator(bounded_queries)] = Field(
        description=f"Søgningerne, højst {MAX_QUERIES} (tomme springes over)",
        # The bounds for readers of the OpenAPI description; ``bounded_queries`` checks them,
        # with a 413 for too many.
        json_schema_extra={"minItems": 1, "maxItems": MAX_QUERIES},
    )
    size: int = Field(default=10, ge=1, le=MAX_HITS, description="Resultater pr. søgning")
    sort: Literal["relevance", "newest"] = Field(default="relevance", description="Sortering")

    @model_validator(mode="before")
    @classmethod
    def _composed(cls, data: Any) -> Any:
        """Every text in composed Unicode (NFC), as a query string's parameters are read
        (``web/query_string.py``): a filter value pasted decomposed from a Mac or a PDF found
        nothing."""
        return _nfc(data)

    def values(self, search_filter: Filter) -> list[Any]:
        return list(getattr(self, search_filter.name))

    def searches(self) -> list[SearchParams]:
        """One search per query, each with the batch's filters, size and sort."""
        filters = {f.name: self.values(f) for f in FILTERS}
        return [
            SearchParams.model_validate(
                {"q": query, "size": self.size, "sort": self.sort, **filters}
            )
            for query in self.queries
        ]


if TYPE_CHECKING:
    BatchParams = BatchInput
else:
    BatchParams = create_model(
        "BatchParams",
        __base__=BatchInput,
        __doc__="A list of searches with the filters of one search: unknown filters are refused.",
        **{f.name: f.parameter() for f in FILTERS},
    )


def search_batch(
    searches: Sequence[SearchParams],
    *,
    index: str | None = None,
    options: QueryOptions | None = None,
) -> Iterator[list[SearchResponse]]:
    """The responses of the searches, in their order, a chunk at a time (without facets).

    The next chunk's searches start (their queries go to the embedding thread) before this
    chunk's are sent, so the index and the embedding model work at the same time."""
    options = (options or default_options()).model_copy(update={"facets": False})
    target = index or alias_name()
    waiting: _Chunk | None = None
    for start in range(0, len(searches), CHUNK):
        chunk = _Chunk(searches[start : start + CHUNK], options, target)
        if waiting is not None:
            yield waiting.answered()
        waiting = chunk
    if waiting is not None:
        yield waiting.answered()


class _Chunk:
    """Searches sent together: each step of all of them in one ``_msearch``."""

    def __init__(
        self, searches: Sequence[SearchParams], options: QueryOptions, target: str
    ) -> None:
        self.searches, self.options, self.target = searches, options, target
        self.done: dict[int, SearchResponse] = {}
        self.asked: dict[int, list[dict[str, Any]]] = {}
        self.missing = False
        try:
            with elastic_errors():
                self.plans = [plan_search(params, options, target) for params in searches]
                for number, plan in enumerate(self.plans):
                    self._place(number, advance(plan))
        except ESNotFoundError:
            self.missing = True

    def _place(self, number: int, step: list[dict[str, Any]] | SearchResponse) -> None:
        if isinstance(step, SearchResponse):
            self.done[number] = step
        else:
            self.asked[number] = step

    def answered(self) -> list[SearchResponse]:
        """The responses; a chunk whose index went away (a reindex deletes the old index right
        after it moves the alias) is asked once more, as ``search`` does."""
        responses = self._responses()
        if self.missing:
            return _Chunk(self.searches, self.options, self.target)._responses()
        return responses

    def _responses(self) -> list[SearchResponse]:
        try:
            with elastic_errors():
                while self.asked and not self.missing:
                    steps, self.asked = self.asked, {}
                    bodies = [body for step in steps.values() for body in step]
                    answers = iter(msearch(bodies, self.target))
                    for number, step in steps.items():
                        self._place(
                            number, advance(self.plans[number], [next(answers) for _ in step])
                        )
        except ESNotFoundError:
            self.missing = True
        if self.missing:
            # No index yet: nothing has been ingested.
            return [NOTHING_INDEXED] * len(self.searches)
        return [self.done[number] for number in range(len(self.searches))]
