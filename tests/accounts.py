"""Accounts for tests: made through the users command, logged in through the login form, as a
curator would. The app and its database are the test session's own."""

import io
import re

import pytest
from fastapi.testclient import TestClient

from vidensbank.cli import main
from web.app import app

PASSWORD = "en lang og hemmelig kode"


def add(email: str, role: str = "curator") -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        assert main(["users", "add", email, "--role", role]) == 0


def csrf(page: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def logged_in(email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app)
    response = client.post(
        "/log-ind",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf(client.get("/log-ind").text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client
