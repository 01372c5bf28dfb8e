"""The ``vidensbank`` command: the composition root that wires the steps together."""

import argparse
import datetime as dt
import json
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from vidensbank.danish import DOCUMENTS, FILES, ORIGINALS, Noun, date_and_time, number
from vidensbank.settings import get_settings, unknown_variables

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

    from vidensbank.store.documents import Document

# How often ``ingest --wait`` looks at its run: a count of statuses, cheap beside the work.
WAIT_POLL_SECONDS = 0.1
# How long `serve --workers N` lets a worker take to answer its health check (see cmd_serve).
WORKER_HEALTHCHECK_SECONDS = 60
# The commands that make the SQLite database's folder, or use no database; every other one
# needs it to exist.
NEEDS_NO_DATABASE_FOLDER = {"init", "restore", "entities"}
# A scheme before "://": an address, not a path.
ADDRESS = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")

# What the command counts, in Danish.
RECORDS = Noun("post", "poster")
SENTENCES = Noun("sætning", "sætninger")
PAGES = Noun("side", "sider")
COLLECTIONS = Noun("samling", "samlinger")
CORRECTIONS = Noun("rettelse", "rettelser")
USERS = Noun("bruger", "brugere")

# The database's state as an operator can set it right.
DATABASE_DOWN = "Databasen svarer ikke. Tjek, at den kører, og at VB_DATABASE_URL er rigtig."

# argparse takes every message it prints through gettext (``argparse._``), in a domain no
# catalogue of ours can be bound to without changing the process's locale: this catalogue of
# the messages a user can meet makes its usage errors and help Danish.
ARGPARSE_DANISH = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ugyldigt valg: %(value)r (vælg mellem %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "expected one argument": "mangler en værdi",
    "ignored explicit argument %r": "tager ingen værdi, men fik %r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tvetydigt tilvalg: %(option)s kan være %(matches)s"
    ),
}


def _argparse_danish(message: str) -> str:
    return ARGPARSE_DANISH.get(message, message)


argparse._ = _argparse_danish  # type: ignore[attr-defined]

# pydantic's errors on a setting, in Danish after the variable's name; a validator's own
# message is Danish already.
SETTING_ERRORS = {
    "int_parsing": "skal være et heltal",
    "float_parsing": "skal være et tal",
    "bool_parsing": "skal være true eller false",
    "greater_than_equal": "skal være mindst {ge}",
    "greater_than": "skal være større end {gt}",
    "less_than_equal": "må højst være {le}",
}


def settings_problems(error: ValidationError) -> str:
    """What is wrong with the settings, in Danish: each setting at fault and why (a setting
    whose default would be computed from one at fault is not at fault itself)."""
    problems = []
    for detail in error.errors():
        if detail["type"] == "default_factory_not_called":
            continue
        context = detail.get("ctx", {})
        if detail["type"] == "value_error":
            problem = str(context["error"])
        else:
            problem = SETTING_ERRORS.get(detail["type"], "kan ikke bruges").format(**context)
        problems.append(f"VB_{str(detail['loc'][0]).upper()} {problem}")
    return "; ".join(problems) + "."


def _missing_database_folder(url: str) -> Path | None:
    """The folder of a SQLite database when it does not exist (SQLite said only "unable to
    open database file")."""
    if not url.startswith("sqlite:///"):
        return None
    folder = Path(url.removeprefix("sqlite:///")).parent
    return None if folder.is_dir() else folder


