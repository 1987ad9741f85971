"""The one atomic write (load/files.py) and the one encoding guesser (load/source.py)."""

from __future__ import annotations

import os

import pytest

from smilepress.load.files import write_atomically
from smilepress.load.source import decode_text, encoding_name


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


SIMPLIFIED = '日期,展现量,点击量,消费\n2026-03-01,"1,000",30,120.5\n'
TRADITIONAL = (
    "日期,渠道,備註\n2026-03-01,百度,種植牙術後護理：術後當天不要刷手術區域，飯後用溫鹽水漱口。\n"
)


@pytest.mark.parametrize(
    ("text", "encoding", "name"),
    [
        (SIMPLIFIED, "gbk", "GBK/GB18030"),
        (SIMPLIFIED, "gb18030", "GBK/GB18030"),
        (SIMPLIFIED, "utf-16", "UTF-16"),
        (TRADITIONAL, "big5", "Big5"),
    ],
)
def test_one_guesser_names_the_encoding_and_decodes_an_export(text, encoding, name):
    data = text.encode(encoding)
    assert encoding_name(data) == name
    assert decode_text(data) == text


def test_utf8_comes_first_and_nothing_is_decoded_by_chance():
    assert decode_text(("\ufeff" + SIMPLIFIED).encode("utf-8")) == SIMPLIFIED
    with pytest.raises(ValueError, match="无法识别文件编码"):
        decode_text(bytes(range(128, 256)) * 3)
