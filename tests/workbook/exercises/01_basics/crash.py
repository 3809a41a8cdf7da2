"""Crashes at import: top-level code raises before any test runs."""

SETTINGS = {"name": "iolings"}
PORT = SETTINGS["port"]


def test_port():
    assert PORT == 8080
