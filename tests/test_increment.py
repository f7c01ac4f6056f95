"""Incremental builds (kg.pipeline.increment): after an edit, `kg build` updates the previous build in place, and the
result is byte-identical to a clean build of the edited data; whenever that could differ it builds in full."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import export
from kg.pipeline import increment
from kg.pipeline import run as pipeline
from tests.conftest import run_kg

RDF_FORMATS = list(increment.FORMATS)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    result = run_kg("synth", "--statements", "300", "--seed", "7", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture()
def work(tmp_path: Path, corpus: Path) -> Path:
    shutil.copytree(corpus, tmp_path / "data")
    return tmp_path


def _build(work: Path, formats: list[str] | None = RDF_FORMATS) -> increment.Outcome:
    return pipeline.build(work / "data", work / "build", formats, cache=work / "cache")


def _quads(store: Path) -> tuple[list[str], int]:
    """The store's quads without blank nodes (Oxigraph relabels those on every load), and how many in all."""
    text = ox.Store.read_only(str(store)).dump(format=ox.RdfFormat.N_QUADS).decode("utf-8")
    lines = text.splitlines()
    return sorted(line for line in lines if "_:" not in line), len(lines)


def _assert_as_clean(work: Path, formats: list[str] = RDF_FORMATS) -> None:
    clean = work / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    pipeline.write(pipeline.load(work / "data"), clean, formats)
    for name in formats:
        filename = export.get(name).filename
        if name == "store":
            assert _quads(work / "build" / filename) == _quads(clean / filename)
        else:
            assert (work / "build" / filename).read_bytes() == (clean / filename).read_bytes(), filename


def _facts(work: Path, n: int) -> Path:
    return sorted((work / "data" / "facts").iterdir())[n]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _label(path: Path) -> str:
    return next(line for line in path.read_text("utf-8").splitlines() if line.strip().startswith("label:"))


def _results(work: Path) -> set[str]:
    return {p.name for p in (work / "cache").iterdir() if re.fullmatch("[0-9a-f]{64}", p.name)}


def test_label_edit_updates_in_place_and_matches_a_clean_build(work: Path) -> None:
    assert _build(work).changed is None  # the first build is a full one
    results = _results(work)
    assert len(results) == len(list((work / "data" / "facts").iterdir()))
    for n in (0, 5, -1):  # first, middle and last source
        facts = _facts(work, n)
        _replace(facts, _label(facts), _label(facts) + ' "quoted" <b> & 上海')
        outcome = _build(work)
        assert outcome.changed == [facts.stem]
        _assert_as_clean(work)
    now = _results(work)
    assert len(now) == len(results) and len(now - results) == 3, "each edited source's old result was dropped"


def test_new_statement_between_known_entities_and_removed_statement(work: Path) -> None:
    _build(work)
    facts = _facts(work, 3)
    text = facts.read_text("utf-8")
    located = re.search(r"(?m)^- subject: (\S+)\n  predicate: locatedIn\n  object: (\S+)\n  evidence: (.+)\n", text)
    assert located, "synthetic sources place organisations"
    subject, obj, quote = located.groups()
    if f"- subject: {subject}\n  predicate: headquarteredIn\n  object: {obj}\n" in text:
        pytest.skip("already stated")
    added = f"- subject: {subject}\n  predicate: headquarteredIn\n  object: {obj}\n  evidence: {quote}\n"
    facts.write_text(text + added, encoding="utf-8")
    outcome = _build(work)
    assert outcome.changed == [facts.stem], "a statement between known entities is updated in place"
    _assert_as_clean(work)
    facts.write_text(text.replace(located.group(), located.group() + "  note: a note on the evidence\n"), "utf-8")
    assert _build(work).changed == [facts.stem]  # taken out again, and a note added (the named graph only)
    _assert_as_clean(work)


