"""`vidensbank ingest`: a web address is checked before a run is started."""

import pytest

from vidensbank.cli import main


@pytest.mark.parametrize(
    "address", ["http://[::1/rapport.pdf", "https://eksempel.invalid:99999/rapport.pdf"]
)
def test_an_address_no_request_can_be_sent_to_is_a_usage_error(
    address: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unclosed IPv6 bracket printed a traceback (ValueError: Invalid IPv6 URL)."""
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", "rapport.pdf", address])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "vidensbank ingest" in error
    assert "argumentet STI_ELLER_ADRESSE: er ikke en gyldig webadresse" in error
