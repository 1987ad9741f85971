"""What the files of a written site can show a reader, whatever their names say.

Every file is read (pages, search index, sitemap and its gzip copy, scripts, stylesheets, SVG,
`.htm`, `.txt`, files without a suffix, images and fonts): the content is sniffed, never the name.
Gzip is unpacked, a BOM or a declared charset honoured, GB18030 tried where the bytes are not UTF-8,
JSON read for its string values, and escaped text (\\u6cbb in a script, \\6cbb in a stylesheet,
%E6%B2%BB in an address) is read decoded too. A binary file (an image, a font) is read for the text
embedded in it: UTF-8, and runs of UTF-16 long enough not to be chance.

A line of markup is read as a browser shows it: tags taken out, so words they split join up, and
the attributes a browser shows (alt, title …) kept, as is every tag with non-ASCII text in it (a
slug, or a script's comparison `a<b … >` that is no tag at all).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from pathlib import Path
from urllib.parse import unquote

from ...load.files import files_under, read_bytes

MAX_UNPACKED = 64 * 1024 * 1024  # a gzip file is read up to this size (a bomb fails the scan)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.I)
_ESCAPES = re.compile(
    r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([0-9a-fA-F]{1,6})\s?"
)
_PERCENT = re.compile(r"(?:%[0-9a-fA-F]{2})+")
# Text in a binary file read as UTF-16: Han, CJK punctuation, full-width forms and printable ASCII,
# sixteen in a row (random bytes make such a run about once in 10^8 positions).
_UTF16_RUN = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\x20-\x7e]{16,}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAG = re.compile(r"<[^<>\n]*>")  # within a line: a file is read line by line
_SHOWN_NAMES = r"\b(?:alt|title|content|placeholder|aria-label|label|value|summary)\s*="
_SHOWN_NAME = re.compile(_SHOWN_NAMES, re.I)
_SHOWN_ATTRIBUTE = re.compile(
    _SHOWN_NAMES + r"""\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
    re.I,
)


def site_files(site_dir: Path) -> list[Path]:
    """Every file of the site, hidden ones too: what a reader can see is judged by content, never
    by name. Symlinks are listed, never followed (reading one fails the guard)."""
    return files_under(site_dir)


def read_site_file(path: Path) -> bytes:
    """The bytes of one file of the site. Only a regular file is read (load/files.py): anything
    else in a site (a symlink, a pipe) cannot be checked, so it raises and the guard fails the
    build."""
    raw, problems = read_bytes(path.parent, path.name)
    if raw is None:
        raise OSError(f"{path}：{problems[0].message}")
    return raw


def site_file_content(path: Path) -> bytes:
    """Everything one file can show a reader, decoded every way the guard reads it, as UTF-8."""
    return "\n".join(site_texts(read_site_file(path))).encode("utf-8")


def site_texts(raw: bytes) -> list[str]:
    """The texts a file's bytes can show: as the file reads, then with their escapes decoded where
    that changes them."""
    out = []
    for text in decoded_texts(raw):
        out.append(text)
        out += [v for v in escaped_variants(text) if v != text]
    return out


def decoded_texts(raw: bytes) -> list[str]:
    """The texts a file's bytes read as (its escapes not decoded: escaped_variants)."""
    if raw[:2] == b"\x1f\x8b":  # gzip (sitemap.xml.gz), whatever the file is called
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = unpacked.read(MAX_UNPACKED + 1)
        except (OSError, EOFError, zlib.error):
            return _binary_texts(raw)
        if len(raw) > MAX_UNPACKED:
            raise ValueError(f"压缩文件解压后超过 {MAX_UNPACKED // 2**20} MB，无法检查")
    if b"\x00" in raw[:8192] and not raw.startswith(tuple(bom for bom, _ in _BOMS)):
        return _binary_texts(raw)
    out = []
    for codec in _codecs(raw):
        text = raw.decode(codec, errors="replace")
        strings = _json_strings(text)
        out.append(text if strings is None else strings)
    return out


