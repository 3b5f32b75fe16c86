"""Python's cyclic garbage collector paused while a report is built.

A report of a large study is hundreds of thousands of objects: the report model, then each
format's rows, cells and markup. Every full collection while it is built walks them all and
frees almost nothing (they are alive until the file is written), which cost about a tenth of
building every format of 3 rounds x 200 items x 1,000 panellists. Reference counting still
frees everything outside a reference cycle at once; what is in a cycle waits until the
collector runs again, when the last build running in the process ends (builds run in threads
of one worker, so the pauses are counted).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_builds = 0  # builds running with the collector paused
_was_enabled = False  # whether the collector ran before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off; it runs again, if it ran before,
    once no other block paused by this is still running."""
    global _builds, _was_enabled
    with _lock:
        if _builds == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _builds += 1
    try:
        yield
    finally:
        with _lock:
            _builds -= 1
            if _builds == 0 and _was_enabled:
                gc.enable()
