"""The Danish spaCy base the project's pipeline is built on, and where the trained model lives."""

import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

MODEL_DIR = Path(__file__).parent / "model"

# Split hyphens between letters ("Børnene Først-reformen", "EU-borgere"), so a name inside a
# hyphenated compound is a token sequence of its own; and after a number ("2023-målingen"), so a
# year inside one is a date of its own.
_HYPHEN_INFIXES = [r"(?<=[^\W\d_])-(?=[^\W\d_])", r"(?<=[0-9])-(?=[^\W\d_])"]


def blank_danish() -> Language:
    return with_danish_tokenizer(spacy.blank("da"))


def with_danish_tokenizer(nlp: Language) -> Language:
    """Give a Danish pipeline the project's hyphen rules (a loaded model too: the rules are
    the code's, whatever the model was saved with)."""
    infixes = [*(nlp.Defaults.infixes or []), *_HYPHEN_INFIXES]
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


@lru_cache
def model_version(model_dir: Path = MODEL_DIR) -> str:
    """The trained model's version stamp, read without loading it; ``rules-1`` without one."""
    meta = model_dir / "meta.json"
    if not meta.is_file():
        return "rules-1"
    return f"ner-{json.loads(meta.read_text(encoding='utf-8')).get('version', '0')}"
