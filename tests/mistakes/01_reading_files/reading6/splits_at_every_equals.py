"""Splits at every "=" and keeps the second part, which cuts a value that contains "="."""
# expect: FIRST '='
r"""Reading files 6: the BOM, and why the default encoding is a trap

Two last traps, both common in files that come from Windows machines.

1. The BOM. Notepad, Excel ("CSV UTF-8") and many Windows tools start a UTF-8 file with three
   invisible bytes, EF BB BF: a "byte order mark". Decoded as "utf-8", they become the
   character U+FEFF at the start of your text, so the first key of a config file is
   "\ufeffhost", not "host", and `settings["host"]` raises KeyError. It is not whitespace:
   str.strip() does not remove it. The codec "utf-8-sig" reads UTF-8 and drops a leading BOM
   if there is one (and reads files without a BOM just as well).

2. The default encoding. open() without encoding= uses the locale's encoding: UTF-8 on your
   laptop, perhaps, but ASCII in a container whose locale is "C" (LC_ALL=C) and cp1252 on many
   Windows machines. The same code then reads the same file differently, or crashes, depending
   on where it runs. Always name the encoding.

Your task:

- load_settings(path) reads a UTF-8 settings file with one `key=value` per line (Notepad
  saved settings.txt: it starts with a BOM and its lines end with "\r\n") and returns a dict
  of str to str. Split each line at its first "=", strip spaces around key and value, and
  skip empty lines (a line of only spaces is empty too). It must give the same dict for the same file saved without a BOM, and on
  a server whose locale is C.
- decode_upload(data) turns the bytes of an uploaded text file into str. Clients send UTF-8
  (sometimes with a BOM, which must not end up in the text) or, from old Windows software,
  cp1252. Try UTF-8 first; only if the bytes are not valid UTF-8 (UnicodeDecodeError),
  decode them as cp1252. (Why in that order? cp1252 almost never fails, so trying it first
  would "succeed" on UTF-8 data too, and give you mojibake such as "ZoÃ«".)
"""


def load_settings(path):
    settings = {}
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                parts = line.split("=")
                settings[parts[0].strip()] = parts[1].strip()
    return settings


