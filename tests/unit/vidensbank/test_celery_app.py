"""What a user reads when a step of the pipeline gives up."""

from celery.exceptions import SoftTimeLimitExceeded

from vidensbank.celery_app import _failure


def test_a_system_failure_is_told_in_plain_danish_without_technical_names() -> None:
    status, code, reason = _failure("enrich.document", ValueError("boom"))
    assert (status, code) == ("failed", "system")
    assert "finde navnene i teksten" in reason
    assert "filen er gemt" in reason.lower() and "Prøv at indlæse filen igen" in reason
    for technical in ("enrich.document", "ValueError", "boom", "Systemfejl", "trinnet"):
        assert technical not in reason


def test_a_step_out_of_time_quarantines_the_file() -> None:
    status, code, reason = _failure("extract.document", SoftTimeLimitExceeded())
    assert (status, code) == ("quarantined", "too_slow")
    assert "læse filen" in reason
