"""Takes away its own write and search permissions inside the sandbox, as a lesson on chmod
might: a read-only folder holding a file, an unreadable folder, and finally the cwd itself.
The sandbox must still be removed afterwards (by a non-root user too)."""

import os


def test_lock_everything():
    os.mkdir("locked")
    with open(os.path.join("locked", "inside.txt"), "w", encoding="utf-8") as f:
        f.write("x")
    os.chmod("locked", 0o500)
    os.makedirs(os.path.join("hidden", "deeper"))
    os.chmod("hidden", 0)
    os.chmod(os.environ["TMPDIR"], 0o500)
    os.chmod(".", 0o500)
    assert False, "everything is locked"
