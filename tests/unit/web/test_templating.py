"""The pages' Danish filters."""

import datetime as dt
import os

import pytest
from jinja2 import TemplateNotFound

from web.templating import danish_date, templates


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # Stored moments are UTC; the page showed them as if they were Danish time.
        (dt.datetime(2026, 12, 4, 20, 12, tzinfo=dt.UTC), "4. december 2026 kl. 21:12"),
        (dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC), "2. juli 2026 kl. 00:30"),
        (dt.datetime(2026, 3, 29, 0, 59), "29. marts 2026 kl. 01:59"),  # naive: UTC
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC), "29. marts 2026 kl. 03:00"),
        (dt.date(2026, 12, 4), "4. december 2026"),
        (None, "ukendt dato"),
    ],
)
def test_moments_are_shown_in_danish_time(value: dt.date | None, shown: str) -> None:
    assert danish_date(value) == shown


def test_a_moment_may_be_shown_to_the_second() -> None:
    moment = dt.datetime(2026, 12, 4, 20, 18, 7, tzinfo=dt.UTC)
    assert danish_date(moment, seconds=True) == "4. december 2026 kl. 21:18:07"


def test_a_running_server_keeps_the_templates_it_started_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A checkout updated under a running server gave its old code the new templates (read
    when first used, and again when changed on disk): 776 of 19,496 requests a 500."""

    def not_read(*args: object) -> None:
        raise TemplateNotFound("read again from disk")

    monkeypatch.setattr(os.path, "getmtime", lambda path: 0.0)  # every file changed
    monkeypatch.setattr(templates.env.loader, "get_source", not_read)
    names = templates.env.list_templates()
    assert len(names) > 30
    for name in names:
        templates.env.get_template(name)
