"""Reading YAML office files with positions, without YAML 1.1 surprises.

PyYAML follows YAML 1.1, which reads an unquoted `12:30` as the number 750
(base 60), `no` as false and `2026-02-30` as a crash. Planners write times,
language codes and dates by hand, so this loader keeps such scalars as the
text they look like and leaves their meaning to the schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rotaplan.errors import InputError, Mistake

KeyPath = tuple[str | int, ...]


class _OfficeLoader(yaml.SafeLoader):
    """SafeLoader whose implicit types are only null, true/false, integers and decimals."""


_OfficeLoader.yaml_implicit_resolvers = {}
_OfficeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_OfficeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_OfficeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_OfficeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


@dataclass
class YamlDocument:
    """The parsed data of a YAML file and the line of every key path in it (1-based)."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def _record_lines(
    node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], duplicates: list[tuple[KeyPath, int]]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                duplicates.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, duplicates)


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse `path`; raise InputError naming the file, line and fix on any failure."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            [Mistake(name, None, "", "file not found", "check the path and the file name")]
        ) from None
    except IsADirectoryError:
        raise InputError(
            [Mistake(name, None, "", "is a folder, not a file", "name the office YAML file")]
        ) from None
    except OSError as error:
        raise InputError(
            [Mistake(name, None, "", f"cannot be read ({error.strerror})", "check its permissions")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            [
                Mistake(
                    name,
                    line,
                    "",
                    "is not UTF-8 text",
                    "save the file as UTF-8 (most editors offer it under 'Save as' or 'Encoding')",
                )
            ]
        ) from None
    if not text.strip():
        raise InputError(
            [Mistake(name, None, "", "is empty", "start from one of the example files in config/")]
        )
    try:
        node = yaml.compose(text, Loader=_OfficeLoader)
        data = yaml.load(text, Loader=_OfficeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = f", column {mark.column + 1}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise InputError(
            [
                Mistake(
                    name,
                    line,
                    "",
                    f"broken YAML{column}: {problem}",
                    "check the indentation and quoting on this line and the one above",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise InputError(
            [Mistake(name, None, "", f"broken YAML: {error}", "check the file's syntax")]
        ) from None
    lines: dict[KeyPath, int] = {}
    duplicates: list[tuple[KeyPath, int]] = []
    if node is not None:
        _record_lines(node, (), lines, duplicates)
    if duplicates:
        raise InputError(
            [
                Mistake(
                    name,
                    line,
                    format_path(key_path),
                    "this key appears twice in the same mapping (the later one would win silently)",
                    "keep only one of them",
                )
                for key_path, line in duplicates
            ]
        )
    return YamlDocument(data=data, lines=lines)


def format_path(path: KeyPath) -> str:
    """`('staff', 3, 'hours')` -> `staff[3].hours`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
