"""Vidensbank core: what every step of the data flow shares."""
