"""The folder source as a boundary: only regular files inside the folder, every entry listed."""

import json
import os
from pathlib import Path

import pytest

from ingest.extract.base import EmbeddedMetadata, ExtractedPage
from ingest.fetch import fetch
from ingest.metadata import resolve_metadata
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
        ({"language": "norsk"}, "Feltet language (sprog) i manifestet skal være en sprogkode"),
        ({"language": "xx"}, "Feltet language (sprog) i manifestet skal være en sprogkode"),
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


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"title": "t" * 1001}, "Feltet title (titel) i manifestet er for langt."),
        ({"title": ""}, "Feltet title (titel) i manifestet er tomt."),
        ({"target_age": 5}, "Feltet target_age (målgruppe) i manifestet har en forkert type."),
    ],
)
def test_a_bad_manifest_field_is_named_in_danish(
    tmp_path: Path, entry: dict[str, object], reason: str
) -> None:
    """A reason read "Manifestets felt title (titel) for filen er for lang", though "felt"
    is neuter."""
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.pdf": entry}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is not None and item.refusal.reason == reason


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


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        # Python's own limits, not JSON errors: the listing crashed and no run was recorded.
        ('{"a.pdf": {"published": ' + "9" * 5000 + "}}", "et tal med for mange cifre"),
        ("[" * 5000 + "]" * 5000, "for mange lag"),
    ],
)
def test_a_manifest_python_cannot_read_is_refused_and_the_files_go_on(
    tmp_path: Path, raw: str, reason: str
) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(raw)
    items = {item.filename: item for item in items_from_path(tmp_path)}
    assert items["manifest.json"].refusal is not None
    assert reason in items["manifest.json"].refusal.reason
    assert items["a.pdf"].refusal is None


def test_a_manifest_with_a_byte_order_mark_and_decomposed_names_is_read(tmp_path: Path) -> None:
    """Notepad writes UTF-8 with a byte order mark (refused as "not valid JSON, line 1"); a file
    name saved on a Mac may have its "å" decomposed while the manifest's are not (the
    metadata was silently not applied)."""
    (tmp_path / "børn-a\u030ar.pdf").write_bytes(b"%PDF")
    entry = {"børn-år.pdf": {"title": "Børn år for år"}}
    (tmp_path / "manifest.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(entry).encode())
    [item] = items_from_path(tmp_path)
    assert item.refusal is None and item.metadata == {"title": "Børn år for år"}


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        ("2021-13-01", "skal være en dato"),
        ("2021-02-30", "skal være en dato"),
        ("", "skal være en dato"),
        (0, "skal være en dato"),  # was 1970-01-01
        (86400, "skal være en dato"),  # was 1970-01-02
        ("12345", "skal være en dato"),
        (["2021"], "forkert type"),
    ],
)
def test_a_published_date_that_is_no_date_says_so(
    tmp_path: Path, published: object, reason: str
) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.pdf": {"published": published}}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is not None and reason in item.refusal.reason


def test_an_isbn_too_short_is_not_called_empty(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.pdf": {"isbn": "abc"}}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is not None and "er for kort til at være et ISBN" in item.refusal.reason


def test_a_file_given_alone_says_why_its_manifest_is_not_used(tmp_path: Path) -> None:
    """A file given alone went in without its metadata and nothing said why; "Prøv igen" of a
    refused manifest (which ingests the manifest's own path) indexed it as a document."""
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text("<html>404 Siden findes ikke</html>")
    refusal, item = list_sources([str(tmp_path / "a.pdf")])
    assert refusal.filename == "manifest.json" and refusal.refusal is not None
    assert "JSON" in refusal.refusal.reason
    assert item.filename == "a.pdf" and item.refusal is None
    # The file alone, as "vidensbank entities" and a retry of it read it: that file only.
    [alone] = items_from_path(tmp_path / "a.pdf")
    assert alone.filename == "a.pdf" and alone.refusal is None
    assert list_sources([str(tmp_path / "a.pdf")], manifests=False) == [alone]
    [again] = items_from_path(tmp_path / "manifest.json")
    assert again.refusal is not None and "JSON" in again.refusal.reason
    (tmp_path / "manifest.json").write_text(json.dumps({"a.pdf": {"title": "Rapport"}}))
    [manifest] = items_from_path(tmp_path / "manifest.json")
    assert manifest.refusal is not None and "ikke et dokument" in manifest.refusal.reason
    [item] = items_from_path(tmp_path / "a.pdf")
    assert item.metadata == {"title": "Rapport"}


@pytest.mark.parametrize("published", [2021, "2021", 1620691200, 1620691200000, "1620691200"])
def test_a_year_or_a_timestamp_is_a_date(tmp_path: Path, published: object) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "manifest.json").write_text(json.dumps({"a.pdf": {"published": published}}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is None
    assert item.metadata["published"] in ("2021-01-01", "2021-05-11")


def test_the_language_a_manifest_states_is_the_documents(tmp_path: Path) -> None:
    """The manifest's ``language`` was dropped with the keys it does not know: a Norwegian
    guide stated "nb", and a Danish note stated "en", and both came out Danish."""
    (tmp_path / "veileder.pdf").write_bytes(b"%PDF")
    (tmp_path / "notat.pdf").write_bytes(b"%PDF")
    manifest = {"veileder.pdf": {"language": "nb"}, "notat.pdf": {"language": "EN"}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    items = {item.filename: item for item in items_from_path(tmp_path)}
    assert items["veileder.pdf"].metadata == {"language": "nb"}
    assert items["notat.pdf"].metadata == {"language": "en"}
    danish = [
        ExtractedPage(
            number=1,
            text="Notatet handler om, hvordan kommunen kan inddrage børn og unge i deres egen "
            "sag, og hvad det kræver af de fagfolk, der skal lytte til dem.",
        )
    ]
    metadata = resolve_metadata(
        source=items["notat.pdf"].metadata,
        embedded=EmbeddedMetadata(),
        pages=danish,
        filename="notat.pdf",
    )
    assert metadata.extra["language"] == "en"


def test_free_text_in_a_manifest_is_one_line_as_a_title_is_kept(tmp_path: Path) -> None:
    """A publisher and a kind were stored with their line breaks: one document exported as two
    RIS records, and "rapport\\r\\nN1  - note" was a kind of its own among the facets."""
    (tmp_path / "a.html").write_bytes(b"<p>Tekst</p>")
    entry = {
        "title": "Sprogvurdering i\r\nbørnehaven\u200b",
        "publisher": "Forlaget\nER  - \n\nTY  - JOUR\nTI  - Falsk titel",
        "kind": "rapport\r\nN1  - note",
        "authors": ["Mette\u2028Holm", "Jens\tBerg"],
        "target_age": "6-12\u2029år",
        "professional": ["pædagoger\r\nlærere"],
        "target_group": "Forældre\x0bog  fagfolk",
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"a.html": entry}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is None
    assert item.metadata == {
        "title": "Sprogvurdering i børnehaven",
        "publisher": "Forlaget ER - TY - JOUR TI - Falsk titel",
        "kind": "rapport N1 - note",
        "authors": ["Mette Holm", "Jens Berg"],
        "target_age": "6-12 år",
        "professional": ["pædagoger lærere"],
        "target_group": "Forældre og fagfolk",
    }
    # Nothing left to see is no value, as with a file's own title.
    (tmp_path / "manifest.json").write_text(json.dumps({"a.html": {"publisher": "\r\n\u200b"}}))
    [item] = items_from_path(tmp_path)
    assert item.refusal is not None
    assert item.refusal.reason == "Feltet publisher (udgiver) i manifestet er tomt."
