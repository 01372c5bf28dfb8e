"""Annotated sentences: ``[[surface|LABEL]]`` or ``[[surface|LABEL|kb_id]]`` inline, one a line.

``#`` lines and blank lines are comments. The train and test splits live in
``data/train/`` and ``data/test/``; the test split is written separately and never trained on.
"""

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

LABELS = ("PER", "ORG", "LOC", "LAW", "INITIATIVE", "DATE", "MONEY")
DATA_DIR = Path(__file__).parent / "data"

_MARKUP = re.compile(r"\[\[([^\[\]|]+)\|([A-Z]+)(?:\|([a-z0-9._-]+))?\]\]")


class GoldEntity(BaseModel):
    start: int
    end: int
    label: str
    kb_id: str | None = None


class Sentence(BaseModel):
    text: str
    entities: list[GoldEntity]
    source: str


class MarkupError(ValueError):
    pass


def parse_line(line: str, source: str = "") -> Sentence:
    """Strip the markup from a line, remembering where each entity stands in the plain text."""
    text_parts: list[str] = []
    entities: list[GoldEntity] = []
    position = 0
    length = 0
    for match in _MARKUP.finditer(line):
        before = line[position : match.start()]
        text_parts.append(before)
        length += len(before)
        surface, label, kb_id = match.group(1), match.group(2), match.group(3)
        if label not in LABELS:
            raise MarkupError(f"{source}: unknown label {label!r}")
        if surface != surface.strip():
            raise MarkupError(f"{source}: entity with surrounding space: {surface!r}")
        entities.append(
            GoldEntity(start=length, end=length + len(surface), label=label, kb_id=kb_id)
        )
        text_parts.append(surface)
        length += len(surface)
        position = match.end()
    text_parts.append(line[position:])
    text = "".join(text_parts)
    if "[[" in text or "]]" in text:
        raise MarkupError(f"{source}: unbalanced markup in {line!r}")
    return Sentence(text=text, entities=entities, source=source)


def read_split(split: str, data_dir: Path = DATA_DIR) -> Iterator[Sentence]:
    for path in sorted((data_dir / split).glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                yield parse_line(line, f"{path.name}:{number}")
