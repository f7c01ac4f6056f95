"""Whatever the article says, a draft either builds or is refused with a message: property tests over text
assembled from the pieces the rules react to (head words, names, quotation marks, dates, numbers, lists)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.check import loader as check
from kg.extract import draftfile, extract
from kg.ontology import Ontology
from kg.pipeline import corpus

PIECES = [
    "Xyz Province",
    "Abc City",
    "Dongwan District",
    "the Xyz Provincial Department of Finance",
    "People's Government of Xyz Province",
    "Executive Meeting of the Abc Municipal People's Government",
    "Acme Group",
    "Acme China",
    "Acme",
    "Orbit Research Institute",
    "Abc Free Trade Zone",
    "Abc Pilot Free Trade Zone",
    "the new area of the Abc Free Trade Zone",
    "Mei Lan",
    "Meilan",
    "Mei Lan, deputy director of Acme Group,",
    "Mei Lan, founder of Acme,",
    "said",
    "pointed out",
    "issued",
    "released the",
    "approved the",
    "jointly established by Acme, Orbit Research Institute and Abc City,",
    "was officially established in Abc City",
    "is headquartered in",
    "there",
    "held a press conference to interpret the",
    "“Xyz Action Plan (2021-2023)”",
    '"Several Measures on Trade"',
    "twelve measures to support trade",
    "86 projects",
    "of which 16 are in the direction of blockchain",
    "with a total investment of 12.5 billion yuan",
    "On March 27,",
    "On the same day,",
    "Two days later,",
    "At the same forum,",
    "the 3rd Xyz Trade Forum hosted by Acme Group",
    "at the forum",
    "China",
    "Shanghai",
    "Hangzhou",
    "Co., Ltd.",
    "It sets out 8 measures.",
    "the country",
    "the institute",
    "and",
    ",",
    ".",
    ". ",
    "\n\n",
    "\n",
    "“",
    "”",
    '"',
    "'s",
    "Ünïcødé Ŝtrasse",
    "北京",
]

FRONT = "---\ntitle: A generated article\ndate: 2021-04\nlanguage: en\ntranslated_from: zh\n---\n"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=60))
def test_any_draft_passes_every_check_of_the_loader(tmp_path_factory, pieces):
    data = tmp_path_factory.mktemp("data")
    (data / "articles").mkdir()
    body = " ".join(pieces) + " Author: nobody.\n"
    article = data / "articles" / "generated.md"
    article.write_text(FRONT + body, encoding="utf-8")
    draft = extract(article, data)
    text = draftfile.render(draft, str(article))
    assert text == draftfile.render(extract(article, data), str(article))  # deterministic
    (data / "facts").mkdir()
    (data / "facts" / "generated.yaml").write_text(text, encoding="utf-8")
    check.check(corpus.read_facts(Path(data)), _ontology())  # raises DataError on any problem


_CACHE: dict[str, Ontology] = {}


def _ontology() -> Ontology:
    if "o" not in _CACHE:
        _CACHE["o"] = Ontology.load(None)
    return _CACHE["o"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_a_draft_scalar_reads_back_as_its_text(text: str) -> None:
    """Whatever an article holds (DEL, C1 controls, U+0085, U+2028, a BOM), the draft quotes it so that kg's own
    YAML loader reads the same text back: drafts are valid facts files however odd the article's characters."""
    from kg.read import yamlsafe

    loaded = yamlsafe.load(f"quote: {draftfile.q(text)}\n", "draft.yaml")
    assert loaded["quote"] == text
