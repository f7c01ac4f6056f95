"""Progress of `kg build`, `kg export` and `kg validate` on the terminal: one bar over their stages (read,
check, emit, each export, SHACL).

Why a bar over stages rather than none: on a corpus of thousands of articles a build takes minutes, and a
silent minute looks like a hang. It is drawn on standard error only when that is a terminal and `--quiet`
was not given, and only once the build has run for DELAY seconds: quick builds, pipes, logs and CI stay
exactly as before, with no progress text at all.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from tqdm import tqdm

DELAY = 1.0  # seconds before the bar appears: stages quicker than this never draw anything


class Progress:
    """A bar over a known number of stages; `stage(name)` names the one running and counts it when done.

    The bar appears DELAY seconds after the build started (a timer thread draws it then, even in the middle
    of a long first stage) and is redrawn at each stage; it shows stages done, not an estimate of time left:
    stages differ too much in length for one.
    """

    def __init__(self, total: int, enabled: bool = True, stream: TextIO | None = None, command: str = "build") -> None:
        stream = stream if stream is not None else sys.stderr
        self.shown = enabled and stream is not None and stream.isatty()  # no stderr at all (pythonw): no bar
        self._visible = False
        self._lock = threading.Lock()
        self._bar = tqdm(
            total=total,
            file=stream,
            disable=not self.shown,
            delay=DELAY,
            leave=False,
            dynamic_ncols=True,
            bar_format=f"kg {command}: {{desc:<30}} {{bar}} {{n_fmt}}/{{total_fmt}} stages [{{elapsed}}]",
        )
        self._timer: threading.Timer | None = None
        if self.shown:
            self._timer = threading.Timer(DELAY, self._appear)
            self._timer.daemon = True
            self._timer.start()

    def _appear(self) -> None:
        with self._lock:
            self._visible = True
            self._bar.refresh()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Show `name` as the running stage while the block runs, then count it as done."""
        with self._lock:
            self._bar.set_description_str(name, refresh=self._visible)
        yield
        with self._lock:
            self._bar.update(1)

    def describe(self, name: str) -> None:
        """Show `name` as what the build waits for, without counting a stage (a stage running in the background)."""
        with self._lock:
            self._bar.set_description_str(name, refresh=self._visible)

    def close(self) -> None:
        """Remove the bar from the terminal (the build prints its summary in its place)."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._bar.close()


@contextlib.contextmanager
def stage(progress: Progress | None, name: str) -> Iterator[None]:
    """`progress.stage(name)`, or nothing when the caller passed no progress (the library's default)."""
    if progress is None:
        yield
    else:
        with progress.stage(name):
            yield


def describe(progress: Progress | None, name: str) -> None:
    """`progress.describe(name)`, or nothing without a progress bar."""
    if progress is not None:
        progress.describe(name)


LOAD_STAGES = 3  # reading sources, checking facts, emitting RDF (see pipeline.load)
