"""CSRF tokens for the forms anyone may post, logged in or not (logging in, a batch search).

A visitor who is not logged in has no session to hold a token, so the form's token is a random
value kept in a cookie as well (the double-submit cookie): another site can neither read the
cookie nor set it, so it cannot fill in the form's field to match. The cookie goes to the
form's own address only, and never with a request another site starts (``SameSite=Strict``).
"""

import secrets
from dataclasses import dataclass

from fastapi import Request, Response


@dataclass(frozen=True)
class FormToken:
    cookie: str
    path: str  # where the form is posted; the cookie is sent there alone

    def token(self, request: Request) -> str:
        """The token the request's cookie holds, or a new one."""
        return request.cookies.get(self.cookie) or secrets.token_urlsafe(32)

    def set(self, request: Request, response: Response, token: str) -> None:
        response.set_cookie(
            self.cookie,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path=self.path,
        )

    def sent_with(self, request: Request, sent: str) -> bool:
        """Whether the form's field holds the token of the request's cookie."""
        cookie = request.cookies.get(self.cookie, "")
        return bool(cookie) and secrets.compare_digest(cookie.encode(), sent.encode())

    def clear(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path=self.path)
