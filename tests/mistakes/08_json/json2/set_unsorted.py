"""Turns a set into list(o), whose order is the set's internal order."""
# expect: SORTED list
"""json2: teaching json new types with default=, and reading money as Decimal.

json.dumps knows dict, list, tuple, str, int, float, bool and None. For anything else it calls
the function you pass as default=, with the object it could not encode. That function returns
something json CAN encode (a str, a list, a dict...), which is then encoded in its place:

    def encode_value(o):
        if isinstance(o, datetime):
            return o.isoformat()               # "2024-05-01T12:00:00+00:00"
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    json.dumps({"at": datetime.now(timezone.utc)}, default=encode_value)

(Subclassing json.JSONEncoder and overriding its default() method does the same.)

The last line matters as much as the others. json calls default= for EVERY object it does not
know: a socket, a generator, an open file, a half-built object from a bug elsewhere. If the
function answers str(o) for all of them, the API happily sends "<generator object at 0x7f..>"
to a client and nobody notices. For a type you did not plan for, raise TypeError, as json
itself does.

Reading has the mirror problem. json.loads turns 19.99 into a float, which cannot hold 19.99
exactly (0.1 + 0.2 != 0.3), and a price with 20 digits loses the last ones. For money, ask for
decimal.Decimal instead: json.loads(text, parse_float=Decimal) calls Decimal("19.99") with the
number's text, so nothing is lost. Integers stay int (parse_int= is there if you need it).

Your task:

- encode_value(o) is the default= function for the JSON responses of an order service:
    datetime, date       -> o.isoformat()  (a datetime keeps its time zone: "...T12:00:00+00:00")
    Decimal              -> str(o), a string, so that no digit is lost ("0.10" stays "0.10")
    set, frozenset       -> a list of its items, sorted (a set has no order; sorting makes the
                            same set give the same JSON every time)
    pathlib paths        -> str(o)
    dataclass instances  -> a dict of its fields, dataclasses.asdict(o)
    anything else        -> raise TypeError with the type's name in its message.
  to_json(obj) returns json.dumps(obj, default=encode_value) (it is written for you).
- parse_prices(text) returns the data of the JSON text `text` with every number that has a
  fraction or an exponent as a Decimal built from its digits (19.99 -> Decimal("19.99")), and
  every integer as an int.
"""

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath


def encode_value(o):
    if isinstance(o, (datetime, date)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, (set, frozenset)):
        return list(o)
    if isinstance(o, PurePath):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def to_json(obj):
    return json.dumps(obj, default=encode_value)


def parse_prices(text):
    return json.loads(text, parse_float=Decimal)


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import dataclasses  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from decimal import Decimal  # noqa: E402


@dataclasses.dataclass
class Customer:
    name: str
    since: date


@dataclasses.dataclass(slots=True)
class Line:
    product: str
    quantity: int
    unit_price: Decimal


@dataclasses.dataclass
class Order:
    id: int
    placed: datetime
    customer: Customer
    lines: list
    tags: set


class Widget:
    """Not a type the service knows how to send."""


def _sent_as(obj):
    try:
        return json.loads(to_json(obj))
    except AttributeError as exc:
        raise AssertionError(
            "encode_value raised AttributeError (%s). A dataclass with slots=True has no "
            "__dict__: dataclasses.asdict(o) works for every dataclass, and converts nested "
            "dataclasses too" % exc) from None


def test_datetimes_and_dates_in_iso_8601():
    cet = timezone(timedelta(hours=1))
    got = _sent_as({"at": datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
                   "local": datetime(2024, 12, 24, 18, 30, 5, tzinfo=cet),
                   "day": date(2024, 5, 1)})
    assert got == {"at": "2024-05-01T12:00:00+00:00", "local": "2024-12-24T18:30:05+01:00",
                   "day": "2024-05-01"}, (
        "dates and times must be ISO 8601 strings, with the time zone: o.isoformat(). str(o) "
        "puts a space where ISO puts a 'T', and strftime formats often drop the zone")


def test_decimals_keep_every_digit():
    got = _sent_as({"total": Decimal("12345678901234567.89"), "fee": Decimal("0.10")})
    assert got == {"total": "12345678901234567.89", "fee": "0.10"}, (
        "a Decimal must be sent as str(o): float(o) keeps about 16 significant digits, so "
        "12345678901234567.89 becomes 1.2345678901234568e16, and 0.10 loses its zero")


