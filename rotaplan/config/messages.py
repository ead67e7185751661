"""Schema errors -> mistakes: pydantic's errors told as key path, what is wrong and a fix."""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from rotaplan.config.schema import _DATE, WEEKDAYS, _allowed_keys, _field_at
from rotaplan.config.suggest import _closest, _did_you_mean_weekday
from rotaplan.errors import Mistake
from rotaplan.yamlfile import KeyPath, YamlDocument, format_path

_EXAMPLE_FILE = "config/small-office.yaml"
_RANGE = "{from: YYYY-MM-DD, to: YYYY-MM-DD}"
_WEEKDAY_LIST = ", ".join(WEEKDAYS)


def _place(path: KeyPath | str, doc: YamlDocument) -> str:
    """`staff[2].hours` -> `staff[2] (mueller).hours`: name the person where the file does."""
    text = path if isinstance(path, str) else format_path(path)
    match = re.match(r"staff\[(\d+)\]", text)
    if match:
        staff_id = doc.value_at(("staff", int(match.group(1)), "id"))
        if isinstance(staff_id, str | int) and not isinstance(staff_id, bool):
            return f"{match.group(0)} ({staff_id}){text[match.end() :]}"
    return text


_UNION_MEMBERS = {"date", "DateRange", "str", "int", "float", "bool"}


@dataclass
class _Issue:
    """One pydantic error, its location cleaned down to the keys and indices of the file.

    pydantic adds segments of its own: the member of a union it tried
    (`date`, `DateRange`, `literal[...]`, `function-before[...]`) and `[key]`
    for a bad mapping key. `site` is the list entry where a union was tried
    (every union of the office file is a list item: absent, closed, school).
    """

    path: KeyPath
    kind: str
    message: str
    value: Any
    context: dict[str, Any]
    site: KeyPath | None = None
    member: str | None = None
    bad_key: bool = False


def _issue_of(error: ErrorDetails) -> _Issue:
    """Split a pydantic location into the path in the file and the union member tried."""
    path: list[str | int] = []
    site: KeyPath | None = None
    member: str | None = None
    bad_key = False
    after_index = False
    for part in error["loc"]:
        if part == "[key]":
            bad_key = True
            continue
        if (
            isinstance(part, str)
            and after_index
            and ("[" in part or part in _UNION_MEMBERS)
            and site is None
        ):
            site, member = tuple(path), part
            continue
        path.append(part)
        after_index = isinstance(part, int)
    return _Issue(
        path=tuple(path),
        kind=error["type"],
        message=error["msg"],
        value=error.get("input"),
        context=dict(error.get("ctx") or {}),
        site=site,
        member=member,
        bad_key=bad_key,
    )


def _schema_mistakes(error: ValidationError, file: str, doc: YamlDocument) -> list[Mistake]:
    """One Mistake per problem pydantic found (a union tried member by member counts once)."""
    issues: list[_Issue] = []
    by_site: dict[KeyPath, list[_Issue]] = {}
    for item in error.errors():
        issue = _issue_of(item)
        if issue.site is None:
            issues.append(issue)
        else:
            by_site.setdefault(issue.site, []).append(issue)
    found: list[tuple[KeyPath, str, str]] = []
    for site, group in by_site.items():
        entry = doc.value_at(site)
        ranges = [issue for issue in group if issue.member == "DateRange"]
        if isinstance(entry, dict) and ranges:
            issues.extend(ranges)  # clearly meant as {from, to}: report what is wrong inside
        else:
            found.append((site, *_explain_entry(entry, group)))
    found.extend(_key_mistakes(issues))
    for issue in issues:
        if issue.kind not in {"extra_forbidden", "missing"}:
            found.append((issue.path, *_explain(issue, doc)))
    return [
        Mistake(file, doc.line_of(path), _place(path, doc), what, fix) for path, what, fix in found
    ]


def _key_mistakes(issues: list[_Issue]) -> list[tuple[KeyPath, str, str]]:
    """Unknown and missing keys; a misspelt key is reported once, not also as the missing one."""
    unknown = [issue for issue in issues if issue.kind == "extra_forbidden"]
    missing = [issue for issue in issues if issue.kind == "missing"]
    missing_in: dict[KeyPath, set[str]] = {}
    for issue in missing:
        missing_in.setdefault(issue.path[:-1], set()).add(str(issue.path[-1]))
    explained: set[KeyPath] = set()
    found: list[tuple[KeyPath, str, str]] = []
    for issue in unknown:
        parent, key = issue.path[:-1], str(issue.path[-1])
        allowed = _allowed_keys(parent)
        absent = sorted(missing_in.get(parent, set()))
        guess = _KEY_SYNONYMS.get(key.lower())
        if guess not in allowed:
            guess = _closest(key, allowed)
        if guess is None and len(absent) == 1:
            guess = absent[0]  # the one key missing here is most likely the one misspelt
        fix = f"did you mean '{guess}'? " if guess else ""
        fix += f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
        found.append((issue.path, f"unknown key '{key}'", fix))
        if guess in absent:
            explained.add((*parent, guess))
    for issue in missing:
        if issue.path in explained:
            continue
        key = str(issue.path[-1])
        info = _field_at(issue.path)
        about = ""
        if info is not None and info.description:
            about = f" - {info.description[0].lower()}{info.description[1:].rstrip('.')}"
        found.append(
            (issue.path, f"'{key}' is missing", f"add '{key}: ...'{about}; see {_EXAMPLE_FILE}")
        )
    return found


# Words planners use for a key that has another name here.
_KEY_SYNONYMS = {
    "till": "to",
    "until": "to",
    "bis": "to",
    "von": "from",
    "since": "from",
    "ends": "end",
    "begin": "start",
    "starts": "start",
}


