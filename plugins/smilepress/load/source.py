"""Reading a text file safely: a regular file (load/files.py), size limit, UTF-8 only (else say
which encoding it looks like)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from ..errors import Problem
from .files import read_bytes

MAX_BYTES = 2 * 1024 * 1024  # an article is a few KB; anything this large is a mistake or an attack
BOM = "\ufeff"


@dataclass(frozen=True)
class SourceText:
    text: str  # without the BOM
    bom: bool  # written back by edits, so the writer's bytes stay as they were
    newline: str  # "\n" or "\r\n": the style edits use for new lines


_ENCODING_NAMES = {
    "gb18030": "GBK/GB18030",
    "gbk": "GBK/GB18030",
    "gb2312": "GBK/GB18030",
    "big5": "Big5",
    "big5hkscs": "Big5",
    "cp950": "Big5",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "shift_jis": "Shift_JIS",
    "cp932": "Shift_JIS",
    "euc_jp": "EUC-JP",
}


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def guess_encoding(data: bytes) -> str | None:
    """The codec (Python's name) bytes that are not UTF-8 most likely use, or None. The one guesser:
    for messages (`encoding_name`) and for imports that take any encoding (`decode_text`)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf_16"
    try:  # plain simplified Chinese: nearly every character is in GB2312 (Big5 read as GBK is not)
        han = [c for c in data.decode("gb18030") if "\u4e00" <= c <= "\u9fff"]
        if han and sum(_in_gb2312(c) for c in han) >= 0.9 * len(han):
            return "gb18030"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def encoding_name(data: bytes) -> str:
    """The name staff know for the encoding of bytes that are not UTF-8 (GBK/GB18030, Big5 ...)."""
    codec = guess_encoding(data)
    if codec is None:
        return "未知编码"
    return _ENCODING_NAMES.get(codec.lower(), codec.upper())


def decode_text(data: bytes) -> str:
    """Text that may come in any encoding (a platform's export): UTF-8 with or without BOM, else the
    guess (mainland "CSV for Excel" is GB18030; valid UTF-8 is almost never meant as GB18030, so
    UTF-8 comes first). ValueError if nothing fits."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    codec = guess_encoding(data)
    try:
        if codec is not None:
            return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        pass
    raise ValueError("无法识别文件编码")


def read_source(
    root: Path, rel: str, max_bytes: int = MAX_BYTES
) -> tuple[SourceText | None, list[Problem]]:
    """Read `root`/`rel` (a regular file: load/files.py) as UTF-8 text; or None and the one problem
    that prevents it."""
    data, problems = read_bytes(root, rel, limit=max_bytes + 1)
    if data is None:
        return None, problems
    if len(data) > max_bytes:
        size = os.lstat(root / rel).st_size
        return None, [
            Problem(
                rel,
                1,
                f"文件过大（{size / 1024 / 1024:.1f} MB），"
                f"单篇文章上限 {max_bytes // 1024 // 1024} MB",
                "请检查是否误存了图片或导出数据；图片请另存为文件再引用",
            )
        ]
    if not data.strip():
        return None, [Problem(rel, 1, "文件是空的", "请写入 front matter 和正文，或删除该文件")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                rel,
                line,
                f"文件不是 UTF-8 编码，看起来是 {encoding_name(data)}",
                "请在编辑器中另存为 UTF-8（无 BOM）后再提交",
            )
        ]
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1 or len(text)] else "\n"
    return SourceText(text, bom, newline), []
