"""autograd.files and autograd.file_lock: every path a regular file, every write atomic.

Issue 22, classes 1 and 3: a device, a FIFO, a link loop or a huge file is refused
in a sentence; a lock is never followed through a link; a failed rewrite of a
drawing, a page, a player or a picture leaves the good file in place.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time

import pytest

from autograd import Value, draw, player, render, save_html
from autograd import files as files_module
from autograd.file_lock import LockBusy, acquire, held, release
from autograd.files import (
    SaveError,
    check_readable,
    check_writable,
    path_problem,
    read_text,
    write_atomically,
)


def a_drawing():
    a = Value(2.0, "a")
    return draw(a * a + a)


# ---------------------------------------------------------------- what a path is


def test_a_fifo_is_refused_at_once_for_reading_and_writing(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"pipe is a FIFO .*not a regular file; give a file"):
        read_text(fifo, "names.txt")
    with pytest.raises(SaveError, match=r"FIFO .*nothing was written"):
        write_atomically(fifo, lambda f: f.write("x"))
    assert time.monotonic() - started < 5  # never waited for a writer
    assert fifo.exists() and not fifo.is_file()  # still the FIFO


def test_devices_are_never_read_without_end_nor_replaced():
    with pytest.raises(ValueError, match=r"/dev/zero is a device"):
        read_text("/dev/zero", "minillm.ckpt.json")
    with pytest.raises(SaveError, match=r"/dev/null is a device"):
        write_atomically("/dev/null", lambda f: f.write("x"))
    with pytest.raises(ValueError, match=r"/dev/null is a device"):
        check_writable("/dev/null")
    assert not os.path.isfile("/dev/null")  # still the device


def test_a_link_to_a_device_is_refused_too(tmp_path):
    link = tmp_path / "ckpt.json"
    link.symlink_to("/dev/null")
    with pytest.raises(SaveError, match=r"is a device"):
        write_atomically(link, lambda f: f.write("x"))
    assert link.is_symlink() and os.readlink(link) == "/dev/null"


def test_a_loop_of_links_is_a_sentence(tmp_path):
    loop_a, loop_b = tmp_path / "a.json", tmp_path / "b.json"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    assert "loop of symbolic links" in path_problem(loop_a)
    with pytest.raises(ValueError, match=r"a\.json is a loop of symbolic links"):
        read_text(loop_a, "x.json")
    with pytest.raises(SaveError, match=r"loop of symbolic links.*nothing was written"):
        write_atomically(loop_a, lambda f: f.write("x"))
    with pytest.raises(ValueError, match="loop"):
        check_readable(loop_b, "x.json")


def test_reads_are_capped(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 1001)
    with pytest.raises(ValueError, match=r"larger than 1,000 bytes.*MAX_READ_BYTES"):
        read_text(big, "names.txt", max_bytes=1000)
    assert read_text(big, "names.txt", max_bytes=1001) == "a" * 1001
    assert files_module.MAX_READ_BYTES == 64 * 2**20


def test_a_regular_file_and_a_link_to_one_read_as_before(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("pikachu\névoli\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert read_text(link, "names.txt") == "pikachu\névoli\n"
    assert path_problem(real) is None and path_problem(tmp_path / "new.txt") is None
    with pytest.raises(FileNotFoundError):
        read_text(tmp_path / "missing.txt", "names.txt")


# ---------------------------------------------------------------- locks


def test_a_lock_planted_as_a_link_is_never_followed(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    lock = tmp_path / ".x.lock"
    lock.symlink_to(precious)
    with pytest.raises(ValueError, match=r"symbolic link.*never followed"):
        acquire(lock)
    assert precious.read_text() == "keep me"  # not truncated, no pid written in it
    dangling = tmp_path / ".y.lock"
    dangling.symlink_to(tmp_path / "would-be-created")
    with pytest.raises(ValueError, match="symbolic link"):
        acquire(dangling)
    assert not (tmp_path / "would-be-created").exists()


def test_a_folder_where_the_lock_goes_is_a_sentence(tmp_path):
    (tmp_path / ".x.lock").mkdir()
    with pytest.raises(ValueError, match="is a folder, where only a lock file belongs"):
        acquire(tmp_path / ".x.lock")


HOLD = """
import sys, time
from autograd.file_lock import held
with held(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_process_waits_for_the_lock_or_is_told_who_holds_it(tmp_path):
    lock = tmp_path / ".p.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock), "1.0"],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline() == "held\n"
    with pytest.raises(LockBusy) as busy:
        acquire(lock, wait=0.0)
    assert busy.value.holder == f" (process {holder.pid})"
    started = time.monotonic()
    fd = acquire(lock, wait=20.0)  # the holder lets go after a second
    assert 0.2 < time.monotonic() - started < 20
    release(fd, lock)
    assert holder.wait(10) == 0
    assert not lock.exists()  # removed by whoever held it last
    with held(lock) as path:
        assert path.read_text() == str(os.getpid())


# ---------------------------------------------------------------- every write atomic


def full_disk(*args):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("suffix", [".dot", ".html", ".svg"])
def test_a_failed_rewrite_of_a_drawing_keeps_the_good_file(tmp_path, monkeypatch, suffix):
    path = render(a_drawing(), tmp_path / f"g{suffix}")
    good = path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(files_module.os, "fsync", full_disk)
        with pytest.raises(SaveError, match=r"the disk is full: .*previous file is kept"):
            render(draw(Value(5.0, "other")), path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left


def test_player_pages_and_html_pages_are_written_atomically(tmp_path, monkeypatch):
    a = Value(2.0, "a")
    page = player(a * a + a)
    path = page.save(tmp_path / "p")
    assert path.name == "p.html" and path.read_text(encoding="utf-8") == page.page
    html = save_html(a_drawing(), tmp_path / "g.html")
    before = (path.read_text(encoding="utf-8"), html.read_text(encoding="utf-8"))
    monkeypatch.setattr(files_module.os, "replace", full_disk)
    with pytest.raises(SaveError, match="the disk is full"):
        player(a * a).save(path)
    with pytest.raises(SaveError, match="the disk is full"):
        save_html(draw(a * a), html)
    assert (path.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")) == before


def test_binary_writes_go_through_the_same_writer(tmp_path):
    path = write_atomically(tmp_path / "x.png", lambda f: f.write(b"\x89PNG\r\n"), binary=True)
    assert path.read_bytes() == b"\x89PNG\r\n"
    with pytest.raises(TypeError):  # a text file refuses bytes: the mode is what was asked
        write_atomically(tmp_path / "y.txt", lambda f: f.write(b"bytes"))
    assert not (tmp_path / "y.txt").exists()


def test_rendering_into_a_folder_or_under_a_file_is_a_sentence(tmp_path):
    folder = tmp_path / "g.svg"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"g\.svg is a folder"):
        render(a_drawing(), folder)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("hello")
    with pytest.raises(SaveError, match="one of its folders is a file"):
        render(a_drawing(), a_file / "g.dot")
    with pytest.raises(SaveError, match="one of its folders is a file"):
        player(Value(1.0, "a") * 2.0).save(a_file / "p.html")
    assert a_file.read_text() == "hello"


def test_a_name_too_long_a_file_that_refuses_reads_and_a_folder_loop_are_sentences(tmp_path):
    long_name = tmp_path / ("x" * 300)
    with pytest.raises(ValueError, match="a name too long for this system"):
        read_text(long_name, "names.txt")
    with pytest.raises(SaveError, match="a name too long for this system"):
        write_atomically(long_name, lambda f: f.write("x"))
    if os.path.exists("/proc/self/mem"):  # a regular file whose reads fail
        with pytest.raises(ValueError, match=r"/proc/self/mem cannot be read \(Input/output"):
            read_text("/proc/self/mem", "names.txt")
    loop = tmp_path / "out"
    loop.symlink_to(loop)
    with pytest.raises(SaveError, match=r"out cannot be written: .*loop of symbolic links"):
        files_module.check_folder_writable(loop)
