"""Leaves allow_nan at its default, so NaN and Infinity are written as bare words that are not JSON."""
# expect: allow_nan=False
"""json1: json.dump and json.load, and what JSON cannot hold.

json.dumps(obj) turns dicts, lists, str, int, float, bool and None into JSON text, and
json.loads(text) turns it back. json.dump(obj, f) and json.load(f) do the same with a file.
Four keyword arguments decide what the text looks like:

    json.dumps({"owner": "Zoë", "port": 8443}, ensure_ascii=False, indent=2, sort_keys=True)

- ensure_ascii=False writes "Zoë" as it is. The default (True) writes "Zo\\u00eb": valid, but
  unreadable for anyone who opens the file, and every non-ASCII character grows to 6 bytes.
  With ensure_ascii=False the text holds non-ASCII characters, so the FILE must be UTF-8:
  JSON files are UTF-8 by definition (RFC 8259), whatever the machine's locale says.
- indent=2 puts every item on its own line; sort_keys=True sorts object keys, so the same data
  always gives the same text and a diff between two versions shows only what changed.
- allow_nan=False: JSON has no NaN or Infinity. By default json.dumps writes them anyway, as
  the bare words NaN and Infinity, which is not JSON: JavaScript's JSON.parse, Go and most
  other parsers reject the whole file. allow_nan=False raises ValueError instead.

json.dump writes into the file piece by piece as it encodes. If it raises half-way (a NaN
deep inside, an object it cannot encode), the file opened with "w" is already emptied and
holds the first half of the text. Encode first with json.dumps, open the file only when you
have the whole text (lesson 02 goes further and writes a temp file, then renames it).

JSON has fewer types than Python, so a round trip does not always give back what you saved:
a tuple comes back as a list, and since JSON object keys are strings, {1017: "x"} comes back
as {"1017": "x"}. The loader has to restore what the format lost.

Your task:

- write_json(path, data) writes `data` to `path` as JSON in UTF-8 with non-ASCII characters
  as they are, indented by 2 spaces, keys sorted, and one "\\n" at the end. For example
  {"port": 8443, "owner": "Zoë"} gives exactly these lines:
      {
        "owner": "Zoë",
        "port": 8443
      }
  If `data` holds a NaN or an infinity, raise ValueError and leave the file at `path` exactly
  as it was (or absent, if there was none).
- read_json(path) returns the data of the JSON file at `path`. The file is UTF-8 and may begin
  with a byte order mark (Notepad and PowerShell 5 write one).
- save_stock(path, stock) writes a stock list with write_json: `stock` maps product ids (int)
  to (name, quantity) tuples, {1017: ("Café crème", 12)}, which JSON stores as
  {"1017": ["Café crème", 12]}. load_stock(path) reads such a file and returns a dict EQUAL to
  the one saved, with the same types: int keys and tuple values.
"""

import json


def write_json(path, data):
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def read_json(path):
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def save_stock(path, stock):
    write_json(path, stock)


def load_stock(path):
    return {int(key): tuple(value) for key, value in read_json(path).items()}


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import math  # noqa: E402

import iolings_testkit as kit  # noqa: E402

SETTINGS = {
    "app": "uploads", "owner": "Zoë Müller", "listen": {"port": 8443, "host": "0.0.0.0"},
    "allowed_types": ["image/png", "application/pdf"], "max_mb": 25.5, "debug": False,
    "proxy": None, "greeting": "Grüß Gott, 世界",
}

REPORT = {"owner": "Zoë", "port": 8443, "tags": ["naïve", "日本"], "limits": {"b": 2, "a": 1}}
REPORT_TEXT = """{
  "limits": {
    "a": 1,
    "b": 2
  },
  "owner": "Zoë",
  "port": 8443,
  "tags": [
    "naïve",
    "日本"
  ]
}
"""

STOCK = {1017: ("Café crème", 12), 7: ("Tee", 0), 250: ("Pão de queijo", 3)}


