"""What a user typed, parsed into words, phrases, alternatives and exclusions.

The syntax is what people know from web search: ``"inddragelse af børn"`` is a phrase,
``-plejefamilie`` excludes a word (``-"Barnets Lov"`` a phrase), and ``OR`` between two terms
accepts either; from library catalogues, ``NOT`` before a term or a bracket excludes what it
names, ``AND`` between two is left out (words are combined as without it), and brackets of words
beside ``OR`` must match together. Anything else is plain text, never query syntax: unbalanced
quotes, stray dashes and operators are words.
"""

import re

from pydantic import BaseModel, Field

from ingest.extract.cleanup import INVISIBLE, LIGATURES

# A phrase (excluded with "-"), a bracket (a "-" before one is NOT), or a word (brackets and
# quotes are not part of words: 'rapporten:"Tryg i skolen"' is a word and a phrase).
_TOKEN = re.compile(r'(-?)"([^"]*)"|(-(?=\()|[()])|([^\s()"]+)')
# The quotation marks Danish text and keyboards write („…“, «…», “…”): quotes like '"'. Copied
# from a report, „Tryg i skolen“ found 45 documents of its words against 1 of the phrase.
_QUOTES = str.maketrans(dict.fromkeys("„“”«»", '"'))
# The genitive of an abbreviation or a name ("KL's", "FN’s"): the index reads it as the name,
# and "KL's" in capitals is the abbreviation, not "kl. 14".
_GENITIVE = re.compile(r"(?<=\w)['’][sS](?=[^\w'’]*$)")


class Term(BaseModel):
    text: str
    phrase: bool = False


class ParsedQuery(BaseModel):
    words: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    alternatives: list[list[Term]] = Field(default_factory=list)
    excluded: list[Term] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.alternatives)


OPERATORS = ("OR", "AND", "NOT")


def in_capitals(word: str) -> bool:
    """A word typed in capitals: an abbreviation the user meant ("KL", "ADHD"), no typo."""
    return len(word) > 1 and word.isupper()


def _term_begins(text: str, match: re.Match[str]) -> bool:
    """Whether a token starts the query or follows a space or an opening bracket."""
    return match.start() == 0 or text[match.start() - 1].isspace() or text[match.start() - 1] == "("


def parse_query(text: str) -> ParsedQuery:
    # (term, excluded, the operator an unquoted "OR", "AND" or "NOT" is; a quoted one is a word)
    terms: list[tuple[Term, bool, str]] = []
    text = text.translate(_QUOTES).translate(LIGATURES).translate(INVISIBLE)
    # An odd number of quotes: the last one is a typo, not the start of a phrase.
    if text.count('"') % 2:
        index = text.rfind('"')
        text = text[:index] + " " + text[index + 1 :]
    for match in _TOKEN.finditer(text):
        # A minus excludes only where a term begins: glued to a closing quote or bracket it
        # joins a compound ("„Tryg i skolen“-projektet"), which it excluded.
        begins = _term_begins(text, match)
        if match.group(3) is not None:
            sign = match.group(3)
            if sign != "-" or begins:
                terms.append((Term(text=sign), False, "NOT" if sign == "-" else sign))
        elif match.group(4) is not None:
            word = match.group(4)
            excluded = word.startswith("-") and len(word) > 1 and begins
            # A trailing hyphen stays: "social- og boligstyrelsen" is a suspended compound.
            word = word.lstrip("-")
            if word:
                operator = word if word in OPERATORS and not excluded else ""
                terms.append((Term(text=_GENITIVE.sub("", word)), excluded, operator))
        elif phrase := " ".join(match.group(2).split()):
            excluded = match.group(1) == "-" and begins
            terms.append((Term(text=phrase, phrase=" " in phrase), excluded, ""))
    terms = _boolean_words(_conjunctions(terms))

    parsed = ParsedQuery()
    index = 0
    while index < len(terms):
        term, excluded, operator = terms[index]
        if excluded:
            parsed.excluded.append(term)
            index += 1
            continue
        group = [term]
        while index + 2 < len(terms) and terms[index + 1][2] == "OR" and not terms[index + 2][1]:
            group.append(terms[index + 2][0])
            index += 2
        index += 1
        if len(group) > 1:
            parsed.alternatives.append(group)
        elif term.phrase:
            parsed.phrases.append(term.text)
        elif not operator:
            # Bracketed words no OR joined after all ("(a b) OR -c") are words again.
            parsed.words += term.text.split()
    if parsed.is_empty and any(operator for _term, _excluded, operator in terms):
        # "OR" alone is no operator but what was asked for.
        parsed.words.append("OR")
    return parsed


