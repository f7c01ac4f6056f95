"""The per-source stage of `kg build`: each facts file is read and checked with its article, on its own.

Reading YAML, finding every evidence quote in its article and the checks that need nothing beyond one file are
most of a build's work (about 80% at a million triples), and each facts file's result depends only on its own
bytes, its article's bytes and the ontology. So that work is cut into one task per facts file, and each task:
- is run in this process, in `jobs` processes, or on a Dask distributed cluster (`dask` = scheduler address);
  a task carries the bytes it reads, so workers on other machines need no access to data/;
- is cached by content: the SHA-256 of the task (both files' bytes and names, the ontology, kg's version) names
  its result in the cache directory, so a rebuild after one article changed redoes that source only.
Every path gives the same result, so the build output is byte-identical whichever is used (tested).
The checks across files (ids, domains and ranges, unused entities, cycles) run afterwards on the merged facts
(kg.check.loader.check_global), because they need all of them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kg.check import loader as check
from kg.errors import DataError, KgError, Problem, UsageError
from kg.model import VERSION, Entity, Facts, Source, Statement
from kg.ontology import DEFAULT_DIR, Ontology
from kg.pipeline.rdf import DEFAULT_BASE, Emitted, emit_source
from kg.read.articles import SLUG, check_slug, decode, parse_source, read_bytes, read_source
from kg.read.facts import _Reader, id_problem, nearest_articles

_KEY = re.compile(r"^[0-9a-f]{64}$")
Signature = tuple[int, int, int, int]  # size, mtime and ctime in ns, inode: a file unchanged since, as git's index


def signature(path: Path | str) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


_ARTICLE_KEY = re.compile(rb"^article:[ \t]*['\"]?([a-z0-9]+(?:-[a-z0-9]+)*)['\"]?[ \t]*(?:#.*)?\r?$", re.MULTILINE)
AUTO_JOBS_FROM = 64  # --jobs auto uses one process per CPU from this many facts files on
# bump when Unit or the model objects change shape (2: Emitted's lines sorted and unique; 3: Source.title_line;
# 4: entries sealed with the user's key, see `seal`; 5: Source.authors, author_line, publisher_line, and the
# front matter's author and publisher in Emitted's lines; 6: Source.retrieved and sha256, from kg add; 7: the
# checks refuse C1 controls and a front-matter author or publisher XML cannot hold, which a result cached
# before passed)
CACHE_FORMAT = 7
SEALED = b"kg cache, sealed with the key in the user's cache directory\n"
KEY_FILE = "cache-key"  # in $XDG_CACHE_HOME/kg or ~/.cache/kg


def key_path() -> Path | None:
    """Where the key that seals cache entries lives: the user's cache directory, outside any project, so a data
    repository cannot ship it along with a cache."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home directory: no key, so no cache
            return None
    return Path(base) / "kg" / KEY_FILE


_KEYS: dict[str, bytes | None] = {}


def _user_key() -> bytes | None:
    """The user's 32-byte key, made once (random, mode 0600); None when it cannot be made or is not the user's
    alone, and then no cache entry is read or written."""
    path = key_path()
    if path is None:
        return None
    if str(path) not in _KEYS:
        _KEYS[str(path)] = _read_key(path) or _make_key(path)
    return _KEYS[str(path)]


def key_trouble() -> str | None:
    """Why no cache entry can be sealed or read, in words for a warning, or None when the user's key is usable.
    Without a key every build reads every source afresh: said once per build, instead of costing time unseen (a
    key file cut short, or copied in with another mode, did so for every build after)."""
    path = key_path()
    if path is None:
        return "no home directory to keep the cache's key in (set HOME or XDG_CACHE_HOME)"
    if _user_key() is not None:
        return None
    try:
        st = os.lstat(path)
    except OSError as err:
        return f"cannot make the cache's key {path} ({err.strerror or type(err).__name__})"
    if not stat.S_ISREG(st.st_mode):
        what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
    elif st.st_uid != os.geteuid():
        what = "another user's"
    elif st.st_mode & 0o077:
        mode = f"{stat.S_IMODE(st.st_mode):04o}"
        return f"the cache's key {path} is readable by others (mode {mode}): chmod 600 it, or remove it"
    else:
        what = f"{st.st_size} bytes, not the 32 of a key kg made"
    return f"the cache's key {path} is {what}: remove it and kg makes a new one"


