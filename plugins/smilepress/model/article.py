"""The content model: an article is a Markdown file under content/ with YAML front matter.

`load_article` always returns an Article; whatever is wrong with the file is in `problems`, so a bad
file is reported and kept out of the public site while the other files are processed. What an
approval must match, `digest`, also covers the article's pictures and linked files: `with_assets`
adds them (Project.load finds them, checks/assets.py); from the text alone there is `text_digest`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from yaml.nodes import SequenceNode

from ..errors import Problem
from ..load import front_matter
from ..load.history import ApprovalKey, approval_key
from ..load.source import read_source
from .policies import Policies

# Front-matter fields. The first group is fixed by the department; the rest are what the workflow
# needs.
FIELDS = (
    "title",
    "type",
    "status",
    "author",
    "publish_date",
    "expiry_date",
    "review_by",
    "tags",
    "description",
    "slug",
    "channels",
    "approvals",
    "audience",
    "ad_approval_number",
    "consent_ref",
    "sources",
    "images",
)  # originality: where medical facts come from; image licences
AUDIENCES = ("public", "internal")
# What an approval covers: everything that is published, i.e. all fields but these.
NOT_APPROVED_FIELDS = frozenset({"status", "approvals"})
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RAW_STATUS = re.compile(r"^status\s*:\s*['\"]?([A-Za-z_-]+)", re.M)


class Asset(NamedTuple):
    """A file an approval covers besides the text, as it is now."""

    path: str  # relative to content/, posix
    sha256: str | None  # of its bytes; None when there is no regular file to read
    state: str = ""  # why there is none: missing, not-regular (symlink, FIFO…), outside, unreadable

    @property
    def covered(self) -> str:
        """What the digest takes from it: the bytes' hash, or the state (so a file that appears,
        or turns into a symlink, changes the digest too)."""
        return self.sha256 if self.sha256 is not None else self.state or "missing"


@dataclass(frozen=True)
class Approval:
    by: str
    role: str
    at: str
    digest: str
    line: int
    review_by: dt.date | None = None  # set by a re-review: the medical content's next review date
    review: str = ""  # a forge review recorded by CI ("github:123"), empty for a signed approval

    @property
    def re_review(self) -> bool:
        return self.review_by is not None

    @property
    def key(self) -> ApprovalKey:
        """What a commit must have added for this approval to be proven."""
        return approval_key(self.by, self.role, self.digest, self.review_by, self.review, self.at)


@dataclass(frozen=True)
class Article:
    path: str  # relative to the project root, posix
    src_uri: str  # relative to content/, posix (what MkDocs calls it)
    meta: dict[str, Any]  # the raw front matter (empty if it could not be read)
    body: str = ""
    body_line: int = 1
    text: str = ""  # the whole file as read (what the compliance checks look at)
    title: str = ""
    type: str = ""
    status: str = ""
    authors: tuple[str, ...] = ()
    publish_date: dt.date | None = None
    expiry_date: dt.date | None = None
    review_by: dt.date | None = None
    tags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ("website",)
    audience: str = "public"
    approvals: tuple[Approval, ...] = ()
    text_digest: str = ""  # the text part of the digest (text_digest): title, body, front matter
    assets: tuple[Asset, ...] = ()  # pictures, licence sidecars, linked files (with_assets)
    digest: str = ""  # what an approval must match: text and assets; "" until assets are looked at
    problems: tuple[Problem, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> file line

    @property
    def readable(self) -> bool:
        """The file was read and its front matter parsed (it may still have invalid fields)."""
        return bool(self.meta)

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)

    @property
    def display_title(self) -> str:
        return self.title or Path(self.src_uri).stem

    @property
    def claimed_status(self) -> str:
        """The status the file means to have, for reports: as parsed, else read from the raw text (a
        file whose front matter cannot be parsed, `Published`). Such a file has an error, so the
        gate keeps it off."""
        if self.ok:
            return self.status
        match = _RAW_STATUS.search(self.text[:4000])
        return (match.group(1) if match else self.status).lower()


# -- what an approval approves -------------------------------------------------------------------
#
# Version 2 (issue 14): the text (title, body, every published front-matter field) and the article's
# own assets: each picture it shows, each picture's licence sidecar, each non-Markdown file under
# content/ it links to, by path and SHA-256. An approval records `sha256:v2:<32 hex>`; an older
# version (v1: `sha256:<32 hex>`, the text alone) no longer counts. A change of what the digest
# covers gets a new version, so an old approval is told apart from a changed text.

DIGEST_VERSION = 2
_DIGEST = re.compile(r"^sha256:(?:v(?P<version>[1-9][0-9]*):)?[0-9a-f]{16,64}$")


def text_digest(meta: dict[str, Any], body: str) -> str:
    """Digest of the text part: title, body and every published front-matter field.

    Computed from a file's text alone (for historical versions from git too). Over parsed values
    (so re-quoting or a comment changes nothing) and over the body with normalised line endings (so
    a CRLF checkout changes nothing either).
    """
    published = {str(k): v for k, v in meta.items() if k not in NOT_APPROVED_FIELDS}
    body = body.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    payload = json.dumps(
        {"meta": published, "body": body}, ensure_ascii=False, sort_keys=True, default=str
    )
    return "text-sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def digest_of(text: str, assets: tuple[Asset, ...] | list[Asset]) -> str:
    """The versioned digest an approval records: of the text part's digest and the asset list."""
    listed = sorted({(a.path, a.covered) for a in assets})
    payload = json.dumps(
        {"version": DIGEST_VERSION, "text": text, "assets": listed}, ensure_ascii=False
    )
    return f"sha256:v{DIGEST_VERSION}:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def content_digest(meta: dict[str, Any], body: str, assets: tuple[Asset, ...] = ()) -> str:
    """Digest of what an approval approves (version DIGEST_VERSION): the text and `assets`."""
    return digest_of(text_digest(meta, body), assets)


