"""Kombu's Redis transport with one repair: a worker survives losing the broker.

When the connection to Redis drops, kombu keeps using the old channel in two places: it hands
the messages the worker holds back to Redis while closing it, and it acknowledges a task that
finishes after the reconnect on it. Both go through a connection that is gone, and the
``AttributeError`` that follows stops the worker for good ("Unrecoverable error"). Here such a
channel raises a connection error instead, which kombu logs and goes on from, and the hand-back
is skipped: the messages are still in Redis's unacked set, which hands them out again after the
visibility timeout, and if Redis itself restarted, the workers' queue recovery
(``celery_app.recover_lost_queue``) queues their items again from SQL.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

import redis as redis_client
from kombu.transport import redis


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> None:
        with contextlib.suppress(redis_client.ConnectionError):
            super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS

    @contextlib.contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        if client is None and (self.connection is None or self.connection.client is None):
            raise redis_client.ConnectionError("the channel's connection to Redis is closed")
        with super().conn_or_acquire(client) as acquired:
            yield acquired


class Transport(redis.Transport):
    Channel = Channel
