"""More of pytest's features at once, as pytest runs them: module-scoped and autouse
fixtures, indirect parametrize, a parametrized class, setup_function, string skipif
conditions, xfail(run=False), monkeypatch with a dotted path, caplog levels, warns, raises
as a call, approx on dicts, and asserts that must not run anything twice."""
# expect: fail 28

import logging, os, sys, warnings
import pytest

EVENTS = []

@pytest.fixture(scope="module")
def modres():
    EVENTS.append("mod-setup")
    yield "m"
    EVENTS.append("mod-teardown")

@pytest.fixture(autouse=True)
def auto():
    EVENTS.append("auto")
    yield
    EVENTS.append("auto-done")

@pytest.fixture
def base(request):
    return getattr(request, "param", 1) * 10

@pytest.mark.parametrize("base", [2, 3], indirect=True)
def test_indirect(base):
    assert base in (20, 30)

def setup_function(function):
    EVENTS.append("setup:" + function.__name__)

def teardown_function(function):
    EVENTS.append("teardown:" + function.__name__)

def test_modres(modres):
    assert modres == "m"
    assert "setup:test_modres" in EVENTS

@pytest.mark.usefixtures("modres")
def test_uses():
    assert EVENTS.count("mod-setup") == 1

@pytest.mark.parametrize("n", [1, 2])
class TestParamClass:
    def test_pos(self, n):
        assert n > 0
    def test_small(self, n):
        assert n < 2

@pytest.mark.skipif("sys.platform == 'linux'", reason="not on linux")
def test_skip_string():
    assert False

@pytest.mark.xfail(run=False, reason="would hang")
def test_not_run():
    while True: pass

def test_monkey_string(monkeypatch):
    monkeypatch.setattr("os.getcwd", lambda: "/fake")
    assert os.getcwd() == "/fake"

def test_monkey_restored():
    assert os.getcwd() != "/fake"

def test_caplog_levels(caplog):
    log = logging.getLogger("x")
    log.info("hidden")
    caplog.set_level(logging.INFO)
    log.info("shown")
    with caplog.at_level(logging.DEBUG):
        log.debug("dbg")
    assert caplog.messages == ["shown", "dbg"]

def test_capsys_err(capsys):
    print("to err", file=sys.stderr)
    assert capsys.readouterr().err == "to err\n"

def test_warns():
    with pytest.warns(UserWarning, match="care"):
        warnings.warn("careful", UserWarning)

def test_warns_missing():
    with pytest.warns(UserWarning):
        pass

def test_side_effect_once():
    calls = []
    def f():
        calls.append(1)
        return 1
    assert f() == 1 and len(calls) == 1

def test_gen_expr():
    xs = [1, 2, -3]
    assert all(x > 0 for x in xs)

def test_fstring_msg():
    v = 3
    assert v == 4, f"v was {v}"

class TestMangled:
    def test_nested(self):
        def helper(x):
            assert x == 2
        helper(2)
        __private = 5
        assert __private == 5

def test_nested_calls():
    assert len(str(abs(-12))) == 3

def test_dict_sub():
    d = {"a": 1}
    assert d["a"] == 2

def test_fail_call():
    pytest.fail("explicit")

def test_raises_callable():
    pytest.raises(ZeroDivisionError, lambda: 1 / 0)

def test_excinfo():
    with pytest.raises(KeyError) as info:
        {}["k"]
    assert info.type is KeyError and "k" in str(info.value)

def test_approx_dict():
    assert {"a": 0.1 + 0.2} == pytest.approx({"a": 0.3})

def test_statements_after_an_assert_still_run():
    done = []
    assert len(done) == 0
    try:
        done.append("try")
    finally:
        done.append("finally")
    with open(os.devnull, encoding="utf-8"):
        done.append("with")
    assert done == ["try", "finally", "with"]


def test_events_in_order():
    assert EVENTS[:3] == ["auto", "setup:test_indirect", "teardown:test_indirect"]
