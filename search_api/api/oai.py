"""OAI-PMH 2.0 with ``oai_dc``: the documents for harvesters, through the ``oaipmh`` library's
server (its request validation, XML envelopes, error elements, Dublin Core writer and
resumption plumbing) over the store.

What the library leaves to us, and why:

- It takes arguments as a dict, so a repeated argument, ``from_`` (its internal name) sent as
  an argument, and the unofficial verb ``GetMetadata`` it serves are refused here first.
- Its datestamp parser is lenient (``2024-1-1``, fractions of seconds); dates are checked
  against the two granularities here, and ``from`` after ``until`` is refused here.
- Its resumption helpers page by offset, which skips a record when one changes during a
  harvest; here the token carries the (datestamp, id) the page ended with instead, in the
  library's own token format, so its server reads the token's metadataPrefix as ever.
- It writes no ``completeListSize`` or ``cursor`` and no empty token at the end of a resumed
  list, echoes ``from``/``until`` rewritten, and puts no request attributes on errors; each
  response is mended before it is serialised.
- Its messages are English; harvesters get Danish ones, like everyone else.
"""

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree
from oaipmh import common, metadata
from oaipmh import error as oai_error
from oaipmh.server import (
    NS_OAIDC,
    NS_OAIPMH,
    NS_XSI,
    ServerBase,
    decodeResumptionToken,
    encodeResumptionToken,
    oai_dc_writer,
)
from sqlalchemy.orm import Session

from vidensbank.danish import ASCII_LETTERS
from vidensbank.identity import public_source_uri
from vidensbank.settings import get_settings
from vidensbank.store import collections as collection_store
from vidensbank.store import harvest
from vidensbank.store.base import utcnow
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document

METADATA_PREFIX = "oai_dc"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
NS_OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
REPOSITORY_NAME = "Vidensbank"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
CONTENT_TYPE = "text/xml; charset=utf-8"

VERBS = frozenset(
    {"Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers", "ListRecords", "GetRecord"}
)
# The protocol's arguments, with what the API description says of each.
ARGUMENTS = {
    "verb": "Hvad der spørges om: Identify, ListMetadataFormats, ListSets, ListIdentifiers, "
    "ListRecords eller GetRecord.",
    "identifier": "En posts OAI-identifikator (oai:<arkiv>:<dokument-id>).",
    "metadataPrefix": "Metadataformatet; Vidensbank giver oai_dc (Dublin Core).",
    "from": "Kun poster ændret fra og med (ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm:ssZ, UTC).",
    "until": "Kun poster ændret til og med (samme form som from).",
    "set": "Kun poster i sættet (publisher:<udgiver> eller collection:<samlings-id>).",
    "resumptionToken": "Fortsættelsesmærket fra forrige svar, for at få de næste poster.",
}
DATESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?")
# The syntax of set and metadataPrefix (setSpecType and metadataPrefixType in OAI-PMH.xsd).
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
METADATA_PREFIX_SYNTAX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
# Arguments whose values have a syntax, with what to say of a value that does not have it.
ARGUMENT_SYNTAX = {
    "set": (
        SET_SPEC,
        "set skal være et sæt som publisher:vive: bogstaverne A-Z, tal og - _ . ! ~ * ' ( ), "
        "i dele adskilt af kolon.",
    ),
    "metadataPrefix": (
        METADATA_PREFIX_SYNTAX,
        "metadataPrefix skal være et format som oai_dc: bogstaverne A-Z, tal og - _ . ! ~ * ' ( ).",
    ),
}
# Sets: one per publisher and one per published collection, under these two.
PUBLISHER_SETS = "publisher"
COLLECTION_SETS = "collection"
TOKEN_KEYS = frozenset({"metadataPrefix", "set", "from_", "until", "after"})
# dc:subject: the knowledge-base records a document is most about (not its people or places).
SUBJECT_LABELS = ("LAW", "INITIATIVE", "ORG")
SUBJECTS_PER_RECORD = 5
# Characters XML 1.0 cannot carry; text read from PDFs sometimes has them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The library's English messages, in Danish ("from_" is its name for "from").
LIBRARY_MESSAGES = (
    (re.compile(r"Unknown argument: (\S+)"), "Parameteren {0} hører ikke til dette verb."),
    (re.compile(r"Argument required but not found: (\S+)"), "Parameteren {0} mangler."),
    (
        re.compile(r"Exclusive argument (\S+) is used but other arguments found\."),
        "Parameteren {0} kan ikke stå sammen med andre parametre end verb.",
    ),
    (
        re.compile(r"The value '(.*)' of the argument '(\S+)' is not valid\."),
        "Værdien '{0}' af {1} er ikke en gyldig dato.",
    ),
    (
        re.compile(r"The request has different granularities"),
        "from og until skal have samme granularitet (begge en dag eller begge et sekund).",
    ),
)
NO_RECORDS = "Ingen poster passer til forespørgslen."
UNREADABLE_TOKEN = "Fortsættelsesmærket er ugyldigt; begynd høstningen forfra."
UNKNOWN_FORMAT = "Vidensbank giver kun metadataformatet oai_dc."
UNKNOWN_ID = "Der er ingen post med identifikatoren {0}."


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def publisher_set(publisher: str) -> str:
    """``Børns Vilkår`` → ``publisher:boerns-vilkaar``: a setSpec's characters are URL-safe."""
    name = publisher.lower().translate(ASCII_LETTERS)
    return f"{PUBLISHER_SETS}:{re.sub(r'[^a-z0-9]+', '-', name).strip('-') or 'ukendt'}"


