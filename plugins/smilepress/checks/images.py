"""Images: every picture a public article shows has a licence, and pictured patients consented.

Each image an article uses (Markdown `![alt](src "title")`, reference images `![alt][ref]`, and HTML
`<img src>`/`srcset`, never inside code or comments) needs licence metadata, either in the article's
front matter

    images:
      - src: images/implant-steps.png
        licence: own
        source: 本院设计组绘制

or in a sidecar file beside the image, named after it: `images/implant-steps.png.yml` with the same
fields (`licence`, `source`, `credit`, `patient`, `consent_ref`). Where both exist the front matter
wins field by field, except that `patient: true` in either one counts.

Findings (the same `Finding` as the compliance checks, so waivers, reports and the gate treat them
alike): a missing or unknown licence, a missing image file, a broken sidecar and an unlicensed
external image are `image-licence` errors; a CC licence that needs attribution without `credit` is
an error; a patient photo without `consent_ref` (on the image or the article) is a `consent` error;
the same picture stored under two names is an `image-duplicate` warning, found by perceptual hash
(pHash, robust to resizing and JPEG re-encoding), once per pair, on the later path.

Pillow is needed for the duplicate check only, imported on first use: the light install (the
pre-commit hook's) has no Pillow and skips it, and the PictureHashes says so (`unavailable`) for the
command to tell the writer that CI checks it. The pHash itself is computed here with numpy
(imagehash's algorithm, bit for bit: imagehash would bring scipy, ~113 MB). Perceptual hashes are
kept in a PictureHashes that the caller owns (a Project holds one per run).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from yaml import MappingNode, ScalarNode, SequenceNode

from ..errors import Problem
from ..load import front_matter, markdown
from ..load.files import listing, read_bytes, regular_file
from ..load.strict_yaml import Loaded, load_yaml
from ..model.findings import Finding, clipped

__all__ = [
    "ImageRef",
    "Licence",
    "LICENCES",
    "RULE_IDS",
    "image_refs",
    "image_findings",
    "picture_files",
    "credit_caption",
    "Credit",
    "picture_credits",
    "duplicate_images",
    "PictureHashes",
    "resolve_licence",
    "IMAGE_SUFFIXES",
]

# -- licences ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Licence:
    key: str  # what writers put in `licence:` (matched ignoring case, spaces and underscores)
    label: str  # how a caption names it
    credit: bool  # attribution required: `credit` must be given
    commercial: bool = True  # may be used on the clinic's (commercial) site


def _cc_licences() -> list[Licence]:
    out = []
    for version in ("4.0", "3.0", "2.5", "2.0"):
        for terms in ("BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND"):
            out.append(
                Licence(f"CC-{terms}-{version}", f"CC {terms} {version}", True, "NC" not in terms)
            )
    return out


LICENCES: dict[str, Licence] = {
    lic.key: lic
    for lic in [
        Licence(
            "own", "本院原创", False
        ),  # made by the clinic's staff (or commissioned, rights assigned)
        Licence(
            "purchased", "已购买授权", False
        ),  # bought from a stock library or the author, with a licence on file
        Licence("public-domain", "公有领域", False),
        Licence("CC0", "CC0", False),
        *_cc_licences(),
    ]
}

# Ways writers spell the same licence; keys are already normalised (see _norm_licence).
_ALIASES = {
    "OWN": "own",
    "自有": "own",
    "原创": "own",
    "本院原创": "own",
    "自制": "own",
    "PURCHASED": "purchased",
    "购买": "purchased",
    "已购买": "purchased",
    "已购买授权": "purchased",
    "PUBLIC-DOMAIN": "public-domain",
    "PD": "public-domain",
    "公有领域": "public-domain",
    "公共领域": "public-domain",
    "CC0": "CC0",
    "CC0-1.0": "CC0",
    "CC-ZERO": "CC0",
}

_MAIN_LICENCES = "own、purchased、public-domain、CC0、CC-BY-4.0、CC-BY-SA-4.0、CC-BY-NC-4.0"


def _norm_licence(value: str) -> str:
    text = re.sub(r"[\s_]+", "-", value.strip()).upper()
    return re.sub(r"-{2,}", "-", text)


_BY_NORM = {_norm_licence(k): k for k in LICENCES} | _ALIASES


def resolve_licence(value: Any) -> Licence | None:
    """The licence a writer named, or None when it is not one of LICENCES."""
    if not isinstance(value, str) or not value.strip():
        return None
    key = _BY_NORM.get(_norm_licence(value))
    return LICENCES[key] if key else None


# -- rules ---------------------------------------------------------------------------------------

RULE_IDS = (
    "image/licence-missing",
    "image/licence-unknown",
    "image/credit-missing",
    "image/source-missing",
    "image/non-commercial",
    "image/patient-consent",
    "image/file-missing",
    "image/file-unusable",
    "image/external",
    "image/unsupported-src",
    "image/sidecar-invalid",
    "image/front-matter",
    "image/unknown-field",
    "image/duplicate",
    "link/file-unusable",
    "file/kind-not-published",
)

BASIS_COPYRIGHT = "《著作权法》第十条、第二十四条、第五十二条"
BASIS_CREDIT = "《著作权法》第十条第一款第二项（署名权）；知识共享（CC）许可协议第 3 条（署名）"
BASIS_NC = "知识共享（CC）BY-NC 许可协议（仅限非商业性使用）；《著作权法》第五十二条"
BASIS_EXTERNAL = "《著作权法》第十条第一款第十二项（信息网络传播权）、第五十二条"
BASIS_CONSENT = "《个人信息保护法》第二十八条、第二十九条；《民法典》第一千零一十九条"
BASIS_DUPLICATE = "部门网络运营规范：同一图片只保留一个文件，版权信息只登记一处"

FIELDS = {
    "src",
    "licence",
    "license",
    "source",
    "credit",
    "patient",
    "consent_ref",
    "alt",
    "title",
    "note",
}

# -- finding image references --------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    src: str  # as the writer means it: angle brackets, backslash escapes and entities resolved
    alt: str
    line: int  # 1-based line in the text read
    column: int = field(default=1, compare=False)  # 1-based column of the src in that line
    end_column: int = field(
        default=1, compare=False
    )  # just after the src (on the same line when it fits)
    offset: int = field(default=0, compare=False, repr=False)  # offset of the src in the text


def _refs(st: markdown.Structure, targets: list[markdown.Target] | None = None) -> list[ImageRef]:
    """The images of `st` (or the given targets) with the lines and columns findings point at."""
    lines = markdown.Lines(st.text)
    found = []
    for t in markdown.images(st) if targets is None else targets:
        line, column = lines.position(t.start)
        end_line, end_column = lines.position(t.end)
        if end_line != line:  # the end of the src's first line
            end_column = len(lines.line_text(line).rstrip("\r")) + 1
        found.append(ImageRef(t.value, t.alt, line, column, end_column, t.start))
    return found


def image_refs(markdown_body: str) -> list[ImageRef]:
    """The images a Markdown body shows, in order; none in code or comments (load/markdown.py)."""
    text = markdown_body
    if "![" not in text and "<img" not in text.lower() and "<source" not in text.lower():
        return []  # most articles: nothing to look for
    return _refs(markdown.read(text, body=True))


# -- where an image is and what is known about it ------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _kind(src: str) -> str:
    """external (http/https), data, other (another scheme) or local."""
    if src.startswith("//"):
        return "external"
    m = _SCHEME.match(src)
    if not m:
        return "local"
    scheme = m.group(1).lower()
    return "external" if scheme in ("http", "https") else "data" if scheme == "data" else "other"


def _local_path(src: str, content_root: Path, article_dir: Path) -> Path:
    """Where a local src points: relative to the article, or to content_root when it starts with
    '/'."""
    clean = unquote(re.split(r"[?#]", src, maxsplit=1)[0])
    if clean.startswith("/"):
        return Path(os.path.normpath(Path(content_root) / clean.lstrip("/")))
    return Path(os.path.normpath(Path(article_dir) / clean))


def _key(src: str, content_root: Path, article_dir: Path) -> str:
    src = src.strip()
    return (
        str(_local_path(src, content_root, article_dir)) if _kind(src) == "local" and src else src
    )


@dataclass
class _Meta:
    fields: dict[str, Any]
    origin: dict[str, str]  # field -> where it was written ("front matter" or the sidecar's name)
    sidecar: str | None = None  # the sidecar's display path, when one was read
    sidecar_problem: Problem | None = None
    entry: int | None = None  # index of the image's entry in the front matter's images:
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # sidecar field: line, col


def _front_matter_entries(
    meta: dict, content_root: Path, article_dir: Path
) -> dict[str, tuple[int, dict]]:
    entries: dict[str, tuple[int, dict]] = {}
    images = meta.get("images") if isinstance(meta, dict) else None
    if not isinstance(images, list):
        return entries
    for index, entry in enumerate(images):
        if isinstance(entry, dict) and isinstance(entry.get("src"), str) and entry["src"].strip():
            entries.setdefault(_key(entry["src"], content_root, article_dir), (index, entry))
    return entries


def _sidecar_for(image: Path) -> Path | None:
    """The sidecar beside `image`: whatever has its name (one that is no regular file is
    reported when read, not taken for absent)."""
    for suffix in (".yml", ".yaml"):
        candidate = image.with_name(image.name + suffix)
        if os.path.lexists(candidate):
            return candidate
    return None


_SIDECAR_MAX = 256 * 1024


def _read_sidecar(
    sidecar: Path, shown: str, content_root: Path
) -> tuple[Loaded | None, Problem | None]:
    """The sidecar as YAML whose data is a mapping (None when empty), or its problem when it
    cannot be used."""
    data, problems = read_bytes(
        content_root, os.path.relpath(sidecar, content_root), shown, limit=_SIDECAR_MAX + 1
    )
    if data is None:
        return None, problems[0]
    if len(data) > _SIDECAR_MAX:
        return None, Problem(
            shown, 1, "文件过大", "图片说明文件只需 licence、source、credit 等几行"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, Problem(
            shown, line, "文件不是 UTF-8 编码", "请在编辑器中另存为 UTF-8 后再提交"
        )
    loaded, problems = load_yaml(text, shown)
    if loaded is None:
        return None, problems[0]
    if loaded.data is None:
        return None, None
    if not isinstance(loaded.data, dict):
        hint = "每行写一个字段，例如 licence: own"
        return None, Problem(shown, 1, "内容必须是“字段: 值”的映射", hint)
    return loaded, None


def _metadata(src: str, meta: dict, content_root: Path, article_dir: Path, shown) -> _Meta:
    fields: dict[str, Any] = {}
    origin: dict[str, str] = {}
    result = _Meta(fields, origin)
    if _kind(src) == "local":
        sidecar = _sidecar_for(_local_path(src, content_root, article_dir))
        if sidecar is not None:
            result.sidecar = shown(sidecar)
            loaded, result.sidecar_problem = _read_sidecar(sidecar, result.sidecar, content_root)
            for k, v in _aliased(loaded.data if loaded else {}).items():
                fields[k] = v
                origin[str(k)] = result.sidecar
            if loaded is not None and "credit" in loaded.data:
                result.positions["credit"] = _value_position(loaded, "credit")
    entry = _front_matter_entries(meta, content_root, article_dir).get(
        _key(src, content_root, article_dir)
    )
    if entry is not None:
        patient = _truthy(fields.get("patient")) or _truthy(entry[1].get("patient"))
        for k, v in _aliased(entry[1]).items():
            if v is None or v == "":
                continue
            fields[k] = v
            origin[k] = "front matter"
        if patient:
            fields["patient"] = True
        result.entry = entry[0]
    return result


def _aliased(data: dict) -> dict[str, Any]:
    """Keys as text, `license` (American spelling) read as `licence`."""
    out = {str(k): v for k, v in data.items()}
    if "license" in out:
        out.setdefault("licence", out.pop("license"))
    return out


def _truthy(value: Any) -> bool:
    """`patient:` counts unless it clearly says no (a photo wrongly taken for a patient's costs one
    question)."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "no", "n", "off", "0", "否", "不是", "无")
    return bool(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# -- the files an approval covers ---------------------------------------------------------------


def picture_files(
    text: str, meta: dict, content_root: Path, article_dir: Path
) -> list[tuple[Path, Path]]:
    """The local pictures an article shows, each once, in order, with its licence sidecar.

    The pictures are those the licence check looks at: every image of the file `text`
    (load/markdown.py) and every `src` of front-matter `images:`, resolved the same way; the sidecar
    is the one the check reads, or the `.yml` a writer would add when there is none yet.
    """
    meta = meta if isinstance(meta, dict) else {}
    sources = [r.src.strip() for r in _refs(markdown.read(text))]
    entries = meta.get("images")
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("src"), str):
            sources.append(entry["src"].strip())
    found: dict[Path, Path] = {}
    for src in sources:
        if src and _kind(src) == "local":
            picture = _local_path(src, Path(content_root), Path(article_dir))
            if picture not in found:
                found[picture] = _sidecar_for(picture) or picture.with_name(picture.name + ".yml")
    return list(found.items())


