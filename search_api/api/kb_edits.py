"""Curators edit the knowledge base: another name for a record, a former name, or two records
that are one (merged into the other). The edits are stored apart from the YAML seed and applied
on top of it (``nlp_models.curated_kb``); new documents get them at once, and the documents an
edit concerns (those linked to its records, and those whose text has the name) are found again
at once: until ``vidensbank reenrich --stale`` had run, the pages of a merged record disagreed."""

import logging

from elasticsearch import NotFoundError as ESNotFoundError
from kombu.exceptions import KombuError
from spacy.lang.da.stop_words import STOP_WORDS

from ingest.extract.cleanup import visible_line
from nlp_models import curated_kb
from nlp_models.knowledge_base import KBRecord, KnowledgeBase
from nlp_models.linking import normalize
from nlp_models.tasks import reenrich
from search_api.api.schemas import KBEditPublic
from search_api.index.elastic import elastic_errors, get_client
from search_api.index.lifecycle import alias_name
from search_api.query.expansion import WordAnalysis
from search_api.query.search import analyze_words
from vidensbank.accounts import Account
from vidensbank.errors import BadRequestError, DependencyUnavailableError, NotFoundError
from vidensbank.store import audit
from vidensbank.store import kb_edits as edit_store
from vidensbank.store import mentions as mention_store
from vidensbank.store.db import session_scope
from vidensbank.store.kb_edits import KBEdit, KBEditAction

log = logging.getLogger(__name__)
_UNKNOWN = WordAnalysis(parts=[], stop=False, common=False)

MAX_NAME_CHARS = 200
# A name in more documents than this (most of a large collection) leaves the rest to
# ``vidensbank reenrich --stale``: the index answers no more in one search.
MAX_DOCUMENTS_NAMING = 10_000
MIN_NAME_CHARS = 2
# Below this many documents, no word is common enough to refuse as a name.
MIN_DOCUMENTS_FOR_COMMON = 20


def _record_id(kb_id: str) -> str:
    record = curated_kb.current_knowledge_base().get(kb_id)
    if record is None:
        raise NotFoundError("Der findes ingen post med det id i vidensbasen.")
    return record.id


def add_edit(account: Account, kb_id: str, action: str, value: str) -> str:
    """Save a curator's edit of a record; return the id of the record to show next (for a
    merge, the one it was merged into)."""
    try:
        what = KBEditAction(action)
    except ValueError as exc:
        raise BadRequestError("Ukendt ændring af vidensbasen.") from exc
    # As a reader sees it: a direction mark turned the page's list of names round, a NUL went
    # into the HTML and the API, a zero-width space made a copy the duplicate check missed.
    value = visible_line(value)
    if not MIN_NAME_CHARS <= len(value) <= MAX_NAME_CHARS:
        raise BadRequestError(
            f"Skriv navnet med {MIN_NAME_CHARS} til {MAX_NAME_CHARS} synlige tegn."
        )
    if what != KBEditAction.MERGE:
        _refuse_common(value)
    with session_scope() as session:
        edit_store.lock_edits(session)
        # The edits as they are now, another curator's of a moment ago too, read in the locked
        # transaction: through another connection it could wait for the pool the lock fills.
        kb = curated_kb.with_edits(edit_store.list_edits(session))
        record = kb.get(kb_id)
        if record is None:
            raise NotFoundError("Der findes ingen post med det id i vidensbasen.")
        if what == KBEditAction.MERGE:
            value = _merge_target(kb, value, record).id
        else:
            _refuse_taken(kb, value)
        session.add(KBEdit(record_id=record.id, action=what, value=value, author=account.email))
        audit.record(
            session,
            actor=account.email,
            action="kb.edit",
            target=f"entitet:{record.id}",
            after={"action": what.value, "value": value},
        )
    curated_kb.forget()
    _find_again(record.id, what, value)
    return value if what == KBEditAction.MERGE else record.id


def _refuse_common(name: str) -> None:
    """A name widens every search for its record: the alias "og" made "Ankestyrelsen" find 68
    of 93 documents, "Kommunen" made "LOS" find 73 of 100, and "12" 33. A name of one word
    besides stop words is refused when most documents have that word; a few documents say
    nothing of "most" (in an index of one, every word is in all of them)."""
    words = name.lower().split()
    if not any(char.isalpha() for char in name):
        raise BadRequestError(f"»{name}« har ingen bogstaver; et navn skal have dem.")
    content = [word for word in words if word not in STOP_WORDS]
    if not content:
        raise BadRequestError(f"»{name}« er et almindeligt ord, ikke et navn.")
    if len(content) == 1 and _common_in_corpus(content[0]):
        raise BadRequestError(
            f"»{name}« står i de fleste dokumenter; som navn for posten ville en søgning på "
            "den finde dem alle."
        )


