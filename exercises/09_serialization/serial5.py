"""serial5: choosing a format: measure size and speed, then weigh safety, readability, evolution.

There is no best serialization format, only one that fits the data and who reads it:

    JSON      text, readable, every language has a parser, safe to parse; bigger and slower,
              no bytes, no dates, no schema of its own
    pickle    any Python object, fast, no code to write; Python only, binary, and UNSAFE:
              loading runs code (serial1). Only for data your own program wrote
    struct    fixed binary layout: tiny and fast, readable from C or any language; no field
              names, so no schema evolution, and you write every layout by hand
    protobuf  binary with a schema (.proto): compact, many languages, built for evolution
              (new fields are skipped by old readers, serial4); not readable without the schema

Measure before believing: sizes exactly, times roughly. Time with time.perf_counter()
(a monotonic clock with the finest resolution; time.time() can jump and is coarser), repeat,
and keep the minimum: the other runs measure the machine's other work. Never write a test
that asserts one format is faster than another: on a busy CI machine, it will fail one day.

Your task. Records look like {"id": 17, "temp": 21.5, "ok": True}: id an int from 0 to
2**32 - 1, temp a float, ok a bool.

- to_json(records) returns json.dumps(records, separators=(",", ":")) encoded as UTF-8 (the
  most compact JSON); from_json(data) decodes it.
- to_pickle(records) returns pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL);
  from_pickle(data) loads it (only ever on data this program wrote).
- to_struct(records) returns the count as a uint32, then each record as id (uint32), temp
  (float64, so no precision is lost) and ok (a 1-byte bool), all little-endian WITHOUT
  padding: 4 + 13 * len(records) bytes. from_struct(data) decodes it back into the same
  list of dicts (ok a real bool), and raises ValueError when the size of `data` does not
  match its count.
- measure(records, repeat=5) returns {"json": {...}, "pickle": {...}, "struct": {...}}, each
  {"bytes": the size of the encoded records, "seconds": the best (smallest) time of `repeat`
  runs of encoding AND decoding them, from time.perf_counter(), a float}.
- choose_format(needs) picks a format for a use case. `needs` is a dict of booleans (a key
  that is missing is False):
      untrusted_input    the data comes from outside: uploads, the network, other users
      human_readable     people read or edit it
      other_languages    programs in other languages read or write it
      python_objects     it holds arbitrary Python objects (your classes, cycles, functions)
      schema_evolution   fields will be added over the years while old and new programs
                         exchange it
      compact            size and parsing speed matter most (millions of fixed-shape records)
  It returns (format, reason) for the first rule that applies:
      1. python_objects together with untrusted_input, other_languages or human_readable:
         raise ValueError naming that need: only pickle holds arbitrary Python objects, and
         pickle is unsafe on untrusted data, Python only, and binary
      2. python_objects -> "pickle"      3. human_readable -> "json"
      4. schema_evolution -> "protobuf"  5. compact -> "struct"     6. anything else -> "json"
  `reason` is a sentence naming the need that decided (its key, like "human_readable"; for
  rule 6 any sentence).
"""

import json
import pickle
import struct
import time


def to_json(records):
    return json.dumps(records).encode("utf-8")  # TODO: the most compact JSON


def from_json(data):
    return json.loads(data)


def to_pickle(records):
    return pickle.dumps(records)  # TODO: which protocol?


def from_pickle(data):
    return pickle.loads(data)


def to_struct(records):
    # TODO: "@" (the default) pads and uses native order; "f" is a 4-byte float.
    out = struct.pack("I", len(records))
    for r in records:
        out += struct.pack("If?", r["id"], r["temp"], r["ok"])
    return out


def from_struct(data):
    # TODO
    raise NotImplementedError


def measure(records, repeat=5):
    # TODO
    raise NotImplementedError


def choose_format(needs):
    # TODO
    return "pickle", "it is the easiest"


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import itertools  # noqa: E402
import os  # noqa: E402
import pickletools  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import timeit  # noqa: E402

