"""Quality figures measured by tests, printed at the end of the run so CI shows them."""

REPORTS: dict[str, list[str]] = {}


def report(title: str, lines: list[str]) -> None:
    REPORTS[title] = lines
