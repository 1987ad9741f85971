"""The one atomic write (load/files.py)."""

from __future__ import annotations

import os

import pytest

from smilepress.load.files import write_atomically


def test_text_and_bytes_are_written_as_given(tmp_path):
    path = tmp_path / "a.md"
    write_atomically(path, "甲\r\n乙\n")
    assert path.read_bytes() == "甲\r\n乙\n".encode()  # line ends as given
    write_atomically(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_a_failed_replace_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("旧", encoding="utf-8")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        write_atomically(path, "新")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "旧"
    assert list(tmp_path.iterdir()) == [path]


def test_a_write_that_fails_half_way_leaves_nothing(tmp_path):
    path = tmp_path / "new.md"
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "甲" * 10000 + "\udc80")  # cannot be encoded: fails while writing
    assert list(tmp_path.iterdir()) == []