def digest_version(digest: str) -> int | None:
    """The version a recorded digest was made with (1: the unversioned `sha256:<hex>`), or None
    for a string that is no digest at all."""
    match = _DIGEST.match(digest.strip()) if isinstance(digest, str) else None
    if match is None:
        return None
    return int(match.group("version")) if match.group("version") else 1


def with_assets(article: Article, assets: tuple[Asset, ...]) -> Article:
    """`article` with its assets looked at: now it has the digest an approval must match."""
    assets = tuple(sorted(set(assets), key=lambda a: (a.path, a.covered)))
    return replace(article, assets=assets, digest=digest_of(article.text_digest, assets))


def parse_date(value: Any) -> dt.date | None:
    """Dates are YYYY-MM-DD (a time part, if present, is ignored: the gate works in days)."""
    if isinstance(value, dt.datetime):  # an explicit !!timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return (
            dt.date.fromisoformat(text[:10])
            if len(text) == 10 or text[10:11] in ("T", " ")
            else None
        )
    except ValueError:
        return None


class _Fields:
    """Validates the front matter of one article against the schema and the policies."""

    def __init__(self, rel: str, meta: dict, lines: dict[str, int], policies: Policies):
        self.rel, self.meta, self.lines, self.policies = rel, meta, lines, policies
        self.problems: list[Problem] = []
        self.misspelt: set[str] = set()

    def fail(self, key: str, message: str, hint: str = "", level: str = "error") -> None:
        self.problems.append(Problem(self.rel, self.lines.get(key, 2), message, hint, level))

    def text(self, key: str, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None:
            if required and key not in self.misspelt:
                self.fail(key, f"缺少字段 {key}", f"请在 front matter 中写 {key}: …")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail(
                key, f"字段 {key} 应该是一段文字", f"写成 {key}: 一段话；若含冒号或方括号，请加引号"
            )
            return ""
        return str(value).strip()

    def choice(self, key: str, allowed: dict | tuple, what: str, default: str = "") -> str:
        value = self.text(key, required=not default) or default
        if value and value not in allowed:
            lower = [a for a in allowed if a.lower() == value.lower()]
            close = lower or difflib.get_close_matches(value, list(allowed), n=1)
            hint = (
                f"应写 '{close[0]}'（区分大小写）" if close else f"可用的有：{', '.join(allowed)}"
            )
            self.fail(key, f"未知的{what} '{value}'", hint)
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.meta.get(key)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.fail(
                key, f"字段 {key} 的日期 '{value}' 无效", "请写成 YYYY-MM-DD，例如 2026-12-01"
            )
        return parsed

    def sources(self) -> None:
        """`sources:` is a list; each is a citation text or {title, url, …}; URLs are checked for
        form only."""
        value = self.meta.get("sources")
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(
                "sources",
                "sources 应该是列表",
                "例如 sources: ['《牙周病学》第5版', {title: 指南名称, url: https://…}]",
            )
            return
        for item in value:
            title, url = (
                (item, "")
                if isinstance(item, str)
                else (
                    (str(item.get("title", "")), str(item.get("url", "")))
                    if isinstance(item, dict)
                    else ("", "")
                )
            )
            if not (title.strip() or url.strip()):
                self.fail(
                    "sources",
                    "sources 的每一项都要写出处（书名、指南名或网址）",
                    "例如 - {title: 指南名称, url: https://…}",
                    level="warning",
                )
            elif url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
                self.fail(
                    "sources",
                    f"出处网址 {url} 格式不对",
                    "网址应以 http:// 或 https:// 开头",
                    level="warning",
                )

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
        ):
            self.fail(key, f"字段 {key} 应该是文字列表", f"例如 {key}: [a, b]")
            return ()
        return tuple(str(v).strip() for v in value)

    def people(self, key: str, required: bool) -> tuple[str, ...]:
        ids = self.strings(key)
        if required and not ids and key not in self.misspelt:
            self.fail(
                key,
                f"缺少字段 {key}",
                "写上作者在 policies/people.yml 中的 id，例如 author: lixiaoyu",
            )
        for pid in ids:
            if pid not in self.policies.people:
                close = difflib.get_close_matches(pid, list(self.policies.people), n=1)
                self.fail(
                    key,
                    f"未知人员 '{pid}'",
                    f"是否想写 '{close[0]}'？" if close else "人员须登记在 policies/people.yml",
                )
        return ids

    def approvals(self) -> tuple[Approval, ...]:
        value = self.meta.get("approvals")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(
                "approvals", "approvals 应该是列表", "请用 smilepress approve 添加批准，不要手写"
            )
            return ()
        result = []
        for i, item in enumerate(value):
            line = self.lines.get(f"approvals.{i}", self.lines.get("approvals", 2))
            if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) for k in ("by", "role", "digest")
            ):
                self.problems.append(
                    Problem(
                        self.rel,
                        line,
                        f"第 {i + 1} 条批准格式不对（需要 by、role、at、digest）",
                        "请用 smilepress approve 添加批准，不要手写",
                    )
                )
                continue
            review_by = parse_date(item["review_by"]) if "review_by" in item else None
            if "review_by" in item and review_by is None:
                self.problems.append(
                    Problem(
                        self.rel,
                        line,
                        f"第 {i + 1} 条批准的 review_by '{item['review_by']}' 不是日期",
                        "复审记录请用 smilepress approve --re-review 添加，不要手写",
                    )
                )
                continue
            result.append(
                Approval(
                    item["by"],
                    item["role"],
                    str(item.get("at", "")),
                    item["digest"],
                    line,
                    review_by,
                    str(item.get("review") or ""),
                )
            )
        return tuple(result)


