"""The write stage: the only code that changes files under the content root.

Promises (QUALITY.md cases 11-15):

* Every generated page ends with an ownership marker,
  ``<!-- forum-kb:sha256:<digest of everything above> -->``.  A file without a
  valid marker is not the converter's — a person wrote it, or edited a
  generated page — and is never overwritten or deleted (a warning says so).
* A page is written to a temporary file in the same folder and moved into
  place with ``os.replace``: an interrupted run leaves the old page or the new
  one, never half of either.  A symlink at a destination is replaced by the
  file, never followed.  Nothing is written outside the root, and a folder on
  the way that is a symlink is refused.
* A page whose bytes would not change is not rewritten (its mtime stays).
* Stale pages (owned, unedited, no longer produced) are removed only when the
  caller says the input was complete (``remove_stale=True``).
* One run at a time: a lock file under ``<root>/.forum-kb/``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import functools
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from generator.frontmatter import dump_frontmatter
from generator.records import PageDoc

STATE_DIR = ".forum-kb"
MARKER_PREFIX = "<!-- forum-kb:sha256:"
_MARKER = re.compile(r"\n<!-- forum-kb:sha256:([0-9a-f]{64}) -->\n\Z")


class WriteError(Exception):
    """The content root cannot be written safely; nothing more is written."""


@dataclasses.dataclass
class WriteReport:
    written: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    protected: list[str] = dataclasses.field(default_factory=list)  # not ours / edited


def page_bytes(doc: PageDoc) -> bytes:
    """The exact bytes of a generated page, marker included."""
    text = dump_frontmatter(doc.meta) + "\n" + doc.body.rstrip("\n") + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return (text + f"\n{MARKER_PREFIX}{digest} -->\n").encode("utf-8")


def ownership(data: bytes) -> str:
    """``"owned"`` (generated, unedited), ``"edited"`` (marker but the text
    changed since) or ``"foreign"`` (no marker)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "foreign"
    match = _MARKER.search(text)
    if not match:
        return "foreign"
    body = text[: match.start()]
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return "owned" if digest == match[1] else "edited"


def safe_destination(root: Path, relative: str, resolved: dict[Path, str] | None = None) -> Path:
    """``root/relative`` after checking it stays inside ``root``.

    ``resolved`` lets one batch of writes resolve each folder once (10,000
    pages live in a handful of folders; resolving both ends for every page
    cost a second and a half at that size).  Pass a fresh dict per batch."""
    # Plain string checks: pathlib's parsing was most of the cost of a call,
    # and the converter asks for 20,000 destinations a run at 10,000 threads.
    # Stricter than a parsed path: "a//b" and "a/./b" are refused too.
    parts = relative.split("/")
    if not relative or relative[0] == "/" or "" in parts or "." in parts or ".." in parts:
        raise WriteError(f"refusing to write outside the content folder: {relative!r}")
    destination = root / relative
    cache: dict[Path, str] = {} if resolved is None else resolved
    parent = destination.parent
    if parent == root or cache.get(parent) == _INSIDE:
        return destination  # the root itself, or a folder this batch found inside it
    real_root = cache.get(root) or cache.setdefault(root, os.path.realpath(root))
    real_parent = os.path.realpath(parent)
    if os.path.commonpath([real_root, real_parent]) != real_root:
        raise WriteError(f"refusing to write {relative!r}: a folder on the way leads outside {root}")
    cache[parent] = _INSIDE
    return destination


# What ``resolved`` holds for a folder found inside the root (a real path
# is never empty).
_INSIDE = ""


