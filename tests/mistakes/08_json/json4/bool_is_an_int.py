"""Names the type with isinstance(value, int) before bool, so true counts as an integer."""
# expect: test for bool BEFORE int
"""json4: validating JSON against a schema, and reporting every error with its path.

json.load tells you the text is JSON. It does not tell you it is the JSON you expected: a
"port" can be "8080" (a string), true, or missing, and the program fails later, far from the
file, with a TypeError nobody can trace back to line 40 of deploy.json. Validate right after
loading, and say exactly where each problem is.

A JSON Schema describes the expected shape as JSON itself:

    {"type": "object", "required": ["port"],
     "properties": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}}}

Two things make a validator useful rather than annoying:
- a PATH for each error, in the JSONPath style people read at once: $ is the whole document,
  $.servers[2].port the "port" of the third server.
- ALL the errors at once. A validator that stops at the first one makes the user fix, rerun,
  fix, rerun... for every mistake in the file.

And one Python trap: bool is a subclass of int, so isinstance(True, int) is True, and
True == 1. In JSON, true is a boolean and never a number: "port": true must be rejected.

Your task: validate(instance, schema) returns a list of error strings (empty when the data is
valid), for this subset of JSON Schema. `path` below is the location of the value being
checked, "$" for `instance` itself.

  "type"   one of "object" (dict), "array" (list), "string" (str), "integer" (an int that is
           not a bool), "number" (an int or a float, not a bool), "boolean" (bool), "null"
           (None). If the value has another type:
               "{path}: expected {type}, got {actual}"
           where {actual} is the value's own name from that list (a float is "number"). When
           "type" fails, no other keyword is checked for that value.
  "enum"   a list of allowed values (strings, numbers, booleans, null). Numbers compare by
           value (1.0 equals 1), but true and false equal only themselves (true is not 1):
               "{path}: {value} is not one of {enum}"   (value and enum written with json.dumps)
  "minimum", "maximum"   inclusive bounds, for numbers only:
               "{path}: {value} is less than the minimum {minimum}"
               "{path}: {value} is greater than the maximum {maximum}"
  "minLength"   for strings only, counted in characters:
               "{path}: shorter than {minLength} characters"
  "required"   for objects only: for each listed name that is absent:
               "{path}: missing required property '{name}'"
  "properties"   for objects only: {name: schema}; each property that is present is checked
           against its schema, at "{path}.{name}".
  "additionalProperties"   for objects only, about the properties not named in "properties":
           false: each one is an error "{path}: unexpected property '{name}'"; a schema: each
           one is checked against it, at "{path}.{name}".
  "items"   for arrays only: a schema each item is checked against, at "{path}[{index}]".

A keyword that does not apply to the value's type is ignored ("minimum" on a string, as JSON
Schema does; "type" is how you require a type). The order of the errors in the list does not
matter. Numbers in messages are written as json.dumps writes them (1, 2.5).
"""

import json


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError("not a JSON value: %r" % (value,))


def _matches(expected, actual):
    return expected == actual or (expected == "number" and actual == "integer")


def _same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def validate(instance, schema, path="$"):
    errors = []
    actual = _type_name(instance)
    if "type" in schema and not _matches(schema["type"], actual):
        return ["%s: expected %s, got %s" % (path, schema["type"], actual)]
    if "enum" in schema and not any(_same(instance, option) for option in schema["enum"]):
        errors.append("%s: %s is not one of %s"
                      % (path, json.dumps(instance), json.dumps(schema["enum"])))
    if actual in ("integer", "number"):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append("%s: %s is less than the minimum %s"
                          % (path, json.dumps(instance), json.dumps(schema["minimum"])))
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append("%s: %s is greater than the maximum %s"
                          % (path, json.dumps(instance), json.dumps(schema["maximum"])))
    elif actual == "string":
        if "minLength" in schema and len(instance) < schema["minLength"]:
            errors.append("%s: shorter than %d characters" % (path, schema["minLength"]))
    elif actual == "array":
        if "items" in schema:
            for index, item in enumerate(instance):
                errors += validate(item, schema["items"], "%s[%d]" % (path, index))
    elif actual == "object":
        for name in schema.get("required", []):
            if name not in instance:
                errors.append("%s: missing required property '%s'" % (path, name))
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, value in instance.items():
            if name in properties:
                errors += validate(value, properties[name], "%s.%s" % (path, name))
            elif extra is False:
                errors.append("%s: unexpected property '%s'" % (path, name))
            elif isinstance(extra, dict):
                errors += validate(value, extra, "%s.%s" % (path, name))
    return errors


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
