"""What the command line prints of names it did not choose."""

from vidensbank.cli import printable


def test_a_file_name_cannot_steer_the_terminal() -> None:
    """An ESC sequence in a file name coloured the report, a BEL rang, a newline forged a
    second status line and a direction mark turned the name around."""
    assert printable("rød\x1b[31m\x07.html") == "rød\\x1b[31m\\x07.html"
    assert printable("a\nindexed      b.pdf") == "a\\nindexed      b.pdf"
    assert printable("rapport\u202efdp.exe") == "rapport\\u202efdp.exe"
    assert printable("Børn i Århus 2024.pdf") == "Børn i Århus 2024.pdf"
