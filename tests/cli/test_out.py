"""`--out` of export, report, remind, chart and guide: a file is written whole, through
a link to the file it points to, straight into a device or a pipe; anything else that is
there is refused in one sentence and left as it was."""

from __future__ import annotations

import os
import resource
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Result

Run = Callable[..., Result]
ACUPRESS = str(Path(sys.executable).with_name("acupress"))

# Each command with --out, and how what it writes begins. The names all end in .svg, the
# one a chart needs; the other commands are given their format.
COMMANDS = {
    "export": (["export", "--format", "csv"], b"date,time,"),
    "report": (["report", "--format", "html"], b"<!DOCTYPE html>"),
    "remind": (["remind", "--start", "2026-03-03", "--tz", "UTC"], b"BEGIN:VCALENDAR"),
    "chart": (["chart", "BL23"], b"<svg"),
    "guide": (["guide", "--format", "html"], b"<!DOCTYPE html>"),
}


@pytest.fixture(params=list(COMMANDS))
def command(request: pytest.FixtureRequest) -> tuple[list[str], bytes]:
    return COMMANDS[request.param]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in a folder of the test's own, so names stay short (a socket's path must)."""
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def only_sentence(r: Result) -> str:
    """The one line of a refusal: exit code 2, no traceback."""
    assert r.code == 2, (r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.err
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def make_device(path: Path, like: str) -> None:
    """A device node like /dev/null or /dev/full, in the test's folder (needs root)."""
    st = os.stat(like)
    try:
        os.mknod(path, 0o600 | stat.S_IFCHR, st.st_rdev)
    except PermissionError:
        pytest.skip("making a device node needs root")


def test_out_replaces_a_regular_file_whole(run: Run, command: tuple[list[str], bytes]) -> None:
    args, start = command
    Path("out.svg").write_bytes(b"old contents, longer than nothing")
    r = run(*args, "--out", "out.svg")
    assert r.code == 0, r.err
    assert Path("out.svg").read_bytes().lstrip().startswith(start)
    assert leftovers(Path()) == []


def test_out_writes_through_a_link_and_keeps_it(run: Run, command: tuple[list[str], bytes]) -> None:
    args, start = command
    Path("real.svg").write_bytes(b"old")
    Path("link.svg").symlink_to("real.svg")
    r = run(*args, "--out", "link.svg")
    assert r.code == 0, r.err
    assert Path("link.svg").is_symlink()
    assert os.readlink("link.svg") == "real.svg"
    assert Path("real.svg").read_bytes().lstrip().startswith(start)
    assert leftovers(Path()) == []


def test_out_through_a_dangling_link_creates_its_file(run: Run) -> None:
    Path("link.svg").symlink_to("made.svg")
    r = run("chart", "BL23", "--out", "link.svg")
    assert r.code == 0, r.err
    assert Path("link.svg").is_symlink()
    assert Path("made.svg").read_bytes().startswith(b"<svg")


@pytest.fixture
def fifo(in_tmp: Path) -> Iterator[tuple[Path, list[bytes], threading.Thread]]:
    """A named pipe with a reader waiting on it, as `cat pipe` would."""
    path = in_tmp / "pipe.svg"
    os.mkfifo(path)
    received: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as f:
            received.append(f.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    yield path, received, reader


def test_out_writes_into_a_pipe_for_its_reader(
    run: Run,
    command: tuple[list[str], bytes],
    fifo: tuple[Path, list[bytes], threading.Thread],
) -> None:
    args, start = command
    path, received, reader = fifo
    r = run(*args, "--out", path.name)
    assert r.code == 0, r.err
    reader.join(timeout=10)
    assert not reader.is_alive(), "the reader got nothing"
    assert received[0].lstrip().startswith(start)
    assert stat.S_ISFIFO(path.lstat().st_mode)
    assert leftovers(path.parent) == []


def test_out_writes_into_a_device_and_keeps_it(
    run: Run, command: tuple[list[str], bytes], in_tmp: Path
) -> None:
    args, _ = command
    make_device(in_tmp / "null.svg", "/dev/null")
    r = run(*args, "--out", "null.svg")
    assert r.code == 0, r.err
    assert stat.S_ISCHR(Path("null.svg").lstat().st_mode)
    assert leftovers(in_tmp) == []


def test_a_full_device_is_one_sentence_and_stays_a_device(
    run: Run, command: tuple[list[str], bytes], in_tmp: Path
) -> None:
    args, _ = command
    make_device(in_tmp / "full.svg", "/dev/full")
    line = only_sentence(run(*args, "--out", "full.svg"))
    assert line == "Error: Cannot write full.svg (No space left on device)."
    assert stat.S_ISCHR(Path("full.svg").lstat().st_mode)
    assert leftovers(in_tmp) == []


def test_a_link_to_dev_full_is_one_sentence_and_both_stay(run: Run, in_tmp: Path) -> None:
    Path("full.ics").symlink_to("/dev/full")
    line = only_sentence(run("remind", "--out", "full.ics"))
    assert line == "Error: Cannot write full.ics (No space left on device)."
    assert Path("full.ics").is_symlink()
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_out_refuses_a_folder_and_leaves_it(
    run: Run, command: tuple[list[str], bytes], in_tmp: Path
) -> None:
    args, _ = command
    folder = in_tmp / "out.svg"
    folder.mkdir()
    (folder / "kept.txt").write_text("mine")
    line = only_sentence(run(*args, "--out", "out.svg"))
    assert line == "Error: out.svg is a folder, not a file: give --out a file name."
    assert [p.name for p in folder.iterdir()] == ["kept.txt"]
    assert leftovers(in_tmp) == []


def test_out_refuses_a_socket_and_leaves_it(
    run: Run, command: tuple[list[str], bytes], in_tmp: Path
) -> None:
    args, _ = command
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("s.svg")
        line = only_sentence(run(*args, "--out", "s.svg"))
        assert line == "Error: s.svg is a socket, not a file: give --out a file name."
        assert stat.S_ISSOCK(Path("s.svg").lstat().st_mode)
    assert leftovers(in_tmp) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [("nowhere/out.svg", "No such file or directory"), ("plain.txt/out.svg", "Not a directory")],
)
def test_a_place_that_cannot_hold_the_file_is_one_sentence(
    run: Run, command: tuple[list[str], bytes], in_tmp: Path, name: str, problem: str
) -> None:
    args, _ = command
    Path("plain.txt").write_text("a file, not a folder")
    line = only_sentence(run(*args, "--out", name))
    assert line == f"Error: Cannot write {name} ({problem})."
    assert Path("plain.txt").read_text() == "a file, not a folder"
    assert not Path("nowhere").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["remind"],
        ["export", "--format", "json"],
        ["report", "--format", "html"],
        ["guide", "--format", "html"],
        ["guide", "--format", "md"],
    ],
)
def test_an_empty_out_is_one_sentence(run: Run, args: list[str], in_tmp: Path) -> None:
    line = only_sentence(run(*args, "--out", ""))
    assert line == "Error: --out needs a file name (or - for standard output)."
    assert list(in_tmp.iterdir()) == []


