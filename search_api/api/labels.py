"""The entity labels in Danish: the pages and the API name a label the same way."""

# Each label's Danish name, as the pages show it.
LABELS = {
    "PER": "Person",
    "ORG": "Organisation",
    "LOC": "Sted",
    "LAW": "Lov",
    "INITIATIVE": "Indsats",
    "DATE": "Dato",
    "MONEY": "Beløb",
}
# Each with its article, for a sentence: "Det er ikke et beløb" ("en beløb" was written).
WITH_ARTICLE = {
    "PER": "en person",
    "ORG": "en organisation",
    "LOC": "et sted",
    "LAW": "en lov",
    "INITIATIVE": "en indsats",
    "DATE": "en dato",
    "MONEY": "et beløb",
}
