"""The folder source as a boundary: only regular files inside the folder, every entry listed."""

import json
import os
from pathlib import Path

import pytest

from ingest.fetch import fetch
from ingest.runs import list_sources
from ingest.sources import items_from_path
from vidensbank.errors import ExtractionError
from vidensbank.identity import path_from_uri


def by_name(folder: Path) -> dict[str, tuple[str | None, str]]:
    return {
        item.filename: (item.refusal.code if item.refusal else None, item.location)
        for item in items_from_path(folder)
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "samling"
    root.mkdir()
    (root / "rapport.pdf").write_bytes(b"%PDF-1.4 ...")
    outside = tmp_path / "hemmelig.txt"
    outside.write_text("ikke for alle")
    (root / "til-passwd.pdf").symlink_to("/etc/passwd")
    (root / "udenfor.pdf").symlink_to(outside)
    (root / "inde.pdf").symlink_to(root / "rapport.pdf")
    (root / "brudt.pdf").symlink_to(root / "findes-ikke.pdf")
    (root / "mappe-link").symlink_to(tmp_path)
    os.mkfifo(root / "kanal.pdf")
    return root


def test_only_regular_files_inside_the_folder_are_read(folder: Path) -> None:
    items = by_name(folder)
    assert items["rapport.pdf"][0] is None
    assert items["til-passwd.pdf"][0] == "outside_root"
    assert items["udenfor.pdf"][0] == "outside_root"
    assert items["brudt.pdf"][0] == "missing"
    assert items["kanal.pdf"][0] == "not_regular"
    assert items["mappe-link"][0] == "not_regular"
    # A link inside the folder reads its target, so it has the same identity as the target.
    assert items["inde.pdf"] == (None, items["rapport.pdf"][1])


def test_a_second_entry_with_the_same_identity_is_refused(folder: Path) -> None:
    sources = {s.filename: s for s in list_sources([str(folder)])}
    # In name order the link comes first; the file it points at is then the duplicate.
    assert sources["inde.pdf"].refusal is None
    refusal = sources["rapport.pdf"].refusal
    assert refusal is not None and refusal.code == "duplicate"
    assert "»inde.pdf«" in refusal.reason


def test_reasons_never_name_server_paths(folder: Path) -> None:
    for item in items_from_path(folder):
        if item.refusal is not None:
            assert str(folder) not in item.refusal.reason
            assert "/" not in item.refusal.reason


def test_any_bytes_in_a_file_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"b\xf8rn og unge.html")
    (tmp_path / name).write_bytes(b"<p>Tekst</p>")
    [item] = items_from_path(tmp_path)
    assert item.filename == "b\ufffdrn og unge.html"
    assert path_from_uri(item.location) == tmp_path / name
    assert fetch(item) == b"<p>Tekst</p>"


def test_a_file_swapped_for_a_link_after_listing_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "rapport.pdf").write_bytes(b"%PDF")
    [item] = items_from_path(tmp_path)
    (tmp_path / "rapport.pdf").unlink()
    (tmp_path / "rapport.pdf").symlink_to("/etc/passwd")
    with pytest.raises(ExtractionError) as error:
        fetch(item)
    assert error.value.code == "outside_root"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"title": ["en", "liste"]}, "title"),
        ({"professional": {"a": 1}}, "professional"),
        ({"kind": "k" * 40_000}, "kind"),
        ({"published": "ikke en dato"}, "published"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
    ],
)
def test_a_bad_manifest_entry_is_refused_naming_the_field(
    tmp_path: Path, entry: dict[str, object], field: str
) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.pdf": entry}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is not None and item.refusal.code == "bad_manifest"
    assert field in item.refusal.reason


def test_authors_as_one_string_are_split_into_people(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(
        json.dumps({"a.pdf": {"authors": "Hansen, Anne; Berg, Mads", "published": 2021}})
    )
    [item] = items_from_path(tmp_path)
    assert item.metadata == {"authors": ["Hansen, Anne", "Berg, Mads"], "published": "2021-01-01"}


def test_an_unreadable_manifest_is_listed_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text("{ikke json")
    items = {item.filename: item for item in items_from_path(tmp_path)}
    assert items["manifest.json"].refusal is not None
    assert "JSON" in items["manifest.json"].refusal.reason
    assert items["a.pdf"].refusal is None
