"""`kg export --format F [--out PATH]` for every registered format, `kg build --formats`, and the errors a
user gets for an unknown format or an output path that cannot take the format. The CLI runs in process
(kg.cli.main, as the console script does) except where the working directory matters."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import cli, export
from tests.conftest import DATA, run_kg

BLANK = re.compile(r"_:[0-9A-Za-z]+")


def kg(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def same_output(name: str, got: Path, want: Path) -> None:
    """`got` (from kg export) holds what `kg build` wrote for this format."""
    if name == "store":  # RocksDB files are not byte-stable: compare the quads (blank nodes get new ids per write)
        stores = [ox.Store.read_only(str(p)) for p in (got, want)]
        quads = [sorted(BLANK.sub("_:", str(q)) for q in s.quads_for_pattern(None, None, None, None)) for s in stores]
        del stores
        assert quads[0] == quads[1] and len(quads[0]) > 1000
    elif export.FORMATS[name].is_directory:
        assert sorted(p.name for p in got.iterdir()) == sorted(p.name for p in want.iterdir())
        for part in want.iterdir():
            assert (got / part.name).read_bytes() == part.read_bytes(), part.name
    else:
        assert got.read_bytes() == want.read_bytes()


@pytest.mark.parametrize("name", list(export.FORMATS))
def test_export_writes_each_format_and_replaces_its_earlier_output(
    name: str, tmp_path: Path, shipped_build: Path, capsys: pytest.CaptureFixture
) -> None:
    fmt = export.FORMATS[name]
    out = tmp_path / "elsewhere" / f"my-{fmt.filename}"
    for _ in range(2):  # the second run replaces the first output in place
        code, stdout, stderr = kg(capsys, "export", "--data", str(DATA), "--format", name, "--out", str(out))
        assert (code, stdout, stderr) == (0, f"wrote {out}\n", "")
        assert out.is_dir() == fmt.is_directory
        same_output(name, out, shipped_build / fmt.filename)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name], "temporary files left behind"
    if fmt.is_directory:
        assert out.stat().st_mode & 0o777 == 0o755
        assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o644}


def test_export_defaults_to_the_build_directory(tmp_path: Path) -> None:
    result = run_kg("export", "--data", str(DATA), "--format", "graphml", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "wrote build/kg.graphml\n", "")
    assert (tmp_path / "build" / "kg.graphml").stat().st_size > 10_000


def test_unknown_format_lists_the_valid_ones(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    valid = ", ".join(export.FORMATS)
    code, stdout, stderr = kg(capsys, "export", "--data", str(DATA), "--format", "gexf", "--out", str(tmp_path / "x"))
    assert (code, stdout) == (2, "")
    assert stderr == f"kg: error: unknown format 'gexf'; available formats: {valid}\n"
    code, _, stderr = kg(capsys, "build", "--data", str(DATA), "--out", str(tmp_path / "b"), "--formats", "turtle,csv")
    assert code == 2 and stderr == f"kg: error: unknown format 'csv'; available formats: {valid}\n"
    assert not (tmp_path / "x").exists() and not (tmp_path / "b").exists()


def test_formats_lists_the_registry(capsys: pytest.CaptureFixture) -> None:
    code, stdout, _ = kg(capsys, "formats")
    assert code == 0
    assert [line.split()[:2] for line in stdout.splitlines()] == [[f.name, f.filename] for f in export.FORMATS.values()]


def test_build_formats_selects(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    out = tmp_path / "build"
    code, stdout, _ = kg(capsys, "build", "--data", str(DATA), "--out", str(out), "--formats", "jsonld,neo4j,nquads")
    assert code == 0
    assert stdout.splitlines()[-1] == f"wrote {out / 'kg.jsonld'}, {out / 'neo4j'}, {out / 'kg.nq'}"
    assert sorted(p.name for p in out.iterdir()) == ["kg.jsonld", "kg.nq", "neo4j"]


def test_build_writes_every_format_by_default(shipped_build: Path) -> None:
    assert sorted(p.name for p in shipped_build.iterdir() if not p.name.startswith(".")) == sorted(
        f.filename for f in export.FORMATS.values()
    )


def test_a_directory_format_never_replaces_other_files(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    mine = tmp_path / "work"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious", encoding="utf-8")
    (mine / "nodes.csv").write_text("mine too", encoding="utf-8")
    for name in ("neo4j", "store"):
        code, _, stderr = kg(capsys, "export", "--data", str(DATA), "--format", name, "--out", str(mine))
        assert code == 2 and "Traceback" not in stderr
        assert f"{mine}: a directory holding other files; the {name} format writes a directory" in stderr
    assert sorted(p.name for p in mine.iterdir()) == ["nodes.csv", "notes.txt"]
    assert (mine / "notes.txt").read_text("utf-8") == "precious"
    code, _, stderr = kg(capsys, "export", "--data", str(DATA), "--format", "neo4j", "--out", str(mine / "notes.txt"))
    assert code == 2 and "not a directory" in stderr


def test_a_file_format_into_a_directory_says_so(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, stdout, stderr = kg(capsys, "export", "--data", str(DATA), "--format", "turtle", "--out", str(tmp_path))
    assert (code, stdout) == (2, "")
    assert stderr == f"kg: error: {tmp_path}: is a directory; give a file name, e.g. --out {tmp_path / 'kg.ttl'}\n"


@pytest.mark.parametrize("name", ["turtle", "neo4j"])
def test_an_unwritable_place_is_a_usage_error(capsys: pytest.CaptureFixture, tmp_path: Path, name: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    code, _, stderr = kg(capsys, "export", "--data", str(DATA), "--format", name, "--out", str(blocker / "out"))
    assert code == 2
    assert stderr.startswith(f"kg: error: {blocker / 'out'}: cannot write here (") and "Traceback" not in stderr
