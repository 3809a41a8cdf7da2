"""Benchmarks for iolings, measured in one run so the ratios compare like with like.

1. `iolings run` on a solved exercise vs a bare Python run of the same tests.
2. `iolings verify` on every exercise, parallel vs one at a time.
3. Watch mode: save -> verdict on screen, for a passing and a failing lesson-01 exercise,
   with the breakdown (quiet period, run, render), and the watcher's peak memory.
4. The I/O trace: `run --trace` and save -> trace view against the untraced figures, and the
   untraced run against a baseline binary (IOLINGS_BASELINE=path/to/other/iolings), so a
   change can show that ordinary runs did not get slower.

Usage: python3 bench/bench.py [path/to/iolings]   (default: target/release/iolings)
"""

import json
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/iolings"))
EXERCISE = "reading1"
LESSON = "01_reading_files"
REPEAT = 31
BASELINE = os.environ.get("IOLINGS_BASELINE")

BARE_RUNNER = """
import os, sys, types
sys.path.insert(0, '.')
sys.path.insert(0, sys.argv[2])
src = open(sys.argv[1], encoding='utf-8').read()
# Named after its file, as the harness names it: tests may import it again in a subprocess.
name = os.path.splitext(os.path.basename(sys.argv[1]))[0]
mod = types.ModuleType(name)
mod.__file__ = sys.argv[1]
sys.modules[name] = mod
exec(compile(src, sys.argv[1], 'exec'), mod.__dict__)
failed = 0
for name, fn in list(vars(mod).items()):
    if name.startswith('test') and callable(fn):
        try:
            if 'tmp_path' in fn.__code__.co_varnames[:fn.__code__.co_argcount]:
                import pathlib, tempfile
                fn(pathlib.Path(tempfile.mkdtemp(dir='.')))
            else:
                fn()
        except Exception:
            failed += 1
sys.exit(1 if failed else 0)
"""


def timed(cmd, **kwargs):
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start, result.returncode


def median_ms(samples):
    return statistics.median(samples) * 1000


def fresh_workbook():
    d = tempfile.mkdtemp(prefix="iolings-bench-")
    for name in ("info.toml", "exercises", "solutions"):
        src = os.path.join(ROOT, name)
        dst = os.path.join(d, name)
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, dst)
    return d