# -- captions ------------------------------------------------------------------------------------


_CAPTION = "图片："


def _caption(info: _Meta) -> str | None:
    """A CC image gets its credit and licence; any other image with a `credit` the credit alone."""
    credit = _text(info.fields.get("credit"))
    if not credit:
        return None
    licence = resolve_licence(info.fields.get("licence"))
    if licence is not None and licence.key.startswith("CC"):
        return f"{_CAPTION}{credit} / {licence.label}"
    return f"{_CAPTION}{credit}"


def credit_caption(meta: dict, src: str, content_root: Path, article_dir: Path) -> str | None:
    """The credit line to show under an image, e.g. "图片：张三 / CC BY 4.0"; None when there is
    none."""
    return _caption(_metadata(src, meta or {}, Path(content_root), Path(article_dir), str))


@dataclass(frozen=True)
class Credit:
    """The caption the site shows under a picture of an article, and where its credit is
    written."""

    src: str  # the picture, as the article writes it (its first use)
    caption: str  # what shows: "图片：张三 / CC BY 4.0"
    path: str  # the file the credit is written in: the article (front matter) or the sidecar
    line: int  # the credit's line and column there
    column: int
    offset: int = len(_CAPTION)  # where the credit starts in the caption


def picture_credits(
    path: str, text: str, meta: dict, content_root: Path, article_dir: Path
) -> list[Credit]:
    """The captions the pictures of one article get (`path`, `text`, `meta`, `content_root`,
    `article_dir` as for image_findings), in order, each picture once."""
    meta = meta if isinstance(meta, dict) else {}
    article_dir = Path(article_dir)
    article = _Article(
        path, meta, Path(content_root), article_dir, 0, _project_root(path, article_dir)
    )
    out: list[Credit] = []
    seen: set[str] = set()
    parsed: tuple | None = None
    for r in _refs(markdown.read(text)):
        src = r.src.strip()
        key = _key(src, article.content_root, article_dir)
        if not src or key in seen:
            continue
        seen.add(key)
        info = _metadata(src, meta, article.content_root, article_dir, article.shown)
        caption = _caption(info)
        if caption is None:
            continue
        origin = info.origin.get("credit", "front matter")
        if origin == "front matter":
            parsed = parsed or front_matter.parse(text, path)
            loaded = parsed[0][1] if parsed[0] else None
            where = _value_position(loaded, "images", info.entry, "credit") if loaded else (1, 1)
            out.append(Credit(src, caption, path, *where))
        else:
            out.append(Credit(src, caption, origin, *info.positions.get("credit", (1, 1))))
    return out


