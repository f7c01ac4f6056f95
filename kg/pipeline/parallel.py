"""Independent writers run side by side in forked processes: the build's exports are plain Python, each one
bound to a single core by the GIL, and each writes its own file.

This process and the forked ones claim the writers in order from one shared counter (give them heaviest first:
whoever is free takes the next), so no process waits while another still has several left. A forked process
inherits the data the writers read (the dataset, the projection) rather than receiving it pickled, and says
down a pipe which writer it finished, or what failed. Where fork is not available, or one process is all there
is, the writers run here one after the other.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import wait
from typing import Any


def run(
    writers: Sequence[Callable[[], None]],
    processes: int,
    here: Callable[[int], Any] | None = None,
    finished: Callable[[int], None] | None = None,
) -> None:
    """Run every writer once, in this process and up to `processes` - 1 forked ones.

    `here(i)` is a context manager entered around writer i when this process runs it (the progress bar's stage);
    `finished(i)` is called here when a forked process has finished writer i. The first failure is raised here,
    after the other processes have been stopped."""
    if processes <= 1 or len(writers) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for i, writer in enumerate(writers):
            _here(here, i, writer)
        return
    context = multiprocessing.get_context("fork")
    lock = context.Lock()
    claimed = context.RawValue("i", 0)
    children = []
    for _ in range(min(processes, len(writers)) - 1):
        reader, sender = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(writers, claimed, lock, sender), daemon=True)
        child.start()
        sender.close()
        children.append((child, reader))
    done = 0
    try:
        while (i := _claim(claimed, lock, len(writers))) is not None:
            _here(here, i, writers[i])
            done += 1
        readers = [reader for _, reader in children]
        while readers:
            for message in receive(readers, block=True):
                done += 1
                if finished is not None:
                    finished(message)
        if done < len(writers):
            raise RuntimeError("a writer's process stopped before finishing its file; run the build again")
    except BaseException:
        with lock:
            claimed.value = len(writers)  # nobody starts another writer
        for child, _ in children:
            child.terminate()
        raise
    finally:
        for child, reader in children:
            child.join()
            reader.close()


def receive(readers: list[Any], block: bool) -> Iterator[Any]:
    """The messages waiting on forked processes' pipes, one round of them (with `block`, once at least one
    pipe has something): a failure a process sent is raised here, and a pipe whose process has exited is closed
    and taken out of `readers`."""
    for reader in wait(readers, timeout=None if block else 0):
        try:
            message = reader.recv()
        except EOFError:  # that process has exited
            reader.close()
            readers.remove(reader)
            continue
        if isinstance(message, BaseException):
            raise message
        yield message


def _here(here: Callable[[int], Any] | None, i: int, writer: Callable[[], None]) -> None:
    if here is None:
        writer()
    else:
        with here(i):
            writer()


def _claim(claimed: Any, lock: Any, count: int) -> int | None:
    with lock:
        if claimed.value >= count:
            return None
        claimed.value += 1
        return claimed.value - 1


def _child(writers: Sequence[Callable[[], None]], claimed: Any, lock: Any, sender: Any) -> None:
    with reporting(sender, "a writer"):
        while (i := _claim(claimed, lock, len(writers))) is not None:
            writers[i]()
            sender.send(i)


@contextlib.contextmanager
def reporting(sender: Any, what: str) -> Iterator[None]:
    """The body of a forked process: a failure is sent down `sender` for the parent to raise, as if it had
    happened there; Ctrl-C, which reaches every process of the terminal's group, ends it quietly (the parent
    reports it); the pipe is closed at the end, which tells the parent this process has exited."""
    try:
        yield
    except KeyboardInterrupt:
        pass
    except BaseException as err:
        try:
            sender.send(err)
        except Exception:  # an exception that cannot be pickled
            sender.send(RuntimeError(f"{what} failed in its process: {err!r}"))
    finally:
        sender.close()
