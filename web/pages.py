"""The Danish web pages. Each renders the model its JSON twin under /api returns."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import (
    citations,
    collections,
    corrections,
    documents,
    entities,
    kb_edits,
    personal_data,
    routes,
    runs,
    usage,
)
from search_api.api.auth import current_account
from search_api.api.routes import SearchQuery
from search_api.api.schemas import CollectionSummary
from search_api.query import search
from search_api.query.builder import SearchParams
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, NotFoundError
from vidensbank.store.usage import TargetType, UseKind
from vidensbank.store.users import Role
from web import charts, progress, reader, search_view
from web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

CollectionId = Annotated[str | None, Query(max_length=100)]
# An entity to correct: its label and key ("PER:mette lindholm", "ORG:org.vive"), from the
# "Ret" link beside it; the page opens that entity's form, and only that one.
EntityToFix = Annotated[str | None, Query(max_length=300)]
EntityKindLabel = Annotated[str, Query(max_length=20, description="Navnenes type (PER, ORG …)")]
ListPage = Annotated[int, Query(ge=1, le=100_000, description="Siden af listen")]


@router.get("/")
def search_page(request: Request, params: SearchQuery) -> HTMLResponse:
    response = search.search(params)
    return templates.TemplateResponse(
        request,
        "search.html",
        search_view.page_context(params, response, str(request.url.query)),
    )


@router.get("/om")
def about_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "about.html", {})


@router.get("/dokument/{document_id}")
def document_page(
    request: Request,
    document_id: str,
    q: reader.SearchText = None,
    side: reader.PageNumber = None,
    soegning: reader.SearchAddress = None,
    lagt_i: CollectionId = None,
    ligger_i: CollectionId = None,
    ret: EntityToFix = None,
) -> HTMLResponse:
    """``lagt_i`` and ``ligger_i``: the collection the document was just put in, or was in
    already, when "Læg i samlingen" brings the curator back here; ``ret``, the entity whose
    correction form a curator opened."""
    label, _, key = (ret or "").partition(":")
    response = document_response(
        request,
        document_id,
        q=q,
        side=side,
        search=soegning,
        collected=(lagt_i, True) if lagt_i else (ligger_i, False) if ligger_i else None,
        fixing=(label, key) if key else None,
    )
    # Only a public document's page gets here for anyone not logged in.
    response.background = usage.counted(
        request, kind=UseKind.VIEW, target_type=TargetType.DOCUMENT, target_id=document_id
    )
    return response


def document_response(
    request: Request,
    document_id: str,
    *,
    q: str | None = None,
    side: int | None = None,
    search: str | None = None,
    metadata_form: dict[str, str] | None = None,
    metadata_error: str | None = None,
    metadata_typed: list[tuple[str, str]] | None = None,
    metadata_fields: dict[str, str] | None = None,
    name_form: dict[str, str] | None = None,
    name_error: str | None = None,
    collected: tuple[str, bool] | None = None,
    fixing: tuple[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The document's page; with ``metadata_form`` and ``metadata_error``, its metadata form
    shown open with what a curator typed and why it was refused (and ``metadata_typed``, the
    fields typed differently from what another curator saved meanwhile); with ``name_form``
    and ``name_error``, the same for the form of a name's correction (or of a name added);
    ``fixing``, the label and key of the entity whose correction form is open (the one
    ``name_form`` names, when it corrects one)."""
    account = current_account(request)
    document = documents.get_document(document_id, account)
    base_url = str(request.base_url)
    # Only what anyone may read is offered for citing (and to Zotero and search engines).
    reference = next(iter(citations.references([document_id], base_url)), None)
    curating = _curating(account, document_id)
    if curating is not None and metadata_form is not None:
        curating |= {
            "metadata": metadata_form,
            "metadata_error": metadata_error,
            "metadata_typed": metadata_typed or [],
            # Each refused field's reason, by the field's name: marked on the field itself.
            "metadata_fields": metadata_fields or {},
        }
    if curating is not None and name_form is not None:
        curating |= {"name_form": name_form, "name_error": name_error}
        if name_form.get("action") != "add":
            fixing = (name_form.get("entity_label", ""), name_form.get("entity", ""))
    if curating is not None:
        curating["fixing"] = fixing
    curators_collections = (
        collections.collections_to_add_to(account) if account and account.csrf_token else []
    )
    response = templates.TemplateResponse(
        request,
        "document.html",
        {
            "document": document,
            "citation": {
                "highwire": citations.highwire_tags(reference),
                "json_ld": citations.json_ld(reference),
                "references": citations.formatted_references(reference),
                "downloads": citations.citation_page_downloads(document_id, None),
            }
            if reference
            else None,
            "account": account,
            # A curator in a browser can put the document in a collection from here.
            "collections": curators_collections,
            "collected": _collected(curators_collections, collected),
            "reader": reader.build_reader(document, q, side, search),
            "curating": curating,
            "json_url": f"/api/documents/{document_id}",
        },
        status_code=status_code,
    )
    if reference:
        response.headers["Link"] = citations.signposting(reference, base_url)
    return response