def _value_position(loaded: Loaded, *path: Any) -> tuple[int, int]:
    """File line and column (1-based, inside its quotes) of the value at `path` of a YAML
    document; its nearest parent's line when the value is not there."""
    node = loaded.node
    for step in path:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            return loaded.line_of(*path), 1
    quoted = isinstance(node, ScalarNode) and node.style in ("'", '"')
    return loaded.first_line + node.start_mark.line, node.start_mark.column + 1 + quoted


# -- findings ------------------------------------------------------------------------------------


def _project_root(path: str, article_dir: Path) -> Path | None:
    parts = PurePosixPath(path.replace("\\", "/")).parent.parts
    if os.path.isabs(article_dir):  # the same answer for every article of a folder: asked once
        return _root_of(parts, os.fspath(article_dir))
    return _root_of.__wrapped__(parts, article_dir)


@lru_cache(maxsize=256)
def _root_of(parts: tuple[str, ...], article_dir: str | Path) -> Path | None:
    """The project root, where an article in the folder `parts` (relative to it) is in
    `article_dir`."""
    d = Path(os.path.abspath(article_dir))
    if not parts:
        return d
    if len(parts) <= len(d.parts) and tuple(d.parts[-len(parts) :]) == parts:
        return d.parents[len(parts) - 1]
    return None


