import pytest
from regulars_local.emulator.streams import matches, passes


def record(sk: str = "APPT#1", event_name: str = "INSERT", **new_image) -> dict:
    image = {"PK": {"S": "SALON#s1"}, "SK": {"S": sk}, **new_image}
    return {
        "eventName": event_name,
        "dynamodb": {"Keys": {"PK": image["PK"], "SK": image["SK"]}, "NewImage": image},
    }


TEMPLATE_PATTERN = {"dynamodb": {"Keys": {"SK": {"S": [{"prefix": "APPT#"}]}}}}


def test_the_templates_prefix_pattern():
    assert matches(TEMPLATE_PATTERN, record("APPT#2026-01-01"))
    assert not matches(TEMPLATE_PATTERN, record("CLIENT#c1"))
    assert not matches(TEMPLATE_PATTERN, {"dynamodb": {"Keys": {"PK": {"S": "APPT#"}}}})


def test_exact_values_any_of_a_list():
    assert matches({"eventName": ["INSERT", "MODIFY"]}, record(event_name="MODIFY"))
    assert not matches({"eventName": ["INSERT", "MODIFY"]}, record(event_name="REMOVE"))


def test_every_key_of_the_pattern_must_match():
    pattern = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"status": {"S": ["booked"]}}}}
    assert matches(pattern, record(status={"S": "booked"}))
    assert not matches(pattern, record(status={"S": "cancelled"}))
    assert not matches(pattern, record(event_name="MODIFY", status={"S": "booked"}))


def test_exists():
    assert matches({"dynamodb": {"NewImage": {"ttl": [{"exists": True}]}}}, record(ttl={"N": "1"}))
    assert not matches({"dynamodb": {"NewImage": {"ttl": [{"exists": True}]}}}, record())
    assert matches({"dynamodb": {"NewImage": {"ttl": [{"exists": False}]}}}, record())
    assert matches({"dynamodb": {"OldImage": {"x": [{"exists": False}]}}}, record())
    assert not matches({"dynamodb": {"NewImage": {"ttl": [{"exists": False}]}}}, record(ttl={"N": "1"}))


def test_anything_but():
    assert matches({"eventName": [{"anything-but": ["REMOVE"]}]}, record(event_name="INSERT"))
    assert not matches({"eventName": [{"anything-but": ["REMOVE", "INSERT"]}]}, record())
    assert not matches({"eventName": [{"anything-but": "INSERT"}]}, record())
    assert matches({"eventName": [{"anything-but": {"prefix": "REM"}}]}, record())
    assert not matches({"missing": [{"anything-but": ["x"]}]}, record())


def test_suffix_ignore_case_wildcard_and_numeric():
    assert matches({"eventName": [{"suffix": "ERT"}]}, record())
    assert matches({"eventName": [{"equals-ignore-case": "insert"}]}, record())
    assert matches({"eventName": [{"wildcard": "IN*T"}]}, record())
    assert not matches({"eventName": [{"wildcard": "M*"}]}, record())
    assert matches({"size": [{"numeric": [">", 0, "<=", 5]}]}, {"size": 5})
    assert not matches({"size": [{"numeric": [">", 0, "<=", 5]}]}, {"size": 6})
    assert not matches({"size": [{"numeric": [">", 0]}]}, {"size": "5"})


def test_exact_values_respect_types():
    assert matches({"n": [5]}, {"n": 5.0})
    assert not matches({"n": ["5"]}, {"n": 5})
    assert not matches({"b": [True]}, {"b": 1})
    assert matches({"v": [None]}, {"v": None})


def test_array_values_match_if_any_element_does():
    assert matches({"tags": ["b"]}, {"tags": ["a", "b"]})
    assert not matches({"tags": ["c"]}, {"tags": ["a", "b"]})


def test_a_record_passes_if_any_filter_matches_or_there_are_none():
    filters = [TEMPLATE_PATTERN, {"eventName": ["REMOVE"]}]
    assert passes(filters, record("APPT#1"))
    assert passes(filters, record("CLIENT#1", event_name="REMOVE"))
    assert not passes(filters, record("CLIENT#1"))
    assert passes([], record("CLIENT#1"))


def test_invalid_patterns_are_reported():
    with pytest.raises(ValueError, match="unsupported operator"):
        matches({"a": [{"cidr": "10.0.0.0/8"}]}, {"a": "10.0.0.1"})
    with pytest.raises(ValueError, match="object or a list"):
        matches({"a": "x"}, {"a": "x"})
