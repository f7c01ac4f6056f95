"""The command line as a process: Ctrl-C at any moment, bytes that are not UTF-8 in argv and on stdin, a locale
that cannot encode the answer, an endless stdin, a reader that closes the pipe early. Each runs the real `kg`
in a subprocess with a real signal or a real pipe."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

import kg
from kg import store
from tests.conftest import ROOT, run_kg

# every triple with every triple with every triple: hours of evaluation inside Oxigraph on the synthetic store
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of a synthetic corpus (`kg synth`, then `kg build --formats store`)."""
    root = tmp_path_factory.mktemp("process")
    result = run_kg("synth", "--statements", "1000", "--seed", "3", "--out", str(root / "data"))
    assert result.returncode == 0, result.stderr
    result = run_kg("build", "--data", str(root / "data"), "--out", str(root / "build"), "--formats", "store")
    assert result.returncode == 0, result.stderr
    return root / "build"


def _kg(*args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env={**os.environ, **(env or {})}, stderr=subprocess.PIPE, **popen
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _interrupt(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("kg went on after Ctrl-C")
    return process.returncode, err.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------------------------
# Ctrl-C


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the child's CPU time from /proc")
def test_ctrl_c_stops_a_query_that_oxigraph_is_evaluating(synthetic_build: Path) -> None:
    process = _kg("-m", "kg", "query", "--build", str(synthetic_build), ENDLESS, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _cpu_seconds(process.pid) < 2.0:  # well past start-up: the engine is at work
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the query never started"
        time.sleep(0.05)
    code, err = _interrupt(process)
    assert code == 130
    assert err == "kg: interrupted; the query was stopped\n"


@pytest.mark.parametrize("how", ["python -m kg", "the kg script"])
def test_ctrl_c_while_python_loads_kg_is_one_line_and_130(how: str) -> None:
    """The signal lands while kg's modules are being imported: PYTHONPROFILEIMPORTTIME prints each import to
    stderr as it ends, so the signal is sent as soon as the package `kg` itself is in and kg.cli's imports are
    under way. Both ways of starting kg: `python -m kg` and the console script (`kg = kg.cli:main`)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    if how == "the kg script":
        script = shutil.which("kg")
        if script is None:
            pytest.skip("the kg console script is not installed")
        argv = [script, "formats"]
    else:
        argv = [sys.executable, "-m", "kg", "formats"]
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = []
    for line in process.stderr:
        seen.append(line)
        if re.search(rb"\|\s+kg$", line.rstrip()):  # the package, imported alone or inside kg.cli's import
            process.send_signal(signal.SIGINT)
            break
    else:
        pytest.fail("no import of kg seen: " + b"".join(seen).decode())
    code, err = _interrupt(process)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert code == 130 and err.splitlines()[-1].startswith("kg: interrupted"), err


# ---------------------------------------------------------------------------------------------------------------
# Bytes that are not UTF-8


def _run_bytes(args: list[bytes], stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"kg", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_a_query_argument_that_is_not_utf8_is_refused(synthetic_build: Path) -> None:
    result = _run_bytes([b"query", b"--build", bytes(synthetic_build), b'SELECT * WHERE { ?s ?p "\xff" }'])
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode() == (
        "kg: error: the query: byte 25 is not UTF-8 (b'\\xff'); write the query and its values in UTF-8\n"
    )


def test_a_param_that_is_not_utf8_is_refused(synthetic_build: Path) -> None:
    query = b"SELECT ?s WHERE { ?s ?p ?o }"
    result = _run_bytes([b"query", b"--build", bytes(synthetic_build), query, b"--param", b"o=caf\xe9"])
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode() == (
        "kg: error: --param: byte 6 is not UTF-8 (b'\\xe9'); write the query and its values in UTF-8\n"
    )


def test_stdin_that_is_not_utf8_is_refused_with_its_line(synthetic_build: Path) -> None:
    stdin = b'SELECT ?s\nWHERE { ?s ?p "\xc3\x28" }\n'
    result = _run_bytes([b"query", b"--build", bytes(synthetic_build), b"-"], stdin=stdin)
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode() == (
        "kg: error: stdin:2:16: the byte b'\\xc3' is not UTF-8; save the query as UTF-8\n"
    )


def test_a_query_file_whose_name_is_not_utf8_is_read(synthetic_build: Path, tmp_path: Path) -> None:
    name = bytes(tmp_path) + b"/ask-\xff.rq"
    Path(os.fsdecode(name)).write_text("ASK {}\n", encoding="utf-8")
    result = _run_bytes([b"query", b"--build", bytes(synthetic_build), name])
    assert (result.returncode, result.stdout) == (0, b"true\n"), result.stderr


def test_a_name_too_long_for_a_file_is_no_traceback(synthetic_build: Path) -> None:
    result = _run_bytes([b"query", b"--build", bytes(synthetic_build), b"a" * 5000])
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"is neither a saved question nor a file" in result.stderr


def test_no_stdin_at_all_is_a_usage_error(synthetic_build: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--build", str(synthetic_build), "-"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert process.returncode == 2
    assert process.stderr.decode() == "kg: error: kg query -: there is no standard input to read the query from\n"


def test_stdin_is_read_up_to_a_limit_then_refused(synthetic_build: Path) -> None:
    with open("/dev/zero", "rb") as zeros:
        result = subprocess.run(
            [sys.executable, "-m", "kg", "query", "--build", str(synthetic_build), "-"],
            cwd=ROOT,
            stdin=zeros,
            capture_output=True,
            timeout=120,
        )
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"kg: error: stdin: more than 16 MiB; a query is at most {store.MAX_QUERY_BYTES} bytes "
        "(was the wrong file given?)\n"
    )


def test_a_query_of_exactly_the_limit_is_read(synthetic_build: Path) -> None:
    text = "ASK {}\n"
    stdin = (text + "#" * (store.MAX_QUERY_BYTES - len(text) - 1) + "\n").encode()
    result = _run_bytes([b"query", b"--build", bytes(synthetic_build), b"-"], stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"true\n"


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}],
    ids=["PYTHONIOENCODING=ascii", "LANG=C"],
)
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "turtle"])
def test_an_answer_in_chinese_is_written_in_utf8_whatever_the_locale(
    synthetic_build: Path, env: dict, fmt: str
) -> None:
    if fmt == "turtle":
        query = 'CONSTRUCT { <https://kg.example.org/region/shanghai> rdfs:label "上海"@zh } WHERE {}'
    else:
        query = 'SELECT ?label WHERE { BIND ("上海"@zh AS ?label) }'
    result = _run_bytes(
        [b"query", b"--build", bytes(synthetic_build), b"--format", fmt.encode(), query.encode()], env=env
    )
    assert result.returncode == 0, result.stderr.decode()
    assert "上海" in result.stdout.decode("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# The Python API's parameters


def test_an_integer_python_cannot_write_is_a_usage_error(synthetic_build: Path) -> None:
    with pytest.raises(kg.UsageError, match=r"parameter o: an integer of about 5001 digits .*set_int_max_str_digits"):
        kg.query("SELECT ?s WHERE { ?s ?p ?o }", synthetic_build, o=10**5000)


@pytest.mark.parametrize("value", ["caf\udce9", "\ud800"])
def test_a_lone_surrogate_parameter_is_a_usage_error(synthetic_build: Path, value: str) -> None:
    with pytest.raises(kg.UsageError, match=r"parameter o: character \d is a lone surrogate \(U\+D[89C]"):
        kg.query("SELECT ?s WHERE { ?s ?p ?o }", synthetic_build, o=value)


def test_a_lone_surrogate_in_the_query_is_a_usage_error(synthetic_build: Path) -> None:
    with pytest.raises(kg.UsageError, match=r"the query: character 26 is a lone surrogate \(U\+DCFF\)"):
        kg.query('SELECT ?s WHERE { ?s ?p "\udcff" }', synthetic_build)


def test_infinite_and_nan_floats_are_xsd_doubles() -> None:
    assert str(store.to_term(float("inf"))) == '"INF"^^<http://www.w3.org/2001/XMLSchema#double>'
    assert str(store.to_term(float("-inf"))) == '"-INF"^^<http://www.w3.org/2001/XMLSchema#double>'
    assert str(store.to_term(float("nan"))) == '"NaN"^^<http://www.w3.org/2001/XMLSchema#double>'
    assert str(store.to_term(Decimal("1.5"))) == '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'


# ---------------------------------------------------------------------------------------------------------------
# A reader that closes the pipe


def _closed_stdout(*args: str) -> tuple[int, str]:
    """Run kg with a standard output whose reader has already gone (`kg ... | head -0`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        process = _kg("-m", "kg", *args, stdout=write)
    finally:
        os.close(write)
    _, err = process.communicate(timeout=300)
    return process.returncode, err.decode()


@pytest.mark.parametrize("args", [["formats"], ["query", "--list"]])
def test_a_closed_stdout_is_exit_141_without_a_traceback(args: list[str]) -> None:
    code, err = _closed_stdout(*args)
    assert (code, err) == (141, "")


def test_help_to_a_closed_stdout_says_nothing() -> None:
    """argparse drops a failed write of its help itself (and exits 0); Python's flush at exit must not then
    print 'Exception ignored ... BrokenPipeError'."""
    code, err = _closed_stdout("--help")
    assert (code, err) in ((0, ""), (141, ""))


def test_synth_and_export_with_a_closed_stdout_still_write(tmp_path: Path) -> None:
    code, err = _closed_stdout("synth", "--statements", "60", "--out", str(tmp_path / "data"))
    assert (code, err) == (141, "")
    assert len(list((tmp_path / "data" / "facts").glob("*.yaml"))) == 3
    out = tmp_path / "kg.ttl"
    code, err = _closed_stdout("export", "--data", str(tmp_path / "data"), "--format", "turtle", "--out", str(out))
    assert (code, err) == (141, "")
    again = run_kg(
        "export", "--data", str(tmp_path / "data"), "--format", "turtle", "--out", str(tmp_path / "again.ttl")
    )
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == (tmp_path / "again.ttl").read_bytes()


def test_a_build_whose_stdout_closes_finishes_its_files(tmp_path: Path, mini_data: Path) -> None:
    closed, whole = tmp_path / "closed", tmp_path / "whole"
    code, err = _closed_stdout("build", "--data", str(mini_data), "--out", str(closed), "--no-cache")
    assert (code, err) == (141, "")
    assert run_kg("build", "--data", str(mini_data), "--out", str(whole), "--no-cache").returncode == 0
    names = sorted(p.name for p in whole.iterdir())
    assert sorted(p.name for p in closed.iterdir()) == names
    for name in ("kg.ttl", "kg.nq", "kg.graphml", "kg.html"):
        assert (closed / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_broken_pipe_that_is_not_stdout_is_not_taken_for_a_closed_stdout() -> None:
    """A BrokenPipeError from another pipe or socket (a server hanging up on kg push) must not pass for the reader
    of kg's output going away: that would exit 141 and say nothing. The command below raises one while stdout is
    open; kg's handling of a closed stdout must leave it alone."""
    hook = (
        "import sys, kg.cli\n"
        "def run(argv):\n"
        "    raise BrokenPipeError(32, 'Broken pipe (a socket)')\n"
        "kg.cli.run = run\n"
        "sys.exit(kg.cli.main([]))\n"
    )
    result = subprocess.run([sys.executable, "-c", hook], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "BrokenPipeError: [Errno 32] Broken pipe (a socket)" in result.stderr
