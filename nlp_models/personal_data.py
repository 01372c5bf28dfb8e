"""Personal data in a document's text: CPR numbers, children's names in case context, and the
private phone numbers, e-mail and home addresses around them.

A finding either holds the document back until a curator has looked (a CPR number, a child's
full name in case context) or is listed for review. Published reports anonymise their cases
with a first name ("Peter, 12 år"): a first name alone is never a finding. Public offices'
numbers and addresses, and adults in their public role, are not findings either.

The rules read the text and the entity pipeline's PER and ORG mentions; nothing here loads
spaCy, so the API can compute a finding's key and apply a redaction.
"""

import bisect
import datetime as dt
import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from nlp_models.mentions import Mention, first_names
from vidensbank.store import documents as document_store
from vidensbank.store import personal_data as personal_store
from vidensbank.store.documents import Document
from vidensbank.store.personal_data import Decision

# Bump when the rules change: every document is then screened again (``reenrich --stale``).
SCREENING_VERSION = "pd-6"

REDACTED = "[skjult]"
# Findings in a document's title are on this page.
TITLE_PAGE = 0


class Kind(StrEnum):
    CPR = "cpr"
    CHILD_NAME = "child_name"
    PARENT_NAME = "parent_name"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"

    @property
    def label(self) -> str:
        """The kind in Danish, as curators see it."""
        return _KIND_LABELS[self]

    @property
    def holds(self) -> bool:
        """Whether a finding of this kind holds its document back."""
        return self in (Kind.CPR, Kind.CHILD_NAME)


_KIND_LABELS = {
    Kind.CPR: "CPR-nummer",
    Kind.CHILD_NAME: "barns navn",
    Kind.PARENT_NAME: "navn på forælder eller privatperson",
    Kind.PHONE: "privat telefonnummer",
    Kind.EMAIL: "privat e-mail",
    Kind.ADDRESS: "privat adresse",
}


@dataclass(frozen=True)
class Finding:
    kind: Kind
    page: int
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return finding_key(self.kind, self.text)


def normalized(kind: str, text: str) -> str:
    """What makes two findings the same: digits for numbers, else case- and space-folded."""
    if kind in (Kind.CPR, Kind.PHONE):
        digits = re.sub(r"\D", "", text)
        return digits[-8:] if kind == Kind.PHONE else digits
    return " ".join(text.casefold().split())


def finding_key(kind: str, text: str) -> str:
    """A finding's identity without its data: curators' decisions and the audit trail keep this,
    so the data itself is stored once, with the finding."""
    return hashlib.sha256(f"{kind}:{normalized(kind, text)}".encode()).hexdigest()


# --- CPR numbers ---------------------------------------------------------------------------

# The dash may be any a word processor puts there (the non-breaking hyphen U+2011, the minus
# sign U+2212), with a space on either side. The date may be written with one dash or space
# between day, month and year too ("12-05-14-3318"), a shape dates and phone numbers share:
# ``_cpr_numbers`` takes it only after a CPR label.
_DASH = r"[-\u2010\u2011\u2013\u2212]"
_CPR = re.compile(
    r"(?<![\d/-])(?<!\d[.,])(?P<day>\d{2})"
    rf"(?P<date_sep>(?:{_DASH}|[ \u00a0./])?)(?P<month>\d{{2}})(?P=date_sep)(?P<year>\d{{2}})"
    rf"(?P<gap>[ \u00a0]?{_DASH}[ \u00a0]?|[ \u00a0])?"
    r"(?P<control>\d{4})(?![\d/-]|[.,]\d)"
)
# Numbers after these are an account, an EAN or a case number, not a person's.
_NUMBER_LABEL = re.compile(
    r"\b(?:konto(?:nr|nummer)?|reg\.?(?:\s?nr)?|ean|isbn|issn|cvr(?:-nr)?|se-nr|p-nr|j\.\s?nr|"
    r"journal(?:nr|nummer)?|sags?(?:nr|nummer)|faktura\w*|ordre\w*|"
    # any other "…nr." or "… nummer" label ("Kursusnr.", "bevilling nr."), but a CPR number's
    r"(?!cpr|pers)\w+\.?[ -]?(?=nr\b|nummer\b))\.?"
    r"(?:\s?(?:nr|nummer)\.?)?:?\s*$",
    re.IGNORECASE,
)
_PHONE_LABEL = re.compile(r"\b(?:tlf|telefon\w*|mobil\w*)\.?:?\s*$", re.IGNORECASE)


_CPR_LABEL = re.compile(r"\b(?:cpr|personnummer|personnr)", re.IGNORECASE)
# The label right before the number: "CPR-nr.: ", "Personnummer ", "personnr. ".
_CPR_LABEL_BEFORE = re.compile(
    r"\b(?:cpr\.?(?:[ -]?(?:nr|nummer))?|personnummer|pers(?:on)?\.?[ -]?nr)\.?[ \t]*:?\s{0,3}$",
    re.IGNORECASE,
)


def _labelled(pattern: re.Pattern[str], text: str, start: int) -> bool:
    return pattern.search(text, max(0, start - 20), start) is not None


def _cpr_date(match: re.Match[str]) -> dt.date | None:
    """The birth date a CPR number (a match of ``_CPR``) gives, the century from its seventh
    digit, if valid."""
    day, month, year = (int(match.group(part)) for part in ("day", "month", "year"))
    seventh = int(match.group("control")[0])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year <= 36 else 1900
    else:
        century = 2000 if year <= 57 else 1800
    try:
        return dt.date(century + year, month, day)
    except ValueError:
        return None


def _cpr_numbers(page: int, text: str, cells: Sequence[tuple[int, int, str]]) -> list[Finding]:
    found = []
    for match in _CPR.finditer(text):
        if _cpr_date(match) is None:
            continue
        in_cpr_column = any(s <= match.start() < e and _CPR_LABEL.search(h) for s, e, h in cells)
        if match.group("date_sep") and not (
            _CPR_LABEL_BEFORE.search(text, max(0, match.start() - 30), match.start())
            or in_cpr_column
        ):
            continue  # "12-05-14-3318": a CPR number only where it is said to be one
        if (match.group("gap") or "").startswith(" ") and not (
            _CPR_LABEL.search(text, max(0, match.start() - 40), match.start())
            or _NAME_BEFORE.search(text, max(0, match.start() - 60), match.start())
            or in_cpr_column
        ):
            continue  # "Aarhus 280123 2345": two numbers of a table, unless said to be a CPR
        if _labelled(_NUMBER_LABEL, text, match.start()) or _labelled(
            _PHONE_LABEL, text, match.start()
        ):
            continue
        found.append(Finding(Kind.CPR, page, match.start(), match.end(), match.group()))
    return found


# --- Context ---------------------------------------------------------------------------------


def _context(text: str, start: int, end: int) -> tuple[int, int]:
    """What is said around a span: its paragraph (text between blank lines) and the two before
    it, as a letter's sender or a form's fields stand one to a line; at most 300 characters
    before the span and 100 after it."""
    left = start
    for _ in range(3):
        found = text.rfind("\n\n", max(0, start - 300), left)
        if found < 0:
            left = max(0, start - 300)
            break
        left = found
    right = text.find("\n\n", end, end + 100)
    return left, right if right >= 0 else min(len(text), end + 100)


def _words(*forms: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(forms) + r")\b", re.IGNORECASE)


