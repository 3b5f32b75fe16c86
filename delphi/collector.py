"""Python's cyclic garbage collector paused while much is read or built at once.

Reading a round's million ratings allocates tuples of numbers by the ten thousand, and a report
of a large study is hundreds of thousands of objects (the report model, then each format's rows,
cells and markup). Each allocation burst sets off collections that walk every object of the
process and free almost nothing: about a tenth of closing such a round, or of building every
format of its report. Reference counting still frees everything outside a reference cycle at
once; what is in a cycle waits until the collector runs again, when the last pause running in
the process ends (report builds run in threads of one worker, so the pauses are counted).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # blocks running with the collector paused
_was_enabled = False  # whether the collector ran before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off; it runs again, if it ran before,
    once no other block paused by this is still running."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