def cmd_init(_args: argparse.Namespace) -> int:
    """Bring the database schema up to date, check that the knowledge base loads, and make sure
    the search index exists with the code's mapping."""
    from sqlalchemy.exc import SQLAlchemyError

    from nlp_models.knowledge_base import load_knowledge_base
    from search_api.index.elastic import get_client
    from search_api.index.indexer import ensure_current
    from vidensbank.store.db import code_revisions, migrate, schema_revision

    try:
        before = schema_revision()
    except SQLAlchemyError:
        before = None  # no database yet (migrate makes a SQLite file's folder), or it is down
    migrate()
    if before is not None and before != code_revisions()[0]:
        # An upgrade: the documents were read, enriched and linked by the old code until the
        # steps run again for those made by another version.
        print(
            f"Databasen er opdateret fra skema {before} til {code_revisions()[0]}. Kør "
            "»vidensbank reextract --stale«, »vidensbank reenrich --stale«, »vidensbank "
            "editions« og »vidensbank embed«, så dokumenterne læses med den nye version "
            "(scripts/run.sh gør det selv).",
            file=sys.stderr,
        )
    count = len(load_knowledge_base(get_settings().kb_dir).records)
    rebuilt = ensure_current(get_client())
    if rebuilt is not None:
        print(
            f"Søgeindekset er bygget fra databasen ({rebuilt[0]}, {DOCUMENTS.count(rebuilt[1])}).",
            file=sys.stderr,
        )
    print(
        f"Databasen, vidensbasen ({RECORDS.count(count)}) og søgeindekset er klar.",
        file=sys.stderr,
    )
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Queue every file for the workers; with --wait, follow the run until each file is done."""
    from ingest.runs import list_sources, start_run

    sources = list_sources(args.targets)
    if not sources:
        print("Der blev ikke fundet nogen filer.", file=sys.stderr)
        return 1
    run_id = start_run(sources)

    if not args.wait:
        queued = sum(source.refusal is None for source in sources)
        print(json.dumps({"run_id": run_id, "queued": queued}) if args.json else run_id)
        return 0
    return _follow(run_id, args)


def printable(name: str) -> str:
    """A file name as the terminal may show it: control characters and direction marks
    escaped ("\\x1b", "\\n", "\\u202e"), so a name cannot colour, move or forge a report line."""
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in name)


def _follow(run_id: str, args: argparse.Namespace, extra: dict[str, Any] | None = None) -> int:
    """Follow a run until each file is done (or ``--timeout``), then print its report (and
    ``extra``, what else the command has to tell: a crawl's figures)."""
    from ingest.runs import run_progress

    # The modules the report needs load before the wait, while the workers work, instead of
    # after it: half a second of the command's time.
    from search_api.api.runs import get_run
    from search_api.index.elastic import get_client
    from search_api.index.indexer import refresh
    from vidensbank.store.runs import ItemStatus

    deadline = time.monotonic() + args.timeout
    show_progress = sys.stderr.isatty()
    while True:
        total, done, failed = run_progress(run_id)
        if show_progress:
            print(
                f"\r{done} af {FILES.count(total)} {'færdig' if done == 1 else 'færdige'}, "
                f"{failed} fejl",
                end="",
                file=sys.stderr,
                flush=True,
            )
        if done == total or time.monotonic() > deadline:
            break
        time.sleep(WAIT_POLL_SECONDS)
    if show_progress:
        print(file=sys.stderr)
    run = get_run(run_id, show_held=True)
    report = {
        "run_id": run.run_id,
        "documents": [document.model_dump() for document in run.documents],
    } | (extra or {})
    if done == total:
        # Documents are indexed without waiting; the run is searchable from here on.
        refresh(get_client())
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        # The JSON keeps the status codes (the command's contract); a person reads Danish.
        width = max(len(status.label) for status in ItemStatus)
        for document in report["documents"]:
            label = ItemStatus(document["status"]).label
            reason = f" – {document['reason']}" if document["reason"] else ""
            print(f"{label:<{width}} {printable(document['filename'])}{reason}")
    if done < total:
        from vidensbank.celery_app import why_stalled

        print(
            f"Tidsgrænsen på {number(args.timeout, 2)} s blev nået; {FILES.count(total - done)} "
            f"venter stadig. {why_stalled(run_id)}",
            file=sys.stderr,
        )
        return 2
    # Quarantined is the verdict on a file; failed (a dependency down through every retry) is
    # work not done, to be run again.
    failures = sum(document.status == ItemStatus.FAILED for document in run.documents)
    if failures:
        again = "den kan" if failures == 1 else "de kan"
        print(
            f"{failures} af {FILES.count(total)} fejlede; {again} indlæses igen.", file=sys.stderr
        )
        return 1
    return 0


# The crawl's figures as the command prints them, in Danish.
CRAWL_FIGURES = {
    "requests": "forespørgsler",
    "pages": "sider læst",
    "not_modified": "uændrede svar (304)",
    "new": "nye",
    "changed": "ændrede",
    "unchanged": "uændrede",
    "moved": "flyttede",
    "gone": "fjernet af udgiveren",
    "restored": "kommet igen",
    "refused": "afvist (robots.txt, anden vært, for stor)",
    "seconds": "sekunder",
}


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl a publisher's site and ingest what is new or changed; with --wait, follow the run
    and print its report and the crawl's figures."""
    from ingest.crawl import crawl
    from ingest.sources.publishers.registry import PUBLISHERS

    result = crawl(PUBLISHERS[args.source], base_url=args.base_url, since=args.since)
    figures = result.figures.as_dict()
    if not args.json:
        summary = ", ".join(
            f"{CRAWL_FIGURES[name]}: {number(value) if isinstance(value, float) else value}"
            for name, value in figures.items()
        )
        print(f"Gennemgang af {args.source}: {summary}", file=sys.stderr)
    if not args.wait:
        print(
            json.dumps({"run_id": result.run_id, "crawl": figures}) if args.json else result.run_id
        )
        return 0
    return _follow(result.run_id, args, {"crawl": figures})


def _web_address(value: str) -> str:
    from ingest.sources.url import address_problem

    if (problem := address_problem(value)) is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


def _target(value: str) -> str:
    """A path, or a web address a request can be sent to."""
    from ingest.sources.url import is_web_address

    if is_web_address(value):
        return _web_address(value)
    if ADDRESS.match(value):
        # Read as a path, "file:///etc/passwd" was quarantined as a file that does not exist.
        raise argparse.ArgumentTypeError(
            f"{value} hentes ikke: kun http- og https-adresser hentes; angiv en fil med dens sti"
        )
    return value


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("skal være en dato som 2024-01-31") from None


def _seconds(value: str) -> float:
    """A positive number of seconds: ``--timeout -1`` waited not at all, and said nothing."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError("skal være et antal sekunder, fx 600") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError("skal være et positivt antal sekunder, fx 600")
    return seconds


def _named_documents(ids: list[str]) -> dict[str, "Document"] | None:
    """The documents named, each once, by id; None, after naming each id that names no
    document, when there is one."""
    from vidensbank.store.db import session_scope
    from vidensbank.store.documents import Document

    if not ids:
        return {}
    with session_scope() as session:
        found = {i: session.get(Document, i) for i in dict.fromkeys(ids)}
    documents = {i: document for i, document in found.items() if document is not None}
    for document_id in [i for i in found if i not in documents]:
        print(f"Ukendt dokument-id: {printable(document_id)}", file=sys.stderr)
    return documents if len(documents) == len(found) else None


def _kept_out(document: "Document") -> str:
    """Why a document the search index does not take stays out of it, in Danish."""
    from vidensbank.store.documents import DocumentStatus

    if document.withdrawn_at is not None:
        return f"er trukket tilbage: {document.withdrawn_reason}"
    if document.held_at is not None:
        return "er holdt tilbage, til en kurator har set på personoplysningerne i den"
    if document.status == DocumentStatus.QUARANTINED:
        return f"kunne ikke læses: {document.reason}"
    return "er ikke færdigbehandlet endnu"


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the whole index from SQL, or index only the documents named."""
    from search_api.index.elastic import get_client
    from search_api.index.indexer import delete_documents, index_documents, reindex
    from vidensbank.store import documents as document_store
    from vidensbank.store.db import session_scope

    if args.ids:
        documents = _named_documents(args.ids)
        if documents is None:
            return 1
        with session_scope() as session:
            indexable = set(document_store.iter_indexable_document_ids(session))
        kept_out = [document_id for document_id in documents if document_id not in indexable]
        for document_id in kept_out:
            print(f"{document_id} {_kept_out(documents[document_id])}", file=sys.stderr)
        # Out of search too, should an earlier version of it still be there.
        delete_documents(get_client(), kept_out)
        count = index_documents(get_client(), list(documents))
        print(
            f"{count} af {DOCUMENTS.count(len(documents))} er lagt i søgeindekset igen.",
            file=sys.stderr,
        )
        return 0 if count == len(documents) else 1
    index, count = reindex(get_client())
    print(
        f"Indekset {index} er bygget med {DOCUMENTS.count(count)} og taget i brug.",
        file=sys.stderr,
    )
    return 0


def _stale_or_ids(args: argparse.Namespace) -> bool:
    """Whether the command names either --stale or documents (and says so when not)."""
    if bool(args.ids) == args.stale:
        print("Angiv enten --stale eller et eller flere dokument-id'er.", file=sys.stderr)
        return False
    return True


def _its(count: int) -> str:
    """The possessive of a count of documents: "dets" for one, "deres" for more."""
    return "dets" if count == 1 else "deres"


def cmd_reenrich(args: argparse.Namespace) -> int:
    """Queue documents for the entity step again: those named, or every stale one."""
    from ingest.runs import recover_queue
    from nlp_models.tasks import reenrich

    if not _stale_or_ids(args):
        return 2
    documents = _named_documents(args.ids)
    if documents is None:
        return 1
    recover_queue()
    count = reenrich(list(documents) or None)
    print(
        f"{DOCUMENTS.count(count)} er sat i kø til at få fundet {_its(count)} navne igen.",
        file=sys.stderr,
    )
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    """Queue documents to be read again from their stored files: those named, or every one
    read by an extractor version no longer current."""
    from ingest.runs import recover_queue
    from ingest.tasks import reextract

    if not _stale_or_ids(args):
        return 2
    documents = _named_documents(args.ids)
    if documents is None:
        return 1
    recover_queue()
    count = reextract(list(documents) or None)
    print(f"{DOCUMENTS.count(count)} er sat i kø til at blive læst igen.", file=sys.stderr)
    return 0


def cmd_editions(args: argparse.Namespace) -> int:
    """Queue documents for linking to their editions: those named, every one (--all), or
    every one not yet linked by the current rules."""
    from ingest.runs import recover_queue
    from nlp_models.tasks import link_pending

    if args.ids and args.all:
        print("Angiv enten --all eller dokument-id'er, ikke begge.", file=sys.stderr)
        return 2
    documents = _named_documents(args.ids)
    if documents is None:
        return 1
    recover_queue()
    count = link_pending(list(documents) or None, everything=args.all)
    print(
        f"{DOCUMENTS.count(count)} er sat i kø til at få fundet {_its(count)} andre udgaver.",
        file=sys.stderr,
    )
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    """Queue documents for embedding (those named, or every one not yet embedded); with
    --wait, follow until every indexed document is searchable by meaning."""
    from ingest.runs import recover_queue
    from search_api.index.elastic import get_client
    from search_api.index.indexer import refresh
    from search_api.index.tasks import embed_pending, pending_embeddings
    from vidensbank.celery_app import why_embedding_stalled

    documents = _named_documents(args.ids)
    if documents is None:
        return 1
    recover_queue()
    count = embed_pending(list(documents) or None)
    searchable = "søgbart" if count == 1 else "søgbare"
    print(
        f"{DOCUMENTS.count(count)} er sat i kø til at blive {searchable} på betydning.",
        file=sys.stderr,
    )
    if not args.wait:
        return 0
    deadline = time.monotonic() + args.timeout
    while (pending := pending_embeddings()) and time.monotonic() < deadline:
        time.sleep(1)
    refresh(get_client())
    if pending:
        print(
            f"Tidsgrænsen på {number(args.timeout, 2)} s blev nået; {DOCUMENTS.count(pending)} "
            f"venter stadig. {why_embedding_stalled()}",
            file=sys.stderr,
        )
        return 2
    return 0


def cmd_entities(args: argparse.Namespace) -> int:
    """Print the entities of a file without storing or indexing anything."""
    from ingest.extract.registry import extract
    from ingest.fetch import fetch
    from ingest.language import document_languages
    from ingest.sources import items_from_path
    from nlp_models.entities import current_finder
    from nlp_models.mentions import summarize
    from vidensbank.errors import BadRequestError, ExtractionError

    if Path(args.file).is_dir():
        raise BadRequestError(f"{printable(args.file)} er en mappe; angiv en fil.")
    [item] = items_from_path(Path(args.file))
    if item.refusal is not None:
        raise ExtractionError(item.refusal.code, item.refusal.reason)
    extracted = extract(fetch(item), item.filename)
    _, languages = document_languages([page.text for page in extracted.pages])
    english = {
        page.number for page, lang in zip(extracted.pages, languages, strict=True) if lang == "en"
    }
    finder = current_finder()
    texts = [(page.number, page.text) for page in extracted.pages]
    summaries = summarize(finder.find_in_pages(texts, english))
    if args.json:
        print(
            json.dumps(
                {"file": item.location, "entities": [s.model_dump() for s in summaries]},
                ensure_ascii=False,
            )
        )
    else:
        for s in summaries:
            pages = ", ".join(map(str, s.pages))
            print(f"{s.label:<11} {s.canonical:<50} {s.count:>4}×  s. {pages}")
    return 0


def cmd_corrections(_args: argparse.Namespace) -> int:
    """Write the curators' entity corrections as training sentences for the entity model."""
    from nlp_models.entities import current_finder
    from nlp_models.training.export import corrected_sentences

    count = 0
    for line in corrected_sentences(current_finder()):
        print(line)
        count += not line.startswith("#")
    print(f"{SENTENCES.count(count)} med kuratorernes rettelser.", file=sys.stderr)
    return 0


def _contents(counts: dict[str, int]) -> str:
    """What a backup holds, in Danish."""
    corrections = counts["metadata_corrections"] + counts["entity_corrections"]
    return (
        f"{DOCUMENTS.count(counts['documents'])}, {PAGES.count(counts['pages'])}, "
        f"{ORIGINALS.count(counts['blobs'])}, {COLLECTIONS.count(counts['collections'])}, "
        f"{CORRECTIONS.count(corrections)} og {USERS.count(counts['users'])}"
    )


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database and the originals it refers to in one tar file; print its path."""
    from vidensbank.store.backup import write_backup

    path, manifest = write_backup(Path(args.destination))
    print(f"Sikkerhedskopien har {_contents(manifest.counts)}.", file=sys.stderr)
    print(path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the configured database and blob folder, then rebuild the index
    from them."""
    from search_api.index.elastic import get_client
    from search_api.index.indexer import reindex
    from vidensbank.errors import VidensbankError
    from vidensbank.store.backup import restore_backup

    manifest = restore_backup(Path(args.source), force=args.force)
    taken = date_and_time(manifest.created_at)
    print(
        f"Sikkerhedskopien fra {taken} er gendannet: {_contents(manifest.counts)}.",
        file=sys.stderr,
    )
    try:
        index, count = reindex(get_client())
    except VidensbankError as exc:
        print(
            f"Fejl: Søgeindekset kunne ikke bygges: {exc.message} Databasen og originalerne er "
            "gendannet; kør »vidensbank reindex«, når søgemaskinen svarer.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Indekset {index} er bygget med {DOCUMENTS.count(count)} og taget i brug.",
        file=sys.stderr,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    # h11 rejects long request lines with a bare English 400 before the app sees them; let
    # them through so the app answers an over-long query with a Danish 413 instead.
    from web.http_protocol import NoDelayH11Protocol

    uvicorn.run(
        "web.app:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        http=NoDelayH11Protocol,
        h11_max_incomplete_event_size=16 * 1024 * 1024,
        # Uvicorn's access log writes each client's address; web/access_log.py logs the
        # requests without it.
        access_log=False,
        # With several workers uvicorn kills one that does not answer its health check in
        # time, with every request it is serving. Under load (32 clients while documents were
        # embedded) a busy worker missed the default 5 s and was killed in the middle of
        # answering; only a worker hung this long is replaced.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Add, list or deactivate the accounts of curators and admins."""
    import getpass

    from vidensbank import accounts
    from vidensbank.store.users import Role

    if args.action == "add":
        # From standard input, so a password never shows in the shell's history or ps.
        password = getpass.getpass("Adgangskode: ") if sys.stdin.isatty() else sys.stdin.readline()
        reopened = accounts.add_user(args.email, password.rstrip("\n"), Role(args.role))
        done = "genåbnet" if reopened else "oprettet"
        print(f"{accounts.normalize_email(args.email)} er {done} som {Role(args.role).label}.")
    elif args.action == "deactivate":
        if not accounts.deactivate(args.email):
            print(f"Der findes ingen åben konto med {args.email}.", file=sys.stderr)
            return 1
        print(f"{accounts.normalize_email(args.email)} er lukket og logget ud overalt.")
    else:
        for user in accounts.list_users():
            state = "aktiv" if user.active else "lukket"
            print(f"{user.email:<40} {Role(user.role).label:<14} {state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vidensbank", description="Vidensbank")
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)

    commands.add_parser("init", help="opret/opdatér database og søgeindeks").set_defaults(
        func=cmd_init
    )

    ingest = commands.add_parser("ingest", help="indlæs filer, mapper eller adresser")
    ingest.add_argument(
        "targets",
        nargs="+",
        type=_target,
        metavar="STI_ELLER_ADRESSE",
        help="filer, mapper eller http(s)-adresser",
    )
    ingest.add_argument("--wait", action="store_true", help="vent, til alle filer er færdige")
    ingest.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    ingest.add_argument(
        "--timeout", type=_seconds, default=3600, metavar="SEKUNDER", help="sekunder at vente højst"
    )
    ingest.set_defaults(func=cmd_ingest)

    from ingest.sources.publishers.registry import PUBLISHERS

    crawl = commands.add_parser(
        "crawl",
        help="gennemgå en udgivers websted og indlæs det nye og ændrede",
        description="Udgivere: "
        + (", ".join(f"{key} ({p.name})" for key, p in sorted(PUBLISHERS.items())) or "ingen"),
    )
    crawl.add_argument("source", choices=sorted(PUBLISHERS), help="udgiveren")
    crawl.add_argument(
        "--base-url",
        type=_web_address,
        metavar="ADRESSE",
        help="gennemgå denne adresse i stedet for udgiverens egen",
    )
    crawl.add_argument(
        "--since", type=_day, metavar="ÅÅÅÅ-MM-DD", help="kun publikationer fra denne dag og frem"
    )
    crawl.add_argument("--wait", action="store_true", help="vent, til alle filer er færdige")
    crawl.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    crawl.add_argument(
        "--timeout", type=_seconds, default=3600, metavar="SEKUNDER", help="sekunder at vente højst"
    )
    crawl.set_defaults(func=cmd_crawl)

    reindex = commands.add_parser(
        "reindex", help="byg søgeindekset igen fra databasen, helt eller for enkelte dokumenter"
    )
    reindex.add_argument("ids", nargs="*", metavar="ID", help="kun disse dokumenter")
    reindex.set_defaults(func=cmd_reindex)

    reenrich = commands.add_parser(
        "reenrich", help="find navnene igen i forældede eller udvalgte dokumenter"
    )
    reenrich.add_argument("ids", nargs="*", metavar="ID", help="disse dokumenter")
    reenrich.add_argument(
        "--stale",
        action="store_true",
        help="alle dokumenter fundet med en anden model eller vidensbase",
    )
    reenrich.set_defaults(func=cmd_reenrich)

    reextract = commands.add_parser(
        "reextract", help="læs forældede eller udvalgte dokumenter igen fra deres filer"
    )
    reextract.add_argument("ids", nargs="*", metavar="ID", help="disse dokumenter")
    reextract.add_argument(
        "--stale",
        action="store_true",
        help="alle dokumenter læst med en ældre version af indlæseren",
    )
    reextract.set_defaults(func=cmd_reextract)

    editions = commands.add_parser(
        "editions", help="find andre udgaver af dokumenter, der ikke er undersøgt, eller udvalgte"
    )
    editions.add_argument("ids", nargs="*", metavar="ID", help="kun disse dokumenter")
    editions.add_argument(
        "--all", action="store_true", help="alle dokumenter (efter en ny VB_EDITION_THRESHOLD)"
    )
    editions.set_defaults(func=cmd_editions)

    embed = commands.add_parser(
        "embed", help="gør dokumenter søgbare på betydning (dem, der mangler, eller udvalgte)"
    )
    embed.add_argument("ids", nargs="*", metavar="ID", help="kun disse dokumenter")
    embed.add_argument("--wait", action="store_true", help="vent, til alle er færdige")
    embed.add_argument(
        "--timeout", type=_seconds, default=3600, metavar="SEKUNDER", help="sekunder at vente højst"
    )
    embed.set_defaults(func=cmd_embed)

    entities = commands.add_parser("entities", help="vis navnene i en fil uden at indlæse den")
    entities.add_argument("file", metavar="FIL", help="filen, der skal undersøges")
    entities.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    entities.set_defaults(func=cmd_entities)

    users = commands.add_parser("users", help="kuratorers og administratorers konti")
    user_actions = users.add_subparsers(dest="action", metavar="HANDLING", required=True)
    add = user_actions.add_parser("add", help="opret en bruger (adgangskoden fra standard input)")
    add.add_argument("email", metavar="E-MAIL", help="kontoens e-mailadresse")
    add.add_argument(
        "--role",
        choices=["curator", "admin"],
        required=True,
        help="curator (kurator) eller admin (administrator)",
    )
    user_actions.add_parser("list", help="vis alle brugere")
    deactivate = user_actions.add_parser("deactivate", help="luk en bruger og log den ud")
    deactivate.add_argument("email", metavar="E-MAIL", help="kontoens e-mailadresse")
    users.set_defaults(func=cmd_users)

    corrections = commands.add_parser(
        "corrections", help="kuratorernes rettelser af navne som træningsdata"
    )
    correction_actions = corrections.add_subparsers(
        dest="action", metavar="HANDLING", required=True
    )
    correction_actions.add_parser(
        "export", help="skriv de rettede sætninger i træningsformatet på standard output"
    )
    corrections.set_defaults(func=cmd_corrections)

    backup = commands.add_parser(
        "backup", help="tag en sikkerhedskopi af databasen og originalerne i én tar-fil"
    )
    backup.add_argument(
        "destination", metavar="FIL", help="filen, der skrives (i en mappe: et navn med dato)"
    )
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser(
        "restore", help="gendan en sikkerhedskopi i en tom database og byg søgeindekset igen"
    )
    restore.add_argument("source", metavar="SIKKERHEDSKOPI", help="sikkerhedskopien (tar-filen)")
    restore.add_argument(
        "--force", action="store_true", help="erstat også en database, der har dokumenter"
    )
    restore.set_defaults(func=cmd_restore)

    serve = commands.add_parser("serve", help="start API og web")
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="VÆRT", help="adressen, der lyttes på"
    )
    serve.add_argument("--port", type=int, default=8000, metavar="PORT", help="porten")
    serve.add_argument(
        "--workers", type=int, default=1, metavar="ANTAL", help="antal API-processer"
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def database_problem(error: "DBAPIError") -> str | None:
    """What an operator can set right about the database, in Danish, when it is what
    ``error`` came from: a schema that is not the code's (after an upgrade without
    ``vidensbank init``: "no such column: pages.label"), or a database that does not answer.
    None when it is neither (a bug)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from vidensbank.store.db import schema_problem, schema_revision

    # The error names a statement only when one was sent: a connection that failed names
    # none, and asking that server for the revision would wait for it a second time.
    if error.statement is not None:
        try:
            revision = schema_revision()
        except DBAPIError:
            return DATABASE_DOWN
        if problem := schema_problem(revision):
            return problem
    return DATABASE_DOWN if isinstance(error, OperationalError) else None


def main(argv: list[str] | None = None) -> int:
    from vidensbank.errors import VidensbankError

    args = build_parser().parse_args(argv)
    for name, likely in unknown_variables().items():
        guess = f" Mente du {likely}?" if likely else ""
        print(
            f"Advarsel: {name} er ikke en indstilling og bliver ikke læst.{guess}", file=sys.stderr
        )
    try:
        database_url = get_settings().database_url
    except ValidationError as exc:
        print(f"Fejl: {settings_problems(exc)}", file=sys.stderr)
        return 1
    if args.command not in NEEDS_NO_DATABASE_FOLDER and (
        folder := _missing_database_folder(database_url)
    ):
        print(
            f"Fejl: Databasens mappe {folder} findes ikke. Ret VB_VAR eller VB_DATABASE_URL, "
            "eller opret en ny database dér med »vidensbank init«.",
            file=sys.stderr,
        )
        return 1
    try:
        return int(args.func(args))
    except VidensbankError as exc:
        print(f"Fejl: {exc.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader stopped reading (``| head``): the rest is not wanted, nor a traceback.
        # Python flushes standard output once more on exit, so it is pointed elsewhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        # A database that does not answer (a server down, a wrong host or password), or whose
        # schema is not the code's: what the driver said goes to the log, not a screen of
        # traceback. (SQLAlchemy is imported by the commands that use it, not by every
        # command.)
        from sqlalchemy.exc import DBAPIError

        problem = database_problem(exc) if isinstance(exc, DBAPIError) else None
        if problem is None:
            raise
        logging.getLogger(__name__).debug("database error", exc_info=exc)
        print(f"Fejl: {problem}", file=sys.stderr)
        return 1


def run() -> None:
    """The ``vidensbank`` command. Once its work is done and its output written, the process
    ends at once: the interpreter's own teardown of the modules and objects a command loads
    takes 0.2–0.4 s (measured), longer than ``ingest --wait`` needs to notice its run is done
    and report it."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
