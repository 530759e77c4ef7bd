"""Read YAML strictly, keeping the line of every value.

PyYAML follows YAML 1.1, where ``NO`` is false, ``2024-1-5`` may become a date and
a repeated key silently wins. Editors should hear about each of those instead, so
we compose the node tree ourselves and build plain Python values from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

_YAML11_BOOLEANS = re.compile(r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|True|TRUE|False|FALSE)$")
_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_NULL = re.compile(r"^(~|null|Null|NULL)?$")
_PLAIN = "tag:atlas,plain"  # an untagged, unquoted scalar: read by the rules below, not by PyYAML's


class _Loader(yaml.SafeLoader):
    """Marks plain scalars instead of resolving them, so an explicit !!str stays distinguishable.

    PyYAML resolves 'y' and 'n' to str (not bool, unlike YAML 1.1), which made them look like
    explicitly tagged strings and slip past the boolean check.
    """

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CSafeLoader):
        """The same reading with libyaml's C parser (about 10x faster); errors are reported by _Loader."""

        def resolve(self, kind, value, implicit):
            if kind is yaml.ScalarNode and implicit[0]:
                return _PLAIN
            return super().resolve(kind, value, implicit)

else:  # pragma: no cover - PyYAML without libyaml
    _FastLoader = None


@dataclass
class Problem:
    """One mistake in an editor's file."""

    path: str
    line: int | None
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {self.field or '(file)'}: {label}{self.message}"


@dataclass
class Document:
    """Values read from YAML, with the line (1-based) where each key path starts."""

    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, path: tuple) -> int | None:
        """Line of the nearest enclosing value that has one."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


class _Builder:
    def __init__(self, source: str, line_offset: int):
        self.source = source
        self.offset = line_offset
        self.lines: dict[tuple, int] = {}
        self.problems: list[Problem] = []

    def line(self, node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, node, path: tuple):
        self.lines.setdefault(path, self.line(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node, path):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "a key must be plain text")
                continue
            key = key_node.value
            if key == "<<":
                self._problem(key_node, path + (key,), "merge keys (<<) are not allowed")
                continue
            if key in result:
                first = self.lines.get(path + (key,))
                self._problem(key_node, path + (key,), f"duplicated key (first given on line {first})")
                continue
            self.lines[path + (key,)] = self.line(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node, path):
        value = node.value
        if node.style or node.tag != _PLAIN:  # libyaml gives plain scalars the style '', PyYAML None
            return value  # quoted or explicitly tagged: a string, as written
        if _YAML11_BOOLEANS.match(value):
            self._problem(
                node, path, f"'{value}' is read as true/false by some YAML tools; write true, false or \"{value}\""
            )
            return value
        if value in ("true", "false"):
            return value == "true"
        if _NULL.match(value):
            return None
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        return value

    def _problem(self, node, path, message):
        name = ".".join(str(p) for p in path)
        self.problems.append(Problem(self.source, self.line(node), name, message))


def _compose(text: str):
    if _FastLoader is not None:
        try:
            return yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            pass  # read again below, so the message is PyYAML's own wording
    return yaml.compose(text, Loader=_Loader)


def load(text: str, source: str, line_offset: int = 0) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document; return it with every problem found, never raise on bad input."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        return None, [Problem(source, line, "", f"not valid YAML: {exc.problem}")]
    except yaml.YAMLError as exc:
        return None, [Problem(source, None, "", f"not valid YAML: {exc}")]
    if node is None:
        return Document({}), []
    builder = _Builder(source, line_offset)
    data = builder.build(node, ())
    return Document(data, builder.lines), builder.problems
