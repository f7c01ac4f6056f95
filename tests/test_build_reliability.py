"""The build against a hostile or failing environment: a cache shipped with the data, a full or read-only file
system, a Dask address kg cannot use. Each ends in a clean message and exit code, or in a correct build."""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path

from tests.conftest import run_kg


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _without_store(tree: dict[str, bytes]) -> dict[str, bytes]:
    """The store's files hold Oxigraph's own ids and logs; every other output must be byte-identical."""
    return {name: data for name, data in tree.items() if not name.startswith("store/")}


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
