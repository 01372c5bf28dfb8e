"""Render: server-rendered Danish pages, and the ASGI app that serves them with the API."""