def _read_key(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        # a key another user owns, or can read, is no secret: sealing with it would prove nothing
        if not (stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_mode & 0o077 == 0):
            return None
        key = handle.read(64)
    return key if len(key) == 32 else None


def _make_key(path: Path) -> bytes | None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache-key.", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, path)  # whole or absent; another kg that made one first wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    except OSError:
        return None
    return _read_key(path)


def seal(name: str, payload: bytes) -> bytes | None:
    """The header a cache file starts with, before `payload` (a pickle): an HMAC-SHA256 of the payload and the
    file's name under the user's key. A cache sits beside the build, where a cloned data repository can bring
    one; unpickling runs code, so only what this user's kg wrote (and under that name) is ever unpickled. None
    when there is no key. (The header alone, not header + payload: joining them copied every byte again.)"""
    key = _user_key()
    if key is None:
        return None
    mac = hmac.new(key, name.encode("utf-8") + b"\x00", hashlib.sha256)
    mac.update(payload)
    return SEALED + mac.digest()


MAX_CACHE_FILE = 1024 * 1024 * 1024  # a unit of a 20 MB facts file, or the record of a huge corpus, is far less


SEAL_CHUNK = 1024 * 1024  # the bytes read at a time while a cache file's seal is checked


def _seal_holds(handle: BinaryIO, name: str, size: int) -> bool:
    """Whether an open cache file of `size` bytes carries this user's seal under `name`, read a chunk at a time:
    the file is held in memory only once its seal is known to hold, so a planted one costs a read, not memory."""
    key = _user_key()
    if key is None or size < len(SEALED) + 32 or handle.read(len(SEALED)) != SEALED:
        return False
    mac = handle.read(32)
    expected = hmac.new(key, name.encode("utf-8") + b"\x00", hashlib.sha256)
    left = size - len(SEALED) - 32
    while left > 0:
        chunk = handle.read(min(SEAL_CHUNK, left))
        if not chunk:
            return False
        expected.update(chunk)
        left -= len(chunk)
    return hmac.compare_digest(mac, expected.digest())


def read_sealed(path: Path, name: str) -> memoryview | None:
    """The payload of the cache file at `path`, sealed by this user's kg under `name`: a regular file, not a link,
    of at most MAX_CACHE_FILE bytes, read no further than its size; None for anything else (a cache that fails its
    check only costs time).

    A cache sits beside the build, where a cloned data repository (or an unpacked archive) can bring files of
    any kind under the names kg reads, `state.pickle` and the entries named by the SHA-256 of the sources
    (computable from the repository): a link to /dev/zero was read without end (2.7 GB of memory in 12 s, until
    an allocation failed), a FIFO held `kg build` for ever. Sealing stops such a file from running code.

    The seal is checked before the file is held in memory: a data repository can ship `state.pickle` and the
    entries named for its sources as regular files of up to MAX_CACHE_FILE (git compresses a GiB of zeros to
    about a MB), and reading each whole before its check cost `kg build` 1.09 GB of memory for one such file.
    The bytes kept are checked again (unseal), so a file changed between the two reads is refused too."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CACHE_FILE or not _seal_holds(handle, name, st.st_size):
            return None
        handle.seek(0)
        data = handle.read(st.st_size)
    return unseal(name, data) if len(data) == st.st_size else None


def unseal(name: str, data: bytes) -> memoryview | None:
    """The payload of a sealed cache file (a view of `data`, not a copy), or None if it was not sealed by this
    user's key under this name."""
    key = _user_key()
    if key is None or not data.startswith(SEALED):
        return None
    mac, payload = data[len(SEALED) : len(SEALED) + 32], memoryview(data)[len(SEALED) + 32 :]
    expected = hmac.new(key, name.encode("utf-8") + b"\x00", hashlib.sha256)
    expected.update(payload)
    return payload if hmac.compare_digest(mac, expected.digest()) else None


@dataclass(frozen=True)
class Task:
    """One facts file and the article it names, as bytes: all a worker needs, on this machine or another."""

    facts_path: str  # as shown in messages
    facts_raw: bytes
    slug: str  # the article the facts file names (its `article:` key, else its file name)
    article_path: str
    article_raw: bytes | None  # None when the article file does not exist
    ontology_text: str  # ontology/kg.ttl, so a remote worker checks against the same ontology
    base: str  # base IRI of the emitted lines
    article_names: tuple[str, ...] = ()  # the slugs nearest a missing article's, for its hint (not in the key)
    article_count: int = 0  # how many articles there are, for that hint

    def key(self) -> str:
        digest = hashlib.sha256()
        for part in (
            f"kg {VERSION} cache {CACHE_FORMAT}",
            self.facts_path,
            self.slug,
            self.article_path,
            self.ontology_text,
            self.base,
        ):
            digest.update(part.encode("utf-8") + b"\x00")
        digest.update(hashlib.sha256(self.facts_raw).digest())
        digest.update(b"-" if self.article_raw is None else hashlib.sha256(self.article_raw).digest())
        return digest.hexdigest()


@dataclass
class Unit:
    """What one task found: the article, the facts file's entities and statements (evidence located), and the
    problems, split as the loader reports them (reading problems first; checks only once reading is clean)."""

    slug: str
    source: Source | None
    entities: list[Entity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    read_problems: list[Problem] = field(default_factory=list)
    check_problems: list[Problem] = field(default_factory=list)
    article_failed: bool = False
    emitted: Emitted | None = None  # its N-Triples lines, once every problem is ruled out


_ONTOLOGIES: dict[str, Ontology] = {}


def _ontology(text: str) -> Ontology:
    """The ontology of a task, parsed once per worker process."""
    found = _ONTOLOGIES.get(text)
    if found is None:
        from rdflib import Graph

        found = _ONTOLOGIES[text] = Ontology(Graph().parse(data=text, format="turtle"))
    return found


def run(task: Task) -> Unit:
    """Read and check one facts file with its article. Pure: the result depends on the task alone."""
    reader = _Reader(check_ids=False)
    reader.article_names = list(task.article_names)
    reader.article_count = task.article_count
    source = None
    failed = False
    if task.article_raw is not None:
        try:
            check_slug(task.slug, task.article_path)
            source = parse_source(task.slug, decode(task.article_raw, task.article_path), task.article_path)
            reader.add_source(source)
        except DataError as err:
            reader.problems.extend(err.problems)
            reader.failed_sources.add(task.slug)
            failed = True
    stem = Path(task.facts_path).stem
    try:
        text = decode(task.facts_raw, task.facts_path)
    except DataError as err:
        return Unit(task.slug, source, read_problems=err.problems, article_failed=failed)
    slug = reader.read_facts_text(text, task.facts_path, stem)
    unit = Unit(slug, source, reader.entity_list, reader.facts.statements, reader.problems, [], failed)
    if slug != task.slug:
        unit.slug = slug  # the caller reads the named article and runs the task again
        return unit
    if not unit.read_problems:
        ontology = _ontology(task.ontology_text)
        sources = {slug: source} if source is not None else {}
        unit.check_problems = check.check_local(unit.entities, unit.statements, sources, ontology)
        if not unit.check_problems:
            unit.emitted = emit_source(slug, source, unit.entities, unit.statements, ontology, task.base)
    return unit


def _guess_slug(raw: bytes, stem: str) -> str:
    """The article a facts file names, found without parsing it (run() confirms it and asks again if wrong)."""
    match = _ARTICLE_KEY.search(raw)
    return match.group(1).decode("ascii") if match else stem


class Cache:
    """Task results on disk, one file per task key.

    New results are kept in memory until `commit`, which the build calls once every check has passed: a failed
    build leaves the cache as it was, and a unit with problems is never stored (its messages always come from
    the files as they are). `commit` also removes the entries this build did not use (edited or deleted
    sources), so the cache stays the size of the corpus."""

    def __init__(self, directory: Path | str | None):
        self.directory = Path(directory) if directory else None
        self.used: set[str] = set()
        self.new: dict[str, Unit] = {}
        # what the build read, for kg.pipeline.increment's record of it: each file's status before it was read
        self.signatures: dict[str, Signature | None] = {}
        self.tasks: list[Task] = []
        self.listing: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # names in articles/ and facts/

    def get(self, key: str) -> Unit | None:
        if self.directory is None:
            return None
        try:
            payload = read_sealed(self.directory / key, key)
            if payload is None:  # not written by this user's kg (a cache shipped with the data): never unpickled
                return None
            unit = pickle.loads(payload)
        except Exception:  # missing, damaged or written by another kg: recompute it
            return None
        if not isinstance(unit, Unit):
            return None
        self.used.add(key)
        return unit

    def put(self, key: str, unit: Unit) -> None:
        if self.directory is not None and not unit.read_problems and not unit.check_problems:
            self.new[key] = unit

    def commit(self, prune: bool = True) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for key, unit in self.new.items():
                payload = pickle.dumps(unit, protocol=pickle.HIGHEST_PROTOCOL)
                header = seal(key, payload)
                if header is None:  # no key of the user's: nothing is kept
                    break
                fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.directory)
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(header)
                        handle.write(payload)
                    os.replace(tmp, self.directory / key)
                finally:  # a full disk leaves no half-written entry behind
                    if os.path.exists(tmp):
                        os.unlink(tmp)
            keep = self.used | set(self.new)
            for entry in self.directory.iterdir() if prune else ():
                if _KEY.match(entry.name) and entry.name not in keep:
                    entry.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written only costs time next build
        self.new.clear()


def _execute(tasks: list[Task], jobs: int, dask: str | None) -> list[Unit]:
    """Run the tasks here, in a process pool, or on a Dask cluster; results in task order."""
    if not tasks:
        return []
    if dask:
        return _on_dask(tasks, dask)
    if jobs == 0:  # auto: processes pay off from a few dozen files on
        jobs = (os.cpu_count() or 1) if len(tasks) >= AUTO_JOBS_FROM else 1
    if jobs <= 1 or len(tasks) == 1:
        return [run(task) for task in tasks]
    import multiprocessing

    _warm(tasks[0])  # forked workers inherit the parsed ontology and pycountry's tables instead of each loading them
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    # small batches: when the processes meet, one waits for the other's last batch at most
    size = max(1, len(tasks) // (jobs * 16))
    batches = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    with tempfile.TemporaryDirectory(prefix="kg-per-source-") as spool:
        return [unit for batch in _Share(batches, jobs - 1, context, spool).run() for unit in batch]


class _Share:
    """N processes are this one and N - 1 workers sharing the batches: the workers claim them from the front,
    this process from the back, until the two meet; one shared pair of counters under a lock says which are
    claimed, so no batch waits in a queue for a busy process while another process is idle (a process pool
    hands each worker its next batch in advance: this process stopped early and waited up to a second for
    the workers' queued batches). This process's own results are not pickled and sent; a worker writes each
    batch's results to a file and says so down its pipe (a busy parent reads a pipe 64 KB per turn of the GIL,
    and a worker blocked on a full pipe would wait for it), and this process reads them between its own
    batches. Forked workers inherit the tasks rather than receive them pickled."""

    def __init__(self, batches: list[list[Task]], workers: int, context: Any, spool: str) -> None:
        self.batches = batches
        self.spool = spool
        self.lock = context.Lock()
        self.bounds = context.RawArray("i", [0, len(batches)])  # [next from the front, first claimed from the back]
        self.results: list[list[Unit] | None] = [None] * len(batches)
        self.workers = []
        self.readers = []  # the pipes of the workers still running
        for _ in range(workers):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(batches, self.bounds, self.lock, spool, writer), daemon=True)
            process.start()
            writer.close()
            self.workers.append((process, reader))
            self.readers.append(reader)

    def run(self) -> list[list[Unit] | None]:
        try:
            while (i := self._claim_back()) is not None:
                self.results[i] = _run_batch(self.batches[i])
                self._collect(wait=False)
            while any(result is None for result in self.results):
                self._collect(wait=True)
        except BaseException:  # Ctrl-C, or a failure here or in a worker: no process starts another batch
            with self.lock:
                self.bounds[0] = self.bounds[1]
            for process, _ in self.workers:
                process.terminate()
            raise
        finally:
            for process, reader in self.workers:
                process.join()
                reader.close()
        return self.results

    def _claim_back(self) -> int | None:
        with self.lock:
            if self.bounds[0] >= self.bounds[1]:
                return None
            self.bounds[1] -= 1
            return self.bounds[1]

    def _collect(self, wait: bool) -> None:
        """Read the results the workers have announced; with `wait`, block until one says something or exits."""
        from kg.pipeline.parallel import receive

        if wait and not self.readers:
            raise RuntimeError("a worker process of --jobs stopped before finishing its batches; run with --jobs 1")
        for i in receive(self.readers, block=wait):
            with open(os.path.join(self.spool, f"{i}.pickle"), "rb") as stream:
                self.results[i] = pickle.load(stream)


def _work(batches: list[list[Task]], bounds: Any, lock: Any, spool: str, writer: Any) -> None:
    """A worker: claim batches from the front until none is left, each one's results written to a file."""
    from kg.pipeline.parallel import reporting

    with reporting(writer, "a worker process of --jobs"):
        while True:
            with lock:
                if bounds[0] >= bounds[1]:
                    return
                i = bounds[0]
                bounds[0] += 1
            with open(os.path.join(spool, f"{i}.pickle"), "wb") as stream:
                pickle.dump(_run_batch(batches[i]), stream, protocol=pickle.HIGHEST_PROTOCOL)
            writer.send(i)


def _warm(task: Task) -> None:
    from kg.read import regions

    _ontology(task.ontology_text)
    regions.lookup("CN-SH")


def check_dask(address: str) -> Any:
    """Dask's security settings for the scheduler at `address`, once it is known that Dask is installed, that
    its TLS settings can be used and that something listens there; else a UsageError. Run by every build given
    --dask, not only by one that has sources to compute: an up-to-date build never contacts the scheduler, and
    used to succeed with an address that could not have worked."""
    try:
        import distributed  # noqa: F401 - only whether it is installed
    except ImportError:
        raise UsageError("--dask needs Dask distributed: pip install 'distributed'") from None
    security = _security(address)
    refused = _refused(address)
    if refused:
        raise UsageError(f"--dask {address}: cannot reach the Dask scheduler ({refused}); check the address")
    return security


def _on_dask(tasks: list[Task], address: str) -> list[Unit]:
    security = check_dask(address)
    from distributed import Client

    try:
        client = Client(address, timeout="10s", security=security)
    except (OSError, TimeoutError, ValueError) as err:
        raise UsageError(f"--dask {address}: cannot reach the Dask scheduler ({err}); check the address") from err
    except Exception as err:  # anything else Dask raises while connecting: said, never a traceback
        raise UsageError(
            f"--dask {address}: cannot connect to the Dask scheduler ({type(err).__name__}: {err}); "
            "check the address and Dask's configuration"
        ) from err
    from concurrent.futures import CancelledError

    from distributed.scheduler import KilledWorker

    try:
        # batches keep the scheduler's per-task overhead small against each batch's work
        size = max(1, len(tasks) // (8 * max(1, len(client.scheduler_info().get("workers", {})))))
        batches = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        futures = client.map(_run_batch, batches, pure=False)
        return [unit for batch in client.gather(futures) for unit in batch]
    except (CancelledError, KilledWorker, OSError, TimeoutError) as err:
        # the scheduler stopped or its connection dropped mid-build (FutureCancelledError, "scheduler-connection-
        # lost"), or workers kept dying on a batch (KilledWorker): these ended kg build in a Python traceback, exit
        # 1. Nothing was written; the sources computed before are not cached, the next build computes them again.
        # Closing the client cancels its attempt to reconnect, which Dask's logger reports as a traceback: kg's
        # message says it.
        for name in [*logging.root.manager.loggerDict]:
            if name.split(".")[0] == "distributed":
                logging.getLogger(name).disabled = True
        raise KgError(
            f"--dask {address}: the build's work on the Dask cluster did not finish ({type(err).__name__}: "
            f"{_first_line(str(err))}); nothing was written. Check that the scheduler and its workers are running, "
            "and build again (or without --dask)"
        ) from None
    finally:
        client.close()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "no reason given"


TLS_SETTINGS = (
    "set Dask's TLS settings for a client: distributed.comm.tls.ca-file, distributed.comm.tls.client.cert and "
    "distributed.comm.tls.client.key in ~/.config/dask/distributed.yaml, or the environment variables "
    "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
    "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY (the cluster's CA, and a certificate and key it signed)"
)


def _security(address: str) -> Any:
    """Dask's security settings for a tls:// (or wss://) scheduler, from Dask's own configuration, checked
    before connecting: without a CA and a client certificate Dask's client failed with a TypeError deep in its
    connection code, and a certificate file it cannot read with an error naming neither the file nor the fix."""
    from distributed.comm.addressing import parse_address

    try:
        scheme = parse_address(address)[0]
    except (ValueError, TypeError):
        return None  # Dask says what is wrong with the address when it connects
    if scheme not in ("tls", "wss"):
        return None
    from distributed.security import Security

    tls: dict[str, Any] = {}
    try:
        security = Security()
        tls = security.get_tls_config_for_role("client")
        if not (tls.get("ca_file") and tls.get("cert")):
            raise UsageError(
                f"--dask {address}: a {scheme}:// scheduler needs a CA and a client certificate; " + TLS_SETTINGS
            )
        security.get_connection_args("client")  # reads the files now: a wrong one is said here
    except UsageError:
        raise
    except Exception as err:  # a file missing or not PEM, a key that does not match its certificate
        named = ", ".join(
            f"{setting} {'(PEM text)' if chr(10) in str(value) else value}"
            for setting, value in (
                ("ca-file", tls.get("ca_file")),
                ("client.cert", tls.get("cert")),
                ("client.key", tls.get("key")),
            )
            if value
        )
        raise UsageError(
            f"--dask {address}: Dask's TLS settings cannot be used ({type(err).__name__}: {err}); "
            f"check the files they name ({named or 'none'}); " + TLS_SETTINGS
        ) from err
    return security


def _refused(address: str) -> str:
    """Why a TCP scheduler address certainly cannot be reached (its host unknown, or nothing listening on its
    port), else "". Dask's client retries a refused connection until its timeout, because a scheduler may still
    be starting; a mistyped address would then wait ten seconds for the same message."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return ""
        host, port = parse_host_port(location)
        with socket.create_connection((host, port), timeout=2):
            return ""
    except ConnectionRefusedError:
        return "connection refused: nothing listens on that port"
    except socket.gaierror as err:
        return f"unknown host: {err.strerror}"
    except (OSError, ValueError, TypeError):
        return ""  # a timeout, an unreachable network, an address Dask may read otherwise: Dask decides


def _run_batch(tasks: list[Task]) -> list[Unit]:
    return [run(task) for task in tasks]


def read_facts(data_dir: Path) -> Facts:
    """Read every article and facts file under data_dir, in name order, with the per-file checks; raise DataError
    on any reading problem. (The build's reading, serial, with the shipped ontology; moved here from
    kg/read/facts.py, so that reading never imports the build.)"""
    return read(Path(data_dir), DEFAULT_DIR)[0]


def read(
    data_dir: Path,
    ontology_dir: Path,
    jobs: int = 1,
    dask: str | None = None,
    cache: Cache | None = None,
    base: str = DEFAULT_BASE,
    replaced: dict[str, bytes] | None = None,
) -> tuple[Facts, list[Problem], list[Emitted]]:
    """Read every article and facts file under data_dir, in name order, through the per-source stage. `replaced`
    gives the bytes to read in place of facts files (by name), as kg review checks a save before writing it.

    Raises DataError listing every reading problem; otherwise returns the facts, the problems of the per-source
    checks (which the caller reports together with the checks across files), and each source's lines."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise UsageError(f"{data_dir}: no such data directory; pass --data DIR holding articles/ and facts/")
    articles_dir, facts_dir = data_dir / "articles", data_dir / "facts"
    if not articles_dir.is_dir():
        raise UsageError(f"{data_dir}: no articles/ directory; put the source texts in {articles_dir}/<slug>.md")
    cache = cache or Cache(None)
    cache.listing = (_names(articles_dir), _names(facts_dir))  # before reading: an added file shows next time
    ontology_text = (Path(ontology_dir) / "kg.ttl").read_text("utf-8")
    problems: list[Problem] = []
    article_files: dict[str, Path] = {}
    for path in sorted(articles_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            problems.append(_folder_problem(path, "articles"))
            continue
        if path.suffix != ".md":
            problems.append(
                Problem(
                    str(path),
                    0,
                    "not an article file",
                    "articles are Markdown files with front matter: rename to <slug>.md or move it out of articles/",
                )
            )
            continue
        article_files[path.stem] = path
    facts_files = _facts_files(facts_dir, problems)
    slugs = tuple(sorted(article_files))  # for the hint of a missing article (kg.read.facts.nearest_articles)

    tasks: list[Task] = []
    raw_articles: dict[str, bytes | None] = {}
    for path in facts_files:
        cache.signatures[str(path)] = signature(path)
        try:
            raw = replaced[path.name] if replaced and path.name in replaced else read_bytes(path, str(path))
        except DataError as err:
            problems.extend(err.problems)
            continue
        slug = _guess_slug(raw, path.stem)
        tasks.append(_task(path, raw, slug, article_files, raw_articles, ontology_text, base, problems, cache, slugs))
    units = _units(tasks, jobs, dask, cache)
    for i, unit in enumerate(units):
        if unit.slug != tasks[i].slug:  # the guess of its article was wrong: run it again with the right one
            task = tasks[i]
            tasks[i] = _task(
                Path(task.facts_path),
                task.facts_raw,
                unit.slug,
                article_files,
                raw_articles,
                ontology_text,
                base,
                problems,
                cache,
                slugs,
            )
            units[i] = run(tasks[i])
            cache.put(tasks[i].key(), units[i])
    cache.tasks = tasks

    facts = Facts()
    read_problems = list(problems)
    check_problems: list[Problem] = []
    failed: set[str] = set()
    for unit in units:
        if unit.source is not None:
            facts.sources.setdefault(unit.slug, unit.source)
        if unit.article_failed:
            failed.add(unit.slug)
    # articles no facts file names are still sources of the graph (an Article node)
    for slug, path in article_files.items():
        if slug in facts.sources or slug in failed:
            continue
        cache.signatures[str(path)] = signature(path)
        try:
            facts.sources[slug] = read_source(path, str(path))
        except DataError as err:
            read_problems.extend(err.problems)
    facts.sources = dict(sorted(facts.sources.items()))
    for unit in units:
        read_problems.extend(unit.read_problems)
        check_problems.extend(unit.check_problems)
        for entity in unit.entities:
            problem = id_problem(entity.id, entity.where, facts.entities, facts.sources)
            if problem:
                read_problems.append(problem)
            else:
                facts.entities[entity.id] = entity
        facts.statements.extend(unit.statements)
    if read_problems:
        raise DataError(read_problems)
    return facts, check_problems, [unit.emitted for unit in units if unit.emitted is not None]


def _task(
    path: Path,
    raw: bytes,
    slug: str,
    article_files: dict[str, Path],
    raw_articles: dict[str, bytes | None],
    ontology_text: str,
    base: str,
    problems: list[Problem],
    cache: Cache,
    slugs: tuple[str, ...] | None = None,
) -> Task:
    """One facts file's task. `slugs`: the articles' slugs sorted (once per read, not per facts file)."""
    article = article_files.get(slug)
    if slug not in raw_articles:
        raw_articles[slug] = None
        if article is not None:
            cache.signatures[str(article)] = signature(article)
            try:
                raw_articles[slug] = read_bytes(article, str(article))
            except DataError as err:
                problems.extend(err.problems)
    article_path = str(article) if article is not None else str(path.parent.parent / "articles" / f"{slug}.md")
    # a few articles' names go only with a task whose article is missing (for the hint): sent with each of
    # thousands of tasks, the names alone were most of the bytes pickled to the workers, and every name in each
    # missing article's hint made memory and output grow with articles x facts files
    names, count = (), 0
    if raw_articles[slug] is None:
        slugs = tuple(sorted(article_files)) if slugs is None else slugs
        names, count = tuple(nearest_articles(slug, slugs)), len(slugs)
    return Task(str(path), raw, slug, article_path, raw_articles[slug], ontology_text, base, names, count)


def _names(directory: Path) -> tuple[str, ...]:
    try:
        return tuple(sorted(os.listdir(directory)))
    except OSError:
        return ()


def _folder_problem(path: Path, folder: str) -> Problem:
    """A folder where kg reads files: its files would otherwise be left out without a word."""
    return Problem(
        str(path),
        0,
        f"a folder, not a file: kg reads only the files directly in {folder}/",
        f"move its files up into {folder}/ (or the folder out of data/)",
    )


def _facts_files(facts_dir: Path, problems: list[Problem]) -> list[Path]:
    if not facts_dir.exists():
        return []
    if not facts_dir.is_dir():
        problems.append(
            Problem(str(facts_dir), 0, "not a folder: facts files go in data/facts/", "make facts a folder of files")
        )
        return []
    out = []
    for path in sorted(facts_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            problems.append(_folder_problem(path, "facts"))
            continue
        if path.suffix not in (".yaml", ".yml"):
            problems.append(
                Problem(
                    str(path), 0, "not a facts file", "facts files end in .yaml: rename it or move it out of facts/"
                )
            )
            continue
        if not SLUG.match(path.stem):
            problems.append(
                Problem(
                    str(path),
                    0,
                    f"facts file name {path.stem!r} is not a valid slug",
                    "name it after its article: <slug>.yaml",
                )
            )
            continue
        out.append(path)
    return out


def _units(tasks: list[Task], jobs: int, dask: str | None, cache: Cache) -> list[Unit]:
    keys = [task.key() if cache.directory else "" for task in tasks]  # hashing is only for the cache's files
    units: list[Unit | None] = [cache.get(key) for key in keys]
    missing = [i for i, unit in enumerate(units) if unit is None]
    for i, unit in zip(missing, _execute([tasks[i] for i in missing], jobs, dask), strict=True):
        units[i] = unit
        cache.put(keys[i], unit)
    return [u for u in units if u is not None]
