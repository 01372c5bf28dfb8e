"""The command's usage errors and help, in Danish."""

import argparse
import inspect
from collections.abc import Iterator

import pytest

from vidensbank.cli import ARGPARSE_DANISH, build_parser, main


@pytest.mark.parametrize(
    ("command", "usage", "error"),
    [
        (
            ["users", "add", "a@b.dk"],
            "brug: vidensbank users add [-h] --role {curator,admin} E-MAIL",
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
            "fejl: argumentet --timeout: skal være et antal sekunder, fx 600",
        ),
        (["ingest", "x", "--timeout"], "brug:", "fejl: argumentet --timeout: mangler en værdi"),
        (["users", "list", "--alle"], "brug: vidensbank", "fejl: ukendte argumenter: --alle"),
        ([], "brug: vidensbank [-h] KOMMANDO ...", "fejl: disse argumenter mangler: KOMMANDO"),
        (
            ["users"],
            "brug: vidensbank users [-h] HANDLING ...",
            "fejl: disse argumenter mangler: HANDLING",
        ),
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


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and those of its commands, and of theirs."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from _parsers(command)


def test_every_argument_is_explained_and_named_in_danish() -> None:
    """`entities`, `users add` and `serve` listed arguments without a word, and usage named
    values in English: PATH_OR_URL, YYYY-MM-DD, DEST, SRC, and argparse's own TIMEOUT,
    BASE_URL, HOST, PORT, WORKERS from the options' names."""
    unexplained, unnamed = [], []
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                # Named when it is missing: "disse argumenter mangler: command".
                if action.metavar is None:
                    unnamed.append(f"{parser.prog} {action.dest}")
                continue
            if not action.help:
                unexplained.append(f"{parser.prog} {action.dest}")
            # A value without a metavar or choices is named by the argument's English name.
            if action.nargs != 0 and action.metavar is None and action.choices is None:
                unnamed.append(f"{parser.prog} {action.dest}")
    assert (unexplained, unnamed) == ([], [])
