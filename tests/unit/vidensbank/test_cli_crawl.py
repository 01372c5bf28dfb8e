"""`vidensbank crawl`: its sources come from the publishers' registry, its arguments are checked
before anything is fetched, and its schedule becomes Celery beat's."""

import datetime as dt
from collections.abc import Iterator

import pytest
from celery.schedules import crontab

from ingest import crawl as crawl_module
from ingest.sources.publishers import registry
from ingest.sources.publishers.base import Publication, Publisher, Reader
from vidensbank.celery_app import CRAWL_TASK, crawl_schedule
from vidensbank.cli import build_parser, main
from vidensbank.settings import get_settings
from vidensbank.store.crawl import CrawlFigures


class Example(Publisher):
    key = "eksempel"
    name = "Eksempeludgiveren"
    base_url = "https://eksempel.invalid/"

    def publications(
        self, reader: Reader, base_url: str, since: dt.date | None
    ) -> Iterator[Publication]:
        yield from ()


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.PUBLISHERS, Example.key, Example())


def test_help_lists_the_registered_publishers(
    publisher: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["crawl", "--help"])
    help_text = capsys.readouterr().out
    for key, source in registry.PUBLISHERS.items():
        assert key in help_text and source.name in help_text
    assert "--base-url" in help_text and "--since" in help_text


@pytest.mark.parametrize(
    "arguments",
    [
        ["crawl", "findes-ikke"],
        ["crawl", "eksempel", "--since", "i går"],
        ["crawl", "eksempel", "--base-url", "ftp://eksempel.invalid/"],
    ],
)
def test_bad_arguments_stop_before_anything_is_fetched(
    publisher: None, arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(arguments)
    assert exit_.value.code == 2
    assert "vidensbank crawl" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("http://[::1", "er ikke en gyldig webadresse"),
        ("http://127.0.0.1:99999", "er ikke en gyldig webadresse"),
        ("http://eksempel.invalid:http/", "er ikke en gyldig webadresse"),
        ("https://", "skal være en http- eller https-adresse med et værtsnavn"),
        ("http://127.0.0.1:0/", "har port 0"),
    ],
)
def test_a_base_url_no_request_can_be_sent_to_is_a_usage_error(
    publisher: None, base_url: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unclosed IPv6 bracket printed a traceback (ValueError: Invalid IPv6 URL), and a port
    above 65535 was taken and "crawled"."""
    with pytest.raises(SystemExit) as exit_:
        main(["crawl", "eksempel", "--base-url", base_url])
    assert exit_.value.code == 2
    assert f"argumentet --base-url: {problem}" in capsys.readouterr().err


def test_the_schedule_becomes_beat_entries_on_the_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VB_CRAWL_SCHEDULE", '{"vive": "0 3 * * *", "sbst": "30 4 * * 1"}')
    get_settings.cache_clear()
    try:
        schedule = crawl_schedule()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert set(schedule) == {"crawl-vive", "crawl-sbst"}
    entry = schedule["crawl-sbst"]
    assert entry["task"] == CRAWL_TASK and entry["args"] == ["sbst"]
    assert entry["schedule"] == crontab(minute="30", hour="4", day_of_week="1")
    assert entry["options"]["queue"] == get_settings().queue
    assert crawl_schedule() == {}  # none by default


def test_a_schedule_that_is_not_a_crontab_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VB_CRAWL_SCHEDULE", '{"vive": "hver nat"}')
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="crontab med fem felter"):
            get_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_the_figures_are_written_as_danish_writes_numbers(
    publisher: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary said "sekunder: 12.3456789"; --json keeps the number."""
    figures = CrawlFigures(requests=3, pages=2, seconds=12.3456789)
    monkeypatch.setattr(
        crawl_module, "crawl", lambda *_args, **_kwargs: crawl_module.CrawlResult("r1", figures)
    )
    assert main(["crawl", "eksempel"]) == 0
    out, error = capsys.readouterr()
    assert out == "r1\n"
    assert error.startswith("Gennemgang af eksempel: forespørgsler: 3, sider læst: 2, ")
    assert error.endswith(", sekunder: 12,3\n")
    assert main(["crawl", "eksempel", "--json"]) == 0
    assert '"seconds": 12.3456789' in capsys.readouterr().out
