"""Reading YAML office files with positions, without YAML 1.1 surprises.

PyYAML follows YAML 1.1, which reads an unquoted `12:30` as the number 750
(base 60), `no` as false and `2026-02-30` as a crash. Planners write times,
language codes and dates by hand, so this loader keeps such scalars as the
text they look like and leaves their meaning to the schema. Only `null`/`~`,
`true`/`false`, plain integers and decimals with a point get a type; `<<`
merge keys work as usual.

Every problem with the file itself (missing, a folder, unreadable, not UTF-8,
broken YAML, a key written twice) is an `InputError` naming the file and,
where there is one, the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rotaplan.errors import InputError, Mistake

KeyPath = tuple[str | int, ...]
"""Where a value sits in the file: `("staff", 3, "hours")` is `staff[3].hours`."""

_EXAMPLE = "start from one of the example files in config/"
_MERGE_KEY = "<<"


# libyaml's parser where PyYAML was built with it (about 7 times faster on a 60-person
# office: 3 ms instead of 22); tags are still resolved by the rules below.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _OfficeLoader(_SafeLoader):  # type: ignore[valid-type,misc]
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
_OfficeLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


@dataclass
class YamlDocument:
    """The parsed data of a YAML file and where each part of it was written.

    `lines` maps every key path to its 1-based line; `texts` holds the source
    text of each plain scalar (so `007` can be quoted back as written, not as 7);
    `mistakes` lists problems that did not stop reading (a key written twice).
    """

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    texts: dict[KeyPath, str] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def value_at(self, path: KeyPath) -> Any:
        """The raw value at `path`, or None where the path leads nowhere."""
        value = self.data
        for part in path:
            if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            elif isinstance(value, dict):
                value = value.get(part)
            else:
                return None
        return value


@dataclass
class _Positions:
    """What `_record` collects while walking the node tree."""

    lines: dict[KeyPath, int] = field(default_factory=dict)
    texts: dict[KeyPath, str] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, int, int]] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)


def _record(node: yaml.Node, path: KeyPath, found: _Positions) -> None:
    """Note the line of every key path below `node` and every key written twice."""
    found.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        found.texts.setdefault(path, str(node.value))
        return
    # An alias shares its node: walk each node once, so nested aliases cannot blow up.
    if id(node) in found.seen:
        return
    found.seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged.append(value_node)
                continue
            key = str(key_node.value)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if key in first_line:
                found.duplicates.append((child, line, first_line[key]))
            else:
                first_line[key] = line
            found.lines[child] = line
            _record(value_node, child, found)
        for value_node in merged:  # keys taken over with `<<: *anchor`, unless given here
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    for key_node, inner in source.value:
                        child = (*path, str(key_node.value))
                        if child not in found.lines:
                            found.lines[child] = key_node.start_mark.line + 1
                            _record(inner, child, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), found)


def _read_text(path: Path) -> str:
    """The file's text; InputError if it is missing, a folder, unreadable, not UTF-8 or empty."""
    name = str(path)

    def fail(what: str, fix: str, line: int | None = None, column: int | None = None) -> InputError:
        return InputError([Mistake(name, line, "", what, fix, column)])

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("file not found", "check the path and the file name") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file", "name the office YAML file inside it") from None
    except PermissionError:
        raise fail(
            "cannot be read (permission denied)",
            "ask for read access, or copy the file somewhere you can read it",
        ) from None
    except OSError as error:
        if path.is_dir():
            raise fail("is a folder, not a file", "name the office YAML file inside it") from None
        reason = error.strerror or type(error).__name__
        raise fail(f"cannot be read ({reason})", "check the path and the permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        raise fail(
            f"is not UTF-8 text: byte 0x{byte:02X} at column {column} cannot be read "
            "(the file was probably saved as Latin-1 or Windows-1252)",
            "save the file as UTF-8 (most editors offer it under 'Save as' or 'Encoding')",
            line,
            column,
        ) from None
    if not text.strip():
        raise fail("is empty", _EXAMPLE)
    return text


def _broken(name: str, error: yaml.YAMLError) -> Mistake:
    """A one-line Mistake for a YAML syntax error, at its line and column."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or getattr(error, "context", None) or str(error)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    at = f" at column {column}" if column is not None else ""
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context and context_mark is not None and context_mark.line + 1 != line:
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    if "\\t" in problem or "\t" in problem or "tab character" in problem:
        fix = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        fix = (
            "put a space after each ':' of a key, and quote values that contain ': ' "
            '(e.g. name: "Team: residence"); check the indentation of this line'
        )
    elif "expected a single document" in problem:
        fix = "keep one office per file: remove the second '---'"
    else:
        fix = "check the indentation, quotes and brackets on this line and the one above"
    return Mistake(name, line, "", f"broken YAML{at}: {problem}", fix, column)


def read_yaml(path: Path, *, keep_going: bool = False) -> YamlDocument:
    """Read and parse `path`; raise InputError naming the file, line and fix on any failure.

    A key written twice in one mapping is a mistake too (YAML would silently keep
    the later one). With `keep_going`, such mistakes are returned in
    `YamlDocument.mistakes` instead of raised, so a caller can report them
    together with its own.
    """
    name = str(path)
    text = _read_text(path)
    loader = _OfficeLoader(text)
    try:
        node = loader.get_single_node()
        found = _Positions()
        if node is not None:
            _record(node, (), found)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise InputError([_broken(name, error)]) from None
    except RecursionError:
        raise InputError(
            [Mistake(name, None, "", "is nested too deeply to read", "simplify the file")]
        ) from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError([Mistake(name, None, "", "has no content, only comments", _EXAMPLE)])
    mistakes = [
        Mistake(
            name,
            line,
            format_path(key_path),
            f"this key is written twice in the same mapping (first on line {first}); "
            "YAML would silently keep only the later one",
            "keep one of them, or merge them into one",
        )
        for key_path, line, first in found.duplicates
    ]
    if mistakes and not keep_going:
        raise InputError(mistakes)
    return YamlDocument(data=data, lines=found.lines, texts=found.texts, mistakes=mistakes)


def format_path(path: KeyPath) -> str:
    """`('staff', 3, 'hours')` -> `staff[3].hours`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
