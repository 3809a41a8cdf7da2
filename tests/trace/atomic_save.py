"""Atomic saves: with fsync, without, with the temp file elsewhere, and one that fails."""

import os
import tempfile


def save_durably(path, text):
    tmp = os.path.join(os.path.dirname(path), ".config-k2x.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save_quickly(path, text):
    tmp = os.path.join(os.path.dirname(path), ".config-k2x.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def save_via_tmpdir(path, text):
    fd, tmp = tempfile.mkstemp(suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save_and_fail(path, text):
    tmp = str(path) + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    raise OSError("the disk went away")


# ---------------------------------------------------------------------------------------------
# Tests

import pytest  # noqa: E402


def test_with_fsync(tmp_path):
    save_durably(str(tmp_path / "config.json"), "{}")
    assert (tmp_path / "config.json").read_text(encoding="utf-8") == "{}"


def test_without_fsync(tmp_path):
    save_quickly(str(tmp_path / "config.json"), "{}")
    assert (tmp_path / "config.json").read_text(encoding="utf-8") == "{}"


def test_temp_elsewhere(tmp_path):
    save_via_tmpdir(str(tmp_path / "config.json"), "{}")
    assert (tmp_path / "config.json").read_text(encoding="utf-8") == "{}"


def test_temp_left_behind(tmp_path):
    with pytest.raises(OSError):
        save_and_fail(tmp_path / "config.json", "{}")