def _common_in_corpus(word: str) -> bool:
    """Whether most documents have the word; unknown (no index, too few documents) is no."""
    try:
        with elastic_errors():
            documents = get_client().count(index=alias_name())["count"]
        analysis = analyze_words([word])
    except (ESNotFoundError, DependencyUnavailableError) as exc:
        log.warning("the words of a new name not looked up: %s", exc)
        return False
    return documents >= MIN_DOCUMENTS_FOR_COMMON and analysis.get(word, _UNKNOWN).common


def _refuse_taken(kb: KnowledgeBase, name: str) -> None:
    """A name already a record's, or its id, or in the genitive ("Ankestyrelsens")."""
    typed = normalize(name)
    # The genitive of a name of some length: "FS" is no genitive of a party's letter "F".
    forms = {typed, typed.removesuffix("'s").removesuffix("s")} if len(typed) > 3 else {typed}
    for other in kb.records.values():
        if typed == other.id or forms & {normalize(form) for form in other.surface_forms()}:
            raise BadRequestError(f"»{name}« er allerede et navn for {other.name}.")
    if typed in kb.merged:
        raise BadRequestError(f"»{name}« er id'et for en post, der er slået sammen med en anden.")


def _merge_target(kb: KnowledgeBase, typed: str, record: KBRecord) -> KBRecord:
    """The record a merge names, by its id or by one of its names (the form asks for either)."""
    target = kb.get(typed)
    if target is None:
        named = {
            other.id: other
            for other in kb.records.values()
            if any(normalize(form) == normalize(typed) for form in other.surface_forms())
        }
        if len(named) > 1:
            raise BadRequestError(
                f"Flere poster hedder »{typed}«: {', '.join(sorted(named))}. Skriv id'et."
            )
        target = next(iter(named.values()), None)
    if target is None:
        raise BadRequestError(f"Vidensbasen har ingen post med id'et eller navnet »{typed}«.")
    if target.id == record.id:
        raise BadRequestError("En post kan ikke slås sammen med sig selv.")
    return target


def remove_edit(account: Account, kb_id: str, edit_id: int) -> None:
    record_id = _record_id(kb_id)
    with session_scope() as session:
        edit_store.lock_edits(session)
        edit = session.get(KBEdit, edit_id)
        if edit is None or record_id not in (_resolved(edit.record_id), edit.value):
            raise NotFoundError("Ændringen findes ikke.")
        audit.record(
            session,
            actor=account.email,
            action="kb.edit_remove",
            target=f"entitet:{edit.record_id}",
            before={"action": edit.action, "value": edit.value},
        )
        session.delete(edit)
        edited, what, value = edit.record_id, KBEditAction(edit.action), edit.value
    curated_kb.forget()
    _find_again(edited, what, value)


def _find_again(record_id: str, what: KBEditAction, value: str) -> None:
    """Queue the documents an edit concerns for their names again: those linked to its records
    (a merge's both), and for a name those whose text has it."""
    records = [record_id, value] if what == KBEditAction.MERGE else [record_id]
    with session_scope() as session:
        found = set(mention_store.document_ids_mentioning(session, kb_ids=records))
    if what != KBEditAction.MERGE:
        found |= _documents_naming(value)
    try:
        reenrich(sorted(found))
    except KombuError as exc:
        # Saved all the same: the documents are stale, for ``vidensbank reenrich --stale``.
        log.warning("documents an edit concerns not queued: %s", exc)


def _documents_naming(name: str) -> set[str]:
    """The documents whose text has the name. The edit is saved whatever the index answers:
    down or without an index, the documents wait for ``vidensbank reenrich --stale``."""
    try:
        with elastic_errors():
            response = get_client().search(
                index=alias_name(),
                query={"match_phrase": {"body": name}},
                size=MAX_DOCUMENTS_NAMING,
                source=False,
                track_total_hits=False,
            )
    except (ESNotFoundError, DependencyUnavailableError) as exc:
        log.warning("documents naming an edited name not found: %s", exc)
        return set()
    return {hit["_id"] for hit in response["hits"]["hits"]}


def _resolved(kb_id: str) -> str:
    record = curated_kb.current_knowledge_base().get(kb_id)
    return record.id if record is not None else kb_id


def edits_of(kb_id: str) -> list[KBEditPublic]:
    """The edits that made the record what it is: its own, merges into it, and the edits of
    the records merged into it."""
    record_id = _record_id(kb_id)
    with session_scope() as session:
        return [
            KBEditPublic(
                id=edit.id,
                record_id=edit.record_id,
                action=edit.action,
                action_name=KBEditAction(edit.action).label,
                value=edit.value,
                author=edit.author,
                created_at=edit.created_at,
            )
            for edit in edit_store.list_edits(session)
            if record_id in (_resolved(edit.record_id), edit.value)
        ]