def test_sets_become_sorted_lists():
    got = _sent_as({"tags": {10, 3, 7, 1}, "frozen": frozenset(["b", "c", "a"])})
    assert got == {"tags": [1, 3, 7, 10], "frozen": ["a", "b", "c"]}, (
        "a set must become a SORTED list: list(o) follows the set's internal order "
        "({10, 3, 7, 1} iterates as 1, 10, 3, 7), so equal sets could give different JSON")


def test_paths_become_strings():
    got = _sent_as({"file": pathlib.Path("uploads/2024/a b.pdf"),
                   "root": pathlib.PurePosixPath("/srv/data")})
    assert got == {"file": "uploads/2024/a b.pdf", "root": "/srv/data"}, (
        "a path must become str(o), the path itself")


def test_dataclasses_become_objects():
    order = Order(
        id=7, placed=datetime(2024, 5, 1, 9, 15, tzinfo=timezone.utc),
        customer=Customer("Zoë", date(2019, 3, 2)),
        lines=[Line("café", 2, Decimal("3.50")), Line("tea", 1, Decimal("2.10"))],
        tags={"gift", "express"})
    got = _sent_as({"order": order})
    assert got == {"order": {
        "id": 7, "placed": "2024-05-01T09:15:00+00:00",
        "customer": {"name": "Zoë", "since": "2019-03-02"},
        "lines": [{"product": "café", "quantity": 2, "unit_price": "3.50"},
                  {"product": "tea", "quantity": 1, "unit_price": "2.10"}],
        "tags": ["express", "gift"]}}, (
        "a dataclass must become a JSON object of its fields (dataclasses.asdict), and the "
        "values inside it (datetime, Decimal, set...) encoded like everywhere else")


def _must_refuse(value):
    try:
        text = to_json({"payload": value})
    except TypeError as exc:
        assert type(value).__name__ in str(exc), (
            "the TypeError should name the type it could not encode (%r), so whoever reads "
            "the log knows what slipped in: %r" % (type(value).__name__, str(exc)))
        return
    assert False, (
        "to_json turned a %s into %s instead of raising TypeError. default= is called for "
        "EVERY unknown object: answering str(o) (or None) for types you did not plan for "
        "sends garbage to the client and hides the bug. Raise TypeError for them"
        % (type(value).__name__, text))


def test_unknown_types_raise_type_error():
    _must_refuse(Widget())
    _must_refuse(object())
    _must_refuse(1 + 2j)
    _must_refuse(b"raw bytes")
    _must_refuse(x for x in range(3))


def test_plain_json_is_unchanged():
    data = {"a": [1, 2.5, None, True, "é"], "b": {"c": []}}
    assert _sent_as(data) == data


def test_parse_prices_keeps_exact_decimals():
    got = parse_prices('{"price": 19.99, "rates": [0.1, 0.2], '
                       '"pi": 3.14159265358979323846, "huge": 1e400, "qty": 3}')
    expected = {"price": Decimal("19.99"), "rates": [Decimal("0.1"), Decimal("0.2")],
                "pi": Decimal("3.14159265358979323846"), "huge": Decimal("1e400"), "qty": 3}
    assert type(got["price"]) is Decimal, (
        "prices came back as %s: json.loads(text, parse_float=Decimal) builds a Decimal from "
        "the digits of each number" % type(got["price"]).__name__)
    assert got == expected, (
        "each number must be Decimal(its digits): converting a float afterwards is too late, "
        "19.99 has already become 19.989999999999998... and 1e400 infinity")
    assert sum(got["rates"]) == Decimal("0.3")


def test_parse_prices_keeps_integers_as_int():
    got = parse_prices('{"qty": 3, "ids": [1, 2, 10000000000000000000001], "price": 2.50}')
    assert [type(v) for v in [got["qty"]] + got["ids"]] == [int] * 4, (
        "integers must stay int: only parse_float=Decimal, not parse_int")
    assert got == {"qty": 3, "ids": [1, 2, 10000000000000000000001], "price": Decimal("2.50")}