# A private person's data: family words, a home, a citizen.
_PRIVATE = _words(
    r"mor(?:en|s)?",
    r"far(?:en|s)?",
    r"moder(?:en)?",
    r"fader(?:en)?",
    r"\w*forældre\w*",
    r"\w*forælder\w*",
    r"stedfar",
    r"stedmor",
    r"bedste(?:mor|far|forældre)",
    r"pleje(?:mor|far|forældre|familie)",
    r"privat\w*",
    r"bopæl",
    r"hjemme\w*",
    r"bor\s+på",
    r"barnets",
    r"elevens",
    r"familiens",
    r"borgeren",
    r"klager(?:en)?",
    r"mobil",
)
# An office's or a professional's data: whoever publishes it does so in a role.
_PUBLIC = _words(
    r"\w*kommunes?",
    r"\w*forvaltning\w*",
    r"borgerservice",
    r"\w*rådgivning\w*",
    r"telefontid\w*",
    r"åbningstid\w*",
    r"åben",
    r"hverdage",
    r"døgn\w*",
    r"hotline",
    r"\w*sekretariat\w*",
    r"hovednummer",
    r"\w*afdeling\w*",
    r"\w*styrelse\w*",
    r"\w*ministeri\w*",
    r"\w*sagsbehandler\w*",
    r"\w*konsulent\w*",
    r"\w*leder\w*",
    r"\w*chef\w*",
    r"\w*koordinator\w*",
    r"\w*rådgiver\w*",
    r"\w*medarbejder\w*",
    r"\w*direktør\w*",
    r"\w*formand\w*",
    r"presse\w*",
    r"journalist\w*",
    r"redaktion\w*",
    r"redaktør\w*",
    r"publiceret",
    r"kontakt\s+os",
    r"skolens",
    r"\w*telefonen",
    r"\w*linje\w*",
    r"vagt\w*",
    r"\w*center\w*",
    r"kl(?=\.)",
    r"anonym\w*",
    r"træffes",
    r"direkte",
    r"\w*forstander\w*",
    r"tilmeld\w*",
    r"cvr",
)
_HOME_LABEL = re.compile(
    r"(?:barnets |familiens |elevens )?(?:adresse|bopæl|bor på|hjemmeadresse)\b", re.IGNORECASE
)
# A form's label in the cell before: "Adresse:" / "Bopæl" on the line above.
_HOME_LABEL_BEFORE = re.compile(
    r"\b(?:adresse|bopæl|hjemmeadresse|privatadresse)\b[^\n]{0,20}:?\s*$", re.IGNORECASE
)
_FREE_MAIL = re.compile(
    r"@(?:gmail|googlemail|hotmail|live|outlook|yahoo|icloud|me|mail|jubii|ofir|protonmail|"
    r"msn|webspeed|youmail|privat)\.\w+$",
    re.IGNORECASE,
)
_ROLE_MAIL = re.compile(
    r"^(?:info|post|kontakt|mail|sekretariat|presse|service|support|redaktion)\w*@", re.I
)


def _is_private(
    text: str,
    start: int,
    end: int,
    people: Sequence[Mention],
    orgs: Sequence[Mention],
    *,
    case: bool,
    needs_cue: bool = True,
) -> bool:
    """Whether the data at ``start:end`` belongs to a private person: an address at a free
    mail service beside it, or no office or role around it and a family word, a home or a
    person named there (or nothing more, when ``needs_cue`` is false).

    On a page about a case (a CPR number or a child's name on it), the school and the
    municipality are named everywhere: only an office or a role in the data's own paragraph
    makes it public there."""
    left, right = _context(text, start, end)
    near = text[left:right]
    if any(_FREE_MAIL.search(m.group()) for m in _EMAIL.finditer(near)):
        return True
    if case:
        own = text.rfind("\n\n", left, start)
        paragraph = text[own + 2 if own >= 0 else max(left, start - 100) : right]
        if _HOME_LABEL.match(paragraph) or _HOME_LABEL_BEFORE.search(
            text, max(0, start - 40), start
        ):
            return True
        work_mail = any(not _FREE_MAIL.search(m.group()) for m in _EMAIL.finditer(paragraph))
        if work_mail or _PUBLIC.search(paragraph) or _ROLE.search(paragraph):
            return False
        # A letterhead: the organisation named just before its address and number.
        before = [m for m in (*people, *orgs) if left <= m.start and m.end <= start]
        if before and max(before, key=lambda m: m.end).label == "ORG":
            return False
        needs_cue = False
    elif (
        _PUBLIC.search(near)
        or _ROLE.search(near)
        or any(left <= m.start and m.end <= right for m in orgs)
    ):
        return False
    if not needs_cue or _PRIVATE.search(near):
        return True
    return any(left <= m.start and m.end <= right for m in people)


# --- Phones, e-mail, addresses -----------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\d+\w])(?:(?:\+|00)45[ ]?)?"
    r"(?:[2-9]\d{7}|[2-9]\d([ .])\d{2}\1\d{2}\1\d{2}|[2-9]\d{3} \d{4})(?![\d-]|[.,]\d)"
)
# Parts bounded as an address's are (64 characters before the @, labels of 63): unbounded, a
# long run of "a.a.a…" before a lone "@" was tried from every word in it (quadratic).
_EMAIL = re.compile(
    r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[a-z]{2,24}\b", re.IGNORECASE
)
_STREET_END = (
    r"(?:vej|gade|allé|alle|vænge|stræde|plads|boulevard|park|bakke|toft|have|eng|mark|høj"
    r"|vang|sti|torv|kvarter|løkke|gård|hegn|lund|dal|skov|strand|bro|holm)(?:en|et|n|t)?"
)
_FLOOR = r"(?:,? (?:st\.|kl\.|\d{1,2}\.)(?: ?(?:th|tv|mf|sal|\d{1,3})\.?)?)?"
_TOWN = r",? \d{4} [A-ZÆØÅ][a-zæøå]+(?: (?:[A-ZÆØÅ]{1,2}\b|[A-ZÆØÅ][a-zæøå]+))?"
# At most five words: unbounded, a page of capitalised words ("Aa Aa Aa …", 50,000 characters)
# took 14 s, each word's run tried to the page's end.
_STREET = r"[A-ZÆØÅ][a-zæøåé]*(?:[ -][A-ZÆØÅ][a-zæøåé.]+){0,4}"
# A street of a known kind ("Birkevej 14"), or any street with a postcode after it ("Ruten 18,
# 2700 Brønshøj").
_ADDRESS = re.compile(
    rf"\b(?:{_STREET}{_STREET_END} \d{{1,4}}[A-Za-z]?\b{_FLOOR}(?:{_TOWN})?"
    rf"|{_STREET} \d{{1,4}}[A-Za-z]?\b{_FLOOR}{_TOWN})"
)


def _contact_data(
    page: int, text: str, people: Sequence[Mention], orgs: Sequence[Mention], *, case: bool
) -> list[Finding]:
    found = []
    # Most pages have no address at all; the pattern would try every word as one.
    for match in _EMAIL.finditer(text) if "@" in text else ():
        address = match.group()
        # An address at an organisation's own domain is a work address, whoever it names;
        # one at a free mail service is private unless an office or a role stands around it.
        private = (
            bool(_FREE_MAIL.search(address))
            and not _ROLE_MAIL.match(address)
            and _is_private(text, *match.span(), people, orgs, case=case, needs_cue=False)
        ) or _is_private(text, *match.span(), [], orgs, case=case)
        if private:
            found.append(Finding(Kind.EMAIL, page, *match.span(), address))
    for kind, pattern in ((Kind.PHONE, _PHONE), (Kind.ADDRESS, _ADDRESS)):
        for match in pattern.finditer(text):
            if kind == Kind.PHONE and _labelled(_NUMBER_LABEL, text, match.start()):
                continue  # a CVR, account or case number
            if _is_private(text, *match.span(), people, orgs, case=case):
                found.append(Finding(kind, page, *match.span(), match.group()))
    return found


# --- Names -----------------------------------------------------------------------------------

FIRST_NAMES = frozenset(first_names())