@dataclass(frozen=True)
class _Article:
    """The article whose pictures are checked: where its files are, how its findings name them."""

    path: str  # relative to the project root
    meta: dict
    content_root: Path
    article_dir: Path
    base_line: int  # lines before the body (the front matter)
    root: Path | None  # the project root, where the article's path tells it

    def shown(self, p: Path) -> str:
        """A file as findings name it: relative to the project root where it can be."""
        p = Path(os.path.abspath(p))
        base = self.root if self.root is not None else Path(os.path.abspath(self.article_dir))
        try:
            rel = os.path.relpath(p, base)
        except ValueError:  # another drive
            return str(p)
        if self.root is not None or not rel.startswith(".."):
            return rel.replace(os.sep, "/")
        return str(p)

    def finding(
        self,
        r: ImageRef,
        rule: str,
        category: str,
        level: str,
        message: str,
        suggestion: str,
        basis: str,
    ) -> Finding:
        """A finding at the src of an image reference."""
        return Finding.on_line(
            self.path,
            self.base_line + r.line,
            column=r.column,
            end_column=max(r.end_column, r.column),
            match=clipped(r.src),
            rule=rule,
            category=category,
            level=level,
            message=message,
            suggestion=suggestion,
            basis=basis,
        )


def image_findings(
    path: str,
    text: str,
    meta: dict,
    content_root: Path,
    article_dir: Path,
    hashes: PictureHashes | None = None,
) -> list[Finding]:
    """Licence, credit, consent and duplicate findings for the images of one article.

    `path`: the article relative to the project root (findings name it); `text`: the whole file;
    `meta`: its parsed front matter; relative image paths resolve from `article_dir`, paths starting
    with '/' from `content_root` (where duplicates are also looked for); `hashes`: the pictures'
    hashes known so far (a run's articles share one; default: a new one).
    """
    meta = meta if isinstance(meta, dict) else {}
    article_dir = Path(article_dir)
    # The whole file is read (load/markdown.py knows where MkDocs ends the front matter): lines are
    # the file's own, so no offset is added.
    article = _Article(
        path, meta, Path(content_root), article_dir, 0, _project_root(path, article_dir)
    )
    out = _front_matter_findings(path, text, meta)
    seen: set[str] = set()
    local: dict[str, ImageRef] = {}  # resolved path -> first reference
    st = markdown.read(text)
    out += _linked_file_findings(article, st)
    for r in _refs(st):
        key = _key(r.src.strip(), article.content_root, article.article_dir)
        if key in seen:
            continue  # one set of findings per picture, at its first use
        seen.add(key)
        out += _picture_findings(article, r, local)
    out += _duplicate_findings(article, local, hashes or PictureHashes())
    out.sort(key=lambda f: (f.line, f.column, f.rule))
    return out


