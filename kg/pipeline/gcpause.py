"""No cyclic garbage collection while a build makes millions of small objects.

Each collection of the oldest generation walks every live object again: at a million triples that is most of
the build's objects, many times over (10-25% of the loading time, measured). kg's objects form no reference
cycles worth collecting (strings, tuples, dataclasses that point down), so they are freed by reference
counting as always; collection resumes when the block ends. Worker processes forked inside the block inherit
the pause."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()  # objects alive now are left out of later collections, even after the block
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