# The letters of the names Danish records meet: Danish ones, and the accented letters of German,
# Swedish, French, Spanish and Turkish names ("Émile", "Zoë", "Ölander", "Müller", "Núñez"). A
# name written in capitals writes each of them in capitals ("ZOË").
_UPPER = "A-ZÆØÅÄÖÜÉÈ"
_LOWER = "a-zæøåäöüéèáíóúëïçñ"
_CAPITALS = f"{_UPPER}ÁÍÓÚËÏÇÑ"
# "Sørensen", "O'Connor", "McDonald", "DiCaprio" (a capital after a prefix of its own, not
# after any capitalised word: "BørneTelefonen", "MobilePay"), "Bach-Lund".
_NAME_PART = rf"(?:Mc|Mac|Di|De|Du|La|Le|[{_UPPER}]['’])?[{_UPPER}][{_LOWER}]+"
_NAME_WORD = rf"{_NAME_PART}(?:-{_NAME_PART})?"
# A name's later word may begin with an Arabic article: "Yusuf al-Hassan", "Mahmoud el-Sayed",
# or follow a particle of descent in lower case: "Amira bint Yusuf Haddad", "Ali ibn Hassan".
_ARABIC_PARTICLE = r"(?:bin|bint|ibn|abu|umm)"
_LATER_WORD = rf"(?:{_ARABIC_PARTICLE}[ \t]+)?(?:(?:al|el)-)?{_NAME_WORD}"
# Up to five words: "Emma Sofie Marie Lund Jensen".
_NAMES = rf"{_NAME_WORD}(?:[ \t]+{_LATER_WORD}){{1,4}}"
_FULL_NAME = re.compile(_NAMES)
# A name right before a number ("Maja Nguyen" / "011012 4906" in a table's row).
_NAME_BEFORE = re.compile(rf"{_NAMES}[\s,:]*$")
# A form's field names its person whatever the case: with particles ("Noah van der Berg"), in
# capitals as a form in capitals writes it ("SOFIE BACH-LUND") or in lower case.
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|del|la|le|ten|ter)"
_CAPS_WORD = rf"[{_UPPER}](?:['’]?[{_CAPITALS}])+(?:-[{_UPPER}](?:['’]?[{_CAPITALS}])+)?"
_LOWER_WORD = rf"[{_LOWER}]{{2,}}(?:-[{_LOWER}]{{2,}})?"
_FORM_NAMES = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}{_LATER_WORD}){{1,4}}"
_ANY_CASE_NAMES = (
    rf"(?:{_CAPS_WORD}|{_NAME_WORD})(?:[ \t]+(?:{_CAPS_WORD}|{_LATER_WORD})){{1,4}}"
    rf"|{_LOWER_WORD}(?:[ \t]+{_LOWER_WORD}){{1,4}}"
)
_FORM_NAME = re.compile(_FORM_NAMES)
_PARTICLE_WORD = re.compile(rf"{_ARABIC_PARTICLE}")


def _known_first_name(name: str) -> bool:
    """Whether a name begins with a first name the rules know, or gives one after a particle of
    descent ("Amira bint Yusuf Haddad": her father's)."""
    words = name.split()
    return words[0] in FIRST_NAMES or any(
        _PARTICLE_WORD.fullmatch(word) and after in FIRST_NAMES
        for word, after in itertools.pairwise(words)
    )


_NAME = rf"(?-i:{_FORM_NAMES}|{_ANY_CASE_NAMES})"
# Words of a form's instructions, not of a name: "Barnets navn: skrives med fornavn" (and the
# directions of ``_DIRECTION``, refused before these are looked at).
_NOT_A_NAME = _words(
    r"og",
    r"eller",
    r"af",
    r"i",
    r"på",
    r"til",
    r"med",
    r"for",
    r"fra",
    r"som",
    r"skal",
    r"skrives",
    r"er",
    r"se",
    r"her",
    r"evt",
    r"samt",
    r"hvis",
    r"kan",
    r"ingen",
    r"\w*navn\w*",
    r"barnet\w*",
    r"eleven\w*",
    r"cpr",
    r"nr",
    r"fremgår",
    r"står",
    r"nedenfor",
    r"ovenfor",
    r"øverst",
    r"nederst",
)
# A blank form's placeholder ("XXXX XXXX", "NN NN"): a word of one letter repeated, or with no
# vowel.
_PLACEHOLDER = re.compile(r"\b(?:(\w)\1+|[^\Waeiouyæøåäöüéèáíóúëï\s]+)\b", re.IGNORECASE)
# Form fields: "Barnets navn: Mikkel Sørensen", "Mor: Susanne Holm", or the label on a line of
# its own and the name on the next (a form's table as text), or in the cell beside it on its row:
# "| Barnets navn | Sofie Jensen |", and as extraction leaves a row's cells, a space apart (it
# makes one of a run of spaces or a tab).
_FIELD = (
    r"(?:[ \t]*\([^)\n]{0,40}\))?"  # "Mor (forældremyndighed)", "Navn (barn)"
    r"(?:[ \t]*\*)?"  # a required field's star
    r"(?P<sep>[ \t]*:[ \t]*(?:\n[ \t]*){0,2}|[ \t]*(?:\n[ \t]*){1,2}|[ \t]*\|[ \t]*|[ \t]+)"
)
# A list's bullet or number, or a table row's bar, before a form's label ("• Barnets navn:",
# "1. Mor:", "| Mor |").
_BULLET = r"^[ \t]*+(?:\|[ \t]*+)?(?:[•*–-]|\d{1,2}[.)])?[ \t]*+"
# What may follow a form's name on its line: nothing, a comma, a bracket, a semicolon, a slash,
# a full stop ("Barnets navn: Sofie Jensen." went unscreened) or the bar that ends its cell.
_FIELD_END = r"[ \t]*(?:[,(;/|]|\.(?=[ \t]|$)|$)"
_CHILD_LABEL = (
    r"(?:(?:barnets|elevens|den unges)(?: fulde)? navn|navn på (?:barnet|eleven)|"
    r"navn(?=[ \t]*\(barn\))|barn|elev|"
    r"søskende|bror|søster|halvbror|halvsøster|lillebror|lillesøster|storebror|storesøster)"
)
_PARENT_LABEL = (
    r"(?:mor|far|moder|fader|forælder|forældre|mors navn|fars navn|plejemor|plejefar|"
    r"stedmor|stedfar|værge|mormor|morfar|farmor|farfar)"
)
_CHILD_FIELD = re.compile(
    rf"{_BULLET}{_CHILD_LABEL}"
    rf"{_FIELD}(?P<name>{_NAME}(?:[ \t]+(?:og|&)[ \t]+{_NAME})?){_FIELD_END}",
    re.IGNORECASE | re.MULTILINE,
)
# A form's label alone on its line, as a table's cell.
_LABEL_LINE = re.compile(
    rf"{_BULLET}(?:{_CHILD_LABEL}|{_PARENT_LABEL})(?:[ \t]*+\([^)\n]{{0,40}}\))?[ \t]*+\*?[ \t]*+",
    re.IGNORECASE,
)
# Labels that can only be followed by a person's name.
_EXPLICIT_FIELD = re.compile(
    r"\s*+(?:\|[ \t]*+)?(?:[•*–-]|\d{1,2}[.)])?[ \t]*+(?:\w+s navn|navn på)", re.IGNORECASE
)
# A form's direction in a name's place, capitalised too ("Barnets navn: Ikke Oplyst").
_DIRECTION = _words(
    r"ikke",
    r"oplyst",
    r"oplyses",
    r"ukendt",
    r"udfyld\w*",
    r"udeladt",
    r"angiv\w*",
    r"eksempel",
    r"fiktiv\w*",
    r"anonym\w*",
)
_PARENT_FIELD = re.compile(
    rf"{_BULLET}{_PARENT_LABEL}{_FIELD}"
    rf"(?P<name>{_NAME}(?:[ \t]+(?:og|&)[ \t]+{_NAME})?){_FIELD_END}",
    re.IGNORECASE | re.MULTILINE,
)
_AGE = re.compile(r"\b(\d{1,2})(?:\s*år(?:ig\w*)?\b|-årig\w*|\s*måneder\b)|\((\d{1,2})(?:\s*år)?\)")
_INSTITUTION = re.compile(
    r"(?:skole|skolen|kontor|kontoret|center|centret|centeret|huset|børnehave|børnehaven|"
    r"kommune|afdeling|afdelingen|gruppen|teamet|rådet|udvalget|klinik|klinikken|stue|stuen)\b",
    re.IGNORECASE,
)
# "Ida Winther Bak, født 7. maj 2015", "(født 2019)".
_BORN = re.compile(r"[ \t]*[,(]?[ \t]*født(?: den)?[ \t]+(?:\d{1,2}\.[ \t]*\w+\.?[ \t]+)?(\d{4})\b")
_AGE_BEFORE = re.compile(r"\b(\d{1,2})-årige?[ \t]+$")
_CHILD_WORDS = _words(
    r"barn(?:et)?",
    r"drengen",
    r"pigen",
    r"eleven",
    r"den unge",
    r"sønnen",
    r"datteren",
    r"spædbarnet",
    r"(?:lille|store)?(?:bror|søster)(?:en)?",
    r"\d{1,2}\.\s?klasse",
    r"\d{1,2}\.\s?[a-hx]",
    r"klassekammerat\w*",
    r"går\s+(?:i|på)",
)
# Where a child is (a day-care, a placement): said of the name right after it ("Mikkel Sørensen
# er anbragt på", "Ida Bøgh går i vuggestuen"), not of a report's topic around its authors.
_CHILD_PLACES = _words(
    r"børnehave\w*",
    r"vuggestue\w*",
    r"dagpleje\w*",
    r"sfo",
    r"fritids(?:hjem|klub)\w*",
    r"opholdssted\w*",
    r"døgninstitution\w*",
    r"anbragt\w*",
)
# Someone's work, said beside their name.
_ROLE_WORDS = (
    r"\w*(?:sagsbehandler|rådgiver|lærer|pædagog|leder|psykolog|minister|forsker|professor|"
    r"lektor|direktør|formand|chef|konsulent|advokat|læge|sundhedsplejerske|borgmester|rådmand|"
    r"ordfører|forfatter|forstander|medarbejder|koordinator|assistent|terapeut|jurist|"
    r"behandler|politi\w*|betjent|dommer|træner)\w*"
)
_FAMILY_WORDS = (
    r"mand(?:en)?",
    r"kone(?:n)?",
    r"hustru(?:en)?",
    r"ægtefælle(?:n)?",
    r"samlever(?:en)?",
    r"kæreste(?:n)?",
    r"mor(?:en|s)?",
    r"far(?:en|s)?",
    r"moder(?:en)?",
    r"fader(?:en)?",
    r"\w*forælder(?:en|s)?",
    r"\w*forældre(?:ne|s)?",
    r"bedste(?:mor|far)",
    r"pleje(?:mor|far|forælder)",
    r"sted(?:mor|far)",
)
_FAMILY = _words(*_FAMILY_WORDS)
# Said right before or after a name, these make its bearer an adult.
_ADULT_WORDS = _words(*_FAMILY_WORDS, _ROLE_WORDS, r"ph\.d\.", r"cand\.\w+")
# A person's work: their number and address beside it are the office's.
_ROLE = _words(_ROLE_WORDS)
# Said of anyone, a child too: an adult's only where no age says otherwise.
_SPEECH = _words(r"siger", r"udtaler", r"skriver", r"kære")
# A citation's authors ("Hansen, A."): at most five names before the comma, so a page of
# capitalised words is not read to its end from every one of them (200,000 characters of
# "Sofie Sofie …" took over a minute).
_REFERENCE = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,4}}, (?:[{_UPPER}]\.|{_NAME_WORD})")
_SENTENCE_END = re.compile(rf"[.!?](?=\s+[{_UPPER}\"“])|\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) around a span."""
    left = max(
        (m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)),
        default=max(0, start - 300),
    )
    right = _SENTENCE_END.search(text, end, end + 300)
    return left, right.start() if right else min(len(text), end + 300)


