"""The JSON API refuses a query parameter its route does not take, rather than ignore it.

A script with a misspelt filter (``publsher=VIVE``) got every document, unfiltered, and no word
of why; ``/oai`` refuses an unknown argument as OAI-PMH requires, and the routes under
``/api/`` now do too, as they do a parameter that takes one value given twice (``size=1&size=2``
used the last). The web pages stay lenient, as does an original file: browsers, bookmarks and
links from elsewhere add parameters of their own.
"""

import difflib
from collections.abc import Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from vidensbank.errors import BadRequestError

API_PREFIX = "/api/"
# An original is a file, linked from elsewhere (a newsletter, a reading list) by links that
# gain parameters of their own: it takes none, and ignores any, as a page does.
LENIENT_PATHS = frozenset({"/api/documents/{document_id}/original"})
UNKNOWN = "{kind} '{name}' kendes ikke."
DID_YOU_MEAN = " Mente du '{match}'?"
TAKES = " {where} tager: {names}."
TAKES_NONE = " {where} tager ingen parametre."
REPEATED = "Parameteren '{name}' tager én værdi, men er angivet {count} gange."
_COLLECTIONS = (list, tuple, set, frozenset, Sequence)


def query_parameters(dependant: Dependant) -> dict[str, bool]:
    """The query parameters a route (or a dependency of it) takes, in their order, each with
    whether it takes several values; a model of parameters (``SearchParams``) by its fields."""
    taken: dict[str, bool] = {}
    for field in dependant.query_params:
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            taken |= model_parameters(annotation)
        else:
            taken[field.alias] = _repeatable(annotation)
    for dependency in dependant.dependencies:
        taken |= query_parameters(dependency)
    return taken


def model_parameters(model: type[BaseModel]) -> dict[str, bool]:
    """The query parameters of a model of them, each with whether it takes several values."""
    return {
        info.alias or name: _repeatable(info.annotation)
        for name, info in model.model_fields.items()
    }


def _repeatable(annotation: Any) -> bool:
    """Whether a parameter of this type takes several values (``list[str]``, ``list[int] |
    None``)."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_repeatable(arg) for arg in get_args(annotation))
    if origin is Annotated:
        return _repeatable(get_args(annotation)[0])
    return origin in _COLLECTIONS


def unknown_parameter(
    name: str, taken: Sequence[str], *, kind: str = "Parameteren", where: str = "Adressen"
) -> str:
    """The Danish message for a parameter (or, with ``kind`` "Feltet", a field of a JSON body)
    that is not taken: the one likely meant, else those ``where`` takes."""
    message = UNKNOWN.format(kind=kind, name=name)
    if match := difflib.get_close_matches(name, taken, n=1):
        return message + DID_YOU_MEAN.format(match=match[0])
    if not taken:
        return message + TAKES_NONE.format(where=where)
    return message + TAKES.format(where=where, names=", ".join(taken))


def refuse_unknown_parameters(request: Request) -> None:
    """A dependency of every API route: a 400 naming the first parameter of the query string
    that the route does not take, or that takes one value and is given more."""
    route = request.scope.get("route")
    if (
        not isinstance(route, APIRoute)
        or not route.path.startswith(API_PREFIX)
        or route.path in LENIENT_PATHS
    ):
        return
    sent = [name for name, _value in request.query_params.multi_items()]
    if not sent:
        return
    taken = query_parameters(route.dependant)
    for name in dict.fromkeys(sent):
        if name not in taken:
            raise BadRequestError(unknown_parameter(name, list(taken)))
        if not taken[name] and (count := sent.count(name)) > 1:
            raise BadRequestError(REPEATED.format(name=name, count=count))
