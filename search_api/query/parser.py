"""What a user typed, parsed into words, phrases, alternatives and exclusions.

The syntax is what people know from web search: ``"inddragelse af børn"`` is a phrase,
``-plejefamilie`` excludes a word (``-"Barnets Lov"`` a phrase), and ``OR`` between two terms
accepts either; from library catalogues, ``NOT`` before a term excludes it and ``AND`` between
two is left out (words are combined as without it). Anything else is plain text, never query
syntax: unbalanced quotes, stray dashes and operators are treated as words.
"""

import re

from pydantic import BaseModel, Field

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


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


def parse_query(text: str) -> ParsedQuery:
    # (term, excluded, the operator an unquoted "OR", "AND" or "NOT" is; a quoted one is a word)
    terms: list[tuple[Term, bool, str]] = []
    # An odd number of quotes: the last one is a typo, not the start of a phrase.
    if text.count('"') % 2:
        index = text.rfind('"')
        text = text[:index] + " " + text[index + 1 :]
    for match in _TOKEN.finditer(text):
        if match.group(3) is not None:
            word = match.group(3)
            excluded = word.startswith("-") and len(word) > 1
            # A trailing hyphen stays: "social- og boligstyrelsen" is a suspended compound.
            word = word.lstrip("-")
            if word:
                operator = word if word in OPERATORS and not excluded else ""
                terms.append((Term(text=word), excluded, operator))
        elif phrase := " ".join(match.group(2).split()):
            terms.append((Term(text=phrase, phrase=" " in phrase), match.group(1) == "-", ""))
    terms = _boolean_words(terms)

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
            parsed.words.append(term.text)
    if parsed.is_empty and any(operator for _term, _excluded, operator in terms):
        # "OR" alone is no operator but what was asked for.
        parsed.words.append(next(o for _t, _e, o in terms if o))
    return parsed


def _boolean_words(terms: list[tuple[Term, bool, str]]) -> list[tuple[Term, bool, str]]:
    """A library catalogue's operators as this syntax has them: ``NOT x`` is ``-x``, and
    ``AND`` is left out (words are combined as without it). Taken as words, "børn AND unge"
    asked for a word stemmed like "anden" too, and "børn NOT unge" found young people."""
    kept: list[tuple[Term, bool, str]] = []
    negate = False
    for index, (term, excluded, operator) in enumerate(terms):
        last = index == len(terms) - 1
        if operator == "NOT" and not last:
            negate = True
        elif operator == "AND" and kept and not last:
            continue
        elif negate:
            kept.append((term, True, ""))
            negate = False
        else:
            kept.append((term, excluded, operator if operator == "OR" else ""))
    return kept
