"""Values the round pages keep between requests in each app process: the open round's ratings
so far and a closed round's remarks, each found by a key read from the database on every
request that changes whenever the value would, so every app server shows the same thing and a
change is seen at the next request (the questionnaire's feedback is kept the same way)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app

Value = TypeVar("Value")

ROUNDS_KEPT = 16  # per kind and app process: the rounds of the studies being watched


class Kept(Generic[Value]):
    """The last few values, by round id, with the key each was read under."""

    def __init__(self, size: int = ROUNDS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[int, tuple[Hashable, Value]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, round_id: int, key: Hashable, read: Callable[[], Value]) -> Value:
        """The value kept for the round under ``key``, or ``read()`` kept in its place."""
        with self._lock:
            found = self._kept.get(round_id)
        value = found[1] if found is not None and found[0] == key else read()
        with self._lock:
            self._kept[round_id] = (key, value)
            self._kept.move_to_end(round_id)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value


def kept(kind: str) -> Kept:
    """This app's kept values of one kind."""
    return current_app.extensions.setdefault(f"delphi.kept.{kind}", Kept())


def forget() -> None:
    """Drop this app's kept values of every kind (the benchmark times a first visit so)."""
    for name in [name for name in current_app.extensions if name.startswith("delphi.kept.")]:
        del current_app.extensions[name]
