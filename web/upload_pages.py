"""Curators ingest from the browser: upload files, or run a quarantined or failed file again.
Both start an ingest run and show its page, which follows the run live."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import runs
from search_api.api.auth import require
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, PayloadTooLargeError
from vidensbank.settings import get_settings
from vidensbank.store.users import Role

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# Room for the form's own fields and the multipart boundaries around the files.
FORM_OVERHEAD_BYTES = 1024 * 1024


def small_enough(request: Request) -> None:
    """Refuse an upload larger than one file may be before anything of it is read (the CSRF
    check reads the whole form)."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise BadRequestError("Upload filerne fra formularen på siden Indlæsninger.")
    limit = get_settings().max_file_bytes
    if int(length) > limit + FORM_OVERHEAD_BYTES:
        raise PayloadTooLargeError(
            f"Upload højst {limit // (1024 * 1024)} MB ad gangen; del filerne op i flere omgange."
        )


Curator = Annotated[Account, Depends(require(Role.CURATOR))]


@router.post("/indlaesninger", dependencies=[Depends(small_enough)])
def upload(account: Curator, files: Annotated[list[UploadFile], File()]) -> Response:
    run_id = runs.upload(account, [(file.filename or "", file.file) for file in files])
    return RedirectResponse(f"/indlaesninger/{run_id}", status_code=303)


@router.post("/indlaesninger/{run_id}/filer/{number}/igen")
def retry(run_id: str, number: int, account: Curator) -> Response:
    new_run = runs.retry(account, run_id, number)
    return RedirectResponse(f"/indlaesninger/{new_run}", status_code=303)
