"""The tenth outside review of `kg serve` (and `kg query`'s output): the leads earlier reviews left open, and what
this review found. Each test runs the real `kg serve` (real Oxigraph workers) or the real CLI; each failed on
main at 5943ac9."""

from __future__ import annotations

import pytest

from tests.conftest import run_kg
from tests.test_serve import free_port


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("999.1.1.1", "--host 999.1.1.1: not an IP address, nor a name this machine resolves"),
        ("203.0.113.77", "203.0.113.77 is not an address of this machine"),
    ],
    ids=["no-address", "not-this-machines"],
)
def test_a_host_that_is_no_address_of_this_machine_is_named_as_such(shipped_build, host, words):
    """`kg serve --host 999.1.1.1` (no address at all) or an address of another machine said "cannot listen on
    ...; pick another port with --port, or stop what is using it": advice about the port, which was never the
    problem. Now it says what is wrong with the host; a port in use keeps its own advice (tests/test_serve.py)."""
    result = run_kg("serve", "--build", str(shipped_build), "--host", host, "--port", str(free_port()))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("kg: error: "), result.stderr
    assert words in result.stderr, result.stderr
    assert "pick another port" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
