"""Danish names the whole project writes and reads, and how it writes numbers, counts and
times for people."""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# The months, January first, as Danish writes them (lower case).
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

# Danish letters as Danes write them in ASCII ("Børnerådet" → "Boerneraadet"): file names, keys
# and identifiers that must be ASCII.
ASCII_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})

# Æ, Ø and Å come after Z in Danish order, and "aa" is an old spelling of "å" ("Aabenraa" sorts
# as "Åbenrå"). They are set to the three code points after "z" before accents are dropped, so
# "Émile" sorts with "Emil" and "Øster" after "Zealand".
_AFTER_Z = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|"})


def sort_key(text: str) -> str:
    """Key that sorts ``text`` in Danish alphabetical order, regardless of case and accents."""
    folded = unicodedata.normalize("NFC", text).casefold().replace("aa", "å").translate(_AFTER_Z)
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def danish_number(n: int) -> str:
    """A whole number with Danish thousands separators: ``12.345``."""
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class Noun:
    """A noun in the singular and the plural, to count with."""

    singular: str
    plural: str

    def count(self, n: int) -> str:
        """``1 fil``, ``2 filer``, ``1.204 dokumenter``."""
        return f"{danish_number(n)} {self.singular if n == 1 else self.plural}"


# What more than one part of the project counts.
FILES = Noun("fil", "filer")
DOCUMENTS = Noun("dokument", "dokumenter")
ORIGINALS = Noun("original", "originaler")


def number(value: float, decimals: int = 1) -> str:
    """A number as Danish writes it: rounded to ``decimals``, with a decimal comma and without
    trailing zeros (``60``, ``12,3``, ``0,5``)."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def date_and_time(moment: dt.datetime, *, seconds: bool = False) -> str:
    """A moment as Danish writes it, in Danish time: ``5. december 2026 kl. 13:04``. Stored
    moments are in UTC (a naive one too); a reader takes "kl. 13:04" as the clock on the wall."""
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(DANISH_TIME)
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{moment.day}. {MONTHS[moment.month - 1]} {moment.year} kl. {clock}"