def _age_near(text: str, start: int, end: int) -> int | None:
    """An age said right after a name ("Mikkel, 9 år", "Laura (14)", "født 2015") or right
    before it ("den 12-årige Mikkel")."""
    after = _AGE.match(
        text[end : end + 40].lstrip(" ,–-").removeprefix("der er ").removeprefix("på ")
    )
    if after is not None:
        return int(after.group(1) or after.group(2))
    if born := _BORN.match(text, end):
        return max(0, dt.date.today().year - int(born.group(1)))
    before = _AGE_BEFORE.search(text, max(0, start - 20), start)
    return int(before.group(1)) if before else None


_BEFORE_CPR = re.compile(r"[\s,:;()–-]*(?:(?:cpr|personnummer)(?:-nr)?\.?[\s,:;–-]*)?$", re.I)


def _born(text: str, end: int, cpr: Sequence[Finding]) -> dt.date | None:
    """The birth date of the CPR number that follows a name with nothing but a label between
    ("Mikkel Sørensen, CPR-nr. 120514-3318", a form's row)."""
    for finding in cpr:
        if end <= finding.start <= end + 40 and _BEFORE_CPR.match(text[end : finding.start]):
            return _cpr_date(_CPR.match(finding.text))  # type: ignore[arg-type]
    return None


# The names before a particle of descent, right before a mention: the model may give only the
# father's name of "Amira bint Yusuf Haddad".
_DESCENT_BEFORE = re.compile(
    rf"(?<![\w-]){_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}[ \t]+{_ARABIC_PARTICLE}[ \t]+\Z"
)


def _full_name(text: str, mention: Mention) -> tuple[int, int] | None:
    """The span of a person's full name at a mention: the mention itself when it has two or more
    names, or a lone first name followed by capitalised names on its line, and the names before
    a particle of descent in front of it."""
    before = _DESCENT_BEFORE.search(text, max(0, mention.start - 60), mention.start)
    for start in (before.start(), mention.start) if before else (mention.start,):
        match = _FULL_NAME.match(text, start)
        if match is not None and match.end() >= mention.end:
            return match.span()
    return None


# Words that part a name from what is said of someone else ("moderen og Marius Bøgh").
_CONJUNCTION = re.compile(r"\b(?:og|eller|samt|med|end)\b|[.!?;]")


def _words_before(text: str, start: int, count: int = 3) -> str:
    """The last words before a name on its line, after any sentence end or conjunction."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 60) : start]
    parts = _CONJUNCTION.split(before)
    return " ".join(parts[-1].split()[-count:])


def _words_after(text: str, end: int, count: int = 3) -> str:
    """The next words after a name, the next line's too ("Jesper Kristiansen" / "Far"), up to
    a sentence end or a conjunction."""
    return " ".join(_CONJUNCTION.split(text[end : end + 40])[0].split()[:count])


_BOTH = re.compile(r"[ \t]+(?:og|&)[ \t]+")
_LINE_END = re.compile(r"[ \t]*(?:\n|\Z)")


def _ends_row(text: str, end: int) -> bool:
    """Whether a value ending at ``end`` ends its line and its row: a blank line, the text's end
    or the next row's label follows."""
    line_end = _LINE_END.match(text, end)
    if line_end is None:
        return False
    following = text[line_end.end() : line_end.end() + 80].partition("\n")[0]
    return not following.strip() or _LABEL_LINE.fullmatch(following) is not None


# Rows of a label and its value looked back over, to find where a table's rows begin.
_ROWS_BACK = 20


def _line_before(text: str, start: int) -> tuple[int, str] | None:
    """The start and text of the line before the one at ``start`` (a line's beginning), or None
    at the text's start or for a line too long to be a table's cell."""
    if start == 0:
        return None
    found = text.rfind("\n", max(0, start - 102), start - 1)
    if found < 0 and start - 102 > 0:
        return start - 102, text[start - 102 : start - 1]
    return found + 1, text[found + 1 : start - 1]