def _key_lines(loaded) -> dict[str, int]:
    lines = {}
    for key_node, value_node in getattr(loaded.node, "value", []):
        lines[str(key_node.value)] = loaded.first_line + key_node.start_mark.line
        if key_node.value == "approvals" and isinstance(value_node, SequenceNode):
            for i, item in enumerate(value_node.value):
                lines[f"approvals.{i}"] = loaded.first_line + item.start_mark.line
    return lines


def load_article(root: Path, rel: str, src_uri: str, policies: Policies) -> Article:
    """Read and validate the article `rel` of the project at `root`; never raises for a bad file
    (one that is not a regular file, a symlink above all, is never read: load/files.py)."""
    source, problems = read_source(root, rel)
    if source is None:
        return Article(rel, src_uri, {}, problems=tuple(problems))
    return parse_article(source.text, rel, src_uri, policies)


def parse_article(text: str, rel: str, src_uri: str, policies: Policies) -> Article:
    """Validate one article's text (read from disk, or from another branch with git show)."""
    parsed, problems = front_matter.parse(text, rel)
    if parsed is None:
        return Article(rel, src_uri, {}, body=text, text=text, problems=tuple(problems))
    parts, loaded = parsed
    meta, lines = loaded.data, _key_lines(loaded)
    f = _Fields(rel, meta, lines, policies)
    misspelt = set()
    for (
        key_node,
        _,
    ) in loaded.node.value:  # the keys as written (`null:` is the text null, not None)
        key = str(key_node.value)
        if key not in FIELDS:
            close = difflib.get_close_matches(key, FIELDS, n=1)
            f.fail(
                key,
                f"未知字段 '{key}'",
                f"是否想写 '{close[0]}'？" if close else f"可用字段：{', '.join(FIELDS)}",
            )
            misspelt.update(c for c in close if c not in meta)
    f.misspelt = (
        misspelt  # a missing field already explained as a misspelling is not reported twice
    )
    type_ = f.choice("type", policies.types, "内容类型")
    title = f.text("title", required=True)
    status = f.choice("status", policies.states, "状态")
    # Every type names its author, a page too: four eyes compares each approver with the authors
    authors = f.people("author", required=type_ in policies.types)
    slug = f.text("slug")
    if slug and not SLUG_PATTERN.match(slug):
        f.fail("slug", f"slug '{slug}' 只能用小写字母、数字和连字符", "例如 zhongzhiya-shuhou-huli")
    f.text("description")
    channels = f.strings("channels") or ("website",)
    for channel in channels:
        if channel not in policies.channels:
            f.fail("channels", f"未知渠道 '{channel}'", f"可用渠道：{', '.join(policies.channels)}")
    audience = f.choice("audience", AUDIENCES, "受众", default="public")
    if audience == "internal" and type_ != "page":
        f.fail(
            "audience",
            "只有普通页面（type: page）可以设为 audience: internal",
            "文章面向公众，删除 audience 字段",
        )
    f.sources()
    rule = policies.types.get(type_)
    for required in rule.required_fields if rule else ():
        if not f.text(required):
            f.fail(
                "type", f"{rule.name}必须填写 {required}", f"请在 front matter 中加 {required}: …"
            )
    return Article(
        path=rel,
        src_uri=src_uri,
        meta=meta,
        body=parts.body,
        body_line=parts.body_line,
        text=text,
        title=title,
        type=type_,
        status=status,
        authors=authors,
        publish_date=f.date("publish_date"),
        expiry_date=f.date("expiry_date"),
        review_by=f.date("review_by"),
        tags=f.strings("tags"),
        channels=channels,
        audience=audience,
        approvals=f.approvals(),
        text_digest=text_digest(meta, parts.body),
        problems=tuple(f.problems),
        lines=lines,
    )
