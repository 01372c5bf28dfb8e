"""Curators ingest from the browser: upload files, or run a quarantined or failed file again.
Both start an ingest run and show its page, which follows the run live. (How large an upload
may be is checked before it is read, in ``web.security``.)"""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.api import runs
from search_api.api.auth import CuratorAccount

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.post("/indlaesninger")
def upload(account: CuratorAccount, files: Annotated[list[UploadFile], File()]) -> Response:
    run_id = runs.upload(account, [(file.filename or "", file.file) for file in files])
    return RedirectResponse(f"/indlaesninger/{run_id}", status_code=303)


@router.post("/indlaesninger/{run_id}/filer/{number}/igen")
def retry(run_id: str, number: int, account: CuratorAccount) -> Response:
    new_run = runs.retry(account, run_id, number)
    return RedirectResponse(f"/indlaesninger/{new_run}", status_code=303)
