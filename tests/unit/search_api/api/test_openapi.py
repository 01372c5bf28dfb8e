"""The API's description at /docs names each route and parameter in Danish."""

from fastapi.routing import APIRoute

from search_api.api.routes import router
from web.app import app


def test_every_route_has_a_summary_of_its_own() -> None:
    """Without one, /docs showed the function's name ("Api Document Cite")."""
    unnamed = [
        route.path for route in router.routes if isinstance(route, APIRoute) and not route.summary
    ]
    assert not unnamed


def test_every_parameter_is_described() -> None:
    undescribed = [
        (path, parameter["name"])
        for path, operations in app.openapi()["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert not undescribed
