"""Content that broke the pipeline before: encodings, deep nesting, long pages, no names."""

import os
import time
from pathlib import Path

import pytest

from ingest.extract.encoding import decode_html
from ingest.extract.html import nesting_depth
from ingest.extract.registry import extract
from ingest.sources.manifest import read_manifest
from nlp_models.entities import CHUNK_CHARS, _apply_definitions, chunked
from tests.hostile_files import _FONT, _one_page, _pdf, _stream
from vidensbank.errors import ExtractionError
from vidensbank.settings import get_settings

DANISH = "Børn og unge i Århus får støtte"


@pytest.mark.parametrize(
    "data",
    [
        (
            f'<html><head><meta charset="windows-1252"></head><body><p>{DANISH}</p></body></html>'
        ).encode("cp1252"),
        (
            '<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset=iso-8859-1"></head><body><p>{DANISH}</p></body></html>'
        ).encode("latin-1"),
        f"<html><body><p>{DANISH}</p></body></html>".encode("utf-16"),
        b"\xfe\xff" + f"<html><body><p>{DANISH}</p></body></html>".encode("utf-16-be"),
        f"<html><body><p>{DANISH}</p></body></html>".encode("utf-8-sig"),
        # Declared UTF-8 but written in cp1252: the declaration does not fit the bytes.
        f'<meta charset="utf-8"><p>{DANISH} og deres forældre</p>'.encode("cp1252"),
    ],
)
def test_html_in_any_common_encoding_reads_as_danish(data: bytes) -> None:
    assert DANISH in decode_html(data)
    [page] = extract(data, "side.html").pages
    assert DANISH in page.text and "\ufffd" not in page.text


def test_nesting_depth_is_counted_in_linear_time() -> None:
    deep = "<div>" * 1_000_000 + "tekst"
    started = time.monotonic()
    assert nesting_depth(deep, 512) == 513
    assert nesting_depth("<p>a<p>b<li>c<br><img>" * 10_000, 512) == 0
    assert nesting_depth("<script>" + "<div>" * 5000 + "</script><div>x</div>", 512) == 1
    assert time.monotonic() - started < 5


def test_deeply_nested_html_is_refused_before_it_is_parsed() -> None:
    started = time.monotonic()
    with pytest.raises(ExtractionError) as error:
        extract(("<html><body>" + "<div>" * 300_000 + "tekst").encode(), "dyb.html")
    assert error.value.code == "too_deep"
    assert time.monotonic() - started < 10


def test_long_pages_are_cut_into_pieces_spacy_accepts() -> None:
    text = ("Socialstyrelsen skriver om børn. " * 40_000) + "slutord"
    pieces = chunked(text, CHUNK_CHARS)
    assert all(len(piece) <= CHUNK_CHARS for _offset, piece in pieces)
    assert "".join(piece for _offset, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)


def test_a_document_without_names_has_no_entities() -> None:
    assert _apply_definitions([], ["To sætninger uden navne. Her er den anden."]) == []


def test_nul_characters_in_a_pdf_are_left_out() -> None:
    """pypdf passes them on, and PostgreSQL refuses text with them: the file failed for good
    with a reason that blamed us."""
    info = b"<< /Title (Rapport om b\\000rn) /Author (Hansen\\000, Anne) >>"
    data = _pdf(_one_page(["Om b\x00rn i pleje"], info), trailer=b" /Root 1 0 R /Info 6 0 R")
    document = extract(data, "nul.pdf")
    assert document.pages[0].text == "Om brn i pleje"
    assert document.metadata.title == "Rapport om brn"
    assert document.metadata.authors == ["Hansen, Anne"]


def test_a_manifest_with_a_nul_character_is_refused_in_danish(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"a.pdf": {"title": "Titel\\u0000"}}')
    folder = os.open(tmp_path, os.O_RDONLY)
    try:
        with pytest.raises(ExtractionError, match="nultegn"):
            read_manifest(folder)
    finally:
        os.close(folder)


def test_an_html_page_larger_than_the_parser_can_hold_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The parser takes about 46 times a page's size: at the 200 MB file limit a worker ran
    out of memory. (The limit is lowered here, so the test need not hold 20 MB.)"""
    monkeypatch.setenv("VB_MAX_HTML_BYTES", "100000")
    get_settings.cache_clear()
    try:
        with pytest.raises(ExtractionError) as error:
            extract(b"<html><body><main>" + b"<p>ord ord</p>" * 10_000 + b"</main>", "stor.html")
        assert error.value.code == "too_large"
        assert error.value.message.startswith("HTML-siden er på")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_half_a_surrogate_pair_in_a_pdf_is_replaced() -> None:
    """A font's character map may give half of a UTF-16 surrogate pair, which cannot be
    written as UTF-8: storing the pages failed, the file "failed" with a reason that blamed us,
    and every retry failed the same way."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"1 beginbfchar <58> <D800> endbfchar "
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    font = _FONT[:-2] + b" /ToUnicode 6 0 R >>"
    objects = _one_page(["Om bXrn i pleje"], _stream(cmap))
    document = extract(_pdf([*objects[:2], font, *objects[3:]]), "surrogat.pdf")
    assert document.pages[0].text == "Om b\ufffdrn i pleje"


def test_a_title_of_invisible_characters_is_no_title() -> None:
    """Zero-width spaces and a right-to-left override made a title with nothing to click in
    the search results (and turned the page's own title around)."""
    info = b"<< /Title <FEFF200B200B202E> /Author <FEFF200B> /Producer (x) >>"
    data = _pdf(_one_page(["Trivsel blandt unge"], info), trailer=b" /Root 1 0 R /Info 6 0 R")
    document = extract(data, "usynlig.pdf")
    assert document.metadata.title is None and document.metadata.authors == []
    page = "<html><head><title>\u200b\u2060</title></head><body><p>Trivsel.</p></body></html>"
    assert extract(page.encode(), "usynlig.html").metadata.title is None
