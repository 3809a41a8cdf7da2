"""Changes metadata outside the sandbox: permissions and timestamps of a file in the canary.
Landlock (up to ABI 7) does not control chmod, utime or chown, so these succeed."""

import os
import stat

CANARY = os.environ["HOSTILE_CANARY"]
KEEP = os.path.join(CANARY, "keep.txt")


def test_chmod():
    os.chmod(KEEP, 0)
    assert stat.S_IMODE(os.stat(KEEP).st_mode) != 0, "chmod outside the sandbox worked"


def test_utime():
    os.utime(KEEP, (0, 0))
    assert os.stat(KEEP).st_mtime != 0, "utime outside the sandbox worked"
