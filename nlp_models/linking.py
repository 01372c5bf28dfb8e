"""Linking: which knowledge-base record a mention names, whatever its inflected form.

Danish names are inflected: a genitive -s ("Socialstyrelsens", "KL's"), definite endings
("Partnerskabet"), a paragraph reference after a law ("Serviceloven § 50"), and PDFs split
names at line ends ("Ankesty- relsen"). Each form is normalised the same way before lookup.
"""

import re

from nlp_models.knowledge_base import KBRecord, KnowledgeBase

# Paragraph references of a law: "§ 50", "§ 52, stk. 3, nr. 7", "§§ 52, 76 og 76 a".
# A number of at most three digits ("§ 50, 2023": the year is no paragraph), and a letter
# after it that is no word of the sentence ("§ 50 i praksis", "§ 50 f.eks.").
_ONE_PARAGRAPH = r"\d{1,3}(?!\d)(?:\s?[a-hj-z](?!\w|\.\w))?(?:,\s?stk\.\s?\d+)?(?:,\s?nr\.\s?\d+)?"
PARAGRAPHS = rf"§§?\s?{_ONE_PARAGRAPH}(?:(?:,\s?|\s(?:og|eller)\s){_ONE_PARAGRAPH})*"
# Where a reference goes on to a part of its paragraph: "stk. 3 og 4", "nr. 2", "2. pkt.".
_PARAGRAPH_PART = re.compile(r",?\s?(?:stk\.|nr\.|\d+\.\s?pkt)")
_NUMBER = re.compile(r"\d{1,3}(?!\d)")


def paragraph_numbers(text: str) -> list[str]:
    """The numbers of the paragraphs ``text`` refers to, in order, each once: "§§ 52, 76 og
    76 a" refers to 52 and 76, "§ 52, stk. 3 og 4" to 52 alone (the rest are its parts), and
    "§ 52, 100 børn" to 52 (several paragraphs take "§§")."""
    found: list[str] = []
    for reference in re.finditer(PARAGRAPHS, text):
        paragraphs = _PARAGRAPH_PART.split(reference.group(), maxsplit=1)[0]
        numbers = _NUMBER.findall(paragraphs)
        found += numbers if paragraphs.startswith("§§") else numbers[:1]
    return list(dict.fromkeys(found))


# The words that tie references before a law to it ("§ 133 i barnets lov").
PARAGRAPHS_OF = rf"{PARAGRAPHS},?\s(?:i|efter|jf\.)\s"
_PARAGRAPH_AFTER = re.compile(rf"\s*{PARAGRAPHS}[\s.]*$")
_PARAGRAPH_BEFORE = re.compile(rf"^{PARAGRAPHS_OF}")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)- (?!og\b|eller\b)(\w)")


def normalize(text: str) -> str:
    """Lower-cased first, so a suspended compound keeps its hyphen in capitals too ("SOCIAL-
    OG BOLIGSTYRELSEN")."""
    text = _LINE_BREAK_HYPHEN.sub(r"\1\2", text.lower())
    return " ".join(text.replace("’", "'").split())


def _variants(form: str) -> list[str]:
    """The lookup keys for a mention: as written, then without genitive or definite endings."""
    keys = [form]
    if form.endswith("'s"):
        keys.append(form[:-2])
    elif form.endswith(("'", "s")):
        keys.append(form[:-1])
    for ending in ("et", "en", "ene", "erne", "ne"):
        if form.endswith(ending) and len(form) > len(ending) + 3:
            keys.append(form[: -len(ending)])
    return keys


class Linker:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.index: dict[str, str] = {}
        for record in kb.records.values():
            for form in record.surface_forms():
                # The first record to claim a form keeps it; the KB keeps forms unique.
                self.index.setdefault(normalize(form), record.id)

    def link(self, text: str, label: str) -> KBRecord | None:
        form = normalize(text)
        if label == "LAW":
            form = _PARAGRAPH_AFTER.sub("", _PARAGRAPH_BEFORE.sub("", form)).strip()
        for key in _variants(form):
            record_id = self.index.get(key)
            if record_id is not None:
                return self.kb.get(record_id)
        return None
