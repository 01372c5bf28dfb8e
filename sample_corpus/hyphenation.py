"""Danish hyphenation points and the split of marked-up source text into words for the PDFs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sample_corpus.profiles import DANISH
from sample_corpus.text import FOOTNOTE_RE, plain

# A compiled pattern: (stem, break offsets inside the stem, break before it, break after it).
Pattern = tuple[str, tuple[int, ...], bool, bool]


def compile_patterns(patterns: tuple[str, ...]) -> list[Pattern]:
    """Compile ``data/danish.yaml`` patterns such as ``~ind~dra~gel~se``, longest stem first."""
    compiled = []
    for raw in patterns:
        stem = raw.replace("~", "")
        lead = raw.startswith("~")
        trail = raw.endswith("~") and len(raw) > 1
        inner = raw.strip("~")
        offsets = []
        pos = 0
        for ch in inner:
            if ch == "~":
                offsets.append(pos)
            else:
                pos += 1
        compiled.append((stem, tuple(offsets), lead, trail))
    compiled.sort(key=lambda item: -len(item[0]))
    return compiled


HYPHEN_PATTERNS = compile_patterns(DANISH.hyphenation)


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def hyphenation_points(token: str) -> tuple[str, tuple[tuple[int, bool], ...]]:
    """Return the token without "~" and its break points as (index, after_real_hyphen)."""
    clean = token.replace("~", "")
    points: dict[int, bool] = {}
    if any(mark in clean for mark in ("@", "www", "://", "/")):
        return clean, ()
    idx = 0
    for ch in token:
        if ch == "~":
            points[idx] = False
        else:
            idx += 1
    for i, ch in enumerate(clean):
        if ch == "-" and 0 < i < len(clean) - 1:
            points[i + 1] = True
    lower = clean.lower()
    if not clean.isupper():
        for stem, offsets, lead, trail in HYPHEN_PATTERNS:
            start = lower.find(stem)
            while start >= 0:
                if lead and start > 0:
                    points.setdefault(start, False)
                for off in offsets:
                    points.setdefault(start + off, False)
                if trail:
                    points.setdefault(start + len(stem), False)
                start = lower.find(stem, start + 1)
    valid = []
    for pos, hard in sorted(points.items()):
        left, right = clean[:pos], clean[pos:]
        if _letters(left) < 2 or sum(1 for ch in right if ch.isalpha()) < 2:
            continue
        if not hard and ("-" in (left[-1:], right[:1]) or not left[-1:].isalpha()):
            continue
        if not right[:1].isalnum():
            continue
        valid.append((pos, hard))
    return clean, tuple(valid)


_VOWELS = frozenset("aeiouyæøåéAEIOUYÆØÅÉ")
_CORE_RE = re.compile(r"^(\W*)([A-Za-zÆØÅæøåé]+)\W*$")


def generic_breaks(token: str) -> tuple[int, ...]:
    """Fallback break points by the Danish pronunciation rule (one consonant moves on).

    Between two vowels the last consonant goes to the next line: ta-le, fis-ke, part-ner. Used
    only where a paragraph needs extra freedom to put a marked word at a line end.
    """
    m = _CORE_RE.match(token)
    if not m or token.isupper():
        return ()
    lead, core = len(m.group(1)), m.group(2)
    return tuple(
        lead + i
        for i in range(2, len(core) - 1)
        if core[i] not in _VOWELS
        and core[i + 1] in _VOWELS
        and any(ch in _VOWELS for ch in core[:i])
    )


@dataclass(frozen=True)
class Word:
    text: str
    breaks: tuple[tuple[int, bool], ...]
    notes: tuple[tuple[int, str], ...] = ()
    must_break: bool = False
    weak: tuple[int, ...] = ()  # generic break points, used only by the constrained breaker


@dataclass
class NoteCounter:
    """Numbers footnotes consecutively through one PDF."""

    value: int = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def to_words(text: str, notes: NoteCounter) -> list[Word]:
    """Split marked-up text into words; footnotes become superscript numbers on a word.

    A token starting with "^" is a word that the line breaker should, if at all possible, break
    at the end of a line (see HyphParagraph); "~" inside a token marks extra break points.
    """
    words: list[Word] = []
    parts = FOOTNOTE_RE.split(str(text))
    for i, part in enumerate(parts):
        if i % 2 == 1:
            if not words:
                raise ValueError(f"footnote without a preceding word: {part!r}")
            last = words[-1]
            note = (notes.next(), plain(part).strip())
            words[-1] = Word(
                last.text, last.breaks, (*last.notes, note), last.must_break, last.weak
            )
            continue
        for token in part.split():
            must = token.startswith("^") and len(token) > 1
            clean, breaks = hyphenation_points(token[1:] if must else token)
            strong = {pos for pos, _hard in breaks}
            weak = tuple(p for p in generic_breaks(clean) if p not in strong)
            words.append(Word(clean, breaks, (), must and bool(breaks), weak))
    return words
