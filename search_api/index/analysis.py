"""The Danish analysis chain of the index, built from core Elasticsearch and our plugin.

The node from Maven Central has no ``analysis-common`` module, so the Danish parts come from
the project's own plugin (``search_api/index/es_plugin``), which registers Lucene's Danish Snowball
stemmer, Scandinavian normalisation and a Danish decompounder. Each feature can be switched
off, which is how the relevance benchmark measures what each one adds.

Order matters: compounds are split before normalisation (which rewrites letter pairs across
the joins, "dataanalyse" → "datånalyse"), and stemming comes last.

English text (the pages detected as English, and the title of an English document) is also
indexed through an English chain, in fields of its own: the plugin's possessive filter and KStem,
Lucene's mild English stemmer ("reporting", "reported" → "report"; "children's" → "children").
"""

from typing import Any

from pydantic import BaseModel

# Relative to the Elasticsearch config dir; scripts/install_elasticsearch.sh puts it there.
WORD_LIST_PATH = "vidensbank/danish_words.txt"


class AnalysisOptions(BaseModel):
    stemming: bool = True
    decompounding: bool = True
    folding: bool = True

    @property
    def name(self) -> str:
        off = [f for f in ("stemming", "decompounding", "folding") if not getattr(self, f)]
        return "danish" if not off else "danish-without-" + "-".join(off)


def _chain(options: AnalysisOptions, *, decompound: bool) -> list[str]:
    filters = ["da_possessive", "lowercase"]
    if decompound and options.decompounding:
        filters.append("da_decompound")
    if options.folding:
        filters.append("da_normalize")
    filters.append("da_stop")
    if options.stemming:
        filters.append("da_stem")
    return filters


def analysis_settings(options: AnalysisOptions) -> dict[str, Any]:
    return {
        "filter": {
            "da_stop": {"type": "stop", "stopwords": "_danish_"},
            "da_decompound": {
                "type": "vb_decompound_da",
                "word_list_path": WORD_LIST_PATH,
            },
            "da_normalize": {"type": "vb_scandinavian_normalization"},
            "da_stem": {"type": "vb_danish_stemmer"},
            # The genitive of an abbreviation ("FN's", "KL’s"): the name itself. Kept, it was a
            # word of its own that neither "FN" nor "FN’s" with the other apostrophe found.
            "da_possessive": {"type": "vb_english_possessive"},
            "en_possessive": {"type": "vb_english_possessive"},
            "en_stop": {"type": "stop", "stopwords": "_english_"},
            "en_stem": {"type": "vb_english_stemmer"},
        },
        "analyzer": {
            # Index time: compounds also stand as their parts ("børneinddragelse" is found by
            # "inddragelse af børn").
            "da_index": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": _chain(options, decompound=True),
            },
            # Query time: no parts, so a compound in the query does not match every document
            # that has one of its parts; the query layer asks for the parts separately.
            "da_search": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": _chain(options, decompound=False),
            },
            # The parts of the words of a query, for the query layer.
            "da_parts": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["da_possessive", "lowercase", "da_decompound"]
                if options.decompounding
                else ["da_possessive", "lowercase"],
            },
            # Exact spelling, lower-cased: ranks the user's own spelling first and feeds the
            # "Mente du …?" suggestions from the corpus' own words.
            "da_exact": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["da_possessive", "lowercase"],
            },
            # English text, at index and query time alike (English has no compounds to split).
            "en": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["en_possessive", "lowercase", "en_stop", "en_stem"],
            },
        },
    }


def text_field(
    options: AnalysisOptions | None, *, exact: bool = True, offsets: bool = False
) -> dict[str, Any]:
    """A text field with the Danish chain (the ``standard`` analyzer when ``options`` is None),
    with an ``exact`` sub-field unless told otherwise; with ``offsets``, it keeps its terms'
    offsets for the highlighter."""
    field: dict[str, Any] = (
        {"type": "text", "analyzer": "standard"}
        if options is None
        else {"type": "text", "analyzer": "da_index", "search_analyzer": "da_search"}
    )
    if exact:
        field["fields"] = {"exact": {"type": "text", "analyzer": "da_exact"}}
    if offsets:
        field["index_options"] = "offsets"
    return field


def english_field(options: AnalysisOptions | None, *, offsets: bool = False) -> dict[str, Any]:
    """A text field with the English chain (the ``standard`` analyzer when ``options`` is None,
    the measured baseline)."""
    field: dict[str, Any] = {"type": "text", "analyzer": "standard" if options is None else "en"}
    if offsets:
        field["index_options"] = "offsets"
    return field
