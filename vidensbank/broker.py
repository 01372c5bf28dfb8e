"""Kombu's Redis transport with one repair: a worker survives losing the broker.

When the connection to Redis drops, kombu closes the channel and tries to hand the messages
the worker holds back to Redis, through the connection that is already gone; the
``AttributeError`` that follows stops the worker for good ("Unrecoverable error"). Here that
hand-back is skipped when the connection is gone: the messages are still in Redis's unacked
set, which hands them out again after the visibility timeout, and if Redis itself was
restarted, the workers' queue recovery (``celery_app.recover_lost_queue``) queues their items
again from SQL.
"""

import contextlib
from typing import Any

from kombu.transport import redis


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> None:
        # The channel is being closed after the connection was lost: nothing to restore through.
        with contextlib.suppress(AttributeError):
            super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