def _conjunctions(terms: list[tuple[Term, bool, str]]) -> list[tuple[Term, bool, str]]:
    """Brackets of plain words beside an ``OR`` are one term, all of whose words must match:
    "a OR (b c)" is a, or b and c together. Flattened, it was read as "(a OR b) c", and the
    documents of "a" without "c" were missing. Other brackets are left to ``_boolean_words``."""
    joined: list[tuple[Term, bool, str]] = []
    index = 0
    while index < len(terms):
        if terms[index][2] == "(":
            end = next((j for j in range(index + 1, len(terms)) if terms[j][2] in ("(", ")")), None)
            if end is not None and terms[end][2] == ")":
                inside = [t for t in terms[index + 1 : end] if t[2] != "AND"]
                words = all(not t.phrase and not excluded and not o for t, excluded, o in inside)
                beside_or = (bool(joined) and joined[-1][2] == "OR") or (
                    end + 1 < len(terms) and terms[end + 1][2] == "OR"
                )
                # "NOT (a b)" excludes both words however an OR follows.
                negated = bool(joined) and joined[-1][2] == "NOT"
                if len(inside) > 1 and words and beside_or and not negated:
                    joined.append((Term(text=" ".join(t.text for t, _e, _o in inside)), False, ""))
                    index = end + 1
                    continue
        joined.append(terms[index])
        index += 1
    return joined


def _boolean_words(terms: list[tuple[Term, bool, str]]) -> list[tuple[Term, bool, str]]:
    """A library catalogue's operators as this syntax has them: ``NOT x`` is ``-x``, ``NOT (a
    OR b)`` is ``-a -b``, ``AND`` is left out (words are combined as without it), and other
    brackets only group (``OR`` joins the terms beside it anyway). Taken as words, "børn AND
    unge" asked for a word stemmed like "anden" too, "børn NOT unge" found young people, and
    "børn NOT (unge OR anbringelse)" required "anbringelse". ``AND`` or ``NOT`` alone is the
    word; beside nothing to join or exclude (at the end), it is left out."""
    if not any(operator in ("", "OR") for _term, _excluded, operator in terms):
        # Nothing but operators ("NOT", "NOT AND"): what was asked for is those words.
        return [(t, e, "") for t, e, o in terms if o not in ("(", ")")]
    kept: list[tuple[Term, bool, str]] = []
    depth = 0
    negated_from: int | None = None  # the depth of the brackets that NOT excludes
    negate_next = False
    for term, excluded, operator in terms:
        if operator == "(":
            depth += 1
            if negate_next and negated_from is None:
                negated_from, negate_next = depth, False
        elif operator == ")":
            if negated_from == depth:
                negated_from = None
            negate_next = False  # "(a NOT) b": nothing in the brackets after NOT
            depth = max(depth - 1, 0)
        elif operator in ("NOT", "AND"):
            negate_next = negate_next or operator == "NOT"
        elif negate_next or negated_from is not None:
            negate_next = False
            if operator != "OR":  # NOT (a OR b) is neither
                kept.append((term, True, ""))
        else:
            kept.append((term, excluded, "OR" if operator == "OR" else ""))
    return kept
