"""Binding a query's parameters: the values checked against what the query declares, turned into RDF terms
and placed in a VALUES block at the start of the query's WHERE group.

The terms are written by pyoxigraph (escaped N-Triples), never pasted into the text as the user typed them,
so a parameter cannot change the query's shape; the bound query is parsed again, so binding a variable the
query assigns itself (BIND, VALUES, AS) is refused with a message that says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store.saved import QueryText
from kg.store.syntax import _check_syntax, _projection, shape
from kg.store.values import _Entities, to_term
from kg.store.vocabulary import PREFIXES

_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def bind(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """The query with a VALUES block for `bindings` at the start of its WHERE group.

    At the start of the group the values are in scope for every pattern, FILTER and OPTIONAL of the group, as
    if the variables had been bound before the query ran; the terms are written by pyoxigraph (escaped
    N-Triples), on the line of the opening brace so syntax errors keep their line numbers."""
    if not bindings:
        return text
    info = shape(text)
    if info.short_construct:
        raise UsageError(
            "--param needs the long form CONSTRUCT { ... } WHERE { ... }: the short form has no group to bind in"
        )
    if info.group is None:
        raise UsageError("--param needs a query with a WHERE { ... } group to bind the values in")
    names = sorted(bindings)
    values = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(str(bindings[n]) for n in names) + ") }"
    start, end = info.group
    if info.subselect:  # a sub-SELECT must stay alone inside its braces: nest it one level down
        hidden = [n for n in names if n not in _projection(text[start + 1 : end])]
        if hidden:  # bound outside, a variable the sub-SELECT does not return would restrict nothing
            raise UsageError(
                f"--param {hidden[0]}: ?{hidden[0]} is inside a sub-SELECT that does not return it; "
                "add it to the sub-SELECT's variables, or bind it in a query without the sub-SELECT"
            )
        return text[: start + 1] + " " + values + " {" + text[start + 1 : end] + "} " + text[end:]
    return text[: start + 1] + " " + values + " " + text[start + 1 :]


def prepare(query: QueryText, params: Mapping[str, Any], store: ox.Store, api: bool = False) -> str:
    """Check the query's syntax, then bind its parameters; returns the text to run.

    With `api=True` (kg.query) the messages name the keyword argument, not the command line's --param."""
    try:
        return _prepare(query, params, store, api)
    except UsageError as err:
        if not api:
            raise
        message = re.sub(r"--param needs\b", "a parameter needs", str(err))
        raise UsageError(re.sub(r"--param (?=[A-Za-z_])", "keyword argument ", message)) from None


def _prepare(query: QueryText, params: Mapping[str, Any], store: ox.Store, api: bool) -> str:
    _check_syntax(query.text, query.origin)
    info = shape(query.text)
    declared = {p.name: p for p in query.params}
    entities = _Entities(store)
    bindings = {}
    for name, value in params.items():
        if not _VARNAME.fullmatch(name):
            raise UsageError(f"--param {name}: a parameter name is a SPARQL variable name (letters, digits, _)")
        if query.declared:
            if name not in declared:
                known = ", ".join(p.name for p in query.params) or "none"
                raise UsageError(f"{query.name or query.origin} takes no parameter {name!r}; its parameters: {known}")
            kind = declared[name].kind
        else:
            if name not in info.variables:
                raise UsageError(f"--param {name}: the query has no variable ?{name}")
            kind = "literal"
        bindings[name] = to_term(value, kind, name, entities)
    missing = [p for p in query.params if p.required and p.name not in params]
    if missing:
        raise UsageError(f"{query.name or query.origin} needs " + "; ".join(p.usage(api) for p in missing))
    text = bind(query.text, bindings)
    if bindings:
        try:
            ox.Store().query(text, prefixes=PREFIXES)
        except SyntaxError as err:
            names = ", ".join("?" + n for n in sorted(bindings))
            raise UsageError(
                f"{query.origin}: cannot bind {names}: the query assigns it itself (BIND, VALUES or AS): "
                + " ".join(str(err).split())[:240]
            ) from None
    return text
