"""Danish names the whole project writes and reads."""

import unicodedata

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