def _picture_findings(article: _Article, r: ImageRef, local: dict[str, ImageRef]) -> list[Finding]:
    """What is wrong with one picture (at its first use); a local file found is noted in `local`."""
    src = r.src.strip()
    kind = _kind(src)
    name = clipped(src, 80)
    unusable = _unusable_source(article, r, src, kind, name)
    if unusable is not None:
        return [unusable]
    if kind == "local":
        local.setdefault(str(_local_path(src, article.content_root, article.article_dir)), r)
    info = _metadata(src, article.meta, article.content_root, article.article_dir, article.shown)
    out = []
    if kind == "external":
        licensed = info.entry is not None and bool(_text(info.fields.get("licence")))
        out.append(_external_finding(article, r, name, licensed))
        if not licensed:
            return out
    if info.sidecar_problem is not None:
        out.append(_sidecar_finding(article, r, info.sidecar_problem))
        if "licence" not in info.fields:
            return out  # the broken sidecar is the one thing to fix first
    if _text(info.fields.get("licence")) == "":
        return [*out, _licence_missing_finding(article, r, src, kind, name)]
    out += _licence_findings(article, r, info, name)
    out += _record_findings(article, r, info, name)
    return out


def _unusable_source(
    article: _Article, r: ImageRef, src: str, kind: str, name: str
) -> Finding | None:
    """An empty src, one whose origin cannot be checked (data:, another scheme), a missing file."""
    if not src:
        return article.finding(
            r,
            "image/file-missing",
            "image-licence",
            "error",
            "图片地址是空的",
            "填写图片路径（相对于文章所在目录），或删除这个图片标记",
            BASIS_COPYRIGHT,
        )
    if kind in ("data", "other"):
        what = "内嵌（data:）图片" if kind == "data" else f"图片地址 {name}"
        return article.finding(
            r,
            "image/unsupported-src",
            "image-licence",
            "error",
            f"{what}无法核对版权来源",
            "把图片保存为文件放在文章旁的 images/ 目录，"
            "再在 front matter 的 images: 中写明 licence、source",
            BASIS_COPYRIGHT,
        )
    if kind == "local":
        file = _local_path(src, article.content_root, article.article_dir)
        problems = _file_problems(article, file)
        if problems and os.path.lexists(file):
            return article.finding(
                r,
                "image/file-unusable",
                "image-licence",
                "error",
                problems[0].message,
                problems[0].hint,
                BASIS_COPYRIGHT,
            )
        if problems:
            shown = article.shown
            return article.finding(
                r,
                "image/file-missing",
                "image-licence",
                "error",
                f"找不到图片文件 {name}（应在 {shown(file)}）",
                "检查路径和文件名（包括大小写）；"
                f"路径相对于文章所在目录，以 / 开头时相对于 {shown(article.content_root)}/",
                BASIS_COPYRIGHT,
            )
        if not publishable(file.name):
            return _kind_finding(article, r, name)
    return None


# What a site may carry of the files a writer shows or links to: pictures a browser shows as
# pictures, and PDF documents (a leaflet: no check reads its text, so its reviewers read it; their
# approval covers its bytes). An SVG or HTML file opened at its own address runs its scripts on the
# site's origin; text, data and archive files carry text no check reads and no patient needs.
PUBLISHED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf")


def publishable(name: str) -> bool:
    """Whether a file under content/ that an article shows or links to may be on a site."""
    return name.lower().endswith(PUBLISHED_SUFFIXES)


def _kind_finding(article: _Article, r: ImageRef, name: str) -> Finding:
    return article.finding(
        r,
        "file/kind-not-published",
        "file",
        "error",
        f"文件 {name} 的类型不能发布到网站：只有 PNG、JPEG、GIF、WebP、AVIF 图片和 PDF 文档可以；"
        "SVG、HTML、文本、表格、压缩包等文件里的文字没有检查能读到（SVG 和 HTML 还能运行脚本）",
        "图片请另存为 PNG 或 JPEG，资料请另存为 PDF（审核人须逐页读过），或把内容写进文章正文",
        "SmilePress 内容模型",
    )


def _file_problems(article: _Article, file: Path) -> list[Problem]:
    """Why a file the article shows or links to cannot be published: not a regular file in
    content/ (load/files.py), or missing."""
    root = article.content_root
    return regular_file(root, os.path.relpath(file, root), article.shown(file))[1]


def _linked_file_findings(article: _Article, st: markdown.Structure) -> list[Finding]:
    """A file under content/ the article links to (a download, a picture in an <a>) that is there
    but is no regular file: the site would not carry it, so the article waits for a real file.
    Pages (.md) and folders are their own matter; missing files are MkDocs' warning."""
    images = {(t.start, t.end) for t in markdown.images(st)}
    targets = []
    for t in markdown.references(st):
        src = t.value.strip()
        if (t.start, t.end) in images or _kind(src) != "local" or not src:
            continue
        path = unquote(re.split(r"[?#]", src, maxsplit=1)[0])
        if not path or path.endswith(("/", ".md")):
            continue
        targets.append(t)
    out, seen = [], set()
    for r in _refs(st, targets):
        file = _local_path(r.src.strip(), article.content_root, article.article_dir)
        if file in seen or not os.path.lexists(file) or (file.is_dir() and not file.is_symlink()):
            continue
        seen.add(file)
        if not _file_problems(article, file) and not publishable(file.name):
            out.append(_kind_finding(article, r, clipped(r.src.strip(), 80)))
        for p in _file_problems(article, file):
            out.append(
                article.finding(
                    r,
                    "link/file-unusable",
                    "file",
                    "error",
                    f"链接的文件：{p.message}",
                    p.hint,
                    "SmilePress 内容模型",
                )
            )
    return out


