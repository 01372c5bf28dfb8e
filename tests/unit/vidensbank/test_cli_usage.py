"""The command's usage errors and help, in Danish."""

import argparse
import inspect

import pytest

from vidensbank.cli import ARGPARSE_DANISH, main


@pytest.mark.parametrize(
    ("command", "usage", "error"),
    [
        (
            ["users", "add", "a@b.dk"],
            "brug: vidensbank users add [-h] --role {curator,admin} email",
            "vidensbank users add: fejl: disse argumenter mangler: --role",
        ),
        (
            ["users", "add", "a@b.dk", "--role", "boss"],
            "brug: vidensbank users add",
            "fejl: argumentet --role: ugyldigt valg: 'boss' (vælg mellem 'curator', 'admin')",
        ),
        (
            ["ingest", "--timeout", "abc", "x"],
            "brug: vidensbank ingest",
            "fejl: argumentet --timeout: ugyldig værdi: 'abc'",
        ),
        (["ingest", "x", "--timeout"], "brug:", "fejl: argumentet --timeout: mangler en værdi"),
        (["users", "list", "--alle"], "brug: vidensbank", "fejl: ukendte argumenter: --alle"),
    ],
)
def test_usage_errors_are_danish(
    command: list[str], usage: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse answered in English: "usage: … error: the following arguments are required:
    --role", "invalid choice", "invalid float value"."""
    with pytest.raises(SystemExit) as exit_:
        main(command)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and error in err, err


@pytest.mark.parametrize("command", [[], ["users"], ["users", "add"], ["ingest"]])
def test_help_is_danish(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Every --help said "show this help message and exit", under "usage:" and "options:"."""
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("brug: vidensbank")
    assert "\ntilvalg:\n  -h, --help " in out and "vis denne hjælp og afslut" in out
    assert [english for english in ("usage:", "options:", "show this help") if english in out] == []


def test_every_message_translated_is_one_argparse_says() -> None:
    """A msgid argparse no longer uses (after a Python upgrade) would leave its message
    English without a word."""
    source = inspect.getsource(argparse)
    assert [m for m in ARGPARSE_DANISH if repr(m) not in source] == []
