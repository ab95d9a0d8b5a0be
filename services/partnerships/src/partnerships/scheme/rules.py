"""Eligibility rules: a small typed rule language held as JSON on a bursary scheme.

A rule is one of::

    {"all": [rule, ...]}                         every rule holds
    {"any": [rule, ...]}                         at least one holds
    {"not": rule}                                the rule does not hold
    {"field": name, "op": op, "value": value}    a condition on one answer

for example::

    {"all": [
        {"field": "household_income_pence", "op": "lte", "value": 2500000},
        {"field": "age", "op": "between", "value": [16, 24]},
        {"field": "home_postcode_area", "op": "in", "value": ["HU", "YO"]},
        {"field": "care_leaver", "op": "eq", "value": true}
    ]}

Fields and their types are a closed list (``FIELDS``); each type admits some operators. ``parse``
checks a rule completely and reports every problem with its path (``body.eligibility.all.1.value``)
so that a rule that is stored can always be evaluated. ``evaluate`` answers whether a set of
answers meets a rule and, if not, which conditions failed and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from partnerships.vocab import Region
from servicekit.errors import FieldError, Unprocessable

MAX_DEPTH = 6
MAX_NODES = 100
MAX_CHILDREN = 20
MAX_LIST = 100

FieldType = Literal["integer", "boolean", "postcode_area", "region", "sector"]

FIELDS: dict[str, tuple[FieldType, str]] = {
    "household_income_pence": ("integer", "household income per year, in pence"),
    "age": ("integer", "age in years on the course's start date"),
    "course_level": ("integer", "the course's level (3 to 7)"),
    "home_postcode_area": ("postcode_area", "the postcode area of the learner's home, e.g. HU"),
    "home_region": ("region", "the learner's home region"),
    "course_sector": ("sector", "the course's sector slug"),
    "care_leaver": ("boolean", "has been in local-authority care"),
    "first_in_family": ("boolean", "first in the family to study at this level"),
    "young_carer": ("boolean", "cares for a family member"),
    "disabled": ("boolean", "has a disability or long-term health condition"),
    "estranged": ("boolean", "estranged from their family"),
    "free_school_meals": ("boolean", "received free school meals"),
}

COMPARISONS = ("eq", "ne", "lt", "lte", "gt", "gte")
OPS: dict[FieldType, tuple[str, ...]] = {
    "integer": (*COMPARISONS, "between", "in", "not_in"),
    "boolean": ("eq", "ne"),
    "postcode_area": ("eq", "ne", "in", "not_in"),
    "region": ("eq", "ne", "in", "not_in"),
    "sector": ("eq", "ne", "in", "not_in"),
}
INTEGER_LIMITS = {
    "household_income_pence": (0, 100_000_000_000),
    "age": (0, 130),
    "course_level": (1, 8),
}
_AREA = re.compile(r"^[A-Z]{1,2}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REGIONS = {r.value for r in Region}


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []
        self.nodes = 0

    def add(self, path: str, message: str, code: str) -> None:
        if len(self.items) < 50:
            self.items.append(FieldError(field=path, message=message, code=code))


def _scalar_problem(field: str, kind: FieldType, value: Any) -> str | None:
    """Why ``value`` is not a valid value of ``field``, or ``None``."""
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        low, high = INTEGER_LIMITS.get(field, (0, 100_000_000_000))
        if not low <= value <= high:
            return f"must be between {low} and {high}"
        return None
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "postcode_area":
        ok = isinstance(value, str) and _AREA.match(value) is not None
        return None if ok else "must be a postcode area: one or two capital letters, e.g. 'HU'"
    if kind == "region":
        known = isinstance(value, str) and value in _REGIONS
        return None if known else "must be one of: " + ", ".join(sorted(_REGIONS))
    ok = isinstance(value, str) and len(value) <= 120 and _SLUG.match(value) is not None
    return None if ok else "must be a sector slug, e.g. 'digital'"


def _check_condition(node: dict[str, Any], path: str, errors: _Errors) -> None:
    extra = set(node) - {"field", "op", "value"}
    if extra:
        errors.add(path, f"unknown keys: {', '.join(sorted(extra))}", "unknown_key")
    for key in ("field", "op", "value"):
        if key not in node:
            errors.add(f"{path}.{key}", f"a condition needs '{key}'", "missing")
    field, op = node.get("field"), node.get("op")
    if "field" in node and (not isinstance(field, str) or field not in FIELDS):
        errors.add(
            f"{path}.field",
            "unknown field; one of: " + ", ".join(sorted(FIELDS)),
            "unknown_field",
        )
        return
    if not isinstance(field, str):
        return
    kind = FIELDS[field][0]
    if "op" in node and (not isinstance(op, str) or op not in OPS[kind]):
        errors.add(
            f"{path}.op",
            f"'{op}' does not apply to {field} ({kind}); one of: {', '.join(OPS[kind])}",
            "unknown_op",
        )
        return
    if "value" not in node or not isinstance(op, str):
        return
    value = node["value"]
    vpath = f"{path}.value"
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_LIST:
            errors.add(vpath, f"'{op}' needs a list of 1 to {MAX_LIST} values", "not_a_list")
            return
        for i, item in enumerate(value):
            if (problem := _scalar_problem(field, kind, item)) is not None:
                errors.add(f"{vpath}.{i}", problem, "invalid_value")
    elif op == "between":
        if not isinstance(value, list) or len(value) != 2:
            errors.add(vpath, "'between' needs two values: [lowest, highest]", "not_a_pair")
            return
        problems = [_scalar_problem(field, kind, v) for v in value]
        for i, problem in enumerate(problems):
            if problem is not None:
                errors.add(f"{vpath}.{i}", problem, "invalid_value")
        if not any(problems) and value[0] > value[1]:
            errors.add(vpath, "the lowest value comes first", "reversed_range")
    elif (problem := _scalar_problem(field, kind, value)) is not None:
        errors.add(vpath, problem, "invalid_value")


def _check(node: Any, path: str, depth: int, errors: _Errors) -> None:
    errors.nodes += 1
    if errors.nodes > MAX_NODES:
        if errors.nodes == MAX_NODES + 1:
            errors.add(path, f"a rule may have at most {MAX_NODES} parts", "too_many_rules")
        return
    if depth > MAX_DEPTH:
        errors.add(path, f"rules nest at most {MAX_DEPTH} deep", "too_deep")
        return
    if not isinstance(node, dict):
        errors.add(path, "a rule is an object: all, any, not or a condition", "not_an_object")
        return
    groups = [k for k in ("all", "any", "not") if k in node]
    if not groups:
        _check_condition(node, path, errors)
        return
    if len(node) != 1:
        errors.add(path, "a group rule has exactly one key: all, any or not", "mixed_rule")
        return
    key = groups[0]
    child = node[key]
    if key == "not":
        _check(child, f"{path}.not", depth + 1, errors)
        return
    if not isinstance(child, list) or not 1 <= len(child) <= MAX_CHILDREN:
        errors.add(
            f"{path}.{key}", f"'{key}' needs a list of 1 to {MAX_CHILDREN} rules", "bad_group"
        )
        return
    for i, item in enumerate(child):
        _check(item, f"{path}.{key}.{i}", depth + 1, errors)


def parse(rule: Any, path: str = "body.eligibility") -> dict[str, Any]:
    """Check ``rule`` completely; returns it unchanged or raises a 422 naming every bad part."""
    errors = _Errors()
    _check(rule, path, 1, errors)
    if errors.items:
        first = errors.items[0]
        raise Unprocessable(
            f"The eligibility rule at {first.field} is not valid: {first.message}.",
            errors=errors.items,
        )
    assert isinstance(rule, dict)
    return rule


def parse_answers(answers: dict[str, Any], path: str = "body.answers") -> dict[str, Any]:
    """Check a learner's answers: known fields, values of the right type."""
    problems: list[FieldError] = []
    for name, value in answers.items():
        if name not in FIELDS:
            problems.append(
                FieldError(
                    field=f"{path}.{name}",
                    message="unknown field; one of: " + ", ".join(sorted(FIELDS)),
                    code="unknown_field",
                )
            )
        elif (problem := _scalar_problem(name, FIELDS[name][0], value)) is not None:
            problems.append(FieldError(field=f"{path}.{name}", message=problem, code="invalid"))
    if problems:
        raise Unprocessable(
            f"{len(problems)} answer(s) are not valid: {problems[0].field}", errors=problems
        )
    return answers


