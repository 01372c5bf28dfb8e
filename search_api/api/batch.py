"""Batch search: a list of queries with the same filters, as a table of queries × hits."""

import codecs
import csv
import io
from collections.abc import Iterator
from urllib.parse import quote

from search_api.api.schemas import BatchHit, BatchQueryResult, BatchSearchResponse
from search_api.query.batch import BatchParams, search_batch
from search_api.query.results import SearchResponse
from vidensbank.errors import BadRequestError

# A header naming the column of queries in an uploaded CSV file (compared in lower case).
QUERY_COLUMNS = ("query", "queries", "søgning", "søgninger", "soegning", "soegninger")
NOT_TEXT = "Filen kunne ikke læses som tekst. Gem den som CSV (UTF-8) eller som en tekstfil."


def result_rows(params: BatchParams, base_url: str) -> Iterator[list[BatchQueryResult]]:
    """The table's rows, a chunk of queries at a time, in the list's order."""
    numbered = enumerate(params.queries, start=1)
    for responses in search_batch(params.searches()):
        yield [_result(*next(numbered), response, base_url) for response in responses]


def batch_search(params: BatchParams, base_url: str) -> BatchSearchResponse:
    return BatchSearchResponse(
        size=params.size,
        results=[row for chunk in result_rows(params, base_url) for row in chunk],
    )


def _result(number: int, query: str, response: SearchResponse, base_url: str) -> BatchQueryResult:
    return BatchQueryResult(
        number=number,
        query=query,
        total=response.total,
        hits=[
            BatchHit(
                rank=rank,
                id=result.id,
                title=result.title,
                year=result.published.year if result.published else None,
                published=result.published,
                publisher=result.publisher,
                kind=result.kind,
                pages=[hit.page for hit in result.hits],
                score=result.score,
                url=f"{base_url.rstrip('/')}/dokument/{quote(result.id, safe='')}",
            )
            for rank, result in enumerate(response.results, start=1)
        ],
    )


def read_queries(data: bytes, filename: str) -> list[str]:
    """The queries of an uploaded file: a CSV file's column named for queries, or its first
    column; any other file's lines. UTF-8 (with or without a byte order mark) or, as Excel on
    Windows saves CSV, Windows-1252."""
    text = _decoded(data)
    if not filename.lower().endswith(".csv"):
        return text.splitlines()
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ";,\t")
    except csv.Error:
        # One column: no delimiter to find.
        dialect = csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if row]
    except csv.Error as exc:
        # A cell longer than the reader takes (131,072 characters), or a broken quote.
        raise BadRequestError(
            "CSV-filen kunne ikke læses: en celle er for lang, eller et anførselstegn er ikke "
            "lukket. Gem den igen som CSV med én søgning pr. linje."
        ) from exc
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(name) for name in QUERY_COLUMNS if name in header), None)
    if column is None:
        return [row[0] for row in rows]
    return [row[column] for row in rows[1:] if len(row) > column]


def _decoded(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode()
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise BadRequestError(NOT_TEXT) from exc