def _external_finding(article: _Article, r: ImageRef, name: str, licensed: bool) -> Finding:
    """An image on another site: an error without a licence in the front matter, else a warning."""
    if not licensed:
        return article.finding(
            r,
            "image/external",
            "image-licence",
            "error",
            f"外站图片 {name} 没有版权信息；也不建议直接引用外站图片（盗链）："
            "对方可能随时更换或删除，并会得知本站访客的访问",
            "把图片下载到文章旁的 images/ 目录并写明 licence、source；"
            f"确需外链时，在 front matter 的 images: 中为 {name} 写明 licence、source"
            "（CC 图片还要写 credit）",
            BASIS_EXTERNAL,
        )
    return article.finding(
        r,
        "image/external",
        "image-licence",
        "warning",
        f"外站图片 {name}：不建议直接引用外站图片（盗链），"
        "对方可能随时更换或删除，并会得知本站访客的访问",
        "把图片下载到文章旁的 images/ 目录，src 改为本地路径（版权信息照抄）",
        BASIS_EXTERNAL,
    )


def _sidecar_finding(article: _Article, r: ImageRef, p: Problem) -> Finding:
    where = f"{p.path} 第 {p.line} 行：" if p.line else ""  # line 0: the file itself, named
    return article.finding(
        r,
        "image/sidecar-invalid",
        "image-licence",
        "error",
        f"图片说明文件 {where}{p.message}",
        p.hint or f"修正 {p.path}，例如写成：licence: own 和 source: 本院设计组绘制",
        BASIS_COPYRIGHT,
    )


def _licence_missing_finding(
    article: _Article, r: ImageRef, src: str, kind: str, name: str
) -> Finding:
    sidecar_name = f"{PurePosixPath(src.split('?')[0].split('#')[0]).name}.yml"
    where_to_write = f"在 front matter 的 images: 中为 {name} 写明 licence、source" + (
        "" if kind == "external" else f"，或在图片旁放 {sidecar_name}"
    )
    return article.finding(
        r,
        "image/licence-missing",
        "image-licence",
        "error",
        f"图片 {name} 没有版权信息（licence）",
        f"{where_to_write}；licence 可选 {_MAIN_LICENCES} 等",
        BASIS_COPYRIGHT,
    )


def _licence_findings(article: _Article, r: ImageRef, info: _Meta, name: str) -> list[Finding]:
    """A licence not in LICENCES, or one whose terms (credit, commercial use) are not met."""
    raw_licence = info.fields.get("licence")
    licence = resolve_licence(raw_licence)
    origin = info.origin.get("licence", "front matter")
    if licence is None:
        hint = ""
        norm = _norm_licence(str(raw_licence))
        versions = [k for k in LICENCES if _norm_licence(k).startswith(norm + "-")]
        if norm.startswith("CC") and versions:
            hint = f"；请写明版本，例如 {versions[0]}"
        return [
            article.finding(
                r,
                "image/licence-unknown",
                "image-licence",
                "error",
                f"图片 {name} 的 licence “{_text(raw_licence)}”不是认可的许可（写在 {origin}）",
                f"licence 只能是 {_MAIN_LICENCES}，"
                "或 CC 其他版本（2.0、2.5、3.0）及 BY-ND、BY-NC-SA、"
                f"BY-NC-ND{hint}；不确定授权时不要使用这张图片",
                BASIS_COPYRIGHT,
            )
        ]
    out = []
    if licence.credit and not _text(info.fields.get("credit")):
        out.append(
            article.finding(
                r,
                "image/credit-missing",
                "image-licence",
                "error",
                f"图片 {name} 使用 {licence.label} 许可，必须署名，但没有写 credit",
                f"在 {'front matter 的 images: 中' if origin == 'front matter' else f'{origin} 中'}"
                f"为 {name} 写明 credit（作者或权利人姓名），"
                f"网页上会显示“图片：作者 / {licence.label}”",
                BASIS_CREDIT,
            )
        )
    if not licence.commercial:
        is_ad = article.meta.get("type") == "ad"
        out.append(
            article.finding(
                r,
                "image/non-commercial",
                "image-licence",
                "error" if is_ad else "warning",
                f"图片 {name} 使用 {licence.label} 许可，只允许非商业性使用"
                + ("，不能用于广告" if is_ad else "；本院网站属于商业用途的可能很大"),
                "换一张 own、purchased、CC0 或 CC-BY/CC-BY-SA 的图片，"
                "或取得作者的商用授权后把 licence 改为 purchased",
                BASIS_NC,
            )
        )
    return out


