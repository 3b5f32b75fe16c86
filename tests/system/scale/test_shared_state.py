"""What several app servers must share is chosen by configuration alone.

Rate-limit counts live in the storage RATELIMIT_STORAGE_URI names: the process's memory by
default (one server), Redis when several servers must count together.
"""
from __future__ import annotations

import pytest
from limits.storage import MemoryStorage, RedisStorage

from delphi import create_app
from delphi.extensions import limiter


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True)
    return app_config


def test_rate_limits_count_in_memory_by_default(limited, app):
    assert isinstance(limiter.storage, MemoryStorage)


def test_rate_limits_count_in_redis_when_configured(limited):
    # Only the app is created, no request served: nothing connects to Redis yet.
    create_app(dict(limited, RATELIMIT_STORAGE_URI="redis://redis.internal:6380/2"))
    assert isinstance(limiter.storage, RedisStorage)
    server = limiter.storage.storage.connection_pool.connection_kwargs
    assert (server["host"], server["port"], server["db"]) == ("redis.internal", 6380, 2)
