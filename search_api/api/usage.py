"""Usage statistics: views and downloads counted without keeping anything that identifies a
person, and the monthly figures the statistics pages and their JSON twins show.

What counts: a view is a GET of a public document's page (``/dokument/{id}``) or of a published
collection's page (``/samlinger/{id}``); a download is a GET of ``/api/documents/{id}/original``
that serves the file. The JSON twins are not counted: they are read by programs, and a person
reading a page is counted by the page. A use is counted once per person, target, kind and day
(UTC): its key is a SHA-256 of the day's random salt, the client's address, its user agent and
the target, and only the key is kept, for the day. Robots and machines (the COUNTER robots
list), and curators and admins (logged in: they open documents to curate them), are not counted.
The count runs after the response has been sent, and a count that fails costs only the count.
"""

import datetime as dt
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import counter_robots
from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.background import BackgroundTask

from search_api.api.auth import current_account
from search_api.api.schemas import (
    DocumentUsage,
    MonthUsage,
    PublisherUsage,
    TargetUsage,
    UsageReport,
)
from search_api.api.spreadsheets import as_text, excel_csv
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, NotFoundError
from vidensbank.store import usage as usage_store
from vidensbank.store.base import utcnow
from vidensbank.store.db import session_scope
from vidensbank.store.usage import MonthlyUse, TargetType, UseKind

log = logging.getLogger(__name__)

# The period shown when none is asked for: this month and the eleven before it.
DEFAULT_MONTHS = 12
MAX_MONTHS = 120
MOST_USED = 20
MONTH = re.compile(r"(\d{4})-(\d{2})")
# What a CSV export lists a row for, by the name of its parameter value.
CSV_LEVELS = {"document": "dokumenter", "publisher": "udgivere", "collection": "samlinger"}


def counted(
    request: Request, *, kind: UseKind, target_type: TargetType, target_id: str
) -> BackgroundTask | None:
    """The count of this request's use, to run once the response has been sent; None when the
    use is not counted: a logged-in curator's or admin's, or anything but a GET (a HEAD is
    answered as one, marked ``head``)."""
    head = getattr(request.state, "head", False)
    if request.method != "GET" or head or current_account(request) is not None:
        return None
    return BackgroundTask(
        count_use,
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        client=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )


@lru_cache(maxsize=4096)
def is_robot(user_agent: str) -> bool:
    """A robot or a machine by the COUNTER lists (an empty user agent is one too). Cached: the
    lists are one large regular expression, and browsers send few distinct user agents."""
    return bool(counter_robots.is_robot_or_machine(user_agent))


def count_use(
    *,
    kind: UseKind,
    target_type: TargetType,
    target_id: str,
    client: str,
    user_agent: str,
    now: dt.datetime | None = None,
) -> bool:
    """Count one use, unless it is a robot's or a repeat of one counted today; whether it was
    counted. The client's address and user agent go into the day's key and nowhere else."""
    if is_robot(user_agent):
        return False
    day = (now or utcnow()).date()
    try:
        with session_scope() as session:
            salt = usage_store.salt_of(session, day=day)
            key = hashlib.sha256(
                "\0".join((salt, client, user_agent, kind, target_type, target_id)).encode()
            ).hexdigest()
            if not usage_store.first_today(session, day=day, key=key):
                return False
            usage_store.add_use(
                session,
                month=day.replace(day=1),
                target_type=target_type,
                target_id=target_id,
                kind=kind,
            )
    except SQLAlchemyError as exc:
        # The page has been sent; only this count is lost. The error's text is left out: it
        # names the statement, and nothing of the client may reach the log.
        log.warning("%s of %s %s not counted: %s", kind, target_type, target_id, type(exc).__name__)
        return False
    return True


FIRST_YEAR, LAST_YEAR = 1000, 9000
# The months taken, as the OpenAPI schema names them (years FIRST_YEAR to LAST_YEAR).
MONTH_PATTERN = r"^([1-8][0-9]{3}|9000)-(0[1-9]|1[0-2])$"


