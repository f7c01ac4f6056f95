"""kg applies a SELECT's final ORDER BY (and LIMIT/OFFSET) in Python: the rows must come in the order the
engine itself gives, for every kind of term, and anything kg cannot order exactly must be left to the engine."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import store

EX = "http://example.org/"
XSD = store.XSD


def _literal(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)) if datatype else ox.Literal(value)


ROWS = [  # (subject, label, number, date) each distinct, so no two rows tie on any key
    ("a", _literal("Zhejiang", language="en"), _literal("7", "integer"), _literal("2020-03-27", "date")),
    ("b", _literal("Binance China", language="en"), _literal("7.5", "decimal"), _literal("2020-03", "gYearMonth")),
    ("c", _literal("Binance", language="en"), _literal("1e1", "double"), _literal("2019-12-31", "date")),
    ("d", _literal("Ärzte", language="en"), _literal("-3", "integer"), None),
    ("e", _literal("binance", language="en"), _literal("86", "integer"), _literal("2021", "gYear")),
    ("f", _literal("Hunan", language="en"), _literal("395", "integer"), _literal("2020-03-23", "date")),
]


@pytest.fixture(scope="module")
def memory_store() -> ox.Store:
    st = ox.Store()
    for subject, label, number, date in ROWS:
        node = ox.NamedNode(EX + subject)
        st.add(ox.Quad(node, ox.NamedNode(EX + "label"), label))
        st.add(ox.Quad(node, ox.NamedNode(EX + "n"), number))
        if date is not None:
            st.add(ox.Quad(node, ox.NamedNode(EX + "date"), date))
    st.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode(EX + "label"), _literal("blank", language="en")))
    return st


WHERE = f"WHERE {{ ?s <{EX}label> ?label OPTIONAL {{ ?s <{EX}n> ?n }} OPTIONAL {{ ?s <{EX}date> ?date }} }}"
ORDERS = [
    "ORDER BY ?label",
    "ORDER BY DESC(?label)",
    "ORDER BY ?n",
    "ORDER BY DESC(?n) ?label",
    "ORDER BY ?s",
    "ORDER BY DESC(?s)",
    "ORDER BY STR(?date) ?label",
    'ORDER BY COALESCE(STR(?date), "") DESC(?label)',
    "ORDER BY ASC(?label) LIMIT 3",
    "ORDER BY ?label LIMIT 2 OFFSET 1",
    "ORDER BY ?label OFFSET 4",
    "ORDER BY (?n)",
    "ORDER BY ?label # the label\nLIMIT 2 # two rows\n",
]


@pytest.mark.parametrize("order", ORDERS)
def test_rows_come_in_the_engines_order(memory_store, order):
    text = f"SELECT ?s ?label ?n ?date {WHERE} {order}"
    assert store._order_by(text) is not None, "kg should apply this ORDER BY itself"
    ours = store.execute(memory_store, text).rows
    engine = [tuple(solution) for solution in memory_store.query(text)]
    assert ours == engine


@pytest.mark.parametrize(
    "order",
    [
        "ORDER BY LCASE(?label)",  # a function kg does not evaluate
        "ORDER BY ?label VALUES ?s { <http://example.org/a> }",  # something after the conditions
        "ORDER BY ?label LIMIT 2 LIMIT 3",
    ],
)
def test_orders_kg_cannot_apply_are_left_to_the_engine(memory_store, order):
    text = f"SELECT ?s ?label ?n ?date {WHERE} {order}"
    assert store._order_by(text) is None
    if "LIMIT 3" not in order:
        assert store.execute(memory_store, text).rows == [tuple(s) for s in memory_store.query(text)]


def test_ordering_by_a_variable_not_returned_is_left_to_the_engine(memory_store):
    text = f"SELECT ?label {WHERE} ORDER BY DESC(?n)"
    assert store.execute(memory_store, text).rows == [tuple(s) for s in memory_store.query(text)]


def test_terms_whose_text_order_is_not_their_value_order_come_in_time_order():
    st = ox.Store()
    for name, value in [
        ("x", "2020-03-27T10:00:00+08:00"),
        ("y", "2020-03-27T03:00:00Z"),
        ("z", "2020-03-27T01:00:00Z"),
    ]:
        st.add(ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "at"), _literal(value, "dateTime")))
    text = f"SELECT ?s ?at WHERE {{ ?s <{EX}at> ?at }} ORDER BY ?at"
    assert store._order_key(_literal("2020-03-27T10:00:00+08:00", "dateTime")) < store._order_key(
        _literal("2020-03-27T03:00:00Z", "dateTime")
    )
    assert store.execute(st, text).rows == [tuple(s) for s in st.query(text)]


def test_the_order_key_follows_sparql():
    keys = [
        None,
        ox.BlankNode("b"),
        ox.NamedNode(EX + "a"),
        _literal("-1", "integer"),
        _literal("0.5", "decimal"),
        _literal("2", "double"),
        _literal("10", "integer"),
    ]
    assert sorted(keys, key=store._order_key) == keys
    # strings by their text, whatever their language tag; a Python str is STR()'s plain literal
    assert store._order_key("Binance") < store._order_key(_literal("Binance China", language="en"))
    assert store._order_key(_literal("2020-03", "gYearMonth")) < store._order_key(_literal("2020-03-01", "date"))


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_a_float_and_a_double_of_the_same_text_are_different_numbers(direction: str) -> None:
    """The float 0.1 is 0.100000001490116..., the double 0.1 is 0.1000000000000000055...: SPARQL promotes the
    float to a double to compare them, so the float is the greater; kg ordered the two as equal (their text)."""
    text = (
        'SELECT ?x WHERE { VALUES ?x { "0.1"^^xsd:float "0.1"^^xsd:double "0.2"^^xsd:double '
        f'"0.100000001"^^xsd:double }} }} ORDER BY {direction}(?x)'
    )
    expected = [("0.1", "double"), ("0.100000001", "double"), ("0.1", "float"), ("0.2", "double")]
    if direction == "DESC":
        expected.reverse()
    rows = store.execute(ox.Store(), text).rows
    assert [(x.value, x.datatype.value.rsplit("#", 1)[1]) for (x,) in rows] == expected
    assert store._order_key(_literal("3.4028236e38", "float")) == store._order_key(_literal("INF", "float"))


def test_rows_tied_on_the_order_come_by_their_columns_whatever_the_engine_gives():
    """SPARQL leaves rows equal on every ORDER BY condition in the engine's order, which a new query plan or
    Oxigraph version may change: kg orders them by their columns, so an answer is the same every time."""
    memory = ox.Store()
    forward = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 "y") (1 "z") (0 "x") (1 "w") } } ORDER BY ?a'
    backward = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 "w") (0 "x") (1 "z") (1 "y") } } ORDER BY ?a'
    expected = [("0", "x"), ("1", "w"), ("1", "y"), ("1", "z")]
    for text in (forward, backward):
        rows = store.execute(memory, text).rows
        assert [(a.value, b.value) for a, b in rows] == expected
    limited = store.execute(memory, backward + " LIMIT 2").rows
    assert [(a.value, b.value) for a, b in limited] == expected[:2]
