"""`kg synth`: a synthetic corpus that the loader accepts unchanged, the same for the same seed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.pipeline import run as pipeline
from kg.pipeline import synth
from tests.conftest import run_kg


def _digest(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_corpus_loads_without_errors_and_has_the_size_asked(tmp_path: Path) -> None:
    # 2,000 statements need more invented names than two syllables give: the generator must not loop forever
    articles, statements = synth.generate(tmp_path / "corpus", 2000, seed=3)
    build = pipeline.load(tmp_path / "corpus")
    assert statements == len(build.facts.statements)
    assert 2000 <= statements < 2000 + 10  # whole paragraphs: at most one paragraph over
    assert articles == len(build.facts.sources) == len(list((tmp_path / "corpus" / "articles").glob("*.md")))
    classes = {e.cls for e in build.facts.entities.values()}
    assert {"Person", "GovernmentBody", "Province", "Company", "Article"} <= classes
    for st in build.facts.statements:  # every quote is text of its article, at its offsets
        body = build.facts.sources[st.source].body
        for ev in st.evidence:
            assert body[ev.start : ev.end] == ev.quote


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path: Path) -> None:
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        result = run_kg("synth", "--statements", "300", "--seed", seed, "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert "wrote 12 articles with 30" in result.stdout
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_relation_mix_covers_the_shipped_article(tmp_path: Path) -> None:
    """Every relation the shipped article states three times or more is in a synthetic corpus too, in about its
    share, and companies have arms that found institutes: the parent-company question, among others, then works
    on data shaped like the real one (it had no sub-organisations to walk before)."""
    from collections import Counter

    from tests.conftest import DATA

    shipped = Counter(st.predicate for st in pipeline.load(DATA).facts.statements)
    synth.generate(tmp_path / "corpus", 3000, seed=5)
    build = pipeline.load(tmp_path / "corpus")
    made = Counter(st.predicate for st in build.facts.statements)
    common = {p for p, n in shipped.items() if n >= 3}
    assert {"subOrganisationOf", "foundedBy", "coFoundedBy", "holdsPostIn"} <= common
    for predicate in common:
        assert made[predicate] / made.total() > 0.02, (predicate, made[predicate])
    parents = {st.object for st in build.facts.statements if st.predicate == "subOrganisationOf"}
    arms = {st.subject for st in build.facts.statements if st.predicate == "subOrganisationOf"}
    founders = {st.object for st in build.facts.statements if st.predicate == "foundedBy"}
    assert parents & founders and arms & founders  # founded by the parent, and by a sub-organisation
    assert all(build.facts.entities[p].cls == "Company" for p in parents)


def test_an_earlier_corpus_is_replaced_wholly_and_anything_else_refused(tmp_path: Path) -> None:
    """kg synth into a folder it used before left the old articles beside the new ones, and the corpus no longer
    built (duplicate ids); now an earlier corpus is replaced as a whole, and a folder with anything else in it is
    refused, untouched (issue 22, item 8)."""
    out = tmp_path / "corpus"
    assert run_kg("synth", "--statements", "600", "--seed", "1", "--out", str(out)).returncode == 0
    result = run_kg("synth", "--statements", "300", "--seed", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "replaced the earlier kg synth corpus" in result.stdout
    fresh = tmp_path / "fresh"
    assert run_kg("synth", "--statements", "300", "--seed", "2", "--out", str(fresh)).returncode == 0
    assert _digest(out) == _digest(fresh)  # nothing of the first corpus is left
    built = run_kg("build", "--data", str(out), "--out", str(tmp_path / "build"), "--no-cache")
    assert built.returncode == 0, built.stderr

    (out / "articles" / "my-notes.md").write_text("mine", encoding="utf-8")
    before = _digest(out)
    refused = run_kg("synth", "--statements", "300", "--seed", "3", "--out", str(out))
    assert refused.returncode == 2 and "articles/my-notes.md" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and _digest(out) == before

    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_kg("synth", "--statements", "50", "--out", str(empty)).returncode == 0
    assert (empty / "facts").is_dir() and "replaced" not in run_kg(
        "synth", "--statements", "50", "--out", str(tmp_path / "new")
    ).stdout
