"""Publisher profiles, document kinds and Danish language data, loaded from ``data/*.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

DATA_DIR = Path(__file__).resolve().parent / "data"


class _Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Link(_Profile):
    label: str
    path: str


class Site(_Profile):
    """The furniture of a publisher's web pages."""

    nav: tuple[Link, ...]
    footer: tuple[str, ...]


class Publisher(_Profile):
    domain: str
    address: str
    accent: str = Field(pattern=r"^#[0-9a-f]{6}$")
    imprints: dict[str, str] = Field(min_length=1)  # printed name -> full name
    site: Site | None = None


class Imprint(_Profile):
    """A name printed on documents, and the publisher it belongs to."""

    name: str
    full_name: str
    publisher: str


class Kind(_Profile):
    label: str
    publishers: tuple[str, ...]
    format: str = Field(pattern=r"^(pdf|html)$")
    breadcrumb: tuple[Link, ...] = ()


class Letterhead(_Profile):
    recipient: tuple[str, ...]
    phone: str


class Danish(_Profile):
    months: tuple[str, ...] = Field(min_length=12, max_length=12)
    hyphenation: tuple[str, ...]


def _load(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _check(publishers: dict[str, Publisher], kinds: dict[str, Kind]) -> None:
    printed = [name for p in publishers.values() for name in p.imprints]
    if len(set(printed)) != len(printed):
        raise ValueError("publishers.yaml: an imprint belongs to more than one publisher")
    for name, kind in kinds.items():
        for publisher in kind.publishers:
            if publisher not in publishers:
                raise ValueError(f"kinds.yaml: {name} names unknown publisher {publisher!r}")
            if kind.format == "html" and publishers[publisher].site is None:
                raise ValueError(f"publishers.yaml: {publisher} publishes {name} but has no site")
        if kind.format == "html" and not kind.breadcrumb:
            raise ValueError(f"kinds.yaml: HTML kind {name} needs a breadcrumb")


PUBLISHERS = {name: Publisher(**value) for name, value in _load("publishers.yaml").items()}
KINDS = {name: Kind(**value) for name, value in _load("kinds.yaml").items()}
_check(PUBLISHERS, KINDS)
IMPRINTS = {
    name: Imprint(name=name, full_name=full_name, publisher=publisher)
    for publisher, profile in PUBLISHERS.items()
    for name, full_name in profile.imprints.items()
}
LETTERHEAD = Letterhead(**_load("letterhead.yaml"))
DANISH = Danish(**_load("danish.yaml"))
