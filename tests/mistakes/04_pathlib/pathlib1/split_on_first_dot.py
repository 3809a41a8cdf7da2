"""Splits the name on the first dot, which drops '.photo' and treats '.bashrc' as an extension."""
# expect: only the LAST suffix is replaced
"""pathlib1: Path objects, not strings.

A path is not just a string with slashes in it. It has parts: a parent directory, a name, and
inside the name a stem and a suffix. pathlib.Path gives you those parts as attributes, and it
builds new paths with the `/` operator, so you never have to glue strings or count dots:

    >>> from pathlib import Path
    >>> p = Path("media/2024/cat.photo.JPG")
    >>> p.parent, p.name, p.stem, p.suffix, p.suffixes
    (PosixPath('media/2024'), 'cat.photo.JPG', 'cat.photo', '.JPG', ['.photo', '.JPG'])
    >>> p.parent / "thumbs" / p.name
    PosixPath('media/2024/thumbs/cat.photo.JPG')
    >>> p.with_suffix(".webp")          # replaces the LAST suffix only; needs the dot
    PosixPath('media/2024/cat.photo.webp')

An image-upload service stores a thumbnail next to every uploaded image. Write two functions.

thumbnail_path(image) -> Path
    `image` is a Path to an uploaded image. Return the Path of its thumbnail: a folder named
    "thumbs" in the SAME directory as the image, holding a file with the same name except that
    the last suffix becomes ".webp".
        media/2024/cat.photo.JPG   ->  media/2024/thumbs/cat.photo.webp
        avatar.png                 ->  thumbs/avatar.webp
    Return a Path object (not a str). Touch no files: this is pure path arithmetic.

split_name(path) -> tuple[str, str]
    Split the file NAME of `path` into (base, extensions), where extensions is every suffix
    joined together, as pathlib counts suffixes:
        backup.tar.gz  -> ("backup", ".tar.gz")
        photo.JPG      -> ("photo", ".JPG")
        README         -> ("README", "")
        .bashrc        -> (".bashrc", "")     a leading dot is not an extension
    The directories in front of the name never matter: v1.2/notes -> ("notes", "").

report_path(upload) -> Path
    A CSV import writes its error report next to the uploaded file (same directory), named
    after the upload's stem (its name without the LAST suffix) followed by ".errors.txt":
        imports/orders.csv             ->  imports/orders.errors.txt
        imports/orders.2024-05.csv     ->  imports/orders.2024-05.errors.txt
        imports/v1.2/orders            ->  imports/v1.2/orders.errors.txt
    Return a Path object. Touch no files.
"""

from pathlib import Path, PurePath


# === Your code ===================================================================================


def thumbnail_path(image):
    return image.parent / "thumbs" / (image.name.split(".")[0] + ".webp")


def split_name(path):
    if "." not in path.name:
        return path.name, ""
    base, rest = path.name.split(".", 1)
    return base, "." + rest


def report_path(upload):
    return upload.parent / (upload.stem + ".errors.txt")


# ---------------------------------------------------------------------------------------------
# Tests. Read them, don't change them.

from pathlib import Path, PurePath  # noqa: E402


def test_thumbnail_is_a_path():
    got = thumbnail_path(Path("media/2024/cat.jpg"))
    assert isinstance(got, PurePath), (
        "thumbnail_path must return a Path object, not %r: build it with parent / 'thumbs' / ... "
        "instead of gluing strings together" % type(got).__name__
    )


def test_thumbnail_in_thumbs_folder_next_to_image():
    got = thumbnail_path(Path("media/2024/cat.jpg"))
    assert got == Path("media/2024/thumbs/cat.webp"), (
        "the thumbnail goes in a 'thumbs' folder inside the image's own directory (image.parent)"
    )


def test_thumbnail_replaces_only_the_last_suffix():
    got = thumbnail_path(Path("media/2024/cat.photo.JPG"))
    assert got == Path("media/2024/thumbs/cat.photo.webp"), (
        "only the LAST suffix is replaced: 'cat.photo.JPG' keeps '.photo' "
        "(with_suffix('.webp') does exactly this; splitting the name on the first dot does not)"
    )


def test_thumbnail_changes_the_end_of_the_name_only():
    got = thumbnail_path(Path("uploads/sign.png"))
    assert got == Path("uploads/thumbs/sign.webp"), (
        "'sign.png' must give 'sign.webp'. str.rstrip('.png') does not remove a suffix: it strips "
        "every trailing '.', 'p', 'n' and 'g' (leaving 'si'). Use with_suffix('.webp') or the stem"
    )
    got = thumbnail_path(Path("uploads/scan.png.png"))
    assert got == Path("uploads/thumbs/scan.png.webp"), (
        "only the LAST suffix is replaced: 'scan.png.png' becomes 'scan.png.webp'. "
        "str.replace(suffix, '.webp') changes the FIRST '.png' in the name; with_suffix() "
        "works on the end of the name"
    )