@router.get("/dokument/{document_id}/navne")
def names_page(
    request: Request, document_id: str, type: EntityKindLabel, side: ListPage = 1
) -> HTMLResponse:
    """All of a document's entities of one kind, a page at a time: the document's page lists
    the first of each kind (``reader.ENTITIES_SHOWN``). A curator corrects one from its link
    to its form on the document's page."""
    account = current_account(request)
    document = documents.get_document(document_id, account)
    kind = next((k for k in reader.ENTITY_KINDS if k.label == type), None)
    if kind is None:
        known = ", ".join(k.label for k in reader.ENTITY_KINDS)
        raise BadRequestError(f"Navne af typen '{type}' findes ikke; typerne er {known}.")
    names = reader.build_names(document)
    group = next((g for g in names.entity_groups if g.kind == kind), reader.EntityGroup(kind, ()))
    if side > group.page_count:
        raise NotFoundError(f"Listen har {group.page_count} sider; der er ingen side {side}.")
    return templates.TemplateResponse(
        request,
        "document_names.html",
        {
            "document": document,
            "reader": names,
            "group": group,
            "names_page": True,
            "names_entities": group.page(side),
            "current": side,
            "account": account,
            # Only the links to the forms on the document's page: none is open here.
            "curating": {"fixing": None} if _curator_csrf(account) else None,
            "json_url": f"/api/documents/{document_id}",
        },
    )


def _collected(
    choices: list[CollectionSummary], collected: tuple[str, bool] | None
) -> dict[str, Any] | None:
    """The collection the document was put in (``added``) or found in already, for the page's
    message; nothing for an address that names no collection the curator can choose."""
    if collected is None:
        return None
    collection_id, added = collected
    chosen = next((c for c in choices if c.id == collection_id), None)
    return {"collection": chosen, "added": added} if chosen else None


@router.get("/dokument/{document_id}/citer")
def citation_page(
    request: Request,
    document_id: str,
    side: routes.CitedPage = None,
    q: reader.SearchText = None,
    soegning: reader.SearchAddress = None,
) -> HTMLResponse:
    base_url = str(request.base_url)
    missing_page = None
    try:
        citation = citations.citation_page(document_id, base_url, side)
    except citations.MissingPageError:
        # An old link or a typed address: the whole document is cited, and the page says why
        # (it was an error page with no way back to the document).
        citation = citations.citation_page(document_id, base_url, None)
        missing_page, side = side, None
    return templates.TemplateResponse(
        request,
        "citation.html",
        {
            "citation": citation,
            "missing_page": missing_page,
            "back_url": reader.document_url(document_id, q or "", side, soegning or ""),
            "json_url": f"/api/documents/{document_id}/citation"
            + (f"?side={side}" if side else ""),
        },
    )


def _curator_csrf(account: Account | None) -> str | None:
    """The CSRF token of a curator in a browser, for the forms only curators see."""
    if account is None or not account.role.allows(Role.CURATOR):
        return None
    return account.csrf_token


def _curating(account: Account | None, document_id: str) -> dict[str, Any] | None:
    """What a curator in a browser needs to correct the document on its page."""
    if _curator_csrf(account) is None:
        return None
    return {
        "corrections": corrections.document_corrections(document_id),
        "metadata": corrections.metadata_form(document_id),
        "kb_choices": corrections.kb_choices(),
        "findings": personal_data.document_findings(document_id),
    }


@router.get("/entitet/{kb_id}")
def entity_page(request: Request, kb_id: str) -> Response:
    entity = entities.get_entity(kb_id)
    if entity.kb_id != kb_id:
        # Merged into another record by a curator: that record's page is this one's now (for
        # as long as the merge stands: a curator may take it back, so not permanently).
        return RedirectResponse(f"/entitet/{entity.kb_id}", status_code=307)
    csrf_token = _curator_csrf(current_account(request))
    return templates.TemplateResponse(
        request,
        "entity.html",
        {
            "entity": entity,
            "charts": charts.entity_charts(entity),
            "mentions": sum(document.count for document in entity.documents),
            "search_url": search_view.search_url(SearchParams(), entity=[entity.kb_id]),
            "kb_curating": {
                "csrf_token": csrf_token,
                "edits": kb_edits.edits_of(kb_id),
                "kb_choices": corrections.kb_choices(),
            }
            if csrf_token
            else None,
            "json_url": f"/api/entities/{kb_id}",
        },
    )


@router.get("/indlaesninger")
def runs_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "runs.html",
        {
            "runs": [
                progress.run_progress(run)
                for run in runs.list_runs(show_held=current_account(request) is not None).runs
            ],
            "final_statuses": progress.FINAL_STATUSES,
            "curator_csrf": _curator_csrf(current_account(request)),
            "json_url": "/api/runs",
        },
    )


@router.get("/indlaesninger/{run_id}")
def run_page(request: Request, run_id: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "run.html",
        {
            "progress": progress.run_progress(
                runs.get_run(run_id, show_held=current_account(request) is not None)
            ),
            "final_statuses": progress.FINAL_STATUSES,
            "curator_csrf": _curator_csrf(current_account(request)),
            "json_url": f"/api/runs/{run_id}",
        },
    )