def _record_findings(article: _Article, r: ImageRef, info: _Meta, name: str) -> list[Finding]:
    """What the picture's record lacks besides the licence: its source, a patient's consent; and
    fields it should not have."""
    out = []
    if not _text(info.fields.get("source")):
        out.append(
            article.finding(
                r,
                "image/source-missing",
                "image-licence",
                "warning",
                f"图片 {name} 没有写来源（source）",
                "写明出处：原图网址、图库订单号，或本院的作者/部门（例如 本院设计组绘制），"
                "便于日后核对授权",
                BASIS_COPYRIGHT,
            )
        )
    if _truthy(info.fields.get("patient")) and not (
        _text(info.fields.get("consent_ref")) or _text(article.meta.get("consent_ref"))
    ):
        out.append(
            article.finding(
                r,
                "image/patient-consent",
                "consent",
                "error",
                f"图片 {name} 是患者照片（patient: true），但没有知情同意书编号（consent_ref）",
                "取得患者书面同意（肖像及健康信息的使用）后，"
                "在该图片的元数据或文章 front matter 中写 consent_ref；"
                "没有同意书时不得使用这张照片",
                BASIS_CONSENT,
            )
        )
    unknown = sorted(k for k in info.fields if k not in FIELDS)
    if unknown:
        out.append(
            article.finding(
                r,
                "image/unknown-field",
                "image-licence",
                "warning",
                f"图片 {name} 的元数据有不认识的字段：{'、'.join(unknown)}",
                "可用字段：src、licence、source、credit、patient、consent_ref；"
                "检查是否拼错（例如 consent 应为 consent_ref）",
                "SmilePress 图片版权登记格式",
            )
        )
    return out


def _front_matter_findings(path: str, text: str, meta: dict) -> list[Finding]:
    images = meta.get("images")
    if images is None:
        return []
    out = []

    def line_of(*keys) -> int:
        try:
            from ..load.front_matter import parse

            parsed, _ = parse(text, path)
            return 2 if parsed is None else parsed[1].line_of(*keys)
        except Exception:  # noqa: BLE001 (a line number is a nicety)
            return 2

    def add(line: int, message: str, suggestion: str) -> None:
        out.append(
            Finding.on_line(
                path,
                line,
                rule="image/front-matter",
                category="image-licence",
                level="error",
                message=message,
                suggestion=suggestion,
                basis=BASIS_COPYRIGHT,
            )
        )

    example = (
        "例如：images: 下一行写 - src: images/x.png，"
        "再缩进写 licence: own 和 source: 本院设计组绘制"
    )
    if not isinstance(images, list):
        add(
            line_of("images"),
            "front matter 的 images: 必须是列表，每项写一张图片的 src、licence、source",
            example,
        )
        return out
    for index, entry in enumerate(images):
        if not isinstance(entry, dict):
            add(
                line_of("images", index),
                f"images: 的第 {index + 1} 项必须是“字段: 值”的映射",
                example,
            )
        elif not isinstance(entry.get("src"), str) or not entry["src"].strip():
            add(
                line_of("images", index),
                f"images: 的第 {index + 1} 项没有 src（图片路径或网址）",
                "写明 src：与正文中图片的写法相同，例如 images/x.png",
            )
    return out


# -- duplicates ----------------------------------------------------------------------------------

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")


def _compute_phash(data: bytes) -> int | None:
    from PIL import Image, ImageOps, ImageStat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (128, 128))  # JPEG: decode at 1/2..1/8 scale, enough for a 32x32 hash
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                rgba = im.convert("RGBA")
                flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                flat.alpha_composite(rgba)
                im = flat.convert("RGB")
            gray = im.convert("L")
            if ImageStat.Stat(gray.resize((32, 32))).stddev[0] < 2.0:
                return None  # a blank or flat image: every such image would hash alike
            return phash(gray.resize((PHASH_SIZE, PHASH_SIZE), Image.Resampling.LANCZOS))


PHASH_SIZE = 32  # the picture is shrunk to 32x32; its 8x8 lowest frequencies make the 64 bits
PHASH_BITS = 8


@lru_cache(maxsize=1)
def _dct_rows():
    """The first 8 rows of the 32-point DCT-II matrix: cos(pi k (2n+1) / 64).

    scipy's dct is this times 2; a positive factor does not move a value across the median."""
    import numpy as np

    k = np.arange(PHASH_BITS)[:, None]
    n = np.arange(PHASH_SIZE)[None, :]
    return np.cos(np.pi * k * (2 * n + 1) / (2 * PHASH_SIZE))


def phash(small) -> int:
    """imagehash.phash of a 32x32 grayscale picture: the low 8x8 block of its 2-D DCT, each
    coefficient above the block's median a 1, read row by row, first bit highest."""
    import numpy as np

    pixels = np.asarray(small, dtype=np.float64)
    dct = _dct_rows()
    low = dct @ pixels @ dct.T
    bits = (low > np.median(low)).ravel()
    return int("".join("1" if b else "0" for b in bits), 2)


