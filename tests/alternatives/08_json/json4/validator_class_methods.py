"""A Validator class collecting errors, a (class, name) table for the type names, one method per value kind found with getattr."""

import json

_NAMES = [(bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
          (list, "array"), (dict, "object"), (type(None), "null")]


def _kind(value):
    for cls, name in _NAMES:
        if isinstance(value, cls):
            return name
    raise TypeError(type(value).__name__)


def _equal(a, b):
    if (type(a) is bool) != (type(b) is bool):
        return False
    return a == b


class _Validator:
    def __init__(self):
        self.errors = []

    def err(self, path, text):
        self.errors.append(f"{path}: {text}")

    def check(self, value, schema, path):
        kind = _kind(value)
        want = schema.get("type")
        if want is not None and not (want == kind or (want, kind) == ("number", "integer")):
            self.err(path, f"expected {want}, got {kind}")
            return
        if "enum" in schema and not [e for e in schema["enum"] if _equal(value, e)]:
            self.err(path, f"{json.dumps(value)} is not one of {json.dumps(schema['enum'])}")
        getattr(self, "check_" + kind, lambda *a: None)(value, schema, path)

    def check_integer(self, value, schema, path):
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if lo is not None and value < lo:
            self.err(path, f"{json.dumps(value)} is less than the minimum {json.dumps(lo)}")
        if hi is not None and value > hi:
            self.err(path, f"{json.dumps(value)} is greater than the maximum {json.dumps(hi)}")

    check_number = check_integer

    def check_string(self, value, schema, path):
        n = schema.get("minLength")
        if n is not None and len(value) < n:
            self.err(path, f"shorter than {n} characters")

    def check_array(self, value, schema, path):
        if "items" in schema:
            for i, item in enumerate(value):
                self.check(item, schema["items"], f"{path}[{i}]")

    def check_object(self, value, schema, path):
        for name in schema.get("required", ()):
            if name not in value:
                self.err(path, f"missing required property '{name}'")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                self.check(item, props[name], f"{path}.{name}")
            elif extra is False:
                self.err(path, f"unexpected property '{name}'")
            elif isinstance(extra, dict):
                self.check(item, extra, f"{path}.{name}")


def validate(instance, schema, path="$"):
    v = _Validator()
    v.check(instance, schema, path)
    return v.errors


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import copy  # noqa: E402
import json  # noqa: E402

SERVER = {
    "type": "object",
    "required": ["host", "port"],
    "properties": {
        "host": {"type": "string", "minLength": 1},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "weight": {"type": "number", "minimum": 0},
        "tls": {"type": "boolean"},
    },
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "required": ["name", "servers"],
    "properties": {
        "name": {"type": "string", "minLength": 3},
        "env": {"enum": ["dev", "staging", "prod"]},
        "servers": {"type": "array", "items": SERVER},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "retries": {"type": "integer", "enum": [0, 1, 3]},
        "owner": {"type": "null"},
    },
    "additionalProperties": False,
}
GOOD = {
    "name": "uploads-api",
    "env": "prod",
    "servers": [
        {"host": "10.0.0.1", "port": 1, "weight": 0, "tls": True},
        {"host": "10.0.0.2", "port": 65535, "weight": 2.5},
        {"host": "日本", "port": 8443, "tls": False},
    ],
    "labels": {"team": "core", "tier": "1"},
    "retries": 3,
    "owner": None,
}


def _check(instance, schema, expected, why, every=False):
    got = validate(instance, schema)
    assert isinstance(got, list), "validate must return a list of strings, got %r" % (got,)
    assert not (every and len(got) <= 1 < len(expected)), (
        "validate returned %d error(s) for a document with %d: report EVERY error, not "
        "only the first one, so the user can fix them all in one go. Collect them in a "
        "list as you walk the whole tree" % (len(got), len(expected)))
    assert sorted(got) == sorted(expected), why


def test_valid_data_has_no_errors():
    _check(GOOD, SCHEMA, [], (
        "this document is valid: the bounds are inclusive (port 1 and 65535 are allowed), "
        "a weight of 0 or 2.5 is a number, 'labels' values are strings, owner is null"))


def test_wrong_type_with_its_path():
    doc = copy.deepcopy(GOOD)
    doc["servers"][2]["port"] = "8443"
    _check(doc, SCHEMA, ["$.servers[2].port: expected integer, got string"], (
        "each error is '{path}: expected {type}, got {actual}', with a path built on the way "
        "down: '.' + name for a property, '[index]' for an array item, from '$'"))


def test_every_error_is_reported():
    doc = copy.deepcopy(GOOD)
    doc["name"] = "ab"
    doc["env"] = "production"
    doc["servers"][0]["port"] = 0
    doc["servers"][1]["port"] = 70000
    doc["servers"][1]["host"] = ""
    del doc["servers"][2]["port"]
    doc["servers"].append({"host": "10.0.0.9", "port": 80, "colour": "blue"})
    doc["labels"]["cost"] = 3
    doc["extra"] = {}
    _check(doc, SCHEMA, sorted([
        "$.name: shorter than 3 characters",
        '$.env: "production" is not one of ["dev", "staging", "prod"]',
        "$.servers[0].port: 0 is less than the minimum 1",
        "$.servers[1].port: 70000 is greater than the maximum 65535",
        "$.servers[1].host: shorter than 1 characters",
        "$.servers[2]: missing required property 'port'",
        "$.servers[3]: unexpected property 'colour'",
        "$.labels.cost: expected string, got integer",
        "$: unexpected property 'extra'",
    ]), (
        "every error in the document, each in the format the task gives for its keyword "
        "('{path}: ...'), and nothing else"), every=True)


def test_a_boolean_is_not_a_number():
    doc = copy.deepcopy(GOOD)
    doc["servers"][0]["port"] = True
    doc["servers"][1]["weight"] = False
    doc["servers"][2]["tls"] = 1
    _check(doc, SCHEMA, [
        "$.servers[0].port: expected integer, got boolean",
        "$.servers[1].weight: expected number, got boolean",
        "$.servers[2].tls: expected boolean, got integer",
    ], (
        "in JSON, true and false are booleans, never numbers. In Python bool is a subclass of "
        "int (isinstance(True, int) is True): test for bool BEFORE int and float"))


def test_a_type_error_stops_the_other_checks():
    doc = copy.deepcopy(GOOD)
    doc["servers"][0]["port"] = "0"
    doc["name"] = 12
    doc["servers"] = doc["servers"] + [7]
    doc["retries"] = True
    try:
        got = validate(doc, SCHEMA)
    except TypeError as exc:
        raise AssertionError(
            "validate crashed with TypeError: %s. When 'type' fails, report it and check "
            "nothing else for that value ('minimum' on a string, 'minLength' on a number, "
            "'required' on a list make no sense)" % exc) from None
    assert sorted(got) == sorted([
        "$.servers[0].port: expected integer, got string",
        "$.name: expected string, got integer",
        "$.servers[3]: expected object, got integer",
        "$.retries: expected integer, got boolean",
    ]), "one error per value whose type is wrong, and no other error for that value"


def test_enum_compares_like_json():
    schema = {"enum": [0, 1, "yes", None]}
    assert validate(1.0, schema) == [], "1.0 equals 1 (numbers compare by value)"
    assert validate(None, schema) == []
    assert validate(True, schema) == ["$: true is not one of [0, 1, \"yes\", null]"], (
        "true is not 1 in JSON, but True == 1 and True in [0, 1] in Python: a bool matches "
        "only a bool (compare the types too). Write the value and the list with json.dumps")
    assert validate(False, {"enum": [0]}) == ["$: false is not one of [0]"]
    assert validate(0, {"enum": [False, "0"]}) == ['$: 0 is not one of [false, "0"]']
    assert validate(True, {"enum": [True]}) == []


def test_keywords_only_apply_to_their_own_types():
    loose = {"minimum": 5, "maximum": 9, "minLength": 3, "required": ["a"],
             "properties": {"a": {"type": "string"}}, "items": {"type": "string"},
             "additionalProperties": False}
    for value in ["ab", 7, 7.5, [], [1], True, None, {"a": "x"}]:
        try:
            got = validate(value, loose)
        except (TypeError, AttributeError) as exc:
            raise AssertionError(
                "validate(%s) crashed: %r. Each keyword applies to one kind of value only "
                "(minimum/maximum to numbers, minLength to strings, required/properties/"
                "additionalProperties to objects, items to arrays): skip the others"
                % (json.dumps(value), exc)) from None
        if value in ("ab", [1]) or value is True:
            continue
        assert got == [], "validate(%s) with only keywords for other types: no error, got %r" % (
            json.dumps(value), got)
    assert validate(True, {"minimum": 5}) == [], "true is not a number: 'minimum' ignores it"
    assert validate("ab", loose) == ["$: shorter than 3 characters"]
    assert validate([1], loose) == ["$[0]: expected string, got integer"]
    assert validate("日本語", {"minLength": 3}) == [], "minLength counts characters, not bytes"
    assert validate("日本", {"minLength": 3}) == ["$: shorter than 3 characters"], (
        "minLength counts characters, not bytes: '日本' is 2 characters (6 bytes in UTF-8), "
        "shorter than 3: len(instance), no encode()")
    assert validate(4, loose) == ["$: 4 is less than the minimum 5"]
    assert validate(9.5, loose) == ["$: 9.5 is greater than the maximum 9"]


def test_other_properties_are_allowed_unless_said_otherwise():
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    assert validate({"a": 1, "b": "anything", "c": [None]}, schema) == [], (
        "without 'additionalProperties', properties not named in 'properties' are allowed "
        "and not checked (JSON Schema's default)")
    assert validate({"b": 2}, {"properties": {"b": {"type": "string"}}}) == [
        "$.b: expected string, got integer"]


def test_root_of_the_wrong_type():
    _check([], SCHEMA, ["$: expected object, got array"], "the root's path is '$'")
    _check(None, SCHEMA, ["$: expected object, got null"], "None is 'null'")
    _check(2.5, {"type": "integer"}, ["$: expected integer, got number"], (
        "a float is a 'number'"))
    _check({}, SCHEMA, ["$: missing required property 'name'",
                        "$: missing required property 'servers'"], (
        "every missing required property is an error of its own"))


def test_nested_arrays_and_objects():
    schema = {"type": "array", "items": {"type": "array", "items": {
        "type": "object", "properties": {"id": {"type": "integer"}},
        "additionalProperties": {"type": "array", "items": {"type": "number"}}}}}
    doc = [[{"id": 1, "xs": [1, 2.5]}], [], [{"id": "2"}, {"ys": [0, "1", True]}]]
    _check(doc, schema, [
        "$[2][0].id: expected integer, got string",
        "$[2][1].ys[1]: expected number, got string",
        "$[2][1].ys[2]: expected number, got boolean",
    ], "items and additionalProperties schemas are checked at any depth, with the full path")