def _month(value: str, name: str) -> dt.date:
    found = MONTH.fullmatch(value.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise BadRequestError(
            f"{name.capitalize()} skal være en måned skrevet ÅÅÅÅ-MM, fx 2026-05."
        )
    # Years a period of MAX_MONTHS after or before it still fits in a date.
    if not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        raise BadRequestError(
            f"{name.capitalize()} skal ligge mellem år {FIRST_YEAR} og {LAST_YEAR}."
        )
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def period(
    start: str | None, end: str | None, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The first days of the first and the last month asked for (both included); by default
    this month and the eleven before it, or twelve months from ``start``."""
    # Named as the page's form names them ("Fra måned"), with the API's parameter beside.
    last = _month(end, "til-måneden (end)") if end else None
    first = _month(start, "fra-måneden (start)") if start else None
    if last is None:
        this_month = (today or utcnow().date()).replace(day=1)
        last = min(_add_months(first, DEFAULT_MONTHS - 1), this_month) if first else this_month
    if first is None:
        first = _add_months(last, 1 - DEFAULT_MONTHS)
    if last < first:
        raise BadRequestError("Til-måneden (end) må ikke ligge før fra-måneden (start).")
    if _add_months(first, MAX_MONTHS) <= last:
        raise BadRequestError(f"Perioden må højst være {MAX_MONTHS} måneder.")
    return first, last


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months = [first]
    while months[-1] < last:
        months.append(_add_months(months[-1], 1))
    return months


def _label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def _by_month(first: dt.date, last: dt.date, rows: Iterable[MonthlyUse]) -> list[MonthUsage]:
    """Every month of the period, in order, those without uses as zero."""
    views: dict[dt.date, int] = defaultdict(int)
    downloads: dict[dt.date, int] = defaultdict(int)
    for row in rows:
        views[row.month] += row.views
        downloads[row.month] += row.downloads
    return [
        MonthUsage(month=_label(m), views=views[m], downloads=downloads[m])
        for m in _months(first, last)
    ]


def _total(months: list[MonthUsage]) -> tuple[int, int]:
    return sum(m.views for m in months), sum(m.downloads for m in months)


def usage_report(start: str | None, end: str | None) -> UsageReport:
    """The period's figures: all documents per month, each publisher's per month, and the
    most used public documents and published collections."""
    first, last = period(start, end)
    with session_scope() as session:
        rows = usage_store.monthly_by_publisher(session, start=first, end=last)
        documents = usage_store.most_used_documents(session, start=first, end=last, limit=MOST_USED)
        collections = usage_store.most_viewed_collections(
            session, start=first, end=last, limit=MOST_USED
        )
    by_publisher: dict[str, list[MonthlyUse]] = defaultdict(list)
    for row in rows:
        by_publisher[row.key].append(row)
    publishers = []
    for name, publisher_rows in by_publisher.items():
        months = _by_month(first, last, publisher_rows)
        views, downloads = _total(months)
        publishers.append(
            PublisherUsage(publisher=name, views=views, downloads=downloads, months=months)
        )
    publishers.sort(key=lambda p: (-(p.views + p.downloads), p.publisher))
    return UsageReport(
        start=_label(first),
        end=_label(last),
        months=_by_month(first, last, rows),
        publishers=publishers,
        documents=[
            TargetUsage(
                id=d.target_id,
                title=d.title,
                publisher=d.publisher,
                views=d.views,
                downloads=d.downloads,
            )
            for d in documents
        ],
        collections=[
            TargetUsage(id=c.target_id, title=c.title, publisher=None, views=c.views, downloads=0)
            for c in collections
        ],
    )


def document_usage(
    document_id: str, start: str | None, end: str | None, account: Account | None
) -> DocumentUsage:
    """A document's figures per month; of a document not public, for curators only."""
    first, last = period(start, end)
    with session_scope() as session:
        facts = usage_store.describe_documents(session, document_ids=[document_id]).get(document_id)
        if facts is None or (not facts.public and account is None):
            raise NotFoundError("Dokumentet findes ikke.")
        rows = usage_store.monthly_by_target(
            session,
            start=first,
            end=last,
            target_type=TargetType.DOCUMENT,
            target_id=document_id,
        )
    months = _by_month(first, last, rows)
    views, downloads = _total(months)
    return DocumentUsage(
        id=document_id,
        title=facts.title,
        publisher=facts.publisher,
        start=_label(first),
        end=_label(last),
        views=views,
        downloads=downloads,
        months=months,
    )


def csv_export(start: str | None, end: str | None, by: str) -> tuple[bytes, str]:
    """The period's figures per month and document, publisher or collection, as CSV, and the
    file's name. Only public documents and published collections are listed by name."""
    if by not in CSV_LEVELS:
        raise BadRequestError(
            "Parameteren by skal være document (pr. dokument), publisher (pr. udgiver) "
            "eller collection (pr. samling)."
        )
    first, last = period(start, end)
    table: list[list[object]] = []
    with session_scope() as session:
        if by == "publisher":
            table.append(["måned", "udgiver", "visninger", "downloads"])
            for row in usage_store.monthly_by_publisher(session, start=first, end=last):
                table.append([_label(row.month), as_text(row.key), row.views, row.downloads])
        else:
            target_type = TargetType.DOCUMENT if by == "document" else TargetType.COLLECTION
            rows = usage_store.monthly_by_target(
                session, start=first, end=last, target_type=target_type
            )
            ids = sorted({row.key for row in rows})
            if by == "document":
                facts = usage_store.describe_documents(session, document_ids=ids)
                table.append(["måned", "dokument", "titel", "udgiver", "visninger", "downloads"])
                for row in rows:
                    if (document := facts.get(row.key)) is not None and document.public:
                        table.append(
                            [
                                _label(row.month),
                                row.key,
                                as_text(document.title),
                                as_text(document.publisher or ""),
                                row.views,
                                row.downloads,
                            ]
                        )
            else:
                titles = usage_store.published_collection_titles(session, collection_ids=ids)
                table.append(["måned", "samling", "titel", "visninger"])
                for row in rows:
                    if (title := titles.get(row.key)) is not None:
                        table.append(
                            [_label(row.month), as_text(row.key), as_text(title), row.views]
                        )
    return excel_csv(table), f"brug-{CSV_LEVELS[by]}-{_label(first)}-{_label(last)}.csv"
