import datetime as dt

import pytest

from vidensbank.danish import Noun, date_and_time, number, sort_key


def test_danish_letters_sort_after_z_whatever_the_case_and_accents() -> None:
    titles = ["Åbne døre", "anbragte unge", "Ældre søskende", "Zebra", "Øster", "Émile", "Aabenraa"]
    assert sorted(titles, key=sort_key) == [
        "anbragte unge",
        "Émile",
        "Zebra",
        "Ældre søskende",
        "Øster",
        "Aabenraa",
        "Åbne døre",
    ]


def test_a_decomposed_ring_sorts_as_the_letter_aa() -> None:
    assert sort_key("A\u030abne") == sort_key("Åbne")


@pytest.mark.parametrize(("n", "text"), [(0, "0 filer"), (1, "1 fil"), (2, "2 filer")])
def test_a_count_takes_the_singular_only_for_one(n: int, text: str) -> None:
    """The command said "1 dokumenter er sat i kø" and "1 af 1 filer fejlede"."""
    assert Noun("fil", "filer").count(n) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(60.0, 1, "60"), (12.3456789, 1, "12,3"), (0.5, 1, "0,5"), (100.0, 0, "100"), (0.04, 1, "0")],
)
def test_a_number_has_a_decimal_comma_and_no_trailing_zeros(
    value: float, decimals: int, text: str
) -> None:
    """The command said "Tidsgrænsen på 60.0 s" and "sekunder: 12.3456789"."""
    assert number(value, decimals) == text


def test_a_moment_is_written_as_danish_writes_it() -> None:
    """A restore said "Sikkerhedskopien fra 05.12.2026 13:04", and in the machine's time zone
    (UTC on a server: an hour before the web pages' Danish time of the same backup)."""
    assert date_and_time(dt.datetime(2026, 12, 5, 12, 4, tzinfo=dt.UTC)) == (
        "5. december 2026 kl. 13:04"
    )
    # Stored moments are UTC, with or without their zone; summer time is two hours on.
    assert date_and_time(dt.datetime(2026, 7, 1, 10, 0, 5), seconds=True) == (
        "1. juli 2026 kl. 12:00:05"
    )
