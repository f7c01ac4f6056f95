"""The build against a hostile or failing environment: a cache shipped with the data, a full or read-only file
system, a Dask address kg cannot use. Each ends in a clean message and exit code, or in a correct build."""

from __future__ import annotations

import errno
import os
import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need_tool, run_kg


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _without_store(tree: dict[str, bytes]) -> dict[str, bytes]:
    """The store's files hold Oxigraph's own ids and logs (compared by their quads); every other output must be
    byte-identical."""
    return {name: data for name, data in tree.items() if not name.startswith("store/")}


def _store_quads(store: Path) -> list[str]:
    import pyoxigraph as ox

    text = ox.Store.read_only(str(store)).dump(format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return sorted(line for line in text.splitlines() if "_:" not in line)  # blank nodes are relabelled per load


class _Planted:
    """What a hostile data repository could ship as a cache entry: unpickling it creates `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_cache_shipped_with_the_data_runs_no_code_and_the_build_is_right(mini_data: Path, tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    work = mini_data.parent
    assert run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=work, env=env).returncode == 0
    cache = work / ".build.kg-cache"
    entries = [p for p in cache.iterdir() if re.fullmatch("[0-9a-f]{64}", p.name)]
    assert entries and (cache / "state.pickle").is_file()
    # the repository as a stranger would ship it: every cache file a pickle that runs code, the build gone
    for n, path in enumerate([*entries, cache / "state.pickle"]):
        path.write_bytes(pickle.dumps(_Planted(tmp_path / f"pwned-{n}")))
    shutil.rmtree(work / "build")
    result = run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob("pwned-*")), "kg build unpickled a cache file it had not written"
    clean = run_kg("build", "--data", "data", "--out", "clean", "--no-cache", "--quiet", cwd=work, env=env)
    assert clean.returncode == 0, clean.stderr
    assert _without_store(_tree(work / "build")) == _without_store(_tree(work / "clean"))
    assert _store_quads(work / "build" / "store") == _store_quads(work / "clean" / "store")
    # the planted entries were replaced by sealed ones, under a key only the user can read
    assert all(not path.read_bytes().startswith(b"\x80") for path in cache.iterdir() if path.is_file())
    assert (tmp_path / "user-cache" / "kg" / "cache-key").stat().st_mode & 0o777 == 0o600


def test_a_cache_sealed_under_another_key_is_ignored(mini_data: Path, tmp_path: Path) -> None:
    """A cache copied from another user (whose key differs) is rebuilt, never read."""
    work = mini_data.parent
    mine, theirs = {"XDG_CACHE_HOME": str(tmp_path / "mine")}, {"XDG_CACHE_HOME": str(tmp_path / "theirs")}
    assert run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=work, env=theirs).returncode == 0
    cache = work / ".build.kg-cache"
    theirs_files = {p.name: p.read_bytes() for p in cache.iterdir() if re.fullmatch("[0-9a-f]{64}", p.name)}
    assert theirs_files
    shutil.rmtree(work / "build")
    result = run_kg("build", "--data", "data", "--out", "build", cwd=work, env=mine)
    assert result.returncode == 0, result.stderr
    for name, data in theirs_files.items():  # recomputed and sealed again under this user's key
        assert (cache / name).read_bytes() != data


def test_a_key_others_can_read_is_not_used(mini_data: Path, tmp_path: Path) -> None:
    work = mini_data.parent
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    key = tmp_path / "user-cache" / "kg" / "cache-key"
    key.parent.mkdir(parents=True)
    key.write_bytes(os.urandom(32))
    key.chmod(0o644)
    assert run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=work, env=env).returncode == 0
    cache = work / ".build.kg-cache"
    assert not cache.exists() or not [p for p in cache.iterdir() if p.name != "default.nt"]


@pytest.mark.parametrize(
    ("content", "mode", "said"),
    [
        (b"", 0o600, "is 0 bytes, not the 32 of a key kg made: remove it and kg makes a new one"),
        # fixed bytes, not os.urandom: pytest-xdist's workers must collect the same test ids
        (bytes(range(7, 38)), 0o600, "is 31 bytes, not the 32 of a key kg made: remove it and kg makes a new one"),
        (bytes(range(40, 72)), 0o640, "is readable by others (mode 0640): chmod 600 it, or remove it"),
    ],
    ids=["empty", "31-bytes", "readable-by-others"],
)
def test_a_key_kg_cannot_use_is_said_once_not_costing_time_unseen(
    mini_data: Path, tmp_path: Path, content: bytes, mode: int, said: str
) -> None:
    """Fifth outside review: a key file cut short (empty, 31 bytes) or readable by others made every build read
    every source afresh, without a word, for as long as the file stayed. Now each build says why, once, and
    what to do; the outputs are a --no-cache build's."""
    work = mini_data.parent
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    key = tmp_path / "user-cache" / "kg" / "cache-key"
    key.parent.mkdir(parents=True)
    key.write_bytes(content)
    key.chmod(mode)
    result = run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"kg: warning: the cache's key {key} {said}; building without a cache\n"
    assert key.read_bytes() == content  # the user's file, left for the user to remove
    clean = run_kg("build", "--data", "data", "--out", "clean", "--no-cache", "--quiet", cwd=work, env=env)
    assert clean.returncode == 0 and clean.stderr == "", clean.stderr
    assert _without_store(_tree(work / "build")) == _without_store(_tree(work / "clean"))


@pytest.mark.parametrize(
    ("key", "tag", "hint"),
    [
        ("language", "en-a1", "write 'en'"),  # Oxigraph refuses it: a2 is neither a region nor a variant
        ("language", "en-US-a1", "write 'en'"),
        ("translated_from", "xx", "use the code of the language"),  # well-formed, in no registry
        ("translated_from", "zh-Hans-\u0661\u0662", "write 'zh'"),  # digits beyond ASCII
    ],
)
def test_an_invalid_language_tag_in_front_matter_is_refused(mini_data: Path, key: str, tag: str, hint: str) -> None:
    article = mini_data / "articles" / "mini-news.md"
    text = article.read_text("utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith(f"{key}:"))
    article.write_text(re.sub(rf"(?m)^{key}: .*$", f"{key}: {tag}", text, count=1), encoding="utf-8")
    result = run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=mini_data.parent)
    assert result.returncode == 1, result.stderr
    assert f"mini-news.md:{line}: {key.replace('_', ' ')} must be a BCP 47 tag" in result.stderr
    assert hint in result.stderr and "Traceback" not in result.stderr
    assert not (mini_data.parent / "build").exists()


def test_an_invalid_language_tag_in_a_statement_is_refused(mini_data: Path) -> None:
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(
        facts.read_text("utf-8")
        + "  - subject: mini-news\n    predicate: translatedFrom\n    value: zh-a1\n"
        + "    evidence: opened in Shanghai\n",
        encoding="utf-8",
    )
    result = run_kg("build", "--data", "data", "--out", "build", "--quiet", cwd=mini_data.parent)
    assert result.returncode == 1, result.stderr
    assert "translatedFrom must be a BCP 47 tag like en or zh-Hans, not 'zh-a1'" in result.stderr, result.stderr
    assert "write 'zh'" in result.stderr and "Traceback" not in result.stderr


def test_valid_language_tags_build_and_load_in_oxigraph(mini_data: Path) -> None:
    import pyoxigraph as ox

    article = mini_data / "articles" / "mini-news.md"
    text = article.read_text("utf-8").replace("language: en", "language: zh-Hans-CN", 1)
    article.write_text(text.replace("translated_from: zh", "translated_from: de-CH-1996", 1), encoding="utf-8")
    result = run_kg("build", "--data", "data", "--out", "build", "--formats", "nquads", cwd=mini_data.parent)
    assert result.returncode == 0, result.stderr
    store = ox.Store()
    store.load(path=str(mini_data.parent / "build" / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    assert any(q.object.language == "zh-hans-cn" for q in store if isinstance(q.object, ox.Literal))


@pytest.fixture()
def small_fs(tmp_path: Path):
    """A real 8 MB file system (tmpfs), mounted for the test and unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root): the full and read-only disk tests did not run")
    where = tmp_path / "fs"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(fs: Path) -> Path:
    """Take every free block of `fs`: the next write there fails with ENOSPC."""
    filler = fs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 4096, 1):  # unbuffered, smaller and smaller: not one byte is left
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as err:
                    assert err.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


def _leftovers(fs: Path) -> list[str]:
    """What a build leaves beside its outputs besides its lock and cache: staging copies, temporary files."""
    return sorted(
        p.name for p in fs.iterdir() if p.name not in {"build", "filler", ".build.kg-lock", ".build.kg-cache"}
    )


def _rename_a_label(data: Path) -> None:
    facts = data / "facts" / "mini-news.yaml"
    facts.write_text(facts.read_text("utf-8").replace("label: Ada Wu", "label: Ada Wu-Lin", 1), encoding="utf-8")


@pytest.mark.parametrize("cache", ["default cache", "--no-cache"])
def test_a_full_disk_fails_the_build_cleanly_and_keeps_the_build_before(
    mini_data: Path, small_fs: Path, cache: str
) -> None:
    options = ["--no-cache"] if cache == "--no-cache" else []
    args = ["build", "--data", str(mini_data), "--out", str(small_fs / "build"), "--quiet", *options]
    assert run_kg(*args).returncode == 0
    before = _tree(small_fs / "build")
    filler = _fill(small_fs)
    if cache == "default cache":  # nothing changed: the build is up to date, full disk or not
        result = run_kg(*args[:-1])
        assert result.returncode == 0 and "is up to date" in result.stdout, result.stderr
    _rename_a_label(mini_data)  # an update in place with the cache, a full build without
    result = run_kg(*args)
    assert result.returncode == 2, result.stderr
    assert "No space left on device" in result.stderr and "free some space" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(small_fs / "build") == before
    assert _leftovers(small_fs) == []
    cache_dir = small_fs / ".build.kg-cache"
    assert not cache_dir.exists() or not [p for p in cache_dir.iterdir() if p.name.endswith(".tmp")]
    filler.unlink()  # space again: the next build goes through
    assert run_kg(*args).returncode == 0
    assert b"Ada Wu-Lin" in (small_fs / "build" / "kg.nq").read_bytes()


def test_a_read_only_file_system_fails_the_build_cleanly(mini_data: Path, small_fs: Path) -> None:
    args = ["build", "--data", str(mini_data), "--out", str(small_fs / "build"), "--quiet"]
    assert run_kg(*args).returncode == 0
    before = _tree(small_fs / "build")
    _rename_a_label(mini_data)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], capture_output=True).returncode == 0
    result = run_kg(*args)
    assert result.returncode == 2, result.stderr
    assert "Read-only file system" in result.stderr and "mounted read-only" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(small_fs / "build") == before


def test_kg_extract_to_a_full_or_read_only_disk_fails_cleanly(mini_data: Path, small_fs: Path) -> None:
    article = str(mini_data / "articles" / "mini-news.md")
    draft = small_fs / "draft.yaml"
    draft.write_text("kept\n", encoding="utf-8")
    filler = _fill(small_fs)
    result = run_kg("extract", article, "--data", str(mini_data), "-o", str(draft), "--force")
    assert result.returncode == 2, result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert draft.read_text("utf-8") == "kept\n"
    assert sorted(p.name for p in small_fs.iterdir()) == ["draft.yaml", "filler"]  # no temporary file left
    filler.unlink()
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], capture_output=True).returncode == 0
    result = run_kg("extract", article, "--data", str(mini_data), "-o", str(small_fs / "new.yaml"))
    assert result.returncode == 2, result.stderr
    assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not (small_fs / "new.yaml").exists()


def test_dask_over_tls_without_settings_is_a_message(mini_data: Path) -> None:
    env = {name: "" for name in os.environ if name.startswith("DASK_DISTRIBUTED__COMM__TLS")}
    result = run_kg(
        "build", "--data", "data", "--out", "b", "--dask", "tls://127.0.0.1:9", cwd=mini_data.parent, env=env
    )
    assert result.returncode == 2, result.stderr
    assert "a tls:// scheduler needs a CA and a client certificate" in result.stderr
    assert "distributed.comm.tls.ca-file" in result.stderr and "Traceback" not in result.stderr
    assert not (mini_data.parent / "b").exists()


def _certificate(where: Path) -> tuple[Path, Path]:
    """A self-signed certificate and its key, which serve as the cluster's CA and every member's certificate."""
    openssl = need_tool("openssl")
    cert, key = where / "cluster.pem", where / "cluster.key"
    made = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return cert, key


def test_dask_over_tls_builds_the_same_bytes_and_bad_settings_are_a_message(mini_data: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster
    from distributed.security import Security

    cert, key = _certificate(tmp_path)
    files = {"ca_file": str(cert), "scheduler_cert": str(cert), "scheduler_key": str(key)}
    files |= {"worker_cert": str(cert), "worker_key": str(key), "client_cert": str(cert), "client_key": str(key)}
    security = Security(**{f"tls_{name}": value for name, value in files.items()}, require_encryption=True)
    env = {
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(cert),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(cert),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(key),
    }
    work = mini_data.parent
    clean = run_kg("build", "--data", "data", "--out", "clean", "--no-cache", "--formats", "nquads,turtle", cwd=work)
    assert clean.returncode == 0, clean.stderr
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, protocol="tls://", security=security, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://")
        args = ["build", "--data", "data", "--no-cache", "--formats", "nquads,turtle", "--dask", address]
        result = run_kg(*args, "--out", "over-tls", cwd=work, env=env)
        assert result.returncode == 0, result.stderr
        assert _tree(work / "over-tls") == _tree(work / "clean")
        wrong = {**env, "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(tmp_path / "missing.key")}
        result = run_kg(*args, "--out", "wrong", cwd=work, env=wrong)
        assert result.returncode == 2, result.stderr
        assert "Dask's TLS settings cannot be used" in result.stderr and "missing.key" in result.stderr
        assert "Traceback" not in result.stderr and not (work / "wrong").exists()
