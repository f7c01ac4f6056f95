"""Read YAML into plain Python values that remember their line numbers.

PyYAML's composer gives us the node tree with marks; we build the values ourselves so that no tag can
construct a Python object, aliases cannot multiply a document's size, and every value can name the line
it came from in an error message.
"""

from __future__ import annotations

import bisect
import json
import re

import yaml

from kg.errors import DataError, Problem

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


class YStr(str):
    """A scalar's source text with its line and resolved YAML tag (int, bool, null, timestamp, ...)."""

    line: int
    tag: str

    @property
    def kind(self) -> str:
        return self.tag.rsplit(":", 1)[-1]


class YList(list):
    line: int


class YMap(dict):
    """A mapping whose keys are plain strings; `key_line(k)` says where each key stands."""

    line: int
    key_lines: dict

    def key_line(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# Facts files nest four levels deep (file > entities > entity > aliases/evidence). PyYAML's composer recurses
# once per level, so `[[[[...]]]]` a few thousand deep would end in RecursionError, a traceback; refuse it here.
MAX_DEPTH = 20


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases (facts files never need them; they enable size bombs) and
    nesting deeper than MAX_DEPTH (which would exhaust Python's stack)."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in kg files; write the value out", event.start_mark
            )
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                self.peek_event().start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_COLLECTION_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _compose_fast(text: str) -> yaml.Node | bool | None:
    """The node tree from libyaml (C), about ten times faster than PyYAML's Python parser, or False when the
    careful loader must decide: no libyaml, no final line break, a tab, an alias or tag, deep nesting, or any
    YAML error. libyaml composes
    recursively in C, so the text is first streamed as events (no recursion) and only composed once it is
    known to nest shallowly and hold no alias; every error message then comes from the one careful path,
    and the node marks (lines, character indices) are the same as PyYAML's."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    # without a final line break libyaml puts an empty value at the very end one line further than PyYAML
    if loader_class is None or not text.endswith("\n") or "\t" in text:
        return False  # libyaml also takes some tabs PyYAML refuses: the careful path keeps its verdict
    try:
        probe = None if _plainly_shallow(text) else loader_class(text)
        try:
            depth = 0
            while probe is not None and not probe.check_event(yaml.StreamEndEvent):
                event = probe.get_event()
                if isinstance(event, yaml.AliasEvent) or getattr(event, "tag", None) is not None:
                    return False  # aliases are refused and explicit tags are resolved differently by libyaml
                if isinstance(event, _COLLECTION_START):
                    depth += 1
                    if depth >= MAX_DEPTH - 1:
                        return False
                elif isinstance(event, _COLLECTION_END):
                    depth -= 1
        finally:
            if probe is not None:
                probe.dispose()
        loader = loader_class(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return False


def too_deep(text: str) -> bool:
    """Whether the text nests lists and mappings MAX_DEPTH levels or more: for a reader that composes with libyaml
    (kg extract's), whose composer recurses in C, so a 100 kB `[[[[...]]]]` (50,000 deep) ended the process in a
    segmentation fault. Read as a stream of events, which does not recurse; a YAML error goes up to the caller."""
    if _plainly_shallow(text):
        return False
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    probe = loader_class(text)
    try:
        depth = 0
        while not probe.check_event(yaml.StreamEndEvent):
            event = probe.get_event()
            if isinstance(event, _COLLECTION_START):
                depth += 1
                if depth >= MAX_DEPTH:
                    return True
            elif isinstance(event, _COLLECTION_END):
                depth -= 1
    finally:
        probe.dispose()
    return False


_FLOW = re.compile(r"[\[\]{}]")


def _plainly_shallow(text: str) -> bool:
    """True when the text itself shows it holds no alias, anchor or tag and cannot nest near MAX_DEPTH, so
    the event scan of _compose_fast can be skipped (it is half of the parse). Conservative: each block level
    needs a deeper indent or a '- ' or '? ' on its line, each flow level a bracket; a line with a bracket and
    a quote (where a bracket may be text) or with unbalanced brackets sends the text to the event scan."""
    if "&" in text or "*" in text or "!" in text:
        return False
    deepest = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        levels = len(line) - len(stripped) + stripped.count("-") + stripped.count("?")
        if _FLOW.search(stripped):
            if "'" in stripped or '"' in stripped or "#" in stripped:
                return False
            opened = stripped.count("[") + stripped.count("{")
            if opened != stripped.count("]") + stripped.count("}"):
                return False
            levels += opened
        deepest = max(deepest, levels)
    return deepest + 2 < MAX_DEPTH - 1


# line breaks to YAML 1.1 (PyYAML) that editors and people do not see as such
_HIDDEN_BREAKS = "\x85\u2028\u2029"
# a U+FEFF at the start of any line but the first, or a second one at the start of the text
_INNER_BOM = re.compile("(?:\\A\ufeff|[\r\n\x85\u2028\u2029])\ufeff")


class _Lines:
    """File line numbers for PyYAML marks, counted the way editors count them.

    PyYAML also ends a line at U+0085, U+2028 and U+2029 (YAML 1.1), so after such a character in a quoted
    string its mark.line runs ahead of the line an editor shows. When the text holds one, the line is
    counted from the mark's character index instead."""

    def __init__(self, text: str, first_line: int) -> None:
        self.first_line = first_line
        self.breaks: list[int] | None = None
        if any(char in text for char in _HIDDEN_BREAKS):
            self.breaks = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, mark: yaml.Mark) -> int:
        if self.breaks is None:
            return mark.line + self.first_line
        return bisect.bisect_left(self.breaks, mark.index) + self.first_line


def _convert(node: yaml.Node, path: str, problems: list[Problem], line_of: _Lines):
    line = line_of(node.start_mark)
    if node.tag not in _PLAIN_TAGS:
        problems.append(
            Problem(
                path,
                line,
                f"unsupported YAML tag {node.tag!r}",
                "remove the tag; kg files hold plain text, numbers, lists and mappings",
            )
        )
        return None
    if isinstance(node, yaml.ScalarNode):
        value = YStr(node.value)
        value.line = line
        value.tag = node.tag
        return value
    if isinstance(node, yaml.SequenceNode):
        out = YList(_convert(child, path, problems, line_of) for child in node.value)
        out.line = line
        return out
    mapping = YMap()
    mapping.line = line
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key_line = line_of(key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Problem(path, key_line, "mapping keys must be plain words", "write the key as a word, e.g. 'label:'")
            )
            continue
        key = key_node.value
        if key in mapping:
            problems.append(
                Problem(
                    path,
                    key_line,
                    f"key {key!r} appears twice in one mapping",
                    f"first at line {mapping.key_lines[key]}; keep one",
                )
            )
            continue
        mapping.key_lines[key] = key_line
        mapping[key] = _convert(value_node, path, problems, line_of)
    return mapping


def _hidden_break(text: str, index: int) -> tuple[int, str] | None:
    """(0 or 1: how many lines before line `index` (0-based) it stands, its name) of a U+0085, U+2028 or U+2029
    on that line or the one before, else None."""
    lines = text.split("\n")
    for back in (0, 1):
        at = index - back
        if 0 <= at < len(lines):
            for char in _HIDDEN_BREAKS:
                if char in lines[at]:
                    return back, f"U+{ord(char):04X}"
    return None


def _syntax_hint(message: str) -> str:
    """The fix for the YAML errors people actually make, in their words rather than the parser's."""
    if "aliases" in message:
        return "write the value out in full where the alias stands, and remove the '&name' anchor"
    if "nested more than" in message:
        return "kg files need at most four levels (entities, an entity, its aliases or evidence); remove brackets"
    if "single document" in message:
        return "a kg file is one YAML document: remove the '---' line (or split the file in two)"
    if "'\\t'" in message:
        return "indent with spaces, not tabs"
    if "end of stream" in message or "<stream end>" in message or "flow" in message:
        return "close the quote or bracket opened on this line (a ']' for '[', a '}' for '{')"
    return "check indentation and quoting on this line and the one before"


def load(text: str, path: str, first_line: int = 1, *, fast: bool = True):
    """Parse one YAML document; raise DataError naming the file and line of any syntax or tag problem.

    `first_line` is the file line on which `text` starts (front matter starts on line 2 of an article).
    `fast=False` skips libyaml and parses in Python only; the tests hold both paths to the same answers.
    """
    problems: list[Problem] = []
    bom = _INNER_BOM.search(text)
    if bom:
        # libyaml skips a U+FEFF that starts any line, PyYAML only one that starts the text (elsewhere it is part of
        # a key or a value), so the same file read differently with and without a final line break
        line = first_line + text.count("\n", 0, bom.end())
        raise DataError(
            [
                Problem(
                    path,
                    line,
                    "a byte-order mark (U+FEFF, invisible) starts this line; it belongs only at the very start "
                    "of a file",
                    "delete it (it comes from pasting or joining a file saved with a BOM)",
                )
            ]
        )
    try:
        node = _compose_fast(text) if fast else False
        if node is False:
            loader = _NoAliasLoader(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
    except yaml.MarkedYAMLError as err:
        problem = err.problem or ""
        # An unclosed bracket shows up where the parser gives up, often lines later; the line to fix is the
        # one where the bracket (or quote) was opened, which is the context mark.
        opened = "flow" in (err.context or "") or "end of stream" in problem or "<stream end>" in problem
        at_end = opened and err.context_mark is not None
        mark = err.context_mark if at_end else err.problem_mark or err.context_mark
        line = _Lines(text, first_line)(mark) if mark else 0
        message = " ".join(x for x in (err.context, err.problem) if x)
        hint = _syntax_hint(message)
        hidden = _hidden_break(text, line - first_line)
        if hidden:
            # YAML 1.1 breaks lines at these too, so the parser's complaint names a line break nobody can see
            line -= hidden[0]
            message += f" (this line holds the invisible line separator {hidden[1]}, which YAML reads as a line break)"
            hint = f"replace {hidden[1]} with a space, or quote the text"
        raise DataError([Problem(path, line, f"YAML syntax error: {message}", hint)]) from err
    except yaml.YAMLError as err:
        raise DataError([Problem(path, 1, f"YAML error: {err}", "re-save the file as plain UTF-8 YAML text")]) from err
    if node is None:
        return None
    value = _convert(node, path, problems, _Lines(text, first_line))
    if problems:
        raise DataError(problems)
    return value


# Writing: `kg extract`'s drafts (kg/extract/draftfile.py) and `kg review`'s saves (kg/serve/review/model.py) quote
# every scalar the same way.
def q(text: str) -> str:
    """A YAML scalar for any text: a JSON string is a valid double-quoted YAML scalar, once the characters JSON
    leaves raw and YAML does not take raw are escaped: DEL and the C1 controls (refused), U+0085, U+2028 and
    U+2029 (read as line breaks, folded into a space), U+FEFF (a byte-order mark)."""
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


_YAML_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