def test_fact_that_two_sources_state_stays_while_one_still_does(work: Path) -> None:
    """The default graph holds a fact once however many sources state it: removing it from one source keeps it."""
    a, b = _facts(work, 1), _facts(work, 2)
    statement = re.search(r"(?ms)^- subject: .*?(?=^- subject: |\Z)", a.read_text("utf-8").split("statements:")[1])
    subject = re.search(r"subject: (\S+)", statement.group()).group(1)
    predicate = re.search(r"predicate: (\S+)", statement.group()).group(1)
    obj = re.search(r"object: (\S+)", statement.group())
    assert obj, "the first statement of a synthetic source links two entities"
    article = (work / "data" / "articles" / f"{b.stem}.md").read_text("utf-8")
    quote = article.split("---", 2)[2].strip().splitlines()[0].strip()
    repeated = (
        f"- subject: {subject}\n  predicate: {predicate}\n  object: {obj.group(1)}\n"
        f"  evidence: {quote}\n"
        f"  note: also in {b.stem}\n"
    )
    original = b.read_text("utf-8")
    b.write_text(original + repeated, encoding="utf-8")
    assert _build(work).changed is None
    b.write_text(original, encoding="utf-8")
    assert _build(work).changed == [b.stem]
    _assert_as_clean(work)
    fact = pipeline.load(work / "data").rdf.lines()
    assert any(f"/{subject}> " in line and f"/{obj.group(1)}> ." in line for line in fact)
    b.write_text(original + repeated, encoding="utf-8")  # and stated a second time again
    assert _build(work).changed == [b.stem]
    _assert_as_clean(work)


def test_fact_one_source_states_twice_goes_when_both_statements_go(work: Path) -> None:
    """Two statements of one source can give the same fact (a person's two roles in one organisation): it counts as
    one source's, so an update that takes both statements out takes the fact out of the default graph too."""
    facts = next(f for f in sorted((work / "data" / "facts").iterdir()) if "  role: " in f.read_text("utf-8"))
    text = facts.read_text("utf-8")
    post = re.search(
        r"(?m)^- subject: \S+\n  predicate: holdsPostIn\n  object: \S+\n  role: (.+)\n  evidence: .+\n", text
    )
    assert post, "synthetic sources give people's posts with their role"
    second = post.group().replace(f"  role: {post.group(1)}\n", "  role: also its spokesperson\n")
    facts.write_text(text.replace(post.group(), post.group() + second, 1), encoding="utf-8")
    assert _build(work).changed is None
    fact = " ".join(post.group().split("\n")[:3])
    facts.write_text(text.replace(post.group(), "", 1), encoding="utf-8")
    assert _build(work).changed == [facts.stem], fact
    _assert_as_clean(work)


def test_literals_with_unicode_line_breaks_update_in_place(work: Path) -> None:
    """N-Triples leaves U+2028 and U+2029 in a literal unescaped; kg reads its own lines back split at LF only
    (str.splitlines() also splits there, which cut such a label's line in two in the updated files). U+0085,
    which splitlines() splits at too, is refused at load (a C1 control: kg.read.articles.character_problem)."""
    facts = _facts(work, 2)
    label = _label(facts)
    indent = label[: len(label) - len(label.lstrip())]
    _replace(facts, label, f'{indent}label: "Split\\u2028here and there\\u2029and here\\u2029too"')
    _build(work)
    _replace(facts, f'{indent}label: "Split', f'{indent}label: "Still split')
    assert _build(work).changed == [facts.stem]
    _assert_as_clean(work)
    assert "Still split\u2028here" in (work / "build" / "kg.nt").read_text("utf-8")


def test_nothing_changed_touch_and_no_cache(work: Path) -> None:
    _build(work)
    before = {p.name: p.stat().st_ino for p in (work / "build").iterdir()}
    assert _build(work).changed == []
    facts = _facts(work, 4)
    os.utime(facts)  # a new time, the same bytes
    assert _build(work).changed == []
    assert {p.name: p.stat().st_ino for p in (work / "build").iterdir()} == before, "nothing was rewritten"
    outcome = pipeline.build(work / "data", work / "build", RDF_FORMATS, cache=None)
    assert outcome.changed is None


