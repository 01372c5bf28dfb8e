"""Queries: parse what the user typed, expand it, build the request and run it."""