_rng = random.Random(7)
RECORDS = [{"id": (i * 7919) % 100_000, "temp": round(_rng.uniform(-30, 45), 2),
            "ok": i % 3 != 0} for i in range(1000)]
RECORDS[0] = {"id": 2**32 - 1, "temp": -273.15, "ok": False}


def test_each_format_round_trips():
    for name, encode, decode in (("json", to_json, from_json), ("pickle", to_pickle, from_pickle),
                                 ("struct", to_struct, from_struct)):
        data = encode(RECORDS)
        assert isinstance(data, bytes), "to_%s must return bytes" % name
        got = decode(data)
        assert got == RECORDS, (
            "from_%s(to_%s(records)) must give back the same records. For struct: temp "
            "is a float64 ('d'; 'f' keeps about 7 digits), id an unsigned 32-bit int ('I')"
            % (name, name))
        assert all(type(r["ok"]) is bool for r in got), (
            "from_%s: ok must come back as a bool (struct's '?' does that; 'B' gives 0/1)"
            % name)


def test_exact_sizes():
    assert len(to_struct(RECORDS)) == 4 + 13 * len(RECORDS), (
        "to_struct wrote %d bytes for %d records: 4 for the count, then 13 per record "
        "(uint32 4 + float64 8 + bool 1). More means padding: the default '@' aligns the "
        "float64 on 8 bytes, start the format with '<'. Less means a smaller type: 'f' is a "
        "4-byte float, use 'd'" % (len(to_struct(RECORDS)), len(RECORDS)))
    assert to_json(RECORDS) == json.dumps(RECORDS, separators=(",", ":")).encode("utf-8"), (
        "to_json must write the most compact JSON: separators=(',', ':') drops the spaces "
        "after ',' and ':'")
    op, protocol, _ = next(pickletools.genops(to_pickle(RECORDS)))
    assert (op.name, protocol) == ("PROTO", pickle.HIGHEST_PROTOCOL), (
        "to_pickle must use pickle.HIGHEST_PROTOCOL (%d); pickle.dumps uses "
        "DEFAULT_PROTOCOL (%d) unless told" % (pickle.HIGHEST_PROTOCOL, pickle.DEFAULT_PROTOCOL))


def test_struct_little_endian_layout():
    assert to_struct([{"id": 1, "temp": 1.0, "ok": True}]).hex(" ") == (
        "01 00 00 00 01 00 00 00 00 00 00 00 00 00 f0 3f 01"), (
        "count uint32, then id uint32, temp float64, ok bool, all little-endian ('<I', '<Id?')")
    assert to_struct([]) == b"\x00\x00\x00\x00"


def test_no_records():
    assert from_struct(to_struct([])) == [], "4 bytes of count 0 are a valid, empty list"


def test_from_struct_checks_the_size():
    data = to_struct(RECORDS[:3])
    for broken in (data[:-1], data + b"\x00", data[:2], b""):
        try:
            got = from_struct(broken)
        except ValueError:
            continue
        except struct.error as exc:
            raise AssertionError(
                "from_struct let struct.error escape (%s): compare len(data) with "
                "4 + 13 * count first and raise ValueError" % exc) from None
        assert False, (
            "from_struct accepted %d bytes, which cannot hold a count and whole records: "
            "raise ValueError (it returned %d records)" % (len(broken), len(got)))


def test_measure_reports_exact_sizes():
    got = measure(RECORDS[:50], repeat=2)
    assert sorted(got) == ["json", "pickle", "struct"], "one entry per format"
    sizes = {name: got[name]["bytes"] for name in got}
    assert sizes == {"json": len(to_json(RECORDS[:50])), "pickle": len(to_pickle(RECORDS[:50])),
                     "struct": len(to_struct(RECORDS[:50]))}, (
        "'bytes' is the size of the encoded records: len(to_json(records)) and so on")