def test_new_entity_and_changed_part_of_update_in_place(work: Path) -> None:
    _build(work)
    facts = _facts(work, 2)
    _replace(facts, "entities:\n", "entities:\n- id: p-brand-new\n  class: Person\n  label: Brand New\n")
    text = facts.read_text("utf-8")
    quote = re.search(r"evidence: (.+)", text).group(1)
    facts.write_text(
        text + f"- subject: p-brand-new\n  predicate: quotedIn\n  object: {facts.stem}\n  evidence: {quote}\n",
        encoding="utf-8",
    )
    assert _build(work).changed == [facts.stem]
    _assert_as_clean(work)
    with_part_of = next(f for f in sorted((work / "data" / "facts").iterdir()) if "predicate: partOf" in f.read_text())
    _replace(with_part_of, "predicate: partOf", "predicate: locatedIn")
    assert _build(work).changed == [with_part_of.stem]
    _assert_as_clean(work)


def test_sources_removed_and_added_update_in_place(work: Path) -> None:
    """A facts file with its article taken out, then put back: both updates in place, both as clean builds."""
    _build(work)
    facts, article, aside = _set_aside_a_source(work)
    assert _build(work).changed == [facts.stem]
    _assert_as_clean(work)
    summary = pipeline.load(work / "data").summary()
    assert _build(work).summary == summary
    shutil.move(aside / facts.name, facts)
    shutil.move(aside / article.name, article)
    outcome = _build(work)
    assert outcome.changed == [facts.stem]
    assert outcome.summary == pipeline.load(work / "data").summary()
    _assert_as_clean(work)


def test_part_of_cycle_declines_and_is_reported(work: Path) -> None:
    from kg.errors import DataError

    _build(work)
    facts = next(f for f in sorted((work / "data" / "facts").iterdir()) if "predicate: partOf" in f.read_text())
    link = re.search(
        r"(?m)^- subject: (\S+)\n  predicate: partOf\n  object: (\S+)\n  evidence: (.+)\n", facts.read_text()
    )
    inner, outer, quote = link.groups()
    back = f"- subject: {outer}\n  predicate: partOf\n  object: {inner}\n  evidence: {quote}\n"
    facts.write_text(facts.read_text("utf-8") + back, encoding="utf-8")
    with pytest.raises(DataError, match="partOf forms a cycle"):
        _build(work)


def test_article_alone_then_its_facts_update_in_place(work: Path) -> None:
    """The usual way to add a source: the article first (an Article node of its own), then its facts file
    (drafted by kg extract, curated); later the article's text changes, and finally both go away."""
    _build(work)
    facts, article, aside = _set_aside_a_source(work)
    assert _build(work).changed == [facts.stem]
    _assert_as_clean(work)
    shutil.move(aside / article.name, article)  # the article alone
    assert _build(work).changed == [facts.stem]
    _assert_as_clean(work)
    _replace(article, "title: Synthetic", "title: Revised synthetic")  # its title changes, still alone
    assert _build(work).changed == [facts.stem]
    _assert_as_clean(work)
    shutil.move(aside / facts.name, facts)  # its facts file comes
    outcome = _build(work)
    assert outcome.changed == [facts.stem]
    assert outcome.summary == pipeline.load(work / "data").summary()
    _assert_as_clean(work)
    shutil.move(facts, aside / facts.name)  # the facts file goes, the article stays: a full build
    assert _build(work).changed is None
    _assert_as_clean(work)
    article.unlink()  # and the article alone goes
    outcome = _build(work)
    assert outcome.changed == [facts.stem]
    assert outcome.summary == pipeline.load(work / "data").summary()
    _assert_as_clean(work)


def _set_aside_a_source(work: Path) -> tuple[Path, Path, Path]:
    """Move a facts file and its article out of data/ (into aside/), one that no other source depends on."""
    from kg.errors import DataError

    aside = work / "aside"
    aside.mkdir()
    for facts in sorted((work / "data" / "facts").iterdir(), reverse=True):
        article = work / "data" / "articles" / f"{facts.stem}.md"
        shutil.move(facts, aside / facts.name)
        shutil.move(article, aside / article.name)
        try:
            pipeline.load(work / "data")
            return facts, article, aside
        except DataError:
            shutil.move(aside / facts.name, facts)
            shutil.move(aside / article.name, article)
    pytest.fail("every source is needed by another")


