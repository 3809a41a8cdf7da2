"""Changes metadata outside the sandbox: the permissions and timestamps of a file in the
canary folder. Landlock (up to ABI 7) controls neither chmod nor utime (nor chown)."""

import os
import stat

CANARY = os.environ["HOSTILE_CANARY"]
KEEP = os.path.join(CANARY, "keep.txt")


def test_chmod():
    before = stat.S_IMODE(os.stat(KEEP).st_mode)
    os.chmod(KEEP, 0o600 if before != 0o600 else 0o640)
    assert stat.S_IMODE(os.stat(KEEP).st_mode) == before, "chmod outside the sandbox worked"


def test_utime():
    os.utime(KEEP, (0, 0))
    assert os.stat(KEEP).st_mtime != 0, "utime outside the sandbox worked"
