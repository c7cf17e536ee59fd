"""Reading a text input file: bytes -> decoded lines, with every repair reported."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from generator.readers.errors import InputError, Warn
from generator.records import Source

# Inputs larger than this are refused: a scrape of thousands of threads is a
# few MB; a 200 MB file is a mistake, not a listing.
MAX_INPUT_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """Read a whole input file or raise InputError with a message to act on."""
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(path, 0, f"file is {size} bytes; inputs above {MAX_INPUT_BYTES} are refused")
        return path.read_bytes()
    except OSError as error:
        raise InputError(path, 0, f"cannot read: {error.strerror or error}") from None


def decode(data: bytes, path: Path, warn: Warn) -> str:
    """UTF-8 (a BOM is dropped); invalid bytes become U+FFFD and are reported
    with the first bad line.  Text is never guessed into another encoding:
    mojibake repair happens in the clean stage, on valid text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        warn(Source(str(path), line), "invalid UTF-8 bytes replaced with U+FFFD")
        return data.decode("utf-8", errors="replace")


def read_text(path: Path, warn: Warn) -> str:
    return decode(read_bytes(path), path, warn)


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF and lone CR only (not on U+2028/U+0085, which the
    clean stage normalises inside a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text_lines(path: Path, warn: Warn) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` pairs, numbered from 1."""
    for number, line in enumerate(split_lines(read_text(path, warn)), start=1):
        yield number, line