def _first_cell(text: str, start: int) -> bool:
    """Whether a label alone on its line (at ``start``) is the first cell of its table's row, so
    the next line is its value. A table's rows are written a cell a line, with or without a
    blank line between rows (without, when a page's HTML has no space between its tags): back
    over rows of a label and a name, the table begins after a blank line, a sentence or a
    header. It begins with a name when the rows are a name and then its role ("Alma Kofoed" /
    "Barn"), or with another cell when the label ends a longer row ("Alma Kofoed" /
    "020319-6604" / "Barn"): then the label is the last cell of the row before."""
    header = False
    for _ in range(_ROWS_BACK):
        before = _line_before(text, start)
        if before is None:
            return True
        line_start, line = before[0], before[1].strip()
        if not line or len(line) > 30 or line.endswith((".", ":", "!", "?")):
            return True  # a blank line, a sentence or a heading's field: the rows begin here
        name = (
            _FULL_NAME.fullmatch(line) or _FORM_NAME.fullmatch(line)
        ) and not _INSTITUTION.search(line)
        if re.search(r"\d", line) or (header and name):
            return False  # a number's cell, or a row's cells before the label
        if not name:
            # A header's ("Navn" / "Rolle"), unless a row's cells come before it ("Alma
            # Kofoed" / "Odense" / "Barn").
            header = True
            start = line_start
            continue
        label = _line_before(text, line_start)
        if label is None or not _LABEL_LINE.fullmatch(label[1]):
            return False  # a name first: the label is its row's last cell
        start = label[0]
    return False


# A role's cell after a name, in a table whose rows are a name and then its role ("Sofie
# Jensen" / "Barnet"): a form's label, or the role's word with its article.
_ROLE_CELL = re.compile(
    rf"(?:(?P<child>{_CHILD_LABEL}|barnet|eleven|plejebarn(?:et)?|søn(?:nen)?|datter(?:en)?)|"
    rf"{_PARENT_LABEL}|moderen|faderen)(?:[ \t]*\([^)\n]{{0,40}}\))?[ \t]*\*?",
    re.IGNORECASE,
)
# A header over a table's rows of a name and a role ("Navn" / "Rolle").
_NAME_HEADER = re.compile(r"(?:fulde )?navn", re.IGNORECASE)
_ROLE_HEADER = re.compile(r"(?:rolle|rolle i sagen|relation|relation til barnet|tilknytning)", re.I)
# The longest cell read as a name or a role.
_CELL_MAX = 60


@dataclass(frozen=True)
class _Line:
    """A page's line as a table's cell or row: blank (""), a name ("name"), a role ("role"), a
    row of both, the name first ("row"), or anything else ("other")."""

    kind: str
    start: int = 0
    end: int = 0
    child: bool = False


def _is_name_cell(cell: str) -> bool:
    return (
        len(cell) <= _CELL_MAX
        and _FORM_NAME.fullmatch(cell) is not None
        and not _INSTITUTION.search(cell)
        and not _DIRECTION.search(cell)
    )


def _line_kinds(text: str) -> list[_Line]:
    """What each of a page's lines is, with the span of its name or role (a table's bars
    around a cell left out: "| Mor |")."""
    lines = []
    position = 0
    for raw in text.split("\n"):
        at, position = position, position + len(raw) + 1
        line = raw.strip().strip("|").strip()
        if not line:
            lines.append(_Line(""))
            continue
        start = at + raw.index(line)
        if len(line) > 2 * _CELL_MAX + 3:
            lines.append(_Line("other", start, start + len(line)))
            continue
        cells = line.split("|")
        role = _ROLE_CELL.fullmatch(cells[-1].strip())
        if len(cells) == 1 and role is not None:
            lines.append(_Line("role", start, start + len(line), role.group("child") is not None))
        elif len(cells) == 1 and _is_name_cell(line):
            lines.append(_Line("name", start, start + len(line)))
        elif len(cells) == 2 and role is not None and _is_name_cell(cells[0].strip()):
            name = cells[0].strip()
            start += cells[0].index(name)
            lines.append(_Line("row", start, start + len(name), role.group("child") is not None))
        else:
            lines.append(_Line("other", start, start + len(line)))
    return lines


def _name_first_rows(text: str) -> list[tuple[_Line, int, bool]]:
    """The rows of the page's tables written a name and then its role ("Susanne Holm | Mor" /
    "Sofie Jensen | Barn"): each row's name (its span, whether its role is a child's), its
    role's line start when a cell a line (-1 on the name's own line), and whether the row is
    its table's only one. HTML extraction writes such rows a cell a line, and read label first,
    a role ending its row took the next row's name for its own ("Mor" / "Sofie Jensen": the
    child a parent).

    A run of lines of names and roles (with or without a blank line between rows) is read name
    first when every row of it is a name and then a role: each part of it between blank lines
    begins with a name and ends with a role, name and role in turn. A header says so too
    ("Navn" / "Rolle"): a run after one is read in pairs from its start, whatever follows its
    last row (the next paragraph's name). A run a form's label begins ("Barnets navn" / "Sofie
    Jensen") is read as before, and so is one whose first cell is ambiguous: an odd line
    ("Susanne Holm" / "Barnets navn" / "Sofie Jensen" / "Mor" / "Susanne Holm")."""
    lines = _line_kinds(text)
    rows: list[tuple[_Line, int, bool]] = []
    i = 0
    while i < len(lines):
        if lines[i].kind not in ("name", "role", "row"):
            i += 1
            continue
        # A run: lines of names, roles or rows of both, a single blank line allowed between.
        first = last = i
        while last + 1 < len(lines) and (
            lines[last + 1].kind in ("name", "role", "row")
            or (
                not lines[last + 1].kind
                and last + 2 < len(lines)
                and lines[last + 2].kind in ("name", "role", "row")
            )
        ):
            last += 1
        i = last + 1
        run = [line for line in lines[first : last + 1] if line.kind]
        if all(line.kind == "row" for line in run):
            # Rows of a name and its role on one line ("| Liam Holm | Elev |").
            rows += [(line, -1, len(run) == 1) for line in run]
            continue
        header = [line for line in lines[max(0, first - 3) : first] if line.kind][-2:]
        by_header = (
            len(header) == 2
            and all(line.kind == "other" for line in header)
            and _NAME_HEADER.fullmatch(text[header[0].start : header[0].end]) is not None
            and _ROLE_HEADER.fullmatch(text[header[1].start : header[1].end]) is not None
        )
        # Lines a blank line apart are rows apart; a role's line alone after the first row is
        # a row with an empty name cell ("Far" / "").
        blocks: list[list[_Line]] = [[]]
        for line in lines[first : last + 1]:
            if line.kind:
                blocks[-1].append(line)
            else:
                blocks.append([])
        blocks = blocks[:1] + [b for b in blocks[1:] if [line.kind for line in b] != ["role"]]
        if any(len(block) % 2 for block in blocks) and not by_header:
            continue  # a name or a label beyond the rows: which is a row's first cell?
        cells = [line for block in blocks for line in block]
        pairs = list(zip(cells[::2], cells[1::2], strict=False))
        if not pairs or any(name.kind != "name" or role.kind != "role" for name, role in pairs):
            continue
        rows += [
            (_Line("name", name.start, name.end, role.child), role.start, len(pairs) == 1)
            for name, role in pairs
        ]
    return rows


