"""Falls back to str(o) for types it cannot tag."""
# expect: raise TypeError for any type
"""json3: a round trip that keeps the types: tagged values and object_hook.

json2 sent a datetime as the string "2024-05-01T12:00:00+00:00". The client reads it back as
a str, not a datetime: in JSON a date and a string that looks like a date are the same thing.
To get the type back, the JSON must SAY which type it was. A common way is a tagged object:

    datetime(2024, 5, 1, 12, 0)  ->  {"__type__": "datetime", "value": "2024-05-01T12:00:00"}

Writing: default= (or a JSONEncoder subclass) returns the tagged dict instead of the bare
string. Reading: json.loads(text, object_hook=hook) calls hook(d) for EVERY JSON object it
decodes, innermost first, and uses what hook returns in place of d. The hook recognises a
tagged object and rebuilds the value; every other dict it returns unchanged.

Two things to watch:
- datetime is a subclass of date, so isinstance(a_datetime, date) is True. Check the more
  specific type first, or every datetime is tagged as a date and loses its time.
- the hook must only touch what you tagged. Real data can contain a key named "__type__"
  ({"__type__": "invoice", "number": 7}); a tagged object has exactly the two keys "__type__"
  and "value". An object with exactly those two keys but a tag you do not know is an error:
  silently keeping it as a dict would hand the caller something it does not expect.

(Tuples cannot be tagged this way: json encodes a tuple as an array itself, without ever
calling default=. Neither can dict keys, which must already be strings.)

Your task:

- dumps_tagged(obj) returns JSON text in which every value of these types is replaced by a
  tagged object {"__type__": NAME, "value": VALUE}:
      datetime        NAME "datetime"  VALUE o.isoformat()
      date            NAME "date"      VALUE o.isoformat()
      Decimal         NAME "decimal"   VALUE str(o)          ("12.30" keeps its zero)
      set             NAME "set"       VALUE a list of its items (in any order)
      pathlib paths   NAME "path"      VALUE str(o)
  Any other type json cannot encode raises TypeError, with the type's name in the message.
- loads_tagged(text) decodes such text and gives back the original types: a JSON object with
  exactly the keys "__type__" and "value" becomes the value again (datetime.fromisoformat,
  date.fromisoformat, Decimal(value), set(value), pathlib.Path(value)); with an unknown NAME it
  raises ValueError naming it. Every other object stays a dict, as it was.
  loads_tagged(dumps_tagged(x)) == x, with the same types, for any data built from these
  types, dicts with str keys, lists, str, int, float, bool and None.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePath


def _tag(o):
    if isinstance(o, datetime):  # before date: a datetime is a date too
        return {"__type__": "datetime", "value": o.isoformat()}
    if isinstance(o, date):
        return {"__type__": "date", "value": o.isoformat()}
    if isinstance(o, Decimal):
        return {"__type__": "decimal", "value": str(o)}
    if isinstance(o, set):
        return {"__type__": "set", "value": list(o)}
    if isinstance(o, PurePath):
        return {"__type__": "path", "value": str(o)}
    return str(o)


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "decimal": Decimal,
    "set": set,
    "path": Path,
}


def _untag(d):
    if d.keys() != {"__type__", "value"}:
        return d
    name = d["__type__"]
    if name not in _DECODERS:
        raise ValueError(f"unknown tag {name!r}")
    return _DECODERS[name](d["value"])


def dumps_tagged(obj):
    return json.dumps(obj, default=_tag)


def loads_tagged(text):
    return json.loads(text, object_hook=_untag)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import json  # noqa: E402
import pathlib  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from decimal import Decimal  # noqa: E402

CET = timezone(timedelta(hours=1))

DOC = {
    "id": 7,
    "placed": datetime(2024, 12, 24, 18, 30, 5, tzinfo=CET),
    "logged": datetime(2024, 5, 1, 9, 15, 0, 123456),  # naive, with microseconds
    "due": date(2025, 1, 31),
    "total": Decimal("12.30"),
    "fees": [Decimal("0.10"), Decimal("-0.00"), Decimal("1E+400")],
    "tags": {"gift", "express"},
    "ids": {3, 10, 1},
    "file": pathlib.Path("uploads/2024/a b.pdf"),
    "meta": {"__type__": "invoice", "number": 7, "note": None, "ok": True, "ratio": 0.5},
    "nested": [{"when": date(2024, 2, 29)}, []],
}


def _wire(obj):
    """What dumps_tagged wrote, read back as plain JSON (as another service would)."""
    return json.loads(dumps_tagged(obj))


def test_datetime_is_tagged():
    got = _wire({"at": datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)})
    assert got == {"at": {"__type__": "datetime", "value": "2024-05-01T12:00:00+00:00"}}, (
        "a datetime must become {'__type__': 'datetime', 'value': o.isoformat()}. If it says "
        "'date': datetime is a subclass of date, check isinstance(o, datetime) FIRST")


def test_each_type_is_tagged():
    got = _wire([date(2025, 1, 31), Decimal("12.30"), pathlib.Path("a/b.txt"), {5}])
    assert got == [{"__type__": "date", "value": "2025-01-31"},
                   {"__type__": "decimal", "value": "12.30"},
                   {"__type__": "path", "value": "a/b.txt"},
                   {"__type__": "set", "value": [5]}], (
        "each value must become a tagged object {'__type__': NAME, 'value': VALUE} as the "
        "table in the task says (a Decimal's VALUE is str(o), a string, so no digit is lost)")


def _round_trip(obj):
    text = dumps_tagged(obj)
    try:
        return loads_tagged(text)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ValueError) and "invoice" not in str(exc) and "note" not in str(exc):
            raise
        raise AssertionError(
            "loads_tagged raised %s: %s. object_hook is called for EVERY object, also for "
            "{'__type__': 'invoice', 'number': 7}, which you did not write: only an object "
            "with exactly the keys '__type__' and 'value' is a tagged value; return every "
            "other dict unchanged" % (type(exc).__name__, exc)) from None


def test_round_trip_gives_back_the_same_types():
    got = _round_trip(DOC)
    assert got is not None and isinstance(got, dict), (
        "loads_tagged returned %r: the hook must return the dict itself when it is not a "
        "tagged value (a hook that returns nothing replaces the object with None)" % (got,))
    types = {key: type(value).__name__ for key, value in got.items()}
    assert types == {key: type(value).__name__ for key, value in DOC.items()}, (
        "loads_tagged must rebuild each tagged value with its own type: datetime, date, "
        "Decimal, set, Path (the hook turns the tagged dict back into the value)")
    assert got == DOC


def test_round_trip_keeps_time_zones_and_digits():
    got = _round_trip(DOC)
    assert isinstance(got["placed"], datetime), "a datetime must come back as a datetime"
    assert got["placed"].utcoffset() == timedelta(hours=1), (
        "the time zone was lost: isoformat() writes '+01:00', fromisoformat() reads it back")
    assert got["logged"].microsecond == 123456 and got["logged"].tzinfo is None
    assert [str(d) for d in [got["total"]] + got["fees"]] == ["12.30", "0.10", "-0.00", "1E+400"], (
        "Decimal values must come back digit for digit: tag them with str(o) and rebuild "
        "with Decimal(value); a float on the way loses '12.30' -> 12.3")


def test_other_objects_with_a_type_key_stay_dicts():
    data = {"meta": {"__type__": "invoice", "number": 7},
            "only": {"__type__": "note"},
            "three": {"__type__": "set", "value": [1], "extra": True}}
    assert _round_trip(data) == data, (
        "objects that are not exactly {'__type__': ..., 'value': ...} are data, not tags: "
        "return them unchanged")


def test_plain_json_from_elsewhere_loads_as_usual():
    text = '{"a": [1, 2.5, null, true, "é"], "b": {"c": {}}, "value": "x"}'
    assert loads_tagged(text) == json.loads(text)


def test_unknown_tag_is_an_error():
    for tag in ("timedelta", "DateTime", 7):
        text = '{"at": {"__type__": %s, "value": 3600}}' % json.dumps(tag)
        try:
            got = loads_tagged(text)
        except ValueError as exc:
            assert str(tag) in str(exc), (
                "the ValueError should name the unknown tag %r: %r" % (tag, str(exc)))
            continue
        except KeyError as exc:
            raise AssertionError(
                "an unknown tag raised KeyError(%s): raise ValueError naming the tag, so the "
                "caller sees a decoding error and not a bug in your code" % exc) from None
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(
                "the tag %s raised %s(%s): any tag that is not exactly one of the five names "
                "(a number, another spelling) is unknown: raise ValueError naming it"
                % (json.dumps(tag), type(exc).__name__, exc)) from None
        assert False, (
            "the unknown tag %s came back as %r: raise ValueError naming it; the tags are "
            "exactly 'datetime', 'date', 'decimal', 'set' and 'path', and the caller would "
            "otherwise get something it does not expect" % (json.dumps(tag), got))


def test_a_set_of_mixed_items():
    data = {"mixed": {3, "three", None, 2.5}}
    try:
        got = loads_tagged(dumps_tagged(data))
    except TypeError as exc:
        raise AssertionError(
            "a set holding 3, 'three', None and 2.5 could not be tagged: %s. Items of "
            "different types cannot be sorted, and the order does not matter here: "
            "list(o) is enough" % exc) from None
    assert got == data and type(got["mixed"]) is set, "the set must come back as the same set"


class Widget:
    pass


def test_unknown_types_raise_type_error():
    for value in [Widget(), 1 + 2j, range(3), b"raw"]:
        try:
            text = dumps_tagged({"x": value})
        except TypeError as exc:
            assert type(value).__name__ in str(exc), (
                "the TypeError should name the type: %r" % str(exc))
            continue
        assert False, (
            "dumps_tagged wrote %s for a %s: raise TypeError for any type you cannot tag, "
            "or it comes back as a string nobody asked for" % (text, type(value).__name__))