class PictureHashes:
    """Perceptual hashes of picture files, for whoever holds this (a Project: one run).

    Hashes are kept by SHA-256 of the file's bytes (None: not a picture, or a blank one), file
    digests by (path, size, mtime): while it is held, a file is read and hashed once, and the
    duplicate pairs under a content folder are recomputed only when a file changes.
    """

    def __init__(self) -> None:
        self.hashes: dict[str, int | None] = {}
        self.digests: dict[tuple[str, int, int], str] = {}
        self.pairs: dict[str, tuple[tuple, list[tuple[Path, Path, int]]]] = {}
        self.unavailable = False  # Pillow is not installed: duplicates were not looked for

    def phash(self, path: Path) -> int | None:
        """The picture's hash; None for a blank picture, or a file Pillow or SmilePress cannot read
        (only regular files are read: load/files.py)."""
        folder, name = Path(path).parent, Path(path).name
        st, _ = regular_file(folder, name)
        if st is None:
            return None
        key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
        data = None
        digest = self.digests.get(key)
        if digest is None:
            data, _ = read_bytes(folder, name)
            if data is None:
                return None
            digest = self.digests[key] = hashlib.sha256(data).hexdigest()
        if digest not in self.hashes:
            if data is None:
                data, _ = read_bytes(folder, name)
                if data is None:
                    return None
            try:
                self.hashes[digest] = _compute_phash(data)
            except ImportError:
                raise
            except Exception:  # noqa: BLE001 (Pillow cannot read it: no hash, no duplicate)
                self.hashes[digest] = None
        return self.hashes[digest]

    def project_pairs(self, content_root: Path, extra: list[str]) -> list[tuple[Path, Path, int]]:
        """Duplicate pairs among all images under content_root (and `extra` files), recomputed only
        on change."""
        files = _images_under(content_root) if content_root.is_dir() else []
        known = {f[0] for f in files}
        for e in extra:
            e = os.path.normpath(os.path.abspath(e))
            if e not in known:
                st, _ = regular_file(Path(e).parent, Path(e).name)
                if st is None:
                    continue
                files.append((e, st.st_size, st.st_mtime_ns))
                known.add(e)
        signature = tuple(sorted(files))
        cache_key = os.path.abspath(content_root)
        cached = self.pairs.get(cache_key)
        if cached is not None and cached[0] == signature:
            return cached[1]
        pairs = duplicate_images([Path(f[0]) for f in signature], hashes=self)
        self.pairs[cache_key] = (signature, pairs)
        return pairs


def duplicate_images(
    paths: list[Path], max_distance: int = 6, hashes: PictureHashes | None = None
) -> list[tuple[Path, Path, int]]:
    """Pairs of files that show the same picture: (earlier path, later path, Hamming distance of
    pHashes).

    Each pair once, sorted by path; the same file given twice is one file. Files Pillow cannot read,
    and blank images, are never duplicates. `hashes`: hashes already known (default: none).
    """
    hashes = hashes if hashes is not None else PictureHashes()
    items: list[tuple[str, Path, int]] = []
    seen: set[str] = set()
    for p in paths:
        p = Path(p)
        key = os.path.normpath(os.path.abspath(p))
        if key in seen:
            continue
        seen.add(key)
        h = hashes.phash(p)
        if h is not None:
            items.append((p.as_posix(), p, h))
    items.sort(key=lambda t: t[0])
    pairs: list[tuple[Path, Path, int]] = []
    if len(items) < 2:
        return pairs
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None and hasattr(np, "bitwise_count") and max(h for _, _, h in items) < 2**64:
        hashes = np.array([h for _, _, h in items], dtype=np.uint64)
        for i in range(len(items) - 1):
            distances = np.bitwise_count(hashes[i + 1 :] ^ hashes[i])
            for j in np.nonzero(distances <= max_distance)[0]:
                pairs.append((items[i][1], items[i + 1 + int(j)][1], int(distances[j])))
    else:
        for i, (_, a, ha) in enumerate(items):
            for _, b, hb in items[i + 1 :]:
                d = (ha ^ hb).bit_count()
                if d <= max_distance:
                    pairs.append((a, b, d))
    return pairs


def _images_under(root: Path) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of each picture file under `root` that may be read (any other is
    reported where an article uses it)."""
    found = []
    for path in listing(root, lambda name: name.lower().endswith(IMAGE_SUFFIXES)):
        st, _ = regular_file(path.parent, path.name)
        if st is not None:
            found.append((os.path.normpath(os.path.abspath(path)), st.st_size, st.st_mtime_ns))
    return found


def _duplicate_findings(
    article: _Article, local: dict[str, ImageRef], hashes: PictureHashes
) -> list[Finding]:
    if not local:
        return []
    shown = article.shown
    try:
        pairs = hashes.project_pairs(article.content_root, list(local))
    except ImportError:  # Pillow not installed: the licence checks still ran
        hashes.unavailable = True
        return []
    mine = {os.path.normpath(os.path.abspath(k)): r for k, r in local.items()}
    out = []
    for a, b, distance in pairs:
        r = mine.get(os.path.normpath(os.path.abspath(b)))
        if r is None:
            continue  # each pair once: on the article that uses the later path
        how = "感知哈希相同" if distance == 0 else f"感知哈希只差 {distance}/64 位"
        out.append(
            article.finding(
                r,
                "image/duplicate",
                "image-duplicate",
                "warning",
                f"图片 {shown(b)} 与 {shown(a)} 是同一张图片（{how}，可能只是缩放或重新压缩过）",
                f"只保留一个文件，两处都引用 {shown(a)}，版权信息也只写一处；"
                "确实是不同的图片时可忽略此提示",
                BASIS_DUPLICATE,
            )
        )
    return out