@pytest.mark.parametrize("edit", ["class", "article of a facts file removed", "output edited", "other formats"])
def test_declines_to_a_full_build_that_is_right(work: Path, edit: str) -> None:
    _build(work)
    facts = _facts(work, 2)
    formats = RDF_FORMATS
    if edit == "class":
        if "class: Company" not in facts.read_text("utf-8"):
            pytest.skip("no Company in this source")
        _replace(facts, "class: Company", "class: Organisation")
    elif edit == "article of a facts file removed":  # and its facts file kept: a problem
        (work / "data" / "articles" / f"{facts.stem}.md").unlink()
    elif edit == "output edited":
        (work / "build" / "kg.ttl").write_text("damaged", encoding="utf-8")
        _replace(facts, _label(facts), _label(facts) + " x")
    elif edit == "other formats":
        formats = ["turtle", "ntriples"]
        _replace(facts, _label(facts), _label(facts) + " x")
    if edit == "article of a facts file removed":
        from kg.errors import DataError

        with pytest.raises(DataError, match="no article"):
            pipeline.build(work / "data", work / "build", formats, cache=work / "cache")
        return
    result = pipeline.build(work / "data", work / "build", formats, cache=work / "cache")
    assert result.changed is None, f"{edit}: a full build"
    _assert_as_clean(work, formats)
    # the record follows the latest build: up to date, unless that build wrote other formats
    assert _build(work).changed == (None if edit == "other formats" else [])