def _names(
    page: int, text: str, people: Sequence[Mention], cpr: Sequence[Finding]
) -> list[Finding]:
    found: dict[tuple[int, int], Finding] = {}
    known = _covering((m.start, m.end) for m in people)
    # A table's rows of a name and then its role: the role's the name before it, not after.
    name_first = _name_first_rows(text)
    roles_after = {text.rfind("\n", 0, role) + 1 for _name, role, _alone in name_first if role >= 0}
    for row, _role, alone in name_first:
        start, end = row.start, row.end
        name = text[start:end]
        if _NOT_A_NAME.search(name) or _PLACEHOLDER.search(name):
            continue
        if alone and not (known(start) or _known_first_name(name)):
            continue  # one row alone: a heading's words over a line, unless a known name
        kind = Kind.CHILD_NAME if row.child else Kind.PARENT_NAME
        found[(start, end)] = Finding(kind, page, start, end, name)
    for pattern, kind in ((_CHILD_FIELD, Kind.CHILD_NAME), (_PARENT_FIELD, Kind.PARENT_NAME)):
        for match in pattern.finditer(text):
            start, end = match.span("name")
            name, sep = match.group("name", "sep")
            if "\n" in sep and ":" not in sep and match.start() in roles_after:
                continue  # a role ending its row: the next line is the next row's name
            if _DIRECTION.search(name):
                continue
            if not all(_FORM_NAME.fullmatch(part) for part in _BOTH.split(name)) and not (
                sep.strip() in (":", "|")
                and "\n" not in sep
                and _EXPLICIT_FIELD.match(match.group())
                and not _NOT_A_NAME.search(name)
                and not _PLACEHOLDER.search(name)
            ):
                # In capitals or lower case: a name only right after a label for one, a colon or
                # a table's bar between.
                continue
            if both := _BOTH.search(name):
                second = start + both.end()
                found[(second, end)] = Finding(kind, page, second, end, text[second:end])
                end = start + both.start()
                name = text[start:end]
            # A label alone on its line, its row's first cell: the name on the next line is its
            # own ("Barnets navn" / "Sofie Jensen" / "Mor" / "Susanne Holm", a table's rows as
            # HTML extraction writes them, a cell a line).
            own_cell = sep.count("\n") == 1 and _first_cell(text, match.start())
            if (
                ":" not in sep
                and not _EXPLICIT_FIELD.match(match.group())
                and not (known(start) or _known_first_name(name))
                and not (
                    own_cell
                    and _ends_row(text, match.end("name"))
                    and not _NOT_A_NAME.search(name)
                    and not _PLACEHOLDER.search(name)
                )
            ):
                continue  # a heading ("Barn Og Familie") or a line under one, not a form's field
            if kind == Kind.CHILD_NAME and ":" not in sep and "\n" in sep:
                # A label alone on its line may be the last cell of a table's row before
                # ("Barn (født 2019)" / "" / "Mette Kofoed" / "110588-1946" / "Mor").
                born = _born(text, end, cpr)
                if born is not None and 18 < dt.date.today().year - born.year < 100:
                    continue
                if not own_cell and _FAMILY.search(_words_after(text, end, 4)):
                    continue
            found[(start, end)] = Finding(kind, page, start, end, name)
    taken = _covering((f.start, f.end) for f in found.values())
    children: dict[tuple[int, int], Finding] = {}
    adult_names: set[str] = set()
    # The last full name read back over a particle of descent from a mention ("Amira bint Yusuf
    # Haddad" of the model's "Yusuf"): a later mention inside it ("Haddad") is a part of that
    # name, not another person's. Only such a span: a full name of capitalised words may run
    # into the next person's ("socialrådgiver Anne Mørk Mikkel Sørensen (9 år)"), who keeps
    # a finding of their own.
    descent = (0, 0)
    for mention in people:
        if mention.kb_id is not None or taken(mention.start):
            continue  # a known public person, or already a form field's name
        if _REFERENCE.match(text, mention.start):
            continue  # "Bruun Hedegaard, Lisbet" in a reference list: an author
        span = _full_name(text, mention)
        if span is None:
            continue  # a first name alone: a pseudonym, as reports write their cases
        start, end = span
        if descent[0] <= mention.start and mention.end <= descent[1]:
            continue
        if start < mention.start:
            descent = span
        if _INSTITUTION.search(text[start:end]):
            continue  # "Skolekontoret Vestskolen": a place, whatever the model said
        left, right = _sentence(text, start, end)
        beside = _words_before(text, start) + " " + _words_after(text, end)
        age = _age_near(text, start, end)
        if age is not None and age >= 18:
            continue
        # "Pigen Ida Sørensen savner sin mor": the word that names her says who she is; the
        # mother after it is someone else.
        named_a_child = bool(_CHILD_WORDS.search(_words_before(text, start, 1)))
        if age is None and not named_a_child and _ADULT_WORDS.search(beside):
            if _FAMILY.search(beside):
                found[span] = Finding(Kind.PARENT_NAME, page, start, end, text[start:end])
            else:
                adult_names.add(text[start:end])
            continue
        if age is None and _SPEECH.search(beside):
            continue
        if _ADDRESS.match(text, end + len(text[end:]) - len(text[end:].lstrip())):
            continue  # a letter's addressee, the address on the next line: an adult
        # What the sentence says close to the name: "drengen Mikkel Sørensen", "Mikkel
        # Sørensen er anbragt på", not a report title about placed children far off.
        close = text[max(left, start - 60) : min(right, end + 60)]
        born = _born(text, end, cpr)
        # The CPR number right after the name is an adult's. (One that says its bearer is over
        # a hundred was most likely written with the wrong seventh digit: no age then.)
        if born is not None and 18 < dt.date.today().year - born.year < 100:
            continue
        if (
            age is not None
            or born is not None
            or _CHILD_WORDS.search(close)
            or _CHILD_PLACES.search(_words_after(text, end, 4))
            or _class_in_prose(text, start, end)
        ):
            children[span] = Finding(Kind.CHILD_NAME, page, start, end, text[start:end])
    # A name the page gives a role or a parent's place anywhere ("Anne Mørk, klasselærer")
    # is an adult's wherever else it stands.
    adults = {normalized(Kind.CHILD_NAME, n) for n in adult_names} | {
        normalized(Kind.CHILD_NAME, f.text) for f in found.values() if f.kind == Kind.PARENT_NAME
    }
    for span, child in children.items():
        if normalized(Kind.CHILD_NAME, child.text) not in adults:
            found[span] = child
    return list(found.values())


