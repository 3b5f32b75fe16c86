"""The task queue's one setting, DELPHI_TASK_QUEUE: checked when the app starts, with a message
naming the setting; the queue file is the owner's only. Redis is checked by configuration only
(CI has no Redis server): the queue is made without connecting."""
from __future__ import annotations

import stat

import pytest
from flask import Flask
from huey import MemoryHuey, RedisHuey, SqliteHuey

from config import ConfigError
from delphi import create_app, tasks


def _app(tmp_path, value: str, env: str = "development") -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.update(TASK_QUEUE=value, DELPHI_ENV=env)
    tasks.init_app(app)
    return app


def test_by_default_the_queue_is_a_private_file_in_the_instance_folder(tmp_path):
    queue = tasks.queue(_app(tmp_path, ""))
    assert isinstance(queue, SqliteHuey)
    path = tmp_path / "tasks.sqlite3"
    assert queue.storage.filename == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_redis_address_makes_a_redis_queue_without_connecting(tmp_path):
    queue = tasks.queue(_app(tmp_path, "redis://queue.example.org:6390/4"))
    assert isinstance(queue, RedisHuey)
    options = queue.storage.pool.connection_kwargs
    assert (options["host"], options["port"], options["db"]) == ("queue.example.org", 6390, 4)
    assert "secret" not in tasks.describe(_app(tmp_path, "redis://:secret@queue.example.org/0"))


def test_immediate_runs_tasks_where_they_are_queued_but_not_in_production(tmp_path):
    assert isinstance(tasks.queue(_app(tmp_path, "immediate")), MemoryHuey)
    with pytest.raises(ConfigError, match="DELPHI_TASK_QUEUE=immediate builds reports inside"):
        _app(tmp_path, "immediate", env="production")


@pytest.mark.parametrize("value", ["sqlite", "memory://", "http://redis:6379", "Immediate"])
def test_anything_else_stops_the_app_with_the_setting_named(tmp_path, value):
    with pytest.raises(ConfigError) as refused:
        create_app({"TASK_QUEUE": value, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert str(refused.value) == (
        "DELPHI_TASK_QUEUE must be empty (a queue file in the instance folder), a Redis address "
        f"such as redis://host:6379/0, or immediate; not {value!r}.")


def test_the_worker_refuses_an_immediate_queue_in_words(cli):
    result = cli("worker")  # the tests' queue is immediate
    assert result.exit_code == 1
    assert "DELPHI_TASK_QUEUE is immediate" in result.output
    assert "no queue for a worker to read" in result.output