def test_measure_reports_positive_times():
    got = measure(RECORDS[:10], repeat=3)
    for name, result in got.items():
        seconds = result["seconds"]
        assert isinstance(seconds, float) and seconds > 0, (
            "%s: 'seconds' must be a positive float, got %r. Time each encode + decode with "
            "time.perf_counter() (not time.time(), and don't round to whole milliseconds: "
            "small inputs take microseconds)" % (name, seconds))
        assert seconds < 5, "%s: %r seconds to encode 10 records?" % (name, seconds)


def test_measure_times_encoding_and_decoding():
    seen = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_name in ("decode", "raw_decode") \
                and frame.f_code.co_filename.endswith(os.path.join("json", "decoder.py")):
            seen.add("json")
        elif event == "c_call" and getattr(arg, "__name__", "") in ("loads", "load") and (
                "pickle" in str(getattr(arg, "__module__", ""))
                or "Unpickler" in getattr(arg, "__qualname__", "")):
            seen.add("pickle")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        measure(RECORDS[:5], repeat=1)
    finally:
        sys.setprofile(previous)
    assert seen == {"json", "pickle"}, (
        "measure never decoded %s: 'seconds' is the time to encode AND decode, since "
        "reading the data back is half of what a format costs"
        % " and ".join(sorted({"json", "pickle"} - seen)))


# (encode, decode) seconds of each run: the 4th run is the fastest.
_RUNS = [(0.001, 0.006), (0.004, 0.001), (0.002, 0.007), (0.0015, 0.0005)]
_CODECS = ("to_json", "from_json", "to_pickle", "from_pickle", "to_struct", "from_struct")


def _scripted_measure(records, repeat):
    """measure() with a fake time.perf_counter that only moves inside the codecs: run k of a
    format (counted by its decode calls) takes _RUNS[k]; runs beyond those take 0.0001 s.
    Returns (result, True) or (result, False) if measure did not call the module's codecs."""
    real = time.perf_counter
    now = [1000.0]
    decoded = {}

    def fake_clock():
        return now[0]

    def scripted(name, fn):
        fmt, part = name.split("_")[1], 0 if name.startswith("to_") else 1

        def run(*args, **kwargs):
            k = decoded.get(fmt, 0)
            now[0] += _RUNS[k][part] if k < len(_RUNS) else 0.0001
            result = fn(*args, **kwargs)
            if part:
                decoded[fmt] = k + 1
            return result
        return run

    g = globals()
    saved = {name: g[name] for name in _CODECS}
    defaults = [(f, f.__defaults__) for f in (timeit.timeit, timeit.repeat, timeit.Timer.__init__)]
    own_name = g.get("perf_counter") is real
    try:
        for name in _CODECS:
            g[name] = scripted(name, saved[name])
        for f, d in defaults:
            f.__defaults__ = tuple(fake_clock if x is real else x for x in d)
        time.perf_counter = fake_clock
        if own_name:
            g["perf_counter"] = fake_clock
        result = measure(records, repeat=repeat)
    finally:
        time.perf_counter = real
        if own_name:
            g["perf_counter"] = real
        for f, d in defaults:
            f.__defaults__ = d
        g.update(saved)
    return result, bool(decoded)