def test_thumbnail_keeps_the_name_as_it_is():
    got = thumbnail_path(Path("Holiday Pics/IMG 0042.HEIC"))
    assert got == Path("Holiday Pics/thumbs/IMG 0042.webp"), (
        "only the suffix changes: keep the rest of the name exactly as it is (its case, its "
        "spaces), and the directory too"
    )


def test_thumbnail_of_a_bare_file_name():
    got = thumbnail_path(Path("avatar.png"))
    assert got == Path("thumbs/avatar.webp"), (
        "an image with no directory part has parent Path('.'), so its thumbnail is "
        "thumbs/avatar.webp (string splitting on '/' goes wrong here)"
    )


def test_thumbnail_of_an_absolute_path():
    got = thumbnail_path(Path("/srv/uploads/u42/scan.tiff"))
    assert got == Path("/srv/uploads/u42/thumbs/scan.webp"), (
        "absolute paths work the same way: parent / 'thumbs' / new name"
    )


def test_split_name_single_suffix():
    assert split_name(Path("photo.JPG")) == ("photo", ".JPG"), (
        "return a tuple (base, extensions); keep the case of the suffix as it is"
    )


def test_split_name_multiple_suffixes():
    assert split_name(Path("backups/backup.tar.gz")) == ("backup", ".tar.gz"), (
        "'backup.tar.gz' has TWO suffixes, path.suffixes == ['.tar', '.gz']; "
        "os.path.splitext and path.suffix only see the last one"
    )
    assert split_name(Path("exports/data.tar.gz")) == ("data", ".tar.gz"), (
        "cut exactly len(extensions) characters off the end of the name: str.rstrip('.tar.gz') "
        "strips CHARACTERS from that set, not the suffix, and leaves 'd' of 'data'"
    )


def test_split_name_without_suffix():
    assert split_name(Path("README")) == ("README", ""), (
        "a name without a dot has no extensions: return (name, '')"
    )


def test_split_name_dotfile():
    assert split_name(Path("home/ann/.bashrc")) == (".bashrc", ""), (
        "a leading dot marks a hidden file, it is not an extension: Path('.bashrc').suffixes is []"
    )


def test_split_name_dotfile_with_an_extension():
    got = split_name(Path("web/.eslintrc.json"))
    assert got == (".eslintrc", ".json"), (
        "a hidden file can have an extension too: Path('.eslintrc.json').suffixes is "
        "['.json'] (only the LEADING dot is part of the base). Take the extensions from "
        "path.suffixes instead of special-casing names that start with a dot"
    )
    got = split_name(Path("home/ann/.backup.tar.gz"))
    assert got == (".backup", ".tar.gz"), (
        "'.backup.tar.gz' is the hidden base '.backup' with the extensions ['.tar', '.gz']: "
        "only the leading dot belongs to the base. Join path.suffixes and cut them off the name"
    )


def test_split_name_ignores_dots_in_directories():
    assert split_name(Path("releases/v1.2/notes")) == ("notes", ""), (
        "only the file NAME is split: the dot in the directory 'v1.2' is not part of it "
        "(work on path.name / path.suffixes, not on str(path))"
    )


def test_report_path_uses_the_stem():
    got = report_path(Path("imports/orders.csv"))
    assert isinstance(got, PurePath), (
        "report_path must return a Path object, not %r" % type(got).__name__
    )
    assert got == Path("imports/orders.errors.txt"), (
        "the report sits next to the upload and is named <stem>.errors.txt: "
        "upload.parent / (upload.stem + '.errors.txt')"
    )


def test_report_path_keeps_all_but_the_last_suffix():
    got = report_path(Path("imports/orders.2024-05.csv"))
    assert got == Path("imports/orders.2024-05.errors.txt"), (
        "upload.stem drops only the LAST suffix: the stem of 'orders.2024-05.csv' is "
        "'orders.2024-05'. Cutting the name at its first dot loses '.2024-05'"
    )


def test_report_path_ignores_dots_in_directories():
    got = report_path(Path("imports/v1.2/orders"))
    assert got == Path("imports/v1.2/orders.errors.txt"), (
        "the dot in the directory 'v1.2' is not part of the file name: work on upload.stem "
        "and upload.parent, never on str(upload). A name without a suffix is its own stem"
    )


def test_report_path_of_a_dotfile():
    got = report_path(Path("imports/.orders"))
    assert got == Path("imports/.orders.errors.txt"), (
        "a leading dot is not a suffix: the stem of '.orders' is '.orders' itself. "
        "Splitting the name at its last dot leaves nothing of it; use upload.stem"
    )
