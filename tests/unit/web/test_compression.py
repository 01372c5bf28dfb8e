"""Text answers are compressed for anonymous visitors, and only where that is safe."""

from fastapi.testclient import TestClient

from web.app import app

client = TestClient(app)
GZIP = {"Accept-Encoding": "gzip"}


def test_pages_and_stylesheets_are_compressed_for_a_visitor() -> None:
    """Nothing was: a results page of 65 KB went as 65 KB, where gzip makes it 10."""
    for path in ("/om", "/static/style.css"):
        answer = client.get(path, headers=GZIP)
        assert answer.status_code == 200
        assert answer.headers["content-encoding"] == "gzip", path
        assert "accept-encoding" in answer.headers["vary"].lower()
    assert (
        "content-encoding" not in client.get("/om", headers={"Accept-Encoding": "identity"}).headers
    )


def test_a_logged_in_users_pages_and_a_part_of_a_file_are_not_compressed() -> None:
    """A page with a user's CSRF token that repeats the request's words would give the token
    away through its compressed length (BREACH); a byte range must be the file's own bytes."""
    personal = client.get("/om", headers={**GZIP, "Cookie": "vb_session=ikke-en-session"})
    assert personal.status_code == 200 and "content-encoding" not in personal.headers
    part = client.get("/static/style.css", headers={**GZIP, "Range": "bytes=0-2000"})
    assert part.status_code == 206 and "content-encoding" not in part.headers
