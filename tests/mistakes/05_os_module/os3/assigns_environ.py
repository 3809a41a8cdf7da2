"""Assigns os.environ['SERVICE_NAME'] = 'worker' when it is missing, changing the environment of the process and its children."""
# expect: change it for the whole process
"""os3: a log prefix that names the process.

A web server such as gunicorn starts ONE Python process, imports your application, then
fork()s it into several worker processes. Each worker is a copy of the parent, memory and all,
with its own process id. When the workers share a log file, every line must say which process
wrote it, or the log is useless for debugging ("which worker ran out of memory?").

The os module tells a process about itself:

    os.getpid()                 this process's id: an int, different in each worker
    os.getppid()                the id of the process that started this one (its parent)
    os.getenv(name, default)    an environment variable as a str, or `default` when it is not
                                set; WITHOUT a default you get None for a missing variable

Two traps:

- Values computed at import time are computed ONCE, in the parent, before the fork. A
  module-level `PID = os.getpid()` is copied into every worker unchanged: all the workers then
  log the parent's pid. Call os.getpid() when you need the answer.
- os.getenv("NAME") returns None when NAME is not set; f"{None}" quietly prints "None".

Your task: fix log_prefix() -> str. It returns

    "[<service> pid=<pid> ppid=<ppid>]"

for example "[billing pid=4242 ppid=4100]", where <service> is the value of the environment
variable SERVICE_NAME at the time of the call ("worker" when it is not set), <pid> is the id of
the calling process and <ppid> the id of its parent, both as decimal numbers.
"""

import os


def log_prefix():
    if "SERVICE_NAME" not in os.environ:
        os.environ["SERVICE_NAME"] = "worker"
    return f"[{os.environ['SERVICE_NAME']} pid={os.getpid()} ppid={os.getppid()}]"


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import os  # noqa: E402
import threading  # noqa: E402

import iolings_testkit as kit  # noqa: E402


def in_forked_worker():
    """Runs in a child process made by fork(), like a gunicorn worker."""
    return os.getpid(), os.getppid(), log_prefix()


def test_default_service_name():
    os.environ.pop("SERVICE_NAME", None)
    got = log_prefix()
    assert not got.startswith("[None "), (
        "SERVICE_NAME is not set here, and os.getenv(name) then returns None: give it a "
        "default, os.getenv('SERVICE_NAME', 'worker')")
    assert got == f"[worker pid={os.getpid()} ppid={os.getppid()}]", (
        "the prefix is '[<service> pid=<os.getpid()> ppid=<os.getppid()>]'")


def test_service_name_from_the_environment():
    os.environ["SERVICE_NAME"] = "billing"
    got = log_prefix()
    assert got.split(" ")[0] == "[billing", (
        "read SERVICE_NAME when log_prefix() is called, not once at import: the environment "
        "can be set after the module is imported")
    assert got == f"[billing pid={os.getpid()} ppid={os.getppid()}]", (
        "the prefix is '[<service> pid=<os.getpid()> ppid=<os.getppid()>]'")
    os.environ["SERVICE_NAME"] = "Billing-EU"
    got = log_prefix()
    assert got == f"[Billing-EU pid={os.getpid()} ppid={os.getppid()}]", (
        "SERVICE_NAME is now 'Billing-EU': read it at every call and print the value exactly "
        "as it is set (no lower(), no caching of the first answer)")


def test_forked_worker_reports_its_own_pid():
    os.environ.pop("SERVICE_NAME", None)
    outcome = kit.run_killed(in_forked_worker)  # runs it in a fork()ed child process
    assert outcome.error is None, "log_prefix() raised in the worker: %s" % outcome.error
    worker_pid, worker_ppid, got = outcome.returned
    assert worker_pid != os.getpid() and worker_ppid == os.getpid(), "(sanity check of the fork)"
    assert f" pid={worker_pid} " in got, (
        "in a fork()ed worker the prefix must show the WORKER's pid (%d). A pid stored at "
        "import time (PID = os.getpid() at module level) or on the first call is the "
        "parent's, copied into every worker: call os.getpid() each time." % worker_pid)
    assert got.endswith(f" ppid={os.getpid()}]"), (
        "in a fork()ed worker the ppid is the process that forked it (%d). A ppid stored at "
        "import time or on the first call belongs to the process that imported the module: "
        "call os.getppid() each time." % os.getpid())
    assert got == f"[worker pid={worker_pid} ppid={os.getpid()}]"


def test_reading_the_environment_does_not_change_it():
    os.environ.pop("SERVICE_NAME", None)
    got = log_prefix()
    assert "SERVICE_NAME" not in os.environ, (
        "log_prefix() set SERVICE_NAME=%r in the process environment: os.environ.setdefault() "
        "or os.environ[...] = ... change it for the whole process and every program it starts "
        "(a later check 'is SERVICE_NAME configured?' now says yes). Only read it: "
        "os.getenv('SERVICE_NAME', 'worker')" % os.environ.get("SERVICE_NAME"))
    assert got == f"[worker pid={os.getpid()} ppid={os.getppid()}]", (
        "the prefix is '[<service> pid=<os.getpid()> ppid=<os.getppid()>]'")


def test_called_from_a_thread():
    os.environ["SERVICE_NAME"] = "billing"
    results = []
    worker = threading.Thread(target=lambda: results.append(log_prefix()))
    worker.start()
    worker.join()
    assert len(results) == 1 and f" pid={os.getpid()} " in results[0], (
        "called from a thread, log_prefix() gave %r: it must still show the PROCESS id. Every "
        "thread of a process shares one pid, os.getpid(); a thread id "
        "(threading.get_native_id(), get_ident()) is not a pid, even if it equals the pid in "
        "the main thread" % results)
