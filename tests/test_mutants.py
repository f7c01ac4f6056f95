"""The mutation check's list (tests/mutation/mutants.py) still fits the code: each planted bug's text occurs
exactly once where it is planted, and each test meant to catch it exists. Running the mutants takes minutes
(python3 -m tests.mutation.run); this check is instant, so a refactor that moves the code a mutant changes is
seen in the ordinary run, not when someone next runs the mutation check."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.mutation.mutants import MUTANTS
from tests.mutation.run import present


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_mutant_applies_and_names_tests_that_exist(mutant) -> None:
    text = (ROOT / mutant.path).read_text("utf-8")
    for search, replace in ((mutant.search, mutant.replace), *mutant.more):
        assert text.count(search) == 1, f"{mutant.name}: update its search text in tests/mutation/mutants.py"
        assert search != replace
    assert all(present(ROOT, test) for test in mutant.tests), mutant.tests


def test_mutant_names_are_unique() -> None:
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
