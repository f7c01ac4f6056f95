"""What is in the output directory after a build agrees with the data: a build with fewer formats than the one
before leaves none of the earlier outputs behind (issue 22, item 6)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_kg


def _names(out: Path) -> list[str]:
    return sorted(entry.name for entry in out.iterdir())


def test_fewer_formats_leave_no_stale_outputs(mini_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert run_kg("build", "--data", str(mini_data), "--out", str(out)).returncode == 0
    assert "store" in _names(out) and "kg.html" in _names(out)
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: Ada Wu", "label: Ada Wu-Lin"), encoding="utf-8")

    result = run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "turtle")
    assert result.returncode == 0, result.stderr
    assert _names(out) == ["kg.ttl"]  # the store, page, tables ... of the build before would answer from old data
    assert "Ada Wu-Lin" in (out / "kg.ttl").read_text(encoding="utf-8")
    query = run_kg("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--build", str(out))
    assert query.returncode == 2 and "no SPARQL store here" in query.stderr, query.stderr


def test_an_update_in_place_leaves_no_stale_outputs(mini_data: Path, tmp_path: Path) -> None:
    """The update in place (same formats, one source changed) keeps only the outputs of its formats as well."""
    out = tmp_path / "build"
    args = ["build", "--data", str(mini_data), "--out", str(out), "--cache", str(tmp_path / "cache")]
    assert run_kg(*args).returncode == 0
    assert run_kg(*args, "--formats", "rdf").returncode == 0
    rdf = _names(out)
    assert "kg.html" not in rdf and "neo4j" not in rdf and "store" in rdf
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: Ada Wu", "label: Ada Wu-Lin"), encoding="utf-8")
    result = run_kg(*args, "--formats", "rdf")
    assert result.returncode == 0 and "in place for 1 changed source" in result.stdout, result.stdout + result.stderr
    assert _names(out) == rdf
    query = run_kg("query", 'ASK { ?s ?p "Ada Wu-Lin"@en }', "--build", str(out))
    assert query.returncode == 0 and "true" in query.stdout, query.stdout + query.stderr