def _written(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssertionError("the file is not UTF-8 (%s): JSON files are UTF-8, so open the "
                             "file with encoding='utf-8'" % exc) from None


def test_write_json_is_valid_json_with_the_same_data(tmp_path):
    path = tmp_path / "report.json"
    write_json(path, REPORT)
    assert json.loads(_written(path)) == REPORT, "the file must hold the data as JSON"


def test_write_json_keeps_non_ascii_characters(tmp_path):
    path = tmp_path / "report.json"
    write_json(path, REPORT)
    text = _written(path)
    assert "\\u" not in text, (
        "the file holds \\u escapes instead of 'Zoë' and '日本': json.dump escapes every "
        "non-ASCII character unless you pass ensure_ascii=False (and open the file as UTF-8)")


def test_write_json_layout_for_people_and_diffs(tmp_path):
    path = tmp_path / "report.json"
    write_json(path, REPORT)
    text = _written(path)
    assert text.rstrip("\n").startswith('{\n  "limits"'), (
        "keys must be sorted and items indented by 2 spaces: json.dumps(data, indent=2, "
        "sort_keys=True, ensure_ascii=False)")
    assert text.endswith("}\n") and not text.endswith("\n\n"), (
        "the file must end with exactly one newline: json.dumps never adds one, so write "
        "text + '\\n' (tools like cat, diff and git expect it)")
    assert text == REPORT_TEXT, "the layout must be exactly json.dumps(data, "\
        "ensure_ascii=False, indent=2, sort_keys=True) + '\\n'"


def test_write_json_replaces_an_old_file(tmp_path):
    path = tmp_path / "report.json"
    path.write_text('{"old": "a much longer old version of the report, to be replaced"}\n',
                    encoding="utf-8")
    write_json(path, REPORT)
    assert _written(path) == REPORT_TEXT, (
        "write_json must replace what the file held before (mode 'w'), not add to it")


def test_files_are_closed(tmp_path):
    path = tmp_path / "report.json"
    with kit.no_leaked_files():
        write_json(path, REPORT)
        read_json(path)
        save_stock(tmp_path / "stock.json", STOCK)
        load_stock(tmp_path / "stock.json")


def test_write_json_refuses_nan(tmp_path):
    path = tmp_path / "metrics.json"
    try:
        write_json(path, {"accuracy": 0.97, "loss": float("nan")})
    except ValueError:
        return
    text = path.read_text(encoding="utf-8")
    assert False, (
        "write_json wrote %r: NaN (and Infinity) are not JSON, and JSON.parse in a browser "
        "rejects the whole file. Pass allow_nan=False so that json.dumps raises ValueError"
        % text.strip()[:60])


def test_write_json_keeps_the_old_file_when_it_raises(tmp_path):
    path = tmp_path / "metrics.json"
    old = '{\n  "loss": 0.25\n}\n'
    path.write_text(old, encoding="utf-8")
    raised = None
    try:
        write_json(path, {"accuracy": 0.97, "history": [0.5, 0.25, -math.inf]})
    except ValueError as exc:
        raised = exc
    assert raised is not None, "an infinity in the data must raise ValueError (allow_nan=False)"
    assert path.read_text(encoding="utf-8") == old, (
        "write_json raised, but the old file is now %r: open(path, 'w') emptied it before "
        "encoding failed. Encode first (text = json.dumps(...)), then open and write"
        % path.read_text(encoding="utf-8")[:40])


def test_write_json_creates_no_file_when_it_raises(tmp_path):
    path = tmp_path / "new.json"
    raised = None
    try:
        write_json(path, [1.0, math.nan])
    except ValueError as exc:
        raised = exc
    assert raised is not None, "a NaN in the data must raise ValueError (allow_nan=False)"
    assert not path.exists(), (
        "write_json raised, but left a file behind: encode first, then open the file")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [], (
        "write_json raised, and left %r in the folder: a temporary file written before the "
        "encoding failed. Encode first (json.dumps), then create any file" % left)


def _read(path):
    try:
        return read_json(path)
    except json.JSONDecodeError as exc:
        if "BOM" in str(exc):
            raise AssertionError(
                "%s starts with a byte order mark (bytes EF BB BF) and json refuses it: "
                "%s. Open it with encoding='utf-8-sig', which drops a BOM if there is one "
                "and otherwise reads plain UTF-8" % (path, exc)) from None
        raise


def test_read_json_reads_utf8():
    got = _read("settings.json")
    assert got == SETTINGS, "settings.json is UTF-8: open it with encoding='utf-8'"


def test_read_json_accepts_a_byte_order_mark():
    got = _read("settings_bom.json")
    assert got == SETTINGS, (
        "settings_bom.json (saved by Notepad: a BOM and \\r\\n line ends) holds the same data "
        "as settings.json: read it as UTF-8, with encoding='utf-8-sig'")


def test_read_json_reads_what_write_json_wrote(tmp_path):
    path = tmp_path / "report.json"
    write_json(path, REPORT)
    assert _read(path) == REPORT


def test_save_stock_writes_plain_json(tmp_path):
    path = tmp_path / "stock.json"
    save_stock(path, STOCK)
    assert json.loads(_written(path)) == {
        "7": ["Tee", 0], "250": ["Pão de queijo", 3], "1017": ["Café crème", 12]}, (
        "save_stock must write the stock as a JSON object: ids as keys, [name, quantity] "
        "as values")


def test_load_stock_gives_back_what_was_saved(tmp_path):
    path = tmp_path / "stock.json"
    save_stock(path, STOCK)
    got = load_stock(path)
    assert isinstance(got, dict), "load_stock must return a dict"
    keys = sorted(got, key=str)
    assert all(type(k) is int for k in keys), (
        "the keys came back as %r: JSON object keys are always strings, so {1017: ...} was "
        "saved as {\"1017\": ...}. Convert them back with int(key)" % keys)
    values = [got[k] for k in keys]
    assert all(type(v) is tuple for v in values), (
        "the values came back as %r: JSON has no tuple, a tuple is saved as an array and "
        "loads as a list. Convert them back with tuple(value)" % values[:2])
    assert got == STOCK


def test_load_stock_of_an_empty_stock(tmp_path):
    path = tmp_path / "stock.json"
    save_stock(path, {})
    assert load_stock(path) == {}
