"""pytest's everyday fixtures without pytest installed: tmp_path, tmpdir, capsys,
monkeypatch, caplog, recwarn, request, and the file's own @pytest.fixture functions with
yield, scopes and params."""
# expect: pass 11


import logging
import os
import warnings

import pytest

EVENTS = []


def greet(name):
    print("hello", name)
    logging.getLogger("greeter").warning("greeted %s", name)
    return os.environ.get("GREETING", "hi") + " " + name


# ----------------------------------------------------------------------------------------
# Tests


@pytest.fixture
def resource():
    EVENTS.append("setup")
    yield {"name": "res"}
    EVENTS.append("teardown")


@pytest.fixture(scope="module")
def shared():
    return []


@pytest.fixture(params=["a", "b"])
def letter(request):
    return request.param * 2


@pytest.fixture
def stacked(resource, tmp_path):
    return tmp_path / resource["name"]


def test_tmp_path(tmp_path):
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_tmpdir(tmpdir):
    tmpdir.join("g.txt").write("y")
    assert tmpdir.join("g.txt").read() == "y"


def test_capsys(capsys):
    greet("ann")
    out, err = capsys.readouterr()
    assert out == "hello ann\n" and err == ""


def test_monkeypatch(monkeypatch):
    monkeypatch.setenv("GREETING", "hey")
    monkeypatch.setattr(os.path, "sep", "!")
    assert greet("bo") == "hey bo" and os.path.sep == "!"


def test_monkeypatch_undone():
    assert "GREETING" not in os.environ and os.path.sep == "/"


def test_caplog(caplog):
    greet("cy")
    assert caplog.record_tuples == [("greeter", logging.WARNING, "greeted cy")]


def test_recwarn(recwarn):
    warnings.warn("careful", UserWarning)
    assert str(recwarn.pop(UserWarning).message) == "careful"


def test_yield_fixture(resource, shared):
    shared.append(1)
    assert resource == {"name": "res"} and EVENTS == ["setup"]


def test_teardown_ran(stacked, shared):
    assert EVENTS == ["setup", "teardown", "setup"] and shared == [1]
    assert stacked.name == "res"


def test_params(letter):
    assert letter in ("aa", "bb")