def escaped_variants(text: str) -> list[str]:
    """`text` with \\u6cbb-style escapes (scripts, stylesheets) and %E6%B2%BB-style ones
    (addresses) decoded: one text for each kind it has."""
    out = []
    if "\\" in text:
        out.append(_ESCAPES.sub(_unescape, text))
    if "%" in text:
        out.append(_PERCENT.sub(_unquote, text))
    return out


def _binary_texts(raw: bytes) -> list[str]:
    """An image or a font: the UTF-8 text embedded in it, and long runs of UTF-16 text; never a
    guess at another encoding (GB18030 reads any byte pairs as Han characters)."""
    out = [raw.decode("utf-8", errors="replace")]
    for codec in ("utf-16-le", "utf-16-be"):
        for start in (0, 1):  # text may start at an odd offset
            end = len(raw) - (len(raw) - start) % 2
            runs = _UTF16_RUN.findall(raw[start:end].decode(codec, errors="replace"))
            if runs:
                out.append("\n".join(runs))
    return out


def _json_strings(text: str) -> str | None:
    """The string values of a JSON document (the search index), one a line; None if it is not
    JSON."""
    stripped = text.lstrip()
    if stripped[:1] not in ("{", "["):
        return None
    try:
        strings: list[str] = []
        _collect_strings(json.loads(stripped), strings)
    except (json.JSONDecodeError, RecursionError):
        return None
    joined = "\n".join(strings)
    # "\ud800" is valid JSON but no character: read as U+FFFD, like any undecodable byte
    return _SURROGATE.sub("\ufffd", joined) if _SURROGATE.search(joined) else joined


def _codecs(raw: bytes) -> list[str]:
    """The encodings to read `raw` with: its BOM's; else UTF-8, plus a declared charset or GB18030
    where it is not valid UTF-8."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return [codec]
    try:
        raw.decode("utf-8")
        return ["utf-8"]
    except UnicodeDecodeError:
        pass
    declared = _DECLARED.search(raw[:2048])
    extra = [declared.group(1).decode("ascii").lower()] if declared else []
    try:
        extra = [codecs.lookup(name).name for name in extra]
    except LookupError:
        extra = []
    return list(dict.fromkeys(["utf-8", *extra, "gb18030"]))


def _unescape(m: re.Match) -> str:
    code = next(g for g in m.groups() if g is not None)
    cp = int(code, 16)
    return m.group(0) if cp == 0 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF else chr(cp)


def _unquote(m: re.Match) -> str:
    return unquote(m.group(0), errors="replace")


def _collect_strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _collect_strings(v, out)


# Elements drawn inside a line of text (<span>178</span>532 reads 178532); any other tag (a table's
# cell, a list item, a line break) sets what is on either side of it apart.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
    r"strong|time|u|var|wbr)(?:\s[^<>\n]*)?/?>",
    re.I,
)


def shown_cells(line: str) -> str:
    """One line of a site file with every tag but an inline one read as a space: the numbers of a
    table's cells (<td>178,532</td><td>5,137</td>) stay apart, as a reader sees them, and a number
    split by <span> is one."""
    return _TAG.sub(" ", _INLINE_TAG.sub("", line)) if "<" in line else line


def shown_line(line: str) -> str:
    """One line of a site file as a reader sees it: tags taken out; after it, the attributes a
    browser shows, and every tag with non-ASCII text in it whole."""
    if "<" not in line:
        return line
    if line.isascii() and not _SHOWN_NAME.search(line):
        return _TAG.sub("", line)
    kept: list[str] = []

    def tag(m: re.Match) -> str:
        text = m.group()
        if not text.isascii():
            kept.append(text)
        elif "=" in text:
            kept.extend(value for found in _SHOWN_ATTRIBUTE.findall(text) for value in found)
        return ""

    between = _TAG.sub(tag, line)
    return " ".join([between, *filter(None, kept)]) if kept else between
