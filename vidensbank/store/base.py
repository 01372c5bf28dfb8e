"""The declarative base every table of the store shares, its UTC timestamps, and Core access to
its tables."""

import datetime as dt
from typing import Any, cast

from sqlalchemy import DateTime, Table
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC. SQLite keeps no time zone, so one read back without it is given UTC:
    every time the app shows carries its zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    pass


def table(model: type[Base]) -> Table:
    """A model's table, for Core statements. The pipeline's statements on the tables it writes
    for every document go through Core: the ORM's work for a statement (building and
    compiling it for entities, then loading) costs a few times what SQLite takes to run it."""
    return cast(Table, model.__table__)