def decode_upload(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

import iolings_testkit as kit

SETTINGS = {"host": "db.internal", "user": "zoë", "greeting": "¡Hola!"}


def test_load_settings_from_a_file_with_a_bom():
    assert load_settings("settings.txt") == SETTINGS, (
        "if the first key starts with '\\ufeff', that is the BOM Notepad put at the start of "
        "the file: open it with encoding='utf-8-sig', which drops it"
    )


def test_load_settings_from_a_file_without_a_bom(tmp_path):
    path = tmp_path / "settings.txt"
    path.write_bytes(b"host=db.internal\nuser = zo\xc3\xab\ngreeting=\xc2\xa1Hola!\n")
    assert load_settings(path) == SETTINGS, (
        "the same settings, saved without a BOM, came out different: don't cut the first "
        "character blindly; 'utf-8-sig' removes a BOM only when there is one"
    )


def test_load_settings_on_a_server_with_the_c_locale():
    # As on a server or in a container where LC_ALL=C and UTF-8 mode is off: there, open()
    # without encoding= decodes as ASCII.
    try:
        there = kit.in_c_locale(load_settings, "settings.txt")
    except UnicodeError as error:
        raise AssertionError(
            "with LC_ALL=C, load_settings failed: %s. Without encoding=, open() uses the "
            "locale's encoding, here ASCII. Name the encoding in open()" % error
        ) from None
    assert there == load_settings("settings.txt"), (
        "with LC_ALL=C, load_settings returned other settings than here: the file was "
        "decoded with the locale's encoding. Name the encoding in open()"
    )


def test_load_settings_with_awkward_lines(tmp_path):
    path = tmp_path / "app.conf"
    path.write_bytes(
        b"\xef\xbb\xbf\r\n"  # a BOM, then an empty first line
        b"dsn = postgres://app:s3cr=t@db.internal:5432/app?sslmode=require\r\n"
        b"\r\n"
        b"motd =  Welcome back, Zo\xc3\xab!  \r\n"
        b"   \r\n"  # only spaces: an empty line too
        b"empty=\r\n"
        b"cache.ttl-seconds = 300\r\n"  # keys are not only letters and digits
        b"retries=3"  # the last line has no line ending
    )
    expected = {
        "dsn": "postgres://app:s3cr=t@db.internal:5432/app?sslmode=require",
        "motd": "Welcome back, Zoë!",
        "empty": "",
        "cache.ttl-seconds": "300",
        "retries": "3",
    }
    try:
        got = load_settings(path)
    except ValueError as error:
        raise AssertionError(
            "load_settings raised ValueError (%s) on a line whose value contains '=': split "
            "each line at its FIRST '=' only, with line.partition('=') or line.split('=', 1)"
            % error
        ) from None
    problem = "the same settings as in the file, and no others"
    if isinstance(got, dict):
        if any(str(key).startswith("\ufeff") for key in got):
            problem = (
                "a key starts with '\\ufeff': this file starts with a BOM too. Read it with "
                "encoding='utf-8-sig', which drops it"
            )
        elif "" in got:
            problem = (
                "a key '' came from an empty line: skip the lines that are empty once stripped. "
                "This file has one with only spaces in it, and its first line holds nothing but "
                "the BOM: read with encoding='utf-8-sig' so the BOM is gone before you look"
            )
        elif got.get("dsn") != expected["dsn"]:
            problem = (
                "the value of dsn contains '=' itself: split each line at its FIRST '=' only "
                "(line.partition('=') or line.split('=', 1)), and keep the rest of the line as "
                "the value"
            )
        elif "cache.ttl-seconds" not in got:
            problem = (
                "the key 'cache.ttl-seconds' is missing: a key is everything before the first "
                "'=', dots and dashes included (a pattern such as \\w+ does not match it). "
                "Split with line.partition('=') and strip both sides"
            )
        elif got.get("motd") != expected["motd"]:
            problem = (
                "strip the spaces around the value, not the spaces inside it: "
                "'Welcome back, Zoë!' keeps its own spaces (value.strip())"
            )
    assert got == expected, problem


def test_load_settings_closes_the_file():
    with kit.no_leaked_files():
        load_settings("settings.txt")


def test_decode_upload_utf8():
    assert decode_upload("Zoë Müller, 5 €\n".encode("utf-8")) == "Zoë Müller, 5 €\n", (
        "valid UTF-8 must be decoded as UTF-8. If you see 'Ã«', you tried cp1252 (or latin-1) "
        "first: it almost never fails, so it 'succeeds' on UTF-8 bytes too. Try UTF-8 first"
    )


def test_decode_upload_utf8_with_a_bom():
    data = b"\xef\xbb\xbf" + "Zoë Müller, 5 €\n".encode("utf-8")
    assert decode_upload(data) == "Zoë Müller, 5 €\n", (
        "the text starts with the BOM ('\\ufeff', or 'ï»¿' decoded as cp1252): decode with "
        "'utf-8-sig' so a leading BOM is dropped"
    )


def test_decode_upload_changes_nothing_but_the_encoding():
    for encoding in ("utf-8", "cp1252"):
        text = "Zoë Müller\r\n5 €\r\n\r\nend\rof the old Mac part\n"
        got = decode_upload(text.encode(encoding))
        assert got == text, (
            "an upload in %s came back as %r: decoding turns bytes into characters and "
            "changes nothing else. The \\r\\n and \\r of the file must stay as they are; "
            "a TextIOWrapper (or open()) would translate them, bytes.decode() does not"
            % (encoding, got)
        )


def test_decode_upload_cp1252():
    data = "Zoë Müller, “5 €” – paid\n".encode("cp1252")
    try:
        got = decode_upload(data)
    except UnicodeDecodeError as error:
        raise AssertionError(
            "UnicodeDecodeError (%s): these bytes are not UTF-8. Catch UnicodeDecodeError and "
            "decode them as cp1252 instead" % error
        ) from None
    assert got == "Zoë Müller, “5 €” – paid\n", (
        "bytes that are not valid UTF-8 must be decoded as cp1252. If you see '\\x80' or "
        "'\\x93', you used latin-1, which gets € and the curly quotes wrong; if you see '�', "
        "errors='replace' threw the characters away"
    )