def _naive(moment: dt.datetime) -> dt.datetime:
    """UTC without its zone, as the library's datestamps want it."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _just_after(until: dt.datetime) -> dt.datetime | None:
    """The bound below which an inclusive ``until`` (to the second; a day's is its last second)
    selects; None, no bound, at the last second a datetime holds."""
    try:
        return until.replace(tzinfo=dt.UTC) + dt.timedelta(seconds=1)
    except OverflowError:
        return None


@dataclass(frozen=True)
class ListRequest:
    """A list request, from its arguments or from a resumption token."""

    metadata_prefix: str
    set_spec: str | None
    since: dt.datetime | None
    until: dt.datetime | None
    after: tuple[dt.datetime, str] | None
    cursor: int

    def token(self, last: Document, cursor: int) -> str:
        changed = _naive(last.updated_at).isoformat(timespec="microseconds")
        arguments: dict[str, Any] = {
            "metadataPrefix": self.metadata_prefix,
            "after": f"{changed}|{last.id}",
        }
        if self.set_spec is not None:
            arguments["set"] = self.set_spec
        if self.since is not None:
            arguments["from_"] = self.since
        if self.until is not None:
            arguments["until"] = self.until
        return str(encodeResumptionToken(arguments, cursor))

    @classmethod
    def from_token(cls, token: str) -> "ListRequest":
        try:
            arguments, cursor = decodeResumptionToken(token)
            changed, document_id = arguments["after"].split("|", 1)
            after = (dt.datetime.fromisoformat(changed).replace(tzinfo=dt.UTC), document_id)
            if not set(arguments) <= TOKEN_KEYS or cursor < 0:
                raise ValueError(token)
            return cls(
                metadata_prefix=arguments["metadataPrefix"],
                set_spec=arguments.get("set"),
                since=arguments.get("from_"),
                until=arguments.get("until"),
                after=after,
                cursor=cursor,
            )
        except (oai_error.ErrorBase, oai_error.ClientError, KeyError, ValueError) as error:
            raise oai_error.BadResumptionTokenError(UNREADABLE_TOKEN) from error


class _Identify(common.Identify):
    """Identify, whose earliest datestamp is looked up only when the verb is Identify."""

    def __init__(self, session: Session, **arguments: Any) -> None:
        super().__init__(**arguments)
        self.session = session

    def earliestDatestamp(self) -> dt.datetime:
        return _naive(harvest.earliest_change(self.session) or utcnow())


class Repository:
    """The library's resumption interface over the store, for one request."""

    def __init__(self, session: Session, base_url: str) -> None:
        self.session = session
        self.base_url = base_url
        settings = get_settings()
        self.repository_identifier = settings.oai_repository_identifier
        self.admin_email = settings.oai_admin_email
        self.page_size = settings.oai_page_size
        self._identify: common.Identify | None = None
        # What the response's resumptionToken element is to say: (completeListSize, cursor).
        self.list_position: tuple[int, int] | None = None

    def identify(self) -> common.Identify:
        # The library asks on every response (for the base URL); it is made once.
        if self._identify is None:
            self._identify = _Identify(
                self.session,
                repositoryName=REPOSITORY_NAME,
                baseURL=f"{self.base_url}oai",
                protocolVersion="2.0",
                adminEmails=[self.admin_email],
                earliestDatestamp=None,
                deletedRecord="persistent",
                granularity=GRANULARITY,
                compression=["identity"],
            )
            self._identify.add_description(self._identifier_description())
        return self._identify

    def _identifier_description(self) -> str:
        element = etree.Element(
            f"{{{NS_OAI_IDENTIFIER}}}oai-identifier", nsmap={None: NS_OAI_IDENTIFIER, "xsi": NS_XSI}
        )
        element.set(f"{{{NS_XSI}}}schemaLocation", f"{NS_OAI_IDENTIFIER} {OAI_IDENTIFIER_SCHEMA}")
        for name, value in (
            ("scheme", "oai"),
            ("repositoryIdentifier", self.repository_identifier),
            ("delimiter", ":"),
            ("sampleIdentifier", self._identifier("0123456789abcdef0123")),
        ):
            etree.SubElement(element, f"{{{NS_OAI_IDENTIFIER}}}{name}").text = value
        return str(etree.tostring(element, encoding="unicode"))

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        if identifier is not None and harvest.is_deleted(self._document(identifier)):
            raise oai_error.NoMetadataFormatsError(
                "Dokumentet er ikke offentligt (trukket tilbage eller tilbageholdt); der er "
                "ingen metadata om det."
            )
        return [(METADATA_PREFIX, OAI_DC_SCHEMA, NS_OAIDC)]

    def listSets(
        self, resumptionToken: str | None = None
    ) -> tuple[list[tuple[str, str, None]], None]:
        if resumptionToken is not None:
            raise oai_error.BadResumptionTokenError(
                "Alle sæt gives i ét svar; ListSets tager intet fortsættelsesmærke."
            )
        collections = collection_store.list_collections(self.session, published_only=True)
        return [
            (PUBLISHER_SETS, "Udgivere", None),
            *((spec, xml_text(name), None) for spec, name in self._publisher_sets()),
            (COLLECTION_SETS, "Samlinger", None),
            *((f"{COLLECTION_SETS}:{c.id}", xml_text(c.title), None) for c in collections),
        ], None

    def _publisher_sets(self) -> list[tuple[str, str]]:
        """Each publisher set's setSpec and name. Spellings that differ only in case or in
        æ, ø and å (VIVE and Vive) are one set; it is named as most of its documents spell
        the publisher, and on a tie by the spelling first in code-point order, so the name
        does not change from one ListSets to the next."""
        spellings: dict[str, list[str]] = {}
        for publisher in harvest.harvest_publishers(self.session):
            spellings.setdefault(publisher_set(publisher), []).append(publisher)
        return [
            (spec, names[0] if len(names) == 1 else min(names, key=self._most_common_first))
            for spec, names in spellings.items()
        ]

    def _most_common_first(self, publisher: str) -> tuple[int, str]:
        selection = harvest.Selection(publishers=[publisher])
        return -harvest.harvest_count(self.session, selection=selection), publisher

    def listIdentifiers(self, **arguments: Any) -> tuple[list[common.Header], str | None]:
        documents, token = self._list(arguments)
        return [header for header, _metadata, _about in self._records(documents)], token

    def listRecords(self, **arguments: Any) -> tuple[list[tuple[Any, ...]], str | None]:
        documents, token = self._list(arguments)
        return self._records(documents), token

    def getRecord(self, identifier: str, metadataPrefix: str) -> tuple[Any, ...]:
        # An item that does not exist is told first: asking for it in another format does not
        # make it exist.
        document = self._document(identifier)
        _check_format(metadataPrefix)
        [record] = self._records([document])
        return record

    def _list(self, arguments: dict[str, Any]) -> tuple[list[Document], str | None]:
        token = arguments.get("resumptionToken")
        request = (
            ListRequest.from_token(token)
            if token is not None
            else ListRequest(
                metadata_prefix=arguments["metadataPrefix"],
                set_spec=arguments.get("set"),
                since=arguments.get("from_"),
                until=arguments.get("until"),
                after=None,
                cursor=0,
            )
        )
        _check_format(request.metadata_prefix)
        if request.since and request.until and request.since > request.until:
            raise oai_error.BadArgumentError("from må ikke ligge efter until.")
        selection = self._selection(request)
        documents = (
            harvest.harvest_page(
                self.session, selection=selection, after=request.after, limit=self.page_size + 1
            )
            if selection is not None
            else []
        )
        if not documents or selection is None:
            # Also when a resumed list has nothing left (its records went since the last
            # page): a list response holds one record at least.
            raise oai_error.NoRecordsMatchError(NO_RECORDS)
        self.list_position = (
            harvest.harvest_count(self.session, selection=selection),
            request.cursor,
        )
        if len(documents) <= self.page_size:
            return documents, None
        documents = documents[: self.page_size]
        return documents, request.token(documents[-1], request.cursor + len(documents))

    def _selection(self, request: ListRequest) -> harvest.Selection | None:
        """The documents the request selects; None for a set that does not exist."""
        selection = harvest.Selection(
            since=request.since and request.since.replace(tzinfo=dt.UTC),
            before=request.until and _just_after(request.until),
        )
        spec = request.set_spec
        if spec is None:
            return selection
        publishers = harvest.harvest_publishers(self.session)
        collections = [
            c.id for c in collection_store.list_collections(self.session, published_only=True)
        ]
        if spec == PUBLISHER_SETS:
            return replace(selection, publishers=publishers)
        if spec == COLLECTION_SETS:
            return replace(selection, collection_ids=collections)
        if named := [p for p in publishers if publisher_set(p) == spec]:
            return replace(selection, publishers=named)
        collection_id = spec.removeprefix(f"{COLLECTION_SETS}:")
        if spec.startswith(f"{COLLECTION_SETS}:") and collection_id in collections:
            return replace(selection, collection_ids=[collection_id])
        return None

    def _identifier(self, document_id: str) -> str:
        return f"oai:{self.repository_identifier}:{document_id}"

    def _document(self, identifier: str) -> Document:
        prefix = f"oai:{self.repository_identifier}:"
        document = (
            harvest.harvest_document(self.session, document_id=identifier.removeprefix(prefix))
            if identifier.startswith(prefix)
            else None
        )
        if document is None:
            raise oai_error.IdDoesNotExistError(UNKNOWN_ID.format(identifier))
        return document

    def _records(self, documents: list[Document]) -> list[tuple[Any, ...]]:
        """Each document's header, its Dublin Core (none for a deleted one) and no about."""
        ids = [d.id for d in documents]
        collections = harvest.published_collection_ids(self.session, document_ids=ids)
        subjects = harvest.top_linked_entities(
            self.session,
            document_ids=[d.id for d in documents if not harvest.is_deleted(d)],
            labels=SUBJECT_LABELS,
            per_document=SUBJECTS_PER_RECORD,
        )
        records: list[tuple[Any, ...]] = []
        for document in documents:
            sets = [
                *([publisher_set(document.publisher)] if document.publisher else []),
                *(f"{COLLECTION_SETS}:{c}" for c in collections.get(document.id, [])),
            ]
            deleted = harvest.is_deleted(document)
            header = common.Header(
                None, self._identifier(document.id), _naive(document.updated_at), sets, deleted
            )
            dublin_core = (
                None
                if deleted
                else common.Metadata(
                    None, self._dublin_core(document, subjects.get(document.id, []))
                )
            )
            records.append((header, dublin_core, None))
        return records

    def _dublin_core(self, document: Document, subjects: list[str]) -> dict[str, list[str]]:
        extra = document.extra or {}
        isbn, rights = extra.get("isbn"), extra.get("rights")
        source = public_source_uri(document.source_uri)
        fields = {
            "title": [document.title],
            "creator": list(document.authors or []),
            "subject": subjects,
            "publisher": [document.publisher or ""],
            "date": [document.published.isoformat() if document.published else ""],
            # The publisher's own kind of document, and the DCMI type.
            "type": [document.kind or "", "Text"],
            "format": [document.mime_type or ""],
            "identifier": [
                f"{self.base_url}dokument/{document.id}",
                f"urn:isbn:{isbn}" if isbn else "",
            ],
            "source": [source or ""],
            "language": [str(extra.get("language") or "da")],
            "rights": [str(rights) if rights else ""],
        }
        return {
            name: [xml_text(str(value)) for value in values if value]
            for name, values in fields.items()
        }


def _check_format(metadata_prefix: str) -> None:
    if metadata_prefix != METADATA_PREFIX:
        raise oai_error.CannotDisseminateFormatError(UNKNOWN_FORMAT)


def _oai_dc(element: etree._Element, dublin_core: Any) -> None:
    """The library's Dublin Core writer, with the schema location of oai_dc's namespace (the
    library gives the DC elements' namespace there)."""
    oai_dc_writer(element, dublin_core)
    for written in element.iterchildren(f"{{{NS_OAIDC}}}dc"):
        written.set(f"{{{NS_XSI}}}schemaLocation", f"{NS_OAIDC} {OAI_DC_SCHEMA}")


class OAIServer(ServerBase):
    """The library's server, with the mending described at the top of the module."""

    def __init__(self, repository: Repository, arguments: list[tuple[str, str]]) -> None:
        registry = metadata.MetadataRegistry()
        registry.registerWriter(METADATA_PREFIX, _oai_dc)
        super().__init__(repository, registry)
        self.repository = repository
        self.arguments = arguments

    def respond(self) -> bytes:
        refusal = _refusal(self.arguments)
        if refusal is not None:
            return self.handleException({}, (type(refusal), refusal, None))
        return bytes(self.handleRequest(dict(self.arguments)))

    def handleVerb(self, verb: str, kw: dict[str, Any]) -> bytes:
        tree = common.getMethodForVerb(self._tree_server, verb)(**kw)
        self._echo_request(tree)
        self._mark_list_position(tree, resumed="resumptionToken" in kw)
        return _serialise(tree)

    def handleException(self, kw: dict[str, Any], exc_info: tuple[Any, ...]) -> bytes:
        exception = exc_info[1]
        if not isinstance(exception, oai_error.ErrorBase):
            raise exception
        # The message may quote what the request sent, which XML may not be able to carry.
        tree = self._tree_server.handleException(type(exception)(xml_text(_danish(str(exception)))))
        # After a bad verb or bad arguments the request element gives the base URL only.
        if exception.oainame() not in ("badVerb", "badArgument"):
            self._echo_request(tree)
        return _serialise(tree)

    def _echo_request(self, tree: Any) -> None:
        request = tree.getroot().find(f"{{{NS_OAIPMH}}}request")
        request.attrib.clear()
        for name, value in self.arguments:
            request.set(name, value)

    def _mark_list_position(self, tree: Any, resumed: bool) -> None:
        """completeListSize and cursor on the resumptionToken, and an empty one at the end of
        a list that was resumed (the protocol's sign that the list is complete)."""
        position = self.repository.list_position
        if position is None:
            return
        verb = tree.getroot()[-1]  # after responseDate and request
        token = verb.find(f"{{{NS_OAIPMH}}}resumptionToken")
        if token is None and resumed:
            token = etree.SubElement(verb, f"{{{NS_OAIPMH}}}resumptionToken")
        if token is not None:
            size, cursor = position
            token.set("completeListSize", str(size))
            token.set("cursor", str(cursor))


def _serialise(tree: Any) -> bytes:
    return bytes(
        etree.tostring(tree.getroot(), encoding="UTF-8", xml_declaration=True, pretty_print=True)
    )


def _danish(message: str) -> str:
    for pattern, danish in LIBRARY_MESSAGES:
        if found := pattern.search(message):
            return danish.format(*(g.replace("from_", "from") for g in found.groups()))
    return message


def _refusal(arguments: list[tuple[str, str]]) -> oai_error.ErrorBase | None:
    """What the library would let through or get wrong: a missing, repeated or unknown verb,
    arguments that are not the protocol's or are repeated, values that XML cannot carry (the
    library writes them into the answer), malformed dates, and a set or metadataPrefix that
    cannot be one (section 3.6: bad syntax is a bad argument; echoed in the
    request element, it would not be valid against the schema)."""
    names = [name for name, _value in arguments]
    verbs = [value for name, value in arguments if name == "verb"]
    if not verbs:
        return oai_error.BadVerbError("Parameteren verb mangler.")
    if len(verbs) > 1:
        return oai_error.BadVerbError("Parameteren verb er givet mere end én gang.")
    if verbs[0] not in VERBS:
        return oai_error.BadVerbError(f"{verbs[0]} er ikke et OAI-PMH-verb.")
    for name in names:
        if name not in ARGUMENTS:
            return oai_error.BadArgumentError(f"{name} er ikke en OAI-PMH-parameter.")
        if names.count(name) > 1:
            return oai_error.BadArgumentError(f"Parameteren {name} er givet mere end én gang.")
    for name, value in arguments:
        if NOT_XML.search(value):
            return oai_error.BadArgumentError(f"{name} indeholder tegn, som XML ikke kan bære.")
        if name in ("from", "until") and not DATESTAMP.fullmatch(value):
            return oai_error.BadArgumentError(
                f"{name} skal være en dag (ÅÅÅÅ-MM-DD) eller et sekund (ÅÅÅÅ-MM-DDTtt:mm:ssZ)."
            )
        if name in ARGUMENT_SYNTAX:
            syntax, message = ARGUMENT_SYNTAX[name]
            if not syntax.fullmatch(value):
                return oai_error.BadArgumentError(message)
    return None


def respond(arguments: list[tuple[str, str]], base_url: str) -> bytes:
    """The OAI-PMH response to a request's arguments; ``base_url`` ends with a slash."""
    with session_scope() as session:
        return OAIServer(Repository(session, base_url), arguments).respond()
