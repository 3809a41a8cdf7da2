"""Writes, renames and deletes outside the sandbox. HOSTILE_CANARY names a folder the test
created (it holds keep.txt and sub/deep.txt); iolings itself runs with that folder as its cwd.
Every attempt must be refused: each test ends in PermissionError (or EXDEV for links)."""

import os
import shutil
import sys

CANARY = os.environ["HOSTILE_CANARY"]
KEEP = os.path.join(CANARY, "keep.txt")


def test_create_a_file():
    with open(os.path.join(CANARY, "new.txt"), "w", encoding="utf-8") as f:
        f.write("pwned")


def test_overwrite_a_file():
    with open(KEEP, "w", encoding="utf-8") as f:
        f.write("pwned")


def test_append_to_a_file():
    with open(KEEP, "a", encoding="utf-8") as f:
        f.write("pwned")


def test_truncate_a_file():
    os.truncate(KEEP, 0)


def test_rename_a_file():
    os.rename(KEEP, os.path.join(CANARY, "renamed.txt"))


def test_move_a_file_into_the_sandbox():
    shutil.move(KEEP, "stolen.txt")


def test_remove_a_file():
    os.remove(KEEP)


def test_rmtree_the_folder():
    shutil.rmtree(CANARY)


def test_make_a_folder():
    os.mkdir(os.path.join(CANARY, "newdir"))


def test_make_a_symlink():
    os.symlink("/etc/passwd", os.path.join(CANARY, "link"))


def test_hard_link_into_the_sandbox_then_write():
    os.link(KEEP, "hard.txt")
    with open("hard.txt", "w", encoding="utf-8") as f:
        f.write("pwned")


def test_symlink_from_the_sandbox_then_write():
    os.symlink(KEEP, "soft.txt")
    with open("soft.txt", "w", encoding="utf-8") as f:
        f.write("pwned")


def test_write_through_the_parents_cwd():
    with open("/proc/%d/cwd/planted.txt" % os.getppid(), "w", encoding="utf-8") as f:
        f.write("pwned")


def test_write_next_to_the_sandbox():
    # The sandbox's root (holding work/, tmp/, lib/) and the folder holding the sandboxes.
    with open(os.path.join(os.getcwd(), "..", "planted.txt"), "w", encoding="utf-8") as f:
        f.write("pwned")


def test_write_in_the_folder_holding_the_sandboxes():
    with open(os.path.join(os.getcwd(), "..", "..", "planted.txt"), "w", encoding="utf-8") as f:
        f.write("pwned")


def test_patch_the_harness_files():
    # Wherever the runner keeps the harness (in the sandbox or a shared, precompiled cache),
    # a run must not change it: a patched harness would fake passes for every later run.
    lib = os.path.dirname(os.path.abspath(sys.argv[0]))
    changed = []
    for folder, _, files in os.walk(lib):
        for name in files:
            try:
                with open(os.path.join(folder, name), "ab"):
                    changed.append(name)
            except PermissionError:
                pass
    try:
        with open(os.path.join(lib, "planted.py"), "w", encoding="utf-8"):
            changed.append("planted.py")
    except PermissionError:
        if not changed:
            raise
    assert not changed, "harness files opened for writing: %s" % changed