def _explain_entry(entry: Any, group: list[_Issue]) -> tuple[str, str]:
    """One message for a list entry that fits no form allowed there (date, range, weekday)."""
    weekday_allowed = any((issue.member or "").startswith("literal") for issue in group)
    forms = f"a date YYYY-MM-DD or a range {_RANGE}"
    if weekday_allowed:
        forms = f"a weekday ({_WEEKDAY_LIST}), {forms}"
    date_errors = [issue for issue in group if "date" in (issue.member or "")]
    if isinstance(entry, str) and _DATE.match(entry.strip()) and date_errors:
        what = date_errors[0].context.get("what", f"'{entry}' is not a date")
        return what, date_errors[0].context.get("fix", f"write {forms}")
    if isinstance(entry, str) and weekday_allowed:
        guess = _did_you_mean_weekday(entry)
        return f"'{entry}' is neither a weekday nor a date", f"{guess}write {forms}"
    if isinstance(entry, dict):
        return "expected a date or a range, found a mapping", f"write {forms}"
    return f"expected a date, found {_shown(entry)}", f"write {forms}"


def _explain(issue: _Issue, doc: YamlDocument) -> tuple[str, str]:
    """(what, fix) for one schema error other than an unknown or missing key."""
    kind, value, path = issue.kind, issue.value, issue.path
    key = next((str(part) for part in reversed(path) if isinstance(part, str)), "value")
    source = doc.texts.get(path)
    shown = _shown(value, source)
    if "fix" in issue.context:
        return str(issue.context["what"]), str(issue.context["fix"])
    if kind == "literal_error":
        return (
            f"unknown weekday {shown}",
            f"{_did_you_mean_weekday(str(value))}use one of {_WEEKDAY_LIST}",
        )
    if value is None and kind.endswith("_type"):
        return f"'{key}' has no value", f"write a value after '{key}:', or remove the line"
    if kind.startswith(("int_", "float_")) or kind == "finite_number":
        whole = kind.startswith("int_")
        what = f"expected {'a whole number' if whole else 'a number'}, found {shown}"
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
            return what, f"use a decimal point, not a comma: {value.strip().replace(',', '.')}"
        if kind == "int_from_float":
            return what, f"give '{key}' a whole number"
        return what, f"write '{key}' as a plain number in digits, e.g. {key}: {_example(path)}"
    if kind.startswith("bool_"):
        return f"expected true or false, found {shown}", f"write {key}: true or {key}: false"
    if kind == "string_type":
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = source if source is not None else str(value)
            return f"expected text, found {shown}", f'put it in quotes: "{text}"'
        return f"expected text, found {shown}", "write plain text (quote it if unsure)"
    if kind in {"list_type", "tuple_type"}:
        if isinstance(value, str | int | float):
            return f"expected a list, found {shown}", f"write a list, e.g. {key}: [{value}]"
        return f"expected a list, found {shown}", (
            f"write a list: {key}: [a, b], or one '- item' line per entry under '{key}:'"
        )
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of keys, found {shown}", _mapping_fix(path, key)
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return _out_of_range(kind, key, source or str(value), issue.context)
    if kind in {"too_short", "string_too_short"}:
        what = f"'{key}' is empty"
        fix = "write it" if kind == "string_too_short" else "give at least one entry"
        return what, f"{fix}; see {_EXAMPLE_FILE}"
    if kind == "string_pattern_mismatch":
        return (
            f"id {shown} cannot be used in file names",
            "use only letters, digits, - and _ (at most 64), starting with a letter or digit",
        )
    return issue.message.removeprefix("Value error, "), f"see {_EXAMPLE_FILE}"


def _out_of_range(kind: str, key: str, shown: str, context: dict[str, Any]) -> tuple[str, str]:
    bound = next(iter(context.values()), "?")
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    words = {
        "greater_than": ("more than", f"use a number above {bound}"),
        "greater_than_equal": ("at least", f"use {bound} or more"),
        "less_than": ("less than", f"use a number below {bound}"),
        "less_than_equal": ("at most", f"use {bound} or less"),
    }
    relation, fix = words[kind]
    return f"'{key}' must be {relation} {bound}, found {shown}", fix


# How one entry of each mapping of names looks, for "expected a mapping" advice.
_MAPPING_EXAMPLES = {
    "blocks": 'am: {start: "08:00", end: "12:00"}',
    "days": "mon: [am, pm]",
    "needs": "needs: {residence: 1}",
}


def _mapping_fix(path: KeyPath, key: str) -> str:
    if len(path) == 2 and path[0] == "staff":
        return "write each person as a mapping: - {id: ..., name: ..., hours: ...}"
    if key in _MAPPING_EXAMPLES:
        return (
            f"write one 'name: value' entry per line under '{key}:', e.g. {_MAPPING_EXAMPLES[key]}"
        )
    allowed = _allowed_keys(path)
    if allowed and isinstance(path[-1], int):
        return f"write each entry under '{key}:' as a mapping with keys from: {', '.join(allowed)}"
    if allowed:
        return f"write '{key}:' with indented keys below it ({', '.join(allowed)})"
    return f"write '{key}:' with indented 'name: value' lines below it; see {_EXAMPLE_FILE}"


def _example(path: KeyPath) -> str:
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    return {"hours": "39", "seats": "2", "min": "2", "weeks": "1"}.get(key, "1")


def _shown(value: Any, source: str | None = None) -> str:
    """A value as the planner wrote it, for a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {source if source is not None else value}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, list):
        return f"a list {_SHORT.repr(value)}"
    if isinstance(value, dict):
        return f"a mapping {_SHORT.repr(value)}"
    return _SHORT.repr(value)


_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxdict = 3
_SHORT.maxlevel = 2
_SHORT.maxstring = 20
