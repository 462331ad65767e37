"""Writing files, for both front ends: whole or not at all, under a lock where writers
read, change and save the same file, and, for a file a person names with ``--out``,
through a link, straight into a device or a pipe, and never over anything else (or to
standard output for ``-``), in the format its name tells."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from acupress.errors import AcupressError

PRIVATE = 0o600

# What is written: the bytes, or the bytes a part at a time (a long export streams from
# the journal to the file, so it need not be in memory at once).
Data = bytes | Iterable[bytes]


def _parts(data: Data) -> Iterable[bytes]:
    return (data,) if isinstance(data, bytes) else data


def write_atomic(path: Path, data: Data, mode: int = PRIVATE, name: str | None = None) -> None:
    """Replace the regular file ``path`` with ``data``: a reader sees the old file or the
    new one, never a part. A failed write (the disk, or whatever makes the parts of
    ``data`` failing) leaves the old file as it was and no temporary file behind. ``name``
    is how errors show the file (default: ``path``)."""
    import tempfile  # here, not above: it costs every command's start-up a few ms

    try:
        # A unique temporary name in the same directory: the rename is then atomic, and
        # two writers (threads of a server, or processes) never share a temporary file.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                for part in _parts(data):
                    f.write(part)
                f.flush()
                os.fchmod(f.fileno(), mode)
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as e:
        raise cannot_write(name or str(path), e) from None
    _sync_directory(path.parent)


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable. Some file systems cannot sync a directory; the
    file is written by then, so that is no reason to report a failure."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the block:
    one holder at a time, among threads and processes alike (each opens its own)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE)
    except OSError as e:
        raise AcupressError(f"Cannot open the lock file {path} ({e.strerror}).") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # which releases the lock


def named(name: str) -> Path:
    """The file a person names with ``--out``, ~ standing for a home directory."""
    if not name:
        raise AcupressError("--out needs a file name (or - for standard output).")
    try:
        return Path(name).expanduser()
    except RuntimeError:  # ~name, for a user unknown here
        raise AcupressError(
            f"Cannot tell whose home directory {name[:60]!r} means: write the path in full."
        ) from None


def write_out(name: str, data: Data, *, private: bool = False) -> None:
    """Write the file a person named with ``--out``. A regular file (or a new one) is
    replaced whole; a link is followed to its file and stays; a device or a named pipe
    is written straight into, as the shell's ``>`` would; anything else is refused.
    ``private`` files are readable only by their owner."""
    path = named(name)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise cannot_write(name, e) from None
    if st is None or stat.S_ISREG(st.st_mode):
        if st is not None and not os.access(path, os.W_OK):
            # A rename would replace a file kept read-only; the shell's > refuses too.
            raise AcupressError(f"Cannot write {name} ({os.strerror(errno.EACCES)}).")
        if private:
            mode = PRIVATE
        elif st is not None:
            mode = st.st_mode & 0o777  # the file keeps its permissions
        else:
            mode = 0o644 & ~_umask()
        write_atomic(Path(os.path.realpath(path)), data, mode, name)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _write_into(path, data, name)
    else:
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a socket"
        raise AcupressError(f"{name} is {kind}, not a file: give --out a file name.")


def write_output(name: str, data: Data, *, private: bool = False) -> None:
    """Write the file a person named (see ``write_out``), or standard output for '-',
    the bytes as they are (a PDF is not text)."""
    if name != "-":
        write_out(name, data, private=private)
        return
    out = sys.stdout
    if out is None:
        return
    binary = getattr(out, "buffer", None)
    if binary is None:
        import codecs

        text = codecs.getincrementaldecoder("utf-8")("replace")  # a part may end mid-letter
        for part in _parts(data):
            out.write(text.decode(part))
        out.write(text.decode(b"", final=True))
        out.flush()
        return
    out.flush()  # what was printed before comes first
    for part in _parts(data):
        binary.write(part)
    binary.flush()


def format_of(name: str, given: str | None, formats: dict[str, str], option: bool) -> str:
    """The output format: as given with --format, else from the file's extension
    (``formats`` maps extensions to formats, the preferred extension of each first)."""
    choices = list(dict.fromkeys(formats.values()))
    if given is not None:
        if given.lower() not in choices:
            raise AcupressError(f"--format must be {_either(choices)}, not '{given}'.")
        return given.lower()
    suffix = Path(name).suffix.lower()
    if suffix not in formats:
        preferred = [next(e for e, f in formats.items() if f == c) for c in choices]
        raise AcupressError(
            f"Cannot tell the format from '{name}': use a {_either(preferred)} file"
            + (", or --format." if option else ".")
        )
    return formats[suffix]


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def folder_beside(name: str, ending: str) -> Path:
    """A folder beside the file a person named with ``--out`` (``guide.md`` and
    ``-charts``: ``guide-charts``), created if missing."""
    path = named(name)
    if path.name in ("", "..") or path.is_dir():
        raise AcupressError(f"{name} is a folder, not a file: give --out a file name.")
    folder = path.with_name(path.stem + ending)
    try:
        folder.mkdir()
    except FileExistsError:
        if not folder.is_dir():
            raise AcupressError(
                f"Cannot create the folder {folder}: a file has that name."
            ) from None
    except OSError as e:
        raise AcupressError(f"Cannot create the folder {folder} ({e.strerror}).") from None
    return folder


def _write_into(path: Path, data: Data, name: str) -> None:
    """Write into a device or a pipe where it is: it cannot be replaced, and a pipe's
    reader is waiting on this one."""
    try:
        # No O_CREAT: should the node go meanwhile, this fails rather than make a file.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CLOEXEC), "wb") as f:
            for part in _parts(data):
                f.write(part)
    except OSError as e:
        raise cannot_write(name, e) from None


def cannot_write(name: str, e: OSError) -> AcupressError:
    return AcupressError(f"Cannot write {name} ({e.strerror}).")


def _umask() -> int:
    # The umask can only be read by setting it: set the strictest one for that instant,
    # so a file another thread creates meanwhile is, if anything, more private.
    mask = os.umask(0o077)
    os.umask(mask)
    return mask
