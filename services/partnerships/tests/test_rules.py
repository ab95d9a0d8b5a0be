"""The eligibility rule language on its own: parsing with paths, and evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from partnerships.scheme import rules
from servicekit.errors import Unprocessable

EXAMPLE: dict[str, Any] = {
    "all": [
        {"field": "household_income_pence", "op": "lte", "value": 2_500_000},
        {"field": "age", "op": "between", "value": [16, 24]},
        {"field": "home_postcode_area", "op": "in", "value": ["HU", "YO"]},
        {"field": "care_leaver", "op": "eq", "value": True},
    ]
}


def fields_of(rule: Any) -> list[str]:
    with pytest.raises(Unprocessable) as caught:
        rules.parse(rule)
    return [e.field for e in caught.value.errors or []]


def test_the_example_rule_parses_and_is_kept_as_given():
    assert rules.parse(EXAMPLE) == EXAMPLE


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ([], "body.eligibility"),
        ({}, "body.eligibility.field"),
        ({"all": []}, "body.eligibility.all"),
        ({"all": {"field": "age"}}, "body.eligibility.all"),
        ({"all": [{"field": "shoe_size", "op": "eq", "value": 9}]}, "body.eligibility.all.0.field"),
        (
            {"all": [EXAMPLE["all"][0], {"field": "age", "op": "like", "value": 1}]},
            "body.eligibility.all.1.op",
        ),
        ({"field": "age", "op": "between", "value": [24, 16]}, "body.eligibility.value"),
        ({"field": "age", "op": "between", "value": [16]}, "body.eligibility.value"),
        ({"field": "age", "op": "lte", "value": "24"}, "body.eligibility.value"),
        ({"field": "age", "op": "lte", "value": 24.5}, "body.eligibility.value"),
        ({"field": "age", "op": "lte", "value": True}, "body.eligibility.value"),
        ({"field": "household_income_pence", "op": "gte", "value": -1}, "body.eligibility.value"),
        ({"field": "care_leaver", "op": "eq", "value": "yes"}, "body.eligibility.value"),
        ({"field": "care_leaver", "op": "lt", "value": True}, "body.eligibility.op"),
        (
            {"field": "home_postcode_area", "op": "in", "value": ["HU", "hull"]},
            "body.eligibility.value.1",
        ),
        ({"field": "home_postcode_area", "op": "in", "value": []}, "body.eligibility.value"),
        ({"field": "home_region", "op": "eq", "value": "atlantis"}, "body.eligibility.value"),
        ({"field": "age", "op": "eq"}, "body.eligibility.value"),
        ({"field": "age", "op": "eq", "value": 1, "weight": 2}, "body.eligibility"),
        ({"all": [EXAMPLE], "any": [EXAMPLE]}, "body.eligibility"),
        (
            {"not": {"any": [{"field": "age", "op": "eq", "value": 1}, "x"]}},
            "body.eligibility.not.any.1",
        ),
    ],
)
def test_a_rule_that_does_not_parse_is_refused_naming_its_path(rule: Any, path: str):
    assert path in fields_of(rule)


def test_every_problem_is_named_not_just_the_first():
    broken = {
        "all": [
            {"field": "age", "op": "between", "value": [30, 20]},
            {"field": "nope", "op": "eq", "value": 1},
        ]
    }
    assert fields_of(broken) == ["body.eligibility.all.0.value", "body.eligibility.all.1.field"]


def test_deep_or_huge_rules_are_refused():
    deep: dict[str, Any] = {"field": "age", "op": "eq", "value": 1}
    for _ in range(10):
        deep = {"not": deep}
    assert any("not" in f for f in fields_of(deep))
    wide = {"all": [{"any": [{"field": "age", "op": "eq", "value": i}] * 20} for i in range(10)]}
    assert fields_of(wide)


def test_evaluation_says_which_rule_failed_and_why():
    eligible = {
        "household_income_pence": 2_100_000,
        "age": 19,
        "home_postcode_area": "HU",
        "care_leaver": True,
    }
    assert rules.evaluate(EXAMPLE, eligible) == []
    failures = rules.evaluate(EXAMPLE, {**eligible, "age": 25, "home_postcode_area": "LS"})
    assert [(f.rule, f.field) for f in failures] == [
        ("eligibility.all.1", "age"),
        ("eligibility.all.2", "home_postcode_area"),
    ]
    assert failures[0].reason == "needs age is between 16 and 24"
    missing = rules.evaluate(EXAMPLE, {"age": 19})
    assert [f.field for f in missing] == [
        "household_income_pence",
        "home_postcode_area",
        "care_leaver",
    ]
    assert missing[0].reason.startswith("no answer for household_income_pence")


def test_any_and_not_groups():
    rule = {
        "any": [
            {"field": "care_leaver", "op": "eq", "value": True},
            {"not": {"field": "first_in_family", "op": "eq", "value": False}},
        ]
    }
    assert rules.evaluate(rule, {"care_leaver": False, "first_in_family": True}) == []
    failed = rules.evaluate(rule, {"care_leaver": False, "first_in_family": False})
    assert [f.rule for f in failed] == ["eligibility"]
    assert failed[0].reason.startswith("none of these holds")
    assert rules.evaluate(None, {}) == []


def test_answers_are_checked_too():
    with pytest.raises(Unprocessable) as caught:
        rules.parse_answers({"age": "nineteen", "shoe_size": 9})
    assert [e.field for e in caught.value.errors or []] == [
        "body.answers.age",
        "body.answers.shoe_size",
    ]
