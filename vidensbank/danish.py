"""Danish names the whole project writes and reads."""

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