@dataclass(frozen=True)
class Failure:
    rule: str  # the path of the rule that failed, e.g. "eligibility.all.1"
    field: str | None
    reason: str


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: bool(a == b),
    "ne": lambda a, b: bool(a != b),
    "lt": lambda a, b: bool(a < b),
    "lte": lambda a, b: bool(a <= b),
    "gt": lambda a, b: bool(a > b),
    "gte": lambda a, b: bool(a >= b),
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    "between": lambda a, b: bool(b[0] <= a <= b[1]),
}
_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is less than",
    "lte": "is at most",
    "gt": "is more than",
    "gte": "is at least",
    "in": "is one of",
    "not_in": "is none of",
    "between": "is between",
}


def describe(node: dict[str, Any]) -> str:
    """A condition in words: ``age is between 16 and 24``."""
    if "all" in node:
        return "all of: " + "; ".join(describe(n) for n in node["all"])
    if "any" in node:
        return "any of: " + "; ".join(describe(n) for n in node["any"])
    if "not" in node:
        return f"not ({describe(node['not'])})"
    value = node["value"]
    if node["op"] == "between":
        shown = f"{value[0]} and {value[1]}"
    elif isinstance(value, list):
        shown = ", ".join(str(v) for v in value)
    else:
        shown = str(value).lower() if isinstance(value, bool) else str(value)
    return f"{node['field']} {_WORDS[node['op']]} {shown}"


def _evaluate(node: dict[str, Any], answers: dict[str, Any], path: str) -> list[Failure]:
    if "all" in node:
        failures: list[Failure] = []
        for i, child in enumerate(node["all"]):
            failures.extend(_evaluate(child, answers, f"{path}.all.{i}"))
        return failures
    if "any" in node:
        if any(not _evaluate(c, answers, path) for c in node["any"]):
            return []
        return [Failure(path, None, f"none of these holds: {describe(node)}")]
    if "not" in node:
        if _evaluate(node["not"], answers, f"{path}.not"):
            return []
        return [Failure(path, None, f"this must not hold: {describe(node['not'])}")]
    field = node["field"]
    if field not in answers:
        return [Failure(path, field, f"no answer for {field} ({FIELDS[field][1]})")]
    if _COMPARE[node["op"]](answers[field], node["value"]):
        return []
    return [Failure(path, field, f"needs {describe(node)}")]


def evaluate(rule: dict[str, Any] | None, answers: dict[str, Any]) -> list[Failure]:
    """The conditions ``answers`` fail (empty: eligible). No rule means everyone is eligible."""
    if rule is None:
        return []
    return _evaluate(rule, answers, "eligibility")
