"""kg.pipeline.rdf writes N-Triples terms itself (kg.pipeline.rdf.nt) and reads its own lines back (parse_term): any text
survives both, and pyoxigraph, an independent parser, reads the same value from every line kg writes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.pipeline.rdf import Lit, line, nt, parse_line, parse_term

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
LANG = st.sampled_from(["", "en", "zh", "zh-hans", "en-gb"])
DATATYPE = st.sampled_from(["", "http://www.w3.org/2001/XMLSchema#integer", "urn:x:type"])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(value=TEXT, language=LANG, datatype=DATATYPE)
def test_literals_round_trip_and_pyoxigraph_reads_the_same_value(value: str, language: str, datatype: str) -> None:
    literal = Lit(value, language, "" if language else datatype)
    text = line(("https://kg.example.org/s", "https://kg.example.org/p", literal))
    assert "\n" not in text and "\r" not in text
    assert parse_line(text)[2] == literal
    (triple,) = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert triple.object.value == value
    assert (triple.object.language or "") == language


@pytest.mark.parametrize("iri", ["http://x/a b", "http://x/a>b", 'http://x/"', "http://x/\x00", "http://x/{}"])
def test_an_iri_kg_cannot_write_is_refused_not_escaped(iri: str) -> None:
    with pytest.raises(ValueError, match="not an IRI"):
        nt(iri)


def test_blank_nodes_and_iris_parse_back() -> None:
    assert parse_term(nt("_:cb0")) == "_:cb0"
    assert parse_term(nt("https://kg.example.org/organisation/x")) == "https://kg.example.org/organisation/x"


# The canonical N-Triples form (RDF 1.2 N-Triples, "Canonical N-Triples"; kg writes the upper-case hex of RDF 1.1's
# canonical form): the seven ECHARs, and \uXXXX for every other C0 control and for DEL (U+007F). Written here
# from the specification, not taken from kg.pipeline.rdf.
ECHARS = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]


@pytest.mark.parametrize("char", CONTROLS + list(ECHARS), ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_and_del_are_written_in_canonical_form(char: str) -> None:
    escaped = ECHARS.get(char) or "\\u" + format(ord(char), "04X")
    assert nt(Lit(f"a{char}b")) == f'"a{escaped}b"'
    assert nt(Lit(char, "en")) == f'"{escaped}"@en'


def test_del_is_escaped_and_never_written_raw() -> None:
    written = line(("https://kg.example.org/s", "https://kg.example.org/p", Lit("DEL\x7f C1\x9f")))
    assert written.endswith('"DEL\\u007F C1\x9f" .')  # U+0080-U+009F are not controls N-Triples escapes
    assert not any(char in written for char in CONTROLS)