_CLASS = re.compile(r"\b\d{1,2}\.[ \t]?[a-hx]\b|\b\d{1,2}\.[ \t]?klasse\b")


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph around a span, at most 200 characters either side."""
    left = text.rfind("\n\n", max(0, start - 200), start)
    right = text.find("\n\n", end, end + 200)
    return (left + 2 if left >= 0 else max(0, start - 200), right if right >= 0 else end + 200)


def _class_in_prose(text: str, start: int, end: int) -> bool:
    """A school class said in the name's paragraph of prose ("Holdet fra 4.a bestod af …");
    a table's row (lines) says it of the row's own pupil only."""
    left, right = _paragraph(text, start, end)
    return "\n" not in text[left:right] and _CLASS.search(text, left, right) is not None


_CPR_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?:cpr|personnummer)(?:-nr)?\.?:?[ \t]*\d\d\D?\d\d\D?\d\d", re.I
)
_CLASS_AFTER = re.compile(r"[ \t]*,[ \t]*\d{1,2}\.[ \t]?[a-hx]\b")


def _people(page: int, text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """The page's persons: the pipeline's PER mentions, and any run of capitalised names the
    pipeline took for something else or missed ("Karla Mønsted" as an organisation) unless the
    knowledge base knows it, when it starts with a known first name or an age, a CPR number or
    a class follows it."""
    people = [m for m in mentions if m.label == "PER"]
    # An unknown "organisation" of two names with an age after it is a person too.
    people += [
        m
        for m in mentions
        if m.label in ("ORG", "LOC")
        and m.kb_id is None
        and _FULL_NAME.fullmatch(m.text)
        and not _INSTITUTION.search(m.text)
        and _age_near(text, m.start, m.end) is not None
    ]
    known = [m for m in mentions if m.label == "PER" or m.kb_id is not None]
    for match in _FULL_NAME.finditer(text):
        start, end = match.span()
        if _INSTITUTION.search(match.group()):
            continue
        if not (
            _known_first_name(match.group())
            or _age_near(text, start, end) is not None
            or _CPR_AFTER.match(text, end)
            or _CLASS_AFTER.match(text, end)
        ):
            continue
        if any(m.start < end and start < m.end for m in known):
            continue
        people.append(
            Mention(
                text=match.group(),
                label="PER",
                kb_id=None,
                canonical=match.group(),
                page=page,
                start=start,
                end=end,
            )
        )
    return sorted(people, key=lambda m: m.start)


def _covering(spans: Iterable[tuple[int, int]]) -> Callable[[int], bool]:
    """Whether a position lies in one of ``spans``, in logarithmic time: compared with every
    span, each name of a page of thousands of form fields took 200,000 characters 16 s."""
    ordered = sorted(spans)
    starts = [start for start, _end in ordered]
    reach = list(itertools.accumulate((end for _start, end in ordered), max))

    def covers(position: int) -> bool:
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and reach[index] > position

    return covers


def _private_adults(
    page: int,
    text: str,
    people: Sequence[Mention],
    names: Sequence[Finding],
    contact: Sequence[Finding],
) -> list[Finding]:
    """The full names of the people whose private number, e-mail or home address stands right
    after their name (a signature, a row of a contact list)."""
    found = []
    named = _covering((f.start, f.end) for f in names)
    for mention in people:
        if mention.kb_id is not None or named(mention.start):
            continue
        span = _full_name(text, mention)
        if span is None or _INSTITUTION.search(text[span[0] : span[1]]):
            continue
        start, end = span
        following = text[end : end + 80]
        if _ADULT_WORDS.search(_words_after(text, end)) and not _FAMILY.search(
            _words_after(text, end)
        ):
            continue  # a title after the name: someone at work
        if any(end <= f.start < end + 80 and "\n\n\n" not in following for f in contact):
            found.append(Finding(Kind.PARENT_NAME, page, start, end, text[start:end]))
    return found


# --- Tables ----------------------------------------------------------------------------------

_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_CHILD_HEADER = re.compile(
    r"(?:elev|elever|elevens navn|barn|barnets navn|børn|børnene|navn \(barn\))", re.I
)
_PARENT_HEADER = re.compile(
    r"(?:forælder|forældre|mor|far|kontaktforælder|pårørende|værge)(?: \([^)]*\))?", re.I
)
_SEVERAL = re.compile(r"[ \t]+(?:/|og|&)[ \t]+")


def _table_cells(text: str) -> list[tuple[int, int, str]]:
    """The cells of the tables on a page, each with its column's header: a table reads as a
    block of short header lines, then blocks of as many lines, one a row."""
    cells: list[tuple[int, int, str]] = []
    headers: list[str] | None = None
    for block in _BLOCK.finditer(text):
        lines = [
            (block.start() + m.start(), block.start() + m.end())
            for m in re.finditer(r"[^\n]+", block.group())
        ]
        if headers is not None and len(lines) == len(headers):
            cells += [
                (start, end, header) for (start, end), header in zip(lines, headers, strict=True)
            ]
            continue
        texts = [text[start:end].strip() for start, end in lines]
        headers = None
        if (
            len(lines) >= 2
            and all(len(t) <= 30 and not re.search(r"\d", t) for t in texts)
            and not _is_field(texts)
        ):
            headers = [t.rstrip(":").strip() for t in texts]
    return cells


def _is_field(lines: Sequence[str]) -> bool:
    """Whether a block's lines begin with a form's label and the name it gives ("Barnets navn" /
    "Sofie Jensen"): a table's row of a label and its value, not a header over the rows after
    it (read as one, it put "Mor" / "Susanne Holm" in a column of children)."""
    field = "\n".join(lines[:2])
    return bool(_CHILD_FIELD.fullmatch(field) or _PARENT_FIELD.fullmatch(field))


def _table_names(page: int, text: str, cells: Sequence[tuple[int, int, str]]) -> list[Finding]:
    """Names in a table's column of pupils or children, and of their parents."""
    found = []
    for start, end, header in cells:
        if _CHILD_HEADER.fullmatch(header):
            kind = Kind.CHILD_NAME
        elif _PARENT_HEADER.fullmatch(header):
            kind = Kind.PARENT_NAME
        else:
            continue
        position = start
        for part in _SEVERAL.split(text[start:end]):
            at = text.index(part, position, end)
            position = at + len(part)
            name = part.strip()
            if _FULL_NAME.fullmatch(name) and not _INSTITUTION.search(name):
                found.append(Finding(kind, page, at, at + len(name), name))
    return found


def _in_number_column(finding: Finding, cells: Sequence[tuple[int, int, str]]) -> bool:
    """A number in a column headed "Journalnr." or "CVR" is that, whatever it looks like."""
    return any(
        start <= finding.start < end and _NUMBER_LABEL.search(header) is not None
        for start, end, header in cells
    )


# --- The step's rules ---------------------------------------------------------------------------


def screen(pages: Sequence[tuple[int, str]], mentions: Iterable[Mention]) -> list[Finding]:
    """Every finding of personal data in a document's pages, in page order."""
    by_page: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_page.setdefault(mention.page, []).append(mention)
    findings: list[Finding] = []
    for number, text in pages:
        on_page = by_page.get(number, [])
        people = _people(number, text, on_page)
        orgs = [m for m in on_page if m.label == "ORG"]
        cells = _table_cells(text)
        cpr = [f for f in _cpr_numbers(number, text, cells) if not _in_number_column(f, cells)]
        names = _names(number, text, people, cpr)
        taken = {(f.start, f.end) for f in names}
        names += [f for f in _table_names(number, text, cells) if (f.start, f.end) not in taken]
        case = bool(cpr) or any(f.kind == Kind.CHILD_NAME for f in names)
        contact = [
            f
            for f in _contact_data(number, text, people, orgs, case=case)
            if not _in_number_column(f, cells)
        ]
        findings += cpr + names + contact + _private_adults(number, text, people, names, contact)
    return sorted(_one_finding_per_person(findings), key=lambda f: (f.page, f.start))


_NAME_KINDS = (Kind.CHILD_NAME, Kind.PARENT_NAME)


def _one_finding_per_person(findings: Sequence[Finding]) -> list[Finding]:
    """A name in the genitive ("Zenobia Krogsgaard-Holms mor") is the name the document also
    gives without the -s, with its key, so that redacting one redacts the other. A name found as
    a child's is a child's wherever the document gives it: a parent's word or a private number
    after it ("Forældrenes private mobil") is someone else's."""
    names = {normalized(f.kind, f.text) for f in findings if f.kind in _NAME_KINDS}
    folded = [
        Finding(f.kind, f.page, f.start, f.end - 1, f.text[:-1])
        if f.kind in _NAME_KINDS
        and f.text.endswith("s")
        and normalized(f.kind, f.text[:-1]) in names
        else f
        for f in findings
    ]
    children = {normalized(f.kind, f.text) for f in folded if f.kind == Kind.CHILD_NAME}
    return list(
        dict.fromkeys(
            Finding(Kind.CHILD_NAME, f.page, f.start, f.end, f.text)
            if f.kind == Kind.PARENT_NAME and normalized(f.kind, f.text) in children
            else f
            for f in folded
        )
    )


# --- Redaction -------------------------------------------------------------------------------


