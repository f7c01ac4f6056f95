"""Colours and shapes per kind of entity, shared by every visual export so Gephi and the HTML agree."""

from __future__ import annotations

# top class -> (hex colour, vis-network shape)
GROUPS: dict[str, tuple[str, str]] = {
    "Organisation": ("#1f77b4", "dot"),
    "Person": ("#d62728", "diamond"),
    "Region": ("#2ca02c", "triangle"),
    "Policy": ("#ff7f0e", "square"),
    "Event": ("#9467bd", "star"),
    "Article": ("#7f7f7f", "hexagon"),
}
OTHER = ("#8c564b", "dot")


def colour(group: str) -> str:
    return GROUPS.get(group, OTHER)[0]


def shape(group: str) -> str:
    return GROUPS.get(group, OTHER)[1]


def rgb(group: str) -> tuple[int, int, int]:
    value = colour(group).lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