def real_python():
    out = subprocess.run(["python3", "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
    return out.stdout.strip()


def bench_run(wb):
    shutil.copy(os.path.join(wb, "solutions", LESSON, EXERCISE + ".py"), os.path.join(wb, "exercises", LESSON, EXERCISE + ".py"))
    # The bare run: the same file and fixtures in a temp dir, same interpreter flags.
    bare = tempfile.mkdtemp(prefix="iolings-bare-")
    shutil.copy(os.path.join(wb, "exercises", LESSON, EXERCISE + ".py"), bare)
    for f in os.listdir(os.path.join(wb, "exercises", LESSON, "fixtures")):
        shutil.copy(os.path.join(wb, "exercises", LESSON, "fixtures", f), bare)
    lib = os.path.join(ROOT, "src", "runner")
    flags = ["-B", "-X", "warn_default_encoding", "-W", "error::EncodingWarning"]
    # iolings runs Python with -S (no site-packages); the fair comparison does the same.
    same = ["-S", *flags]
    exe = real_python()
    subprocess.run([BIN, "--workbook", wb, "run", EXERCISE], stdout=subprocess.DEVNULL)  # warm the cache
    ours, bare_real, bare_shim, bare_same, unprotected = [], [], [], [], []
    off = dict(os.environ, IOLINGS_PROTECTIONS="off")
    for _ in range(REPEAT):
        t, code = timed([BIN, "--workbook", wb, "run", EXERCISE])
        assert code == 0, "the solved exercise should pass"
        ours.append(t)
        t, code = timed([exe, *flags, "-c", BARE_RUNNER, EXERCISE + ".py", lib], cwd=bare)
        assert code == 0, "the bare run should pass"
        bare_real.append(t)
        t, _ = timed(["python3", *flags, "-c", BARE_RUNNER, EXERCISE + ".py", lib], cwd=bare)
        bare_shim.append(t)
        t, _ = timed([exe, *same, "-c", BARE_RUNNER, EXERCISE + ".py", lib], cwd=bare)
        bare_same.append(t)
        t, _ = timed([BIN, "--workbook", wb, "run", EXERCISE], env=off)
        unprotected.append(t)
    shutil.rmtree(bare)
    o, r, s, m = median_ms(ours), median_ms(bare_real), median_ms(bare_shim), median_ms(bare_same)
    print(f"run {EXERCISE} (solved), median of {REPEAT}:")
    print(f"  iolings run                      {o:7.1f} ms")
    print(f"  bare real interpreter            {r:7.1f} ms   ratio {o / r:.2f}x (target <= 1.25x)")
    print(f"  bare python3 from PATH           {s:7.1f} ms   ratio {o / s:.2f}x")
    print(f"  bare, same interpreter flags -S  {m:7.1f} ms   ratio {o / m:.2f}x")
    u = median_ms(unprotected)
    print(f"  iolings run, protections off     {u:7.1f} ms   protections add {o - u:+.1f} ms (target < 5 ms)")


def has_trace():
    out = subprocess.run([BIN, "run", "--help"], capture_output=True, text=True)
    return "--trace" in out.stdout


def bench_trace_run(wb):
    """The solved exercise untraced, traced, and (untraced) with the baseline binary,
    interleaved so that the machine's load changes all of them alike."""
    shutil.copy(os.path.join(wb, "solutions", LESSON, EXERCISE + ".py"), os.path.join(wb, "exercises", LESSON, EXERCISE + ".py"))
    plain, traced, base = [], [], []
    subprocess.run([BIN, "--workbook", wb, "run", EXERCISE, "--trace"], stdout=subprocess.DEVNULL)
    if BASELINE:
        subprocess.run([BASELINE, "--workbook", wb, "run", EXERCISE], stdout=subprocess.DEVNULL)
    for _ in range(REPEAT):
        plain.append(timed([BIN, "--workbook", wb, "run", EXERCISE])[0])
        t, code = timed([BIN, "--workbook", wb, "run", EXERCISE, "--trace"])
        assert code == 0, "tracing must not change the verdict"
        traced.append(t)
        if BASELINE:
            base.append(timed([BASELINE, "--workbook", wb, "run", EXERCISE])[0])
    p, t = median_ms(plain), median_ms(traced)
    print(f"run {EXERCISE} (solved) with the I/O trace, median of {REPEAT}:")
    print(f"  iolings run                      {p:7.1f} ms")
    print(f"  iolings run --trace              {t:7.1f} ms   ratio {t / p:.2f}x")
    if base:
        b = median_ms(base)
        print(f"  baseline run, untraced           {b:7.1f} ms   this/baseline {p / b:.3f}x")


def bench_verify(wb):
    n = len([l for l in open(os.path.join(wb, "info.toml"), encoding="utf-8") if l.strip() == "[[exercises]]"])
    serial, parallel = [], []
    for _ in range(3):
        serial.append(timed([BIN, "--workbook", wb, "verify", "-j", "1"])[0])
        parallel.append(timed([BIN, "--workbook", wb, "verify"])[0])
    s, p = median_ms(serial), median_ms(parallel)
    print(f"verify, {n} exercises, median of 3:")
    print(f"  one at a time {s:7.0f} ms")
    print(f"  parallel      {p:7.0f} ms   speed-up {s / p:.2f}x on {os.cpu_count()} cores (target >= 1.7x)")


def read_until(fd, needle, timeout):
    """Read the pty until `needle` appears in what was read; returns the time it appeared."""
    buf = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            if needle in buf:
                return time.time()
    raise TimeoutError(f"{needle!r} did not appear; screen: {buf[-500:]!r}")


def trace_since(path, since_us):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            stamp, what = line.split(" ", 1)
            if int(stamp) >= since_us:
                rows.append((int(stamp), what.strip()))
    return rows


def wait_drawn(fd, trace, since_us, timeout):
    """Wait until the watch log shows a run finished and drawn after `since_us`, reading the
    screen meanwhile (a full pty would block the watcher)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        while select.select([fd], [], [], 0)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                break
        rows = trace_since(trace, since_us)
        done = [t for t, w in rows if w.startswith("run finished")]
        if done and any(w == "drawn" and t >= done[0] for t, w in rows):
            return
        time.sleep(0.002)
    raise TimeoutError("no verdict drawn; log: %r" % trace_since(trace, since_us - 2_000_000)[-8:])


def watch_traced(fd, trace, ex, solved, shipped):
    """Save -> trace view redrawn, with the trace view open (t): every run is traced."""
    os.write(fd, b"t")
    time.sleep(0.3)
    wait_drawn(fd, trace, int(time.time() * 1e6) - 300_000, 10)  # the traced rerun t starts
    samples = []
    for i in range(2 * 10 + 2):
        time.sleep(0.25)
        start = time.time()
        with open(ex, "wb") as f:
            f.write(solved if i % 2 == 0 else shipped)
        wait_drawn(fd, trace, int(start * 1e6), 10)
        seen = time.time()
        if i >= 2:
            samples.append(seen - start)
    os.write(fd, b"t")
    time.sleep(0.3)
    return samples


def watch_plain(fd, trace, ex, solved, shipped):
    """The same measure as watch_traced with the trace view closed."""
    samples = []
    for i in range(2 * 10 + 2):
        time.sleep(0.25)
        start = time.time()
        with open(ex, "wb") as f:
            f.write(solved if i % 2 == 0 else shipped)
        wait_drawn(fd, trace, int(start * 1e6), 10)
        if i >= 2:
            samples.append(time.time() - start)
    return samples


def bench_watch(wb):
    trace = os.path.join(wb, "trace.log")
    ex = os.path.join(wb, "exercises", LESSON, EXERCISE + ".py")
    solved = open(os.path.join(wb, "solutions", LESSON, EXERCISE + ".py"), "rb").read()
    shipped = open(os.path.join(ROOT, "exercises", LESSON, EXERCISE + ".py"), "rb").read()
    state = os.path.join(wb, ".iolings")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "state.json"), "w", encoding="utf-8") as f:
        f.write('{"welcomed": true, "lessons_introduced": ["%s"], "current": "%s"}' % (LESSON, EXERCISE))
    env = dict(os.environ, IOLINGS_TRACE=trace, TERM="xterm-256color", NO_COLOR="1", COLUMNS="120", LINES="40")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(wb)
        os.execve(BIN, [BIN], env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.kill(pid, 28)  # SIGWINCH: the new size is read at once
    try:
        read_until(fd, b"reading1:", 10)
        results = {"passing": [], "failing": []}
        for i in range(2 * 20 + 2):
            content, kind, marker = (solved, "passing", b"passed (") if i % 2 == 0 else (shipped, "failing", b"tests failed")
            time.sleep(0.25)
            start = time.time()
            with open(ex, "wb") as f:  # an in-place save, as most editors do
                f.write(content)
            seen = read_until(fd, marker, 10)
            if i >= 2:  # the first two warm up
                results[kind].append((start, seen))
        hwm = open(f"/proc/{pid}/status", encoding="utf-8").read().split("VmHWM:")[1].split()[0]
        traced = plain = None
        if has_trace():
            plain = watch_plain(fd, trace, ex, solved, shipped)
            traced = watch_traced(fd, trace, ex, solved, shipped)
        os.write(fd, b"q")
        time.sleep(0.3)
    finally:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.waitpid(pid, 0)
    print("watch mode, save -> verdict on screen (median of 20 saves each):")
    for kind, samples in results.items():
        total = [seen - start for start, seen in samples]
        parts = {"quiet": [], "setup": [], "python": [], "render": []}
        for start, seen in samples:
            rows = trace_since(trace, int(start * 1e6))
            saved = next(t for t, w in rows if w.startswith("saved"))
            run_start = next(t for t, w in rows if w == "run started")
            run_end, finished = next((t, w) for t, w in rows if w.startswith("run finished"))
            python_us = int(finished.split("python ")[1].split()[0])
            drawn = next(t for t, w in rows if w == "drawn" and t >= run_end)
            parts["quiet"].append((saved - start * 1e6) / 1e6)
            parts["setup"].append((run_end - run_start - python_us) / 1e6)
            parts["python"].append(python_us / 1e6)
            parts["render"].append((drawn - run_end) / 1e6)
        print(f"  {kind:8} {median_ms(total):6.1f} ms  target <= 120 ms")
        print(f"           quiet period + event {median_ms(parts['quiet']):5.1f} ms | sandbox set-up "
              f"{median_ms(parts['setup']):4.1f} ms | spawn + python + tests {median_ms(parts['python']):5.1f} ms"
              f" | render {median_ms(parts['render']):4.1f} ms")
    print(f"  watcher peak memory (VmHWM): {int(hwm) / 1024:.1f} MiB (target <= 15 MiB)")
    if traced:
        p, t = median_ms(plain), median_ms(traced)
        print("watch mode, save -> redrawn, trace view closed vs open (median of 20 saves each):")
        print(f"  closed {p:6.1f} ms   open (traced) {t:6.1f} ms   ratio {t / p:.2f}x")


def bench_mutate(wb):
    equivalents = os.path.join(ROOT, "tests", "mutants")
    start = time.perf_counter()
    out = subprocess.run([BIN, "--workbook", wb, "dev", "mutate", "--json", "--equivalents", equivalents],
                         capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    try:
        report = json.loads(out.stdout)
    except ValueError:
        print(f"dev mutate: no report ({out.stderr.strip()[:200]})")
        return
    n = report["mutants"]
    below = [e["exercise"] for e in report["exercises"] if not e["passed"]]
    print(f"dev mutate, whole workbook ({len(report['exercises'])} exercises), one run:")
    print(f"  {n} mutants, {report['killed']} killed, {elapsed:.1f} s, {n / elapsed:.1f} mutants/s "
          f"on {os.cpu_count()} cores; below threshold: {', '.join(below) or 'none'}")


def main():
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    wb = fresh_workbook()
    try:
        bench_run(wb)
        if has_trace():
            bench_trace_run(wb)
        bench_verify(fresh_workbook_keep(wb))
        bench_watch(wb)
        bench_mutate(wb)
    finally:
        shutil.rmtree(wb, ignore_errors=True)


def fresh_workbook_keep(wb):
    # verify runs the shipped exercises: restore reading1 as shipped first.
    shutil.copy(os.path.join(ROOT, "exercises", LESSON, EXERCISE + ".py"), os.path.join(wb, "exercises", LESSON, EXERCISE + ".py"))
    return wb


if __name__ == "__main__":
    main()