@functools.cache
def new_file_mode() -> int:
    """The mode a plain ``open(..., "w")`` gives a new file here (0o666 less
    the umask), which ``tempfile.mkstemp``'s private 0o600 is changed to."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_temporary(destination: Path, data: bytes, *, flush: bool = False) -> Path:
    """A new file holding ``data`` beside ``destination`` (a dot name MkDocs
    skips), to be moved into place with ``os.replace``.  ``tempfile.mkstemp``
    creates it under a name no one could have guessed, with ``O_EXCL``: a
    symlink or anything else planted at a predictable temporary name is
    never followed or written through."""
    descriptor, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), new_file_mode())
            handle.write(data)
            if flush:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


# Up to this many files are flushed one fsync each; more with one os.sync.
FSYNC_EACH_AT_MOST = 64


def _atomic_write_all(files: list[tuple[Path, bytes]], *, durable: bool = True) -> None:
    """Write every file to a temporary beside it, flush them to disk, then
    move each into place with ``os.replace``.  Interrupted anywhere, each
    page is still the old one or the new one; leftover temporaries are
    removed.  A few files get an fsync each; many get one ``os.sync`` (one
    fsync per page cost seconds at 10,000 pages), which also flushes
    everything else waiting to be written -- after one changed thread that
    was the last run's caches, half a second for three small files.
    Not ``durable``: no flush, for caches (a crash may lose or damage one;
    a damaged cache is ignored and rebuilt, never trusted)."""
    temporaries: list[Path] = []
    each = durable and len(files) <= FSYNC_EACH_AT_MOST
    try:
        for destination, data in files:
            destination.parent.mkdir(parents=True, exist_ok=True)
            temporaries.append(write_temporary(destination, data, flush=each))
        if files and durable and not each:
            os.sync()
        for (destination, _data), temporary in zip(files, temporaries):
            # os.replace renames over a symlink itself: the link is replaced,
            # its target is never touched.
            os.replace(temporary, destination)
    finally:
        for temporary in temporaries:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


@contextlib.contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """Hold ``<root>/.forum-kb/lock`` for the run; a second run fails fast.
    A symlink planted at the lock's place is removed, never followed."""
    if root.exists() and not root.is_dir():
        raise WriteError(f"{root} is a file, not a content folder; pass another --out")
    lock = safe_destination(root, f"{STATE_DIR}/lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    if lock.is_symlink():
        lock.unlink()
    elif lock.exists() and not lock.is_file():
        raise WriteError(f"{lock} is not a file (a folder or FIFO?); remove it and run again")
    try:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise WriteError(f"cannot create the run lock {lock}: {error.strerror}") from None
    with os.fdopen(descriptor, "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise WriteError(f"another kb run holds {lock}; try again when it ends") from None
            raise
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# tempfile.mkstemp's names for write_temporary: ".<file name>.<8 characters>.tmp",
# for the kinds of file the converter writes (a ".backup.20240101.tmp" of
# someone's is not one).
_TEMPORARY = re.compile(r"\..+\.(?:md|js|json|jsonl|yml)\.[a-z0-9_]{8}\.tmp")


def remove_leftover_temporaries(folder: Path) -> int:
    """Remove the temporaries a run killed mid-write (``kill -9`` gives it no
    chance to) left under ``folder``; how many.  Only under the run lock: no
    other run is writing.  (:func:`write_files` does the same for the pages'
    folders in the walk it makes anyway.)"""
    removed = 0
    for relative in _content_files(folder, _TEMPORARY.fullmatch):
        with contextlib.suppress(FileNotFoundError):
            (folder / relative).unlink()
            removed += 1
    return removed


def _content_files(root: Path, wanted: Callable[[str], object]) -> Iterator[str]:
    """Relative POSIX paths of the regular files under root whose name is
    ``wanted``, in path order.  Not looked at: the state folder, and any
    folder below root that holds a state folder of its own -- another
    knowledge base, or a copy of one, whose pages are not this one's (all
    of them were removed as stale).  Symlinks are neither followed nor
    listed, and a folder, FIFO or device named like a page is not a page:
    reading one would fail or block the run.  One ``os.scandir`` per folder
    (its entries know their type without a ``stat``): at 10,000 pages a
    ``Path.rglob`` with an ``is_symlink`` per file took a tenth of a
    second of a one-change convert."""
    found: list[tuple[str, ...]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(os.fspath(root), ())]
    while pending:  # a stack, not recursion: folders may nest deeper than Python's stack
        folder, parts = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:  # unreadable or gone: nothing of ours to find there
            continue
        if parts and any(entry.name == STATE_DIR and entry.is_dir(follow_symlinks=False) for entry in listed):
            continue  # a knowledge base of its own
        for entry in listed:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if parts or entry.name != STATE_DIR:
                        pending.append((entry.path, (*parts, entry.name)))
                elif wanted(entry.name) and entry.is_file(follow_symlinks=False):
                    found.append((*parts, entry.name))
            except OSError:
                continue
    for parts in sorted(found):
        yield "/".join(parts)


def read_regular(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file; OSError otherwise.
    Opened without following a symlink and without blocking, then checked
    on the open descriptor: a file swapped for a FIFO or a link after the
    folder was listed is refused, never read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if status.st_size > MAX_PAGE_BYTES:
            raise OSError(errno.EFBIG, "larger than any page the converter writes", str(path))
        return handle.read()


# No page the converter writes comes near this (bodies are capped long
# before); a larger file is someone else's and is never read whole (a
# sparse 6 GB notes.md once took 12 GB of memory to be found foreign).
MAX_PAGE_BYTES = 256 * 2**20


def write_pages(root: Path, docs: Iterable[PageDoc], *, remove_stale: bool) -> WriteReport:
    """Write ``docs`` under ``root`` with the promises above."""
    return write_files(root, ((doc.path, page_bytes(doc)) for doc in docs), remove_stale=remove_stale)


def write_files(
    root: Path, files: Iterable[tuple[str, bytes]], *, remove_stale: bool, on_disk: frozenset[str] = frozenset()
) -> WriteReport:
    """Write pages already serialised by :func:`page_bytes` (``(path, bytes)``;
    the pipeline serialises them on every core) with the promises above.
    ``on_disk`` names pages the caller has just read from disk with exactly
    these bytes: they are unchanged without being read again."""
    report = WriteReport()
    wanted: set[str] = set()
    pending: list[tuple[Path, bytes]] = []
    root.mkdir(parents=True, exist_ok=True)
    resolved: dict[Path, str] = {}
    for path, data in sorted(files, key=lambda f: f[0]):
        destination = safe_destination(root, path, resolved)
        wanted.add(path)
        if path in on_disk:
            report.unchanged.append(path)
            continue
        if destination.is_symlink():
            pending.append((destination, data))
            report.written.append(path)
            continue
        if destination.exists() and not destination.is_file():
            # A folder (or a device) where a page should go is not ours.
            report.protected.append(path)
            continue
        if destination.exists():
            try:
                current = read_regular(destination)
            except OSError:  # too large to be ours, or unreadable: not overwritten
                report.protected.append(path)
                continue
            if current == data:
                report.unchanged.append(path)
                continue
            if ownership(current) != "owned":
                report.protected.append(path)
                continue
        pending.append((destination, data))
        report.written.append(path)
    _atomic_write_all(pending)
    # One walk of the content folder: temporaries a killed run left beside
    # the pages go every run, stale pages only when asked.
    for relative in _content_files(root, _page_or_temporary):
        path = root / relative
        if _TEMPORARY.fullmatch(path.name):
            path.unlink(missing_ok=True)
            continue
        if not remove_stale or relative in wanted:
            continue
        try:
            owned = ownership(read_regular(path)) == "owned"
        except OSError:  # unreadable, or no longer a plain file: not ours to remove
            continue
        if owned:
            path.unlink()
            report.removed.append(relative)
    return report


def _page_or_temporary(name: str) -> bool:
    return name.endswith(".md") or _TEMPORARY.fullmatch(name) is not None


def write_state_file(root: Path, name: str, data: bytes, *, durable: bool = True) -> bool:
    """Write ``<root>/.forum-kb/<name>`` atomically; False when unchanged.
    The state folder belongs to the converter alone (MkDocs skips dot folders)."""
    return bool(write_state_files(root, {name: data}, durable=durable))


def write_state_files(root: Path, files: Mapping[str, bytes], *, durable: bool = True) -> list[str]:
    """Write each ``<root>/.forum-kb/<name>`` that changed, atomically and
    with one flush to disk; the names written."""
    pending: list[tuple[Path, bytes]] = []
    written: list[str] = []
    for name, data in files.items():
        destination = safe_destination(root, f"{STATE_DIR}/{name}")
        if destination.is_file() and not destination.is_symlink() and destination.read_bytes() == data:
            continue
        pending.append((destination, data))
        written.append(name)
    _atomic_write_all(pending, durable=durable)
    return written
