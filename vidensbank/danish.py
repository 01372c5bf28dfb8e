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