def test_a_pdf_goes_to_standard_output_whole() -> None:
    code = subprocess.run(
        [ACUPRESS, "report", "--format", "pdf", "--out", "-"], capture_output=True, check=False
    )
    assert code.returncode == 0, code.stderr
    assert code.stdout.startswith(b"%PDF-") and code.stdout.rstrip().endswith(b"%%EOF")


def test_a_markdown_guide_writes_its_charts_through_the_same_writer(run: Run) -> None:
    Path("guide.md").write_text("old guide")
    r = run("guide", "--out", "guide.md")
    assert r.code == 0, r.err
    assert Path("guide.md").read_text().startswith("# ")
    charts = Path("guide-charts")
    assert (charts / "overview.svg").read_bytes().startswith(b"<svg")
    assert leftovers(Path()) == [] and leftovers(charts) == []


def file_size_limited(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_write_that_fails_midway_keeps_the_old_file_and_leaves_no_temporary_file(
    in_tmp: Path, home: Path
) -> None:
    """A file size limit makes the write fail part way (EFBIG), as a full disk would."""
    old = b"the calendar written yesterday\n"
    Path("cal.ics").write_bytes(old)
    done = subprocess.run(
        [ACUPRESS, "remind", "--out", "cal.ics"],
        capture_output=True,
        text=True,
        preexec_fn=file_size_limited(200),
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == "Error: Cannot write cal.ics (File too large).\n"
    assert Path("cal.ics").read_bytes() == old
    assert leftovers(in_tmp) == []


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        (".", "Error: . is a folder, not a file: give --out a file name."),
        (
            "nowhere/guide.md",
            "Error: Cannot create the folder nowhere/guide-charts (No such file or directory).",
        ),
    ],
)
def test_a_markdown_guide_with_nowhere_for_its_charts_is_one_sentence(
    run: Run, in_tmp: Path, name: str, sentence: str
) -> None:
    assert only_sentence(run("guide", "--format", "md", "--out", name)) == sentence
    assert list(in_tmp.iterdir()) == []


def test_out_keeps_the_permissions_of_the_file_it_replaces(run: Run) -> None:
    Path("cal.ics").write_text("old")
    os.chmod("cal.ics", 0o640)
    assert run("remind", "--out", "cal.ics").code == 0
    assert stat.S_IMODE(os.stat("cal.ics").st_mode) == 0o640
    assert run("export", "--format", "json", "--out", "cal.ics").code == 0
    assert stat.S_IMODE(os.stat("cal.ics").st_mode) == 0o600  # the journal stays private


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_out_refuses_a_read_only_file_and_leaves_it(run: Run) -> None:
    Path("cal.ics").write_text("kept")
    os.chmod("cal.ics", 0o444)
    line = only_sentence(run("remind", "--out", "cal.ics"))
    assert line == "Error: Cannot write cal.ics (Permission denied)."
    assert Path("cal.ics").read_text() == "kept"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(run: Run, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        assert run("chart", "BL23", "--out", "new.svg").code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat("new.svg").st_mode) == mode


def test_an_export_that_fails_while_streaming_keeps_the_old_file(in_tmp: Path) -> None:
    """A long export is written as it is read from the journal: a failure after the first
    parts (here, the journal's) leaves the file that was there, and no temporary file."""
    from acupress import files
    from acupress.errors import AcupressError

    old = b"yesterday's backup\n"
    Path("backup.json").write_bytes(old)

    def parts() -> Iterator[bytes]:
        yield b'{"format": "acupress-journal", '
        raise AcupressError("The journal is busy.")

    with pytest.raises(AcupressError, match=r"^The journal is busy\.$"):
        files.write_out("backup.json", parts(), private=True)
    assert Path("backup.json").read_bytes() == old
    assert leftovers(in_tmp) == []
    files.write_out("backup.json", iter([b"one ", b"", b"two"]), private=True)
    assert Path("backup.json").read_bytes() == b"one two"