def test_outputs_of_an_earlier_kg_are_written_again_in_full(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build whose outputs an earlier kg wrote (another OUTPUTS_FORMAT: the store's graphs were different,
    say) is not updated in place, even with no source changed: its outputs would keep the earlier shape."""
    monkeypatch.setattr(increment, "OUTPUTS_FORMAT", increment.OUTPUTS_FORMAT - 1)
    _build(work)
    monkeypatch.undo()
    assert _build(work).changed is None, "a full build"
    assert _build(work).changed == []


def test_problem_introduced_is_reported_as_always_and_build_kept(work: Path) -> None:
    """An edit that leaves an entity in no statement: the shortcut declines, the full build reports it, and the
    previous build stays whole."""
    _build(work)
    facts = _facts(work, 6)
    text = facts.read_text("utf-8")
    head, statements = text.split("statements:\n", 1)
    first_id = re.search(r"- id: (\S+)", head).group(1)
    kept = [b for b in re.split(r"(?m)^(?=- subject: )", statements) if f": {first_id}\n" not in b]
    facts.write_text(head + "statements:\n" + "".join(kept), encoding="utf-8")
    before = (work / "build" / "kg.nq").read_bytes()
    result = run_kg(
        "build", "--data", str(work / "data"), "--out", str(work / "build"), "--formats", ",".join(RDF_FORMATS),
        "--cache", str(work / "cache"),
    )  # fmt: skip
    assert result.returncode == 1
    assert f"entity {first_id!r} is in no statement" in result.stderr
    assert (work / "build" / "kg.nq").read_bytes() == before
    facts.write_text(text, encoding="utf-8")
    assert _build(work).changed == [], "back as it was built: nothing to do"


def test_cli_says_what_it_did_and_queries_see_the_update(work: Path) -> None:
    args = ["build", "--data", str(work / "data"), "--out", str(work / "build"), "--formats", "rdf"]
    args += ["--cache", str(work / "cache")]
    first = run_kg(*args)
    assert first.returncode == 0, first.stderr
    assert "in place" not in first.stdout
    facts = _facts(work, 0)
    eid = re.search(r"- id: (\S+)", facts.read_text("utf-8")).group(1)
    _replace(facts, _label(facts), "  label: Renamed Entity 甲")
    second = run_kg(*args)
    assert second.returncode == 0, second.stderr
    assert f"updated {work / 'build'} in place for 1 changed source(s): {facts.stem}" in second.stdout
    query = (
        'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label "Renamed Entity 甲"@en }'
    )
    found = run_kg("query", "--build", str(work / "build"), query, "--format", "csv")
    assert found.returncode == 0, found.stderr
    assert eid in found.stdout
    third = run_kg(*args)
    assert "is up to date" in third.stdout


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.mark.long
def test_sigkill_during_updates_leaves_a_whole_build_and_the_next_one_right(mini_data: Path, tmp_path: Path) -> None:
    """Updates killed at random moments: build/ is always the old or the new version whole, and the next build
    (in place or full, whichever the record allows) gives exactly the edited data's output."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    formats = "turtle,trig,ntriples,nquads,jsonld"
    out = tmp_path / "build"
    args = [sys.executable, "-m", "kg", "build", "--data", str(mini_data), "--out", str(out), "--formats", formats]
    facts = mini_data / "facts" / "mini-news.yaml"
    original = facts.read_text("utf-8")
    edited = original.replace("label: Ada Wu", "label: Ada B. Wu")
    assert edited != original
    versions = {}
    for name, text in (("edited", edited), ("original", original)):
        facts.write_text(text, encoding="utf-8")
        reference = tmp_path / name
        result = run_kg("build", "--data", str(mini_data), "--out", str(reference), "--formats", formats, "--no-cache")
        assert result.returncode == 0, result.stderr
        versions[name] = _snapshot(reference)
    assert subprocess.run(args, cwd=ROOT, capture_output=True).returncode == 0  # the original, recorded
    facts.write_text(edited, encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    duration = time.monotonic() - started
    assert "in place" in result.stdout, result.stdout
    rng = random.Random(6)
    killed = 0
    for i in range(12):
        target = "original" if i % 2 == 0 else "edited"
        facts.write_text(original if target == "original" else edited, encoding="utf-8")
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        if proc.poll() is None:
            killed += 1
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        assert _snapshot(out) in versions.values(), "build/ is a mix of two builds or incomplete"
        assert subprocess.run(args, cwd=ROOT, capture_output=True).returncode == 0
        assert _snapshot(out) == versions[target]
    assert killed >= 3, "the kills did not land inside builds; the test proved nothing"


def _tree(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_every_format_after_an_edit_matches_a_clean_build(work: Path) -> None:
    """A plain `kg build` (all formats): RDF updated in place, the projection's formats (GraphML, HTML, Neo4j,
    tables) written again from the updated kg.nq; every one as a clean build's."""
    assert _build(work, None).changed is None
    facts = _facts(work, 4)
    _replace(facts, _label(facts), _label(facts) + " (renamed)")
    assert _build(work, None).changed == [facts.stem]
    clean = work / "clean"
    pipeline.write(pipeline.load(work / "data"), clean)
    for fmt in export.FORMATS.values():
        if fmt.name == "store":
            assert _quads(work / "build" / fmt.filename) == _quads(clean / fmt.filename)
        else:
            assert _tree(work / "build" / fmt.filename) == _tree(clean / fmt.filename), fmt.name
    assert b"(renamed)" in (work / "build" / "kg.graphml").read_bytes()


def test_update_and_up_to_date_wait_for_a_running_build(work: Path) -> None:
    """While another build holds the lock, neither an update nor "up to date" is answered: build/ may be about
    to change."""
    import fcntl

    args = ["build", "--data", str(work / "data"), "--out", str(work / "build"), "--formats", "rdf"]
    args += ["--cache", str(work / "cache")]
    assert run_kg(*args).returncode == 0
    with open(work / ".build.kg-lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        for edit in (False, True):
            if edit:
                facts = _facts(work, 1)
                _replace(facts, _label(facts), _label(facts) + " x")
            result = run_kg(*args)
            assert result.returncode == 2, result.stdout
            assert "another kg build is writing here" in result.stderr
    assert "in place" in run_kg(*args).stdout


def _split_off(facts: Path, count: int) -> Path:
    """A second facts file for the same article (its `article:` key), given the first `count` statements of
    `facts`, which no longer holds them."""
    text = facts.read_text("utf-8")
    head, body = text.split("statements:\n", 1)
    items = re.split(r"(?m)^(?=- )", body)
    assert len(items) > count + 1
    other = facts.with_name(f"{facts.stem}-more.yaml")
    other.write_text(f"article: {facts.stem}\nstatements:\n" + "".join(items[:count]), encoding="utf-8")
    facts.write_text(head + "statements:\n" + "".join(items[count:]), encoding="utf-8")
    return other


def test_two_facts_files_of_one_article_update_in_place_as_a_clean_build(work: Path) -> None:
    """Both files' statements stay in the article's named graph (and in every format) whichever file is edited."""
    facts = _facts(work, 4)
    other = _split_off(facts, 2)
    article = work / "data" / "articles" / f"{facts.stem}.md"
    assert _build(work, None).changed is None
    edits = [
        (facts, lambda: _replace(facts, _label(facts), _label(facts) + " (renamed)")),
        (other, lambda: _replace(other, "evidence:", "note: checked\n  evidence:")),
        (article, lambda: _replace(article, "title: ", "title: Revised ")),  # both files' lines change
    ]
    for edited, edit in edits:
        edit()
        assert _build(work, None).changed == [facts.stem], edited.name  # updated in place, not rebuilt
        clean = work / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        pipeline.write(pipeline.load(work / "data"), clean)
        for fmt in export.FORMATS.values():
            if fmt.name == "store":
                assert _quads(work / "build" / fmt.filename) == _quads(clean / fmt.filename), edited.name
            else:
                assert _tree(work / "build" / fmt.filename) == _tree(clean / fmt.filename), (edited.name, fmt.name)


def test_default_lines_changed_since_the_build_decline_the_update(work: Path) -> None:
    """default.nt (the default graph's lines an update splices from) carries no seal: one put there since the
    record (a planted line below) makes the next build a full one, and no planted line reaches the outputs."""
    assert _build(work).changed is None
    facts = _facts(work, 3)
    label = _label(facts)
    _replace(facts, label, label + " (renamed)")
    lines_path = work / "cache" / increment.DEFAULT_LINES
    lines = lines_path.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if f'"{label.split(":", 1)[1].strip()}"' in line)
    subject = lines[at].split(" ", 1)[0]  # a subject the update touches: its lines are read from default.nt
    lines.insert(at + 1, f'{subject} <http://www.w3.org/2000/01/rdf-schema#comment> "planted" .\n')
    lines_path.write_text("".join(lines), encoding="utf-8")
    assert _build(work).changed is None  # a full build
    assert b"planted" not in (work / "build" / "kg.nt").read_bytes()
    _assert_as_clean(work)


def test_a_cache_directory_shipped_as_a_symlink_is_not_followed(work: Path) -> None:
    """Second review: `.build.kg-cache` shipped as a link to another folder made the cache's pruning delete a
    64-hex-named file there and the build write its entries there. Now the build goes without a cache, says so
    once, and its outputs are those of a --no-cache build."""
    victim = work / "victim"
    victim.mkdir()
    (victim / ("ab" * 32)).write_bytes(b"not a cache entry")
    (victim / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in victim.iterdir()}
    (work / ".build.kg-cache").symlink_to(victim, target_is_directory=True)
    for _ in range(2):  # the second build is where an incremental update would prune
        result = run_kg("build", "--data", str(work / "data"), "--out", str(work / "build"))
        assert result.returncode == 0, result.stderr
        assert result.stderr.count("symbolic link") == 1, result.stderr
        assert {p.name: p.read_bytes() for p in victim.iterdir()} == before
    clean = run_kg("build", "--no-cache", "--data", str(work / "data"), "--out", str(work / "clean"))
    assert clean.returncode == 0, clean.stderr
    names = sorted(p.name for p in (work / "clean").iterdir() if p.is_file())
    assert names and names == sorted(p.name for p in (work / "build").iterdir() if p.is_file())
    for name in names:
        if name.endswith((".nt", ".nq", ".ttl", ".trig", ".jsonld", ".csv", ".graphml")):
            assert (work / "build" / name).read_bytes() == (work / "clean" / name).read_bytes(), name