def test_measure_keeps_the_best_run():
    got, observed = _scripted_measure(RECORDS[:20], repeat=4)
    if not observed:
        return  # measure calls the codecs by another route: nothing to script
    totals = [e + d for e, d in _RUNS]
    diagnoses = [
        (min(e for e, _ in _RUNS), "that is the fastest ENCODING alone: time encode and "
         "decode together, between the same two perf_counter() calls"),
        (min(d for _, d in _RUNS), "that is the fastest DECODING alone: time encode and "
         "decode together, between the same two perf_counter() calls"),
        (totals[0], "that is the FIRST run: keep the smallest of all `repeat` runs (min)"),
        (max(totals), "that is the SLOWEST run: keep the smallest (min), not the largest"),
        (sum(totals), "that is the SUM of the runs: keep the smallest single run (min)"),
        (sum(totals) / len(totals), "that is the MEAN of the runs: keep the smallest (min); "
         "a busy machine only ever makes a run slower, so the minimum is the best estimate"),
        (min(totals[:3]), "the 4th run was the fastest and it was missed: run exactly "
         "`repeat` times"),
        (0.0002, "that run took 0.0002 s, a run beyond the 4 asked for: run exactly `repeat` "
         "times"),
    ]
    for name in ("json", "pickle", "struct"):
        seconds = got[name]["seconds"]
        if isinstance(seconds, float) and abs(seconds - min(totals)) < 1e-9:
            continue
        why = next((text for value, text in diagnoses
                    if isinstance(seconds, (int, float)) and abs(seconds - value) < 1e-9),
                   "measure each run with time.perf_counter() (not time.time()), encode AND "
                   "decode, and keep the smallest")
        assert False, (
            "%s: with a scripted clock the 4 runs of encode + decode took %s s, so 'seconds' "
            "is %s; got %r: %s" % (name, ", ".join("%g" % t for t in totals), min(totals),
                                  seconds, why))


def test_what_the_sizes_say():
    sizes = {name: r["bytes"] for name, r in measure(RECORDS, repeat=1).items()}
    assert sizes["struct"] < sizes["pickle"] < sizes["json"], (
        "for 1000 fixed-shape records, struct (no names, no punctuation) is the smallest "
        "and JSON (every key written 1000 times, numbers as text) the largest: %r" % sizes)


NEEDS = ["untrusted_input", "human_readable", "other_languages", "python_objects",
         "schema_evolution", "compact"]


def _choose(needs):
    try:
        got = choose_format(needs)
    except KeyError as exc:
        raise AssertionError(
            "choose_format(%r) raised KeyError(%s): a need missing from the dict is False; "
            "read it with needs.get(key, False)" % (needs, exc)) from None
    assert isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], str) and got[1], (
        "choose_format must return (format, reason), reason a non-empty sentence")
    return got


def test_choose_format_cases():
    cases = [
        ({"python_objects": True}, "pickle", "python_objects"),
        ({"human_readable": True, "compact": True}, "json", "human_readable"),
        ({"untrusted_input": True, "human_readable": False, "compact": True}, "struct", "compact"),
        ({"schema_evolution": True, "compact": True, "other_languages": True}, "protobuf",
         "schema_evolution"),
        ({"untrusted_input": True, "schema_evolution": True}, "protobuf", "schema_evolution"),
        ({"human_readable": True, "schema_evolution": True}, "json", "human_readable"),
        ({}, "json", None),
        ({"untrusted_input": True, "other_languages": True}, "json", None),
    ]
    for needs, expected, decided_by in cases:
        fmt, reason = _choose(needs)
        assert fmt == expected, (
            "choose_format(%r) must be %r (the first rule that applies), got %r"
            % (needs, expected, fmt))
        if decided_by:
            assert decided_by in reason, (
                "the reason should name the need that decided, %r: %r" % (decided_by, reason))


def test_never_pickle_for_untrusted_input():
    for values in itertools.product([False, True], repeat=len(NEEDS)):
        needs = dict(zip(NEEDS, values))
        conflict = needs["python_objects"] and (
            needs["untrusted_input"] or needs["other_languages"] or needs["human_readable"])
        try:
            fmt, _ = _choose(needs)
        except ValueError as exc:
            assert conflict, "choose_format(%r) raised %r, but rule 1 does not apply" % (
                needs, exc)
            named = [n for n in ("untrusted_input", "other_languages", "human_readable")
                     if needs[n] and n in str(exc)]
            assert named, "the ValueError should name the conflicting need: %r" % str(exc)
            continue
        assert not conflict, (
            "choose_format(%r) returned %r: arbitrary Python objects mean pickle, and pickle "
            "on untrusted input runs the sender's code (and other languages and people "
            "cannot read it): raise ValueError naming the conflict" % (needs, fmt))
        assert fmt != "pickle" or not needs["untrusted_input"]
