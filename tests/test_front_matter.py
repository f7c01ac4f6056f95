"""The front matter's author and publisher reach the graph (issue 22, item 7): a Person and a MediaOutlet with
`author` / `publisher` facts of the article, matched by name to the entities its facts file declares, so nothing
is there twice; `author` may list several names."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_kg

BASE = "https://kg.example.org/"
KG = f"{BASE}ontology#"
ARTICLE = f"<{BASE}article/mini-news>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def _build(data: Path, out: Path, *extra: str) -> list[str]:
    result = run_kg("build", "--data", str(data), "--out", str(out), "--formats", "ntriples,nquads", *extra)
    assert result.returncode == 0, result.stderr
    return (out / "kg.nt").read_text(encoding="utf-8").splitlines()


def _set_front(data: Path, key: str, value: str) -> None:
    article = data / "articles" / "mini-news.md"
    lines = article.read_text(encoding="utf-8").split("\n")
    lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in lines]
    article.write_text("\n".join(lines), encoding="utf-8")


def test_publisher_and_author_become_entities_without_duplicates(mini_data: Path, tmp_path: Path) -> None:
    lines = _build(mini_data, tmp_path / "build")
    outlet = f"<{BASE}organisation/harbour-daily>"
    assert f"{ARTICLE} <{KG}publisher> {outlet} ." in lines  # the facts file never states it
    assert f"{outlet} {RDF_TYPE} <{KG}MediaOutlet> ." in lines
    assert f'{outlet} {LABEL} "Harbour Daily"@en .' in lines
    # the author is declared (mei-tan) and stated with its quote by the facts file: one node, one statement node
    assert [line for line in lines if line.startswith(f"{ARTICLE} <{KG}author>")] == [
        f"{ARTICLE} <{KG}author> <{BASE}person/mei-tan> ."
    ]
    assert sum('"Mei Tan"' in line for line in lines) == 1
    quads = (tmp_path / "build" / "kg.nq").read_text(encoding="utf-8")
    assert quads.count(f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{KG}author>") == 1
    # provenance: the fact is in the article's named graph, as its title and date are (no quote: no statement node)
    assert f"{ARTICLE} <{KG}publisher> {outlet} <{BASE}graph/mini-news> ." in quads
    stated = [line for line in quads.splitlines() if line.startswith(f"{ARTICLE} <{KG}publisher>")]
    assert len(stated) == 2  # the default graph and the article's graph


def test_several_authors_and_a_name_matched_by_alias(mini_data: Path, tmp_path: Path) -> None:
    _set_front(mini_data, "author", "[Mei  Tan, Jo Lee, Northwind]")
    _set_front(mini_data, "publisher", "northwind")  # an alias of a Company the facts file declares
    lines = _build(mini_data, tmp_path / "build")
    authors = sorted(line for line in lines if line.startswith(f"{ARTICLE} <{KG}author>"))
    assert authors == [
        f"{ARTICLE} <{KG}author> <{BASE}person/jo-lee> .",
        f"{ARTICLE} <{KG}author> <{BASE}person/mei-tan> .",
        f"{ARTICLE} <{KG}author> <{BASE}person/northwind> .",  # a Person is named: not the Company
    ]
    assert f"{ARTICLE} <{KG}publisher> <{BASE}organisation/northwind> ." in lines
    assert f"<{BASE}organisation/northwind> {RDF_TYPE} <{KG}MediaOutlet> ." not in lines


def test_author_as_a_yaml_block_list_and_bad_items(mini_data: Path, tmp_path: Path) -> None:
    _set_front(mini_data, "author", "\n  - Jo Lee\n  - Mei Tan")
    lines = _build(mini_data, tmp_path / "build")
    assert f"{ARTICLE} <{KG}author> <{BASE}person/jo-lee> ." in lines
    _set_front(mini_data, "author", "[Jo Lee, {name: Mei Tan}]")
    article = mini_data / "articles" / "mini-news.md"
    article.write_text(
        "\n".join(line for line in article.read_text(encoding="utf-8").split("\n") if not line.startswith("  - ")),
        encoding="utf-8",
    )
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "bad"))
    assert result.returncode == 1 or result.returncode == 2, result.stderr
    assert f"{article}:3: front-matter key 'author' must be a name or a list of names" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_edited_author_updates_in_place_as_a_clean_build(mini_data: Path, tmp_path: Path) -> None:
    cache = ("--cache", str(tmp_path / "cache"))
    _build(mini_data, tmp_path / "build", *cache)
    _set_front(mini_data, "author", "[Mei Tan, Jo Lee]")
    _set_front(mini_data, "publisher", "Harbour Evening Daily")
    result = run_kg(
        "build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--formats", "ntriples,nquads", *cache
    )
    assert "in place for 1 changed source" in result.stdout, result.stdout + result.stderr
    _build(mini_data, tmp_path / "clean", "--no-cache")
    for name in ("kg.nt", "kg.nq"):
        assert (tmp_path / "build" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes()
    assert "harbour-evening-daily" in (tmp_path / "build" / "kg.nt").read_text(encoding="utf-8")
    assert "harbour-daily>" not in (tmp_path / "build" / "kg.nt").read_text(encoding="utf-8")


def test_shipped_graph_states_its_author_and_publisher_once(shipped_build: Path) -> None:
    """The shipped facts file declares and states its author and publisher: the front matter adds nothing."""
    lines = (shipped_build / "kg.nt").read_text(encoding="utf-8").splitlines()
    article = f"<{BASE}article/china-times-blockchain-lingang>"
    assert [line for line in lines if line.startswith((f"{article} <{KG}author>", f"{article} <{KG}publisher>"))] == [
        f"{article} <{KG}author> <{BASE}person/hu-jinhua> .",
        f"{article} <{KG}publisher> <{BASE}organisation/china-times> .",
    ]
    assert sum(line.endswith(f'{LABEL} "Hu Jinhua"@en .') for line in lines) == 1
    assert sum(line.endswith(f'{LABEL} "China Times"@en .') for line in lines) == 1


def test_a_declared_entity_the_front_matter_names_is_used(mini_data: Path, tmp_path: Path) -> None:
    """An author the facts file declares but states nothing of is traced to the article by its front matter (not
    "in no statement"); dropped from the front matter, the entity is unused again, in place or in full."""
    facts = mini_data / "facts" / "mini-news.yaml"
    text = facts.read_text(encoding="utf-8")
    stated = '  - subject: mini-news\n    predicate: author\n    object: mei-tan\n    evidence: "Author: Mei Tan"\n'
    assert stated in text
    facts.write_text(text.replace(stated, ""), encoding="utf-8")
    cache = ("--cache", str(tmp_path / "cache"))
    lines = _build(mini_data, tmp_path / "build", *cache)
    assert f"{ARTICLE} <{KG}author> <{BASE}person/mei-tan> ." in lines
    assert sum('"Mei Tan"' in line for line in lines) == 1

    args = ["build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--formats", "ntriples,nquads"]
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: Ada Wu", "label: Ada Q. Wu"), encoding="utf-8")
    edited = run_kg(*args, *cache)  # the record counts the front matter's use of mei-tan: updated in place
    assert "in place for 1 changed source" in edited.stdout, edited.stdout + edited.stderr
    _set_front(mini_data, "author", "Jo Lee")
    result = run_kg(*args, *cache)  # the formats of the build before: an update in place, which must decline
    assert result.returncode == 1, result.stdout + result.stderr
    assert "entity 'mei-tan' is in no statement" in result.stderr
