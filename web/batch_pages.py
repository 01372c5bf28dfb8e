"""Batch search in the browser: paste or upload a list of queries, see the table of queries ×
hits as it is computed, and download it as CSV or XLSX.

The table is streamed: the page's top first, then the rows of each chunk of queries as soon as
they are found, each chunk ending in a progress line ("50 af 500 søgninger") that the next
hides (batch.css), so the page shows progress without any script. A list or filter that is
refused gives the form back, filled in, with the reason; other errors found before the first
row (the search engine down) get the usual error page and status.
"""

import logging
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from search_api.api import batch
from search_api.api.auth import BAD_CSRF
from search_api.api.routes import SearchQuery, batch_download
from search_api.api.schemas import BatchQueryResult
from search_api.query import search
from search_api.query.batch import MAX_HITS, MAX_QUERIES, BatchParams
from search_api.query.builder import MAX_QUERY_LENGTH, SearchParams
from search_api.query.filters import FILTERS
from vidensbank.errors import BadRequestError, ForbiddenError, VidensbankError
from web import search_view
from web.errors import explain_validation_error
from web.form_tokens import FormToken
from web.templating import templates

log = logging.getLogger(__name__)

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

PATH = "/soegning/liste"
BATCH_TOKEN = FormToken(cookie="vb_batch_csrf", path=PATH)
# Where the streamed rows go in the rendered page: a comment no document's text can make, as
# everything rendered from data is escaped.
ROWS = Markup("<!-- rækker -->")
STOPPED = "Søgningen stoppede undervejs: {message}"


def _context(request: Request, params: SearchParams, token: str, **more: Any) -> dict[str, Any]:
    """What the page renders: its form (the filters' fieldsets with the values of all
    documents) and, after a search, the table."""
    everything = search.search(params.model_copy(update={"q": "", "size": 1, "page": 1}))
    return {
        "request": request,
        "csrf": token,
        "params": params,
        "fieldsets": search_view.fieldsets(params, everything),
        "max_queries": MAX_QUERIES,
        "max_hits": MAX_HITS,
        "max_query_length": MAX_QUERY_LENGTH,
        "path": PATH,
        **more,
    }


@router.get(PATH)
def batch_page(request: Request, params: SearchQuery) -> Response:
    """The form, with the query and filters of the search it was opened from (its query
    string)."""
    token = BATCH_TOKEN.token(request)
    response = templates.TemplateResponse(
        request,
        "batch_search.html",
        _context(request, params, token, queries=params.q, size=min(params.size, MAX_HITS)),
    )
    BATCH_TOKEN.set(request, response, token)
    return response


@router.post(PATH)
async def batch_results(
    request: Request, format: Literal["html", "csv", "xlsx"] = "html"
) -> Response:
    """The table (streamed), or with ``format`` csv or xlsx the same table as a file. A list or
    filter the search refuses gives the form back as it was filled in, with the reason. The
    list and filters are validated as the API validates its JSON; the CSRF token first."""
    form = await request.form()
    token = form.get("csrf_token")
    if not BATCH_TOKEN.sent_with(request, token if isinstance(token, str) else ""):
        raise ForbiddenError(BAD_CSRF)
    pasted = form.get("queries")
    pasted = pasted if isinstance(pasted, str) else ""
    fields: dict[str, Any] = {
        **{name: value for name in ("size", "sort") if (value := form.get(name))},
        **{f.name: form.getlist(f.name) for f in FILTERS},
    }
    try:
        queries = pasted.splitlines()
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            queries += batch.read_queries(await upload.read(), upload.filename)
        params = BatchParams.model_validate(fields | {"queries": queries})
    except BadRequestError as error:
        return _refused(request, pasted, fields, error.status, error.message)
    except ValidationError as exc:
        return _refused(request, pasted, fields, *explain_validation_error(exc.errors()[0]))
    # The searches wait on Elasticsearch: not on the event loop.
    return await run_in_threadpool(_results, request, params, format)


def _refused(
    request: Request, pasted: str, fields: dict[str, Any], status: int, message: str
) -> Response:
    """The form with what was typed and chosen (the filters, where they are valid) and why
    the list was refused."""
    try:
        params = SearchParams.model_validate(fields)
    except ValidationError:
        params = SearchParams()
    context = _context(
        request,
        params,
        BATCH_TOKEN.token(request),
        queries=pasted,
        size=fields.get("size", 10),
        error=message,
    )
    return templates.TemplateResponse(request, "batch_search.html", context, status_code=status)


def _results(request: Request, params: BatchParams, format: str) -> Response:
    if format in ("csv", "xlsx"):
        return batch_download(batch.batch_search(params, str(request.base_url)), format)
    chunks = batch.result_rows(params, str(request.base_url))
    # The first chunk before anything is sent: an error now still gets its own status.
    first = next(chunks)
    filters = {f.name: params.values(f) for f in FILTERS}
    search_params = SearchParams.model_validate({"sort": params.sort, **filters})
    context = _context(
        request,
        search_params,
        BATCH_TOKEN.token(request),
        queries="\n".join(params.queries),
        size=params.size,
        total=len(params.queries),
        rows=ROWS,
    )
    head, tail = templates.get_template("batch_search.html").render(context).split(ROWS)
    return StreamingResponse(
        _streamed(head, tail, first, chunks, len(params.queries)),
        media_type="text/html; charset=utf-8",
    )


def _streamed(
    head: str,
    tail: str,
    first: list[BatchQueryResult],
    rest: Iterator[list[BatchQueryResult]],
    total: int,
) -> Iterator[str]:
    rows = templates.get_template("_batch_rows.html")
    yield head
    done = len(first)
    yield rows.render(results=first, done=done, total=total, document_url=search_view.document_url)
    try:
        for chunk in rest:
            done += len(chunk)
            yield rows.render(
                results=chunk, done=done, total=total, document_url=search_view.document_url
            )
    except VidensbankError as exc:
        # The page has been sent with its status: the error can only be said on it.
        log.warning("batch search stopped after %d of %d queries: %s", done, total, exc.message)
        yield rows.render(
            results=[], done=done, total=total, stopped=STOPPED.format(message=exc.message)
        )
    yield tail