def redact(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by "[skjult]"."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            start = last
        if end <= start:
            continue
        pieces += [text[last:start], REDACTED]
        last = end
    return "".join(pieces) + text[last:]


def _literal_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    return [
        match.span()
        for word in words
        for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    ]


def redaction_spans(text: str, keys: set[str]) -> list[tuple[int, int]]:
    """Everywhere ``text`` says what a redacted key stands for. The patterns are read without
    their context, and every run of capitalised names is tried, so a redaction holds wherever
    the words stand (a CPR number repeated in a table, a name said again) and after the rules
    or the model change."""
    spans = []
    for kind, pattern in ((Kind.CPR, _CPR), (Kind.PHONE, _PHONE), (Kind.EMAIL, _EMAIL)):
        spans += [m.span() for m in pattern.finditer(text) if finding_key(kind, m.group()) in keys]
    for match in _ADDRESS.finditer(text):
        # The street and number alone, or with the floor and town as they were found.
        for end in (match.end(), match.start() + len(match.group().split(",")[0])):
            if finding_key(Kind.ADDRESS, text[match.start() : end]) in keys:
                spans.append((match.start(), end))

    # A name said again is hashed once: a page of "Aa Aa …" (200,000 characters) took 3 s.
    @functools.cache
    def redacted(name: str) -> bool:
        return bool(_name_keys(name) & keys)

    for match in _NAME_RUN.finditer(text):
        words = list(re.finditer(r"\S+", match.group()))
        # A particle of descent ("bint") is no name of its own: a name neither begins nor ends
        # with one, and it is not counted among the five.
        particle = [_PARTICLE_WORD.fullmatch(word.group()) is not None for word in words]
        for i in range(len(words)):
            if particle[i]:
                continue
            names = 1
            for j in range(i + 1, len(words)):
                if particle[j]:
                    continue
                names += 1
                if names > 5:
                    break
                start, end = match.start() + words[i].start(), match.start() + words[j].end()
                name = text[start:end].rstrip(",.:;")
                end = start + len(name)
                # A redacted name in the genitive too ("Mikkel Sørensens").
                if redacted(name) or (name.endswith("s") and redacted(name[:-1])):
                    spans.append((start, end))
    return spans


def _name_keys(name: str) -> set[str]:
    return {finding_key(kind, form) for form in _name_forms(name) for kind in _NAME_KINDS}


def _name_forms(name: str) -> set[str]:
    """The ways a text may write a name a curator redacted: with an en dash for its hyphen,
    one hyphen for a space or a space for one ("Zenobia Krogsgaard Holm"), and "Last, First"
    turned round. A tester found each of them left standing beside "[skjult]"."""
    name = name.replace("\u2013", "-")
    last, comma, first = name.partition(",")
    forms = {name, f"{first.strip()} {last.strip()}"} if comma else {name}
    for form in list(forms):
        forms |= {
            form[:i] + ("-" if char == " " else " ") + form[i + 1 :]
            for i, char in enumerate(form)
            if char in " -"
        }
    return forms


# Any run of capitalised words, across a line break and in capitals too ("MIKKEL SØRENSEN"), a
# later one with an Arabic article ("Yusuf al-Hassan") or after a particle of descent ("Amira
# bint Yusuf"): a redacted name is looked for in every run of two to five of them. A run begins
# a word, and a word is not given back: tried from inside one, 20,000 capitals without a space
# took 5 s.
_NAME_CHARS = r"\wæøåÆØÅéü'’.,:;\u2013-"
_NAME_RUN = re.compile(
    rf"(?<![{_NAME_CHARS}])[{_UPPER}][{_NAME_CHARS}]*+"
    rf"(?:\s+(?:{_ARABIC_PARTICLE}\s+)?(?:(?:al|el)-)?[{_UPPER}][{_NAME_CHARS}]*+)+"
)


# --- The step on a document ------------------------------------------------------------------


def redacted_keys(session: Session, *, document_ids: Sequence[str]) -> dict[str, set[str]]:
    """The keys curators redacted in each of these documents (none: an empty set)."""
    decided = personal_store.decisions(session, document_ids=document_ids)
    return {
        document_id: {
            key for key, action in decided.get(document_id, {}).items() if action == Decision.REDACT
        }
        for document_id in document_ids
    }


def redact_pages(
    session: Session, *, document_id: str, pages: Sequence[tuple[int, str]], keys: set[str]
) -> list[tuple[int, str]]:
    """The document's pages with the redactions of ``keys`` (``redacted_keys``) applied, stored
    when that changed them."""
    if not keys:
        return list(pages)
    # The words of the findings stored for those keys, too, wherever they stand: a name the
    # patterns do not read as one ("O'Brien") is still found by its own spelling.
    words = {
        finding.text
        for finding in personal_store.findings_of(session, document_id=document_id)
        if finding.key in keys
    }
    redacted = [
        (number, redact(text, redaction_spans(text, keys) + _literal_spans(text, words)))
        for number, text in pages
    ]
    if redacted != list(pages):
        document_store.update_page_texts(
            session,
            document_id=document_id,
            pages=[page for page, old in zip(redacted, pages, strict=True) if page != old],
        )
        # New text: its passages are embedded again, and the old vectors' text is gone.
        document_store.forget_embeddings(session, document_ids=[document_id])
    document = session.get(Document, document_id)
    if document is not None:
        title = redact(
            document.title,
            redaction_spans(document.title, keys) + _literal_spans(document.title, words),
        )
        if title != document.title:
            document.title = title
            # Every passage begins with the title.
            document_store.forget_embeddings(session, document_ids=[document_id])
        # An author who is a redacted name goes (a case note's writer is a private person);
        # one who names it among others keeps the rest: left, the name stayed searchable and
        # in every citation and OAI-PMH record.
        authors = [a for a in (_redacted_author(a, keys, words) for a in document.authors) if a]
        if authors != document.authors:
            document.authors = authors
        document.filename = redact_filename(document.filename, keys)
    return redacted


# A word of a file's name: the words of a name or the digits of a number, between dashes,
# underscores, dots and spaces.
_FILENAME_WORD = re.compile(r"[^\W_]+")
_FILENAME_NAME_WORDS = 4
FILENAME_REDACTED = "skjult"


def redact_filename(filename: str, keys: set[str]) -> str:
    """The file's name with what the redacted ``keys`` stand for replaced: a case note is often
    named after its child ("referat-zenobia-krogsgaard-holm.html"), and the name stayed in
    search results, on the document's page and in its run after the text was redacted. The
    name's words are tried with a space or a hyphen between them, as the key was made."""
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    words = list(_FILENAME_WORD.finditer(stem))
    spans: list[tuple[int, int]] = []
    for first in range(len(words)):
        for last in range(first, min(first + _FILENAME_NAME_WORDS, len(words))):
            run = [word.group() for word in words[first : last + 1]]
            texts = {
                run[0] + "".join(j + w for j, w in zip(joins, run[1:], strict=True))
                for joins in itertools.product(" -", repeat=len(run) - 1)
            }
            found = {finding_key(kind, t) for t in texts for kind in _NAME_KINDS}
            if "".join(run).isdigit():
                found |= {
                    finding_key(Kind.CPR, "".join(run)),
                    finding_key(Kind.PHONE, "".join(run)),
                }
            if found & keys:
                spans.append((words[first].start(), words[last].end()))
    if not spans:
        return filename
    kept, end = [], 0
    for start, stop in sorted(spans):
        if start >= end:
            kept.append(stem[end:start] + FILENAME_REDACTED)
        end = max(end, stop)
    return "".join(kept) + stem[end:] + (f".{suffix}" if dot else "")


def _redacted_author(author: str, keys: set[str], words: set[str]) -> str | None:
    """None for an author who is a redacted name, written "First Last" or "Last, First";
    else the author with any redacted name in it ("Anne Holm og Peter Berg") redacted."""
    last, comma, first = author.partition(",")
    turned = f"{first.strip()} {last.strip()}"
    for form in [author.strip(), turned] if comma else [author.strip()]:
        if (0, len(form)) in redaction_spans(form, keys) + _literal_spans(form, words):
            return None
    return redact(author, redaction_spans(author, keys) + _literal_spans(author, words))


def screen_document(
    session: Session,
    *,
    document_id: str,
    title: str,
    pages: Sequence[tuple[int, str]],
    mentions: Iterable[Mention],
) -> bool:
    """Screen a document's (redacted) title and pages and store the findings; return whether
    it is held back. The title is page 0: it may come from a file's own metadata, which is not
    in the text."""
    rows = [
        personal_store.FindingRow(
            page=f.page,
            start=f.start,
            end=f.end,
            kind=f.kind,
            text=f.text,
            key=f.key,
            holds=f.kind.holds,
        )
        for f in screen([(TITLE_PAGE, title), *pages], mentions)
    ]
    return personal_store.record_screening(
        session, document_id=document_id, findings=rows, version=SCREENING_VERSION
    )
