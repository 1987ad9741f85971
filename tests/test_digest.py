"""Issue 14: an approval's digest covers what renders (digest version 2).

Besides the text (title, body, published front matter), the digest covers the article's own
assets: each picture it shows (Markdown, HTML <img>, front-matter images:), each picture's licence
sidecar, and each non-Markdown file under content/ it links to, by path and SHA-256. Throwaway
projects with their own git history: approvals are made with the CLI, as the approver.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smilepress.cli import main
from smilepress.load import front_matter
from smilepress.model.article import (
    DIGEST_VERSION,
    content_digest,
    digest_of,
    digest_version,
    text_digest,
)
from smilepress.project import Project
from smilepress.report.audit_trail import ASSETS_CHANGED
from smilepress.report.pull_request import STALE, review_summary
from smilepress.workflow.front_matter_edit import append_to_list

A = "content/education/a.md"
TITLE = "种植牙术后护理"
BODY = """术后 24 小时内不要漱口。

![种植步骤](images/steps.png "步骤")

<img src="images/tooth.jpg" alt="牙齿">

[下载护理须知](files/care.pdf)，另见[洗牙常见问题](../faq/xiya.md)。
"""
EXTRA = "images:\n  - {src: images/fm.png, licence: own, source: 本院设计组绘制}\n"
XIYA = "---\ntitle: 洗牙\ntype: faq\nstatus: draft\nauthor: wujia\n---\n\n洗牙。\n"
SIDECAR = "licence: CC-BY-4.0\nsource: https://commons.wikimedia.org/wiki/Tooth.png\ncredit: 张三\n"
FILES = {
    "education/images/steps.png": b"\x89PNG steps v1",
    "education/images/steps.png.yml": SIDECAR.encode(),
    "education/images/tooth.jpg": b"\xff\xd8 tooth v1",
    "education/images/fm.png": b"\x89PNG front matter v1",
    "education/files/care.pdf": b"%PDF-1.4 care v1",
    "faq/xiya.md": XIYA.encode(),
}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def put(factory, rel: str, data: bytes | str) -> None:
    """Write a file under content/."""
    path = factory.root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def load(factory, rel: str = A):
    return Project(factory.root).load(factory.root / rel)


def verdict(factory, rel: str = A):
    project = Project(factory.root)
    (v,) = project.entry(project.load(factory.root / rel)).approvals.verdicts
    return v


def approved(factory, capsys, body: str = BODY, extra: str = EXTRA, files=None):
    """An article with its assets, committed by the writer and approved by the dentist."""
    factory.article("education/a.md", title=TITLE, body=body, extra=extra)
    for rel, data in (FILES if files is None else files).items():
        put(factory, rel, data)
    factory.commit_all("写稿", "lixiaoyu")
    with factory.acting_as("lixiaoyu"):
        assert run(capsys, "submit", A)[0] == 0
    with factory.acting_as("wangliming"):
        code, out, err = run(capsys, "approve", "--role", "dentist", A)
    assert code == 0, out + err
    v = verdict(factory)
    assert v.counts, v.reason
    return factory


# -- what the digest is ----------------------------------------------------------------------------


def test_the_version_is_in_the_string_and_old_ones_are_told_apart(factory):
    factory.article("education/a.md", title=TITLE, body=BODY, extra=EXTRA)
    digest = load(factory).digest
    assert digest.startswith(f"sha256:v{DIGEST_VERSION}:") and len(digest) == 42
    assert digest_version(digest) == DIGEST_VERSION == 2
    assert digest_version("sha256:" + "0123456789abcdef" * 2) == 1  # what approvals recorded
    assert digest_version("sha256:0") is None and digest_version("anything") is None


def test_the_text_part_is_computed_from_the_text_alone(factory):
    path = factory.article("education/a.md", title=TITLE, body=BODY, extra=EXTRA)
    for rel, data in FILES.items():
        put(factory, rel, data)
    article = load(factory)
    (parts, loaded), problems = front_matter.parse(path.read_text(encoding="utf-8"), A)
    assert problems == []
    assert text_digest(loaded.data, parts.body) == article.text_digest
    assert digest_of(article.text_digest, article.assets) == article.digest
    assert content_digest(loaded.data, parts.body, article.assets) == article.digest
    assert content_digest(loaded.data, parts.body) != article.digest  # the assets count


def test_the_assets_are_the_pictures_their_sidecars_and_linked_files(factory):
    factory.article("education/a.md", title=TITLE, body=BODY, extra=EXTRA)
    for rel, data in FILES.items():
        put(factory, rel, data)
    assets = {a.path: a for a in load(factory).assets}
    assert sorted(assets) == [
        "education/files/care.pdf",
        "education/images/fm.png",  # front-matter images:
        "education/images/fm.png.yml",
        "education/images/steps.png",  # Markdown image
        "education/images/steps.png.yml",
        "education/images/tooth.jpg",  # HTML <img>
        "education/images/tooth.jpg.yml",
    ]  # not faq/xiya.md: a linked article has approvals of its own
    steps = hashlib.sha256(FILES["education/images/steps.png"]).hexdigest()
    assert assets["education/images/steps.png"].sha256 == steps
    assert assets["education/images/tooth.jpg.yml"].sha256 is None
    assert assets["education/images/tooth.jpg.yml"].state == "missing"


def test_code_external_links_and_anchors_are_not_assets(factory):
    body = (
        "`![x](images/in-code.png)`\n\n<!-- ![x](images/in-comment.png) -->\n\n"
        "[外链](https://example.com/a.pdf) [锚点](#top) [邮件](mailto:a@example.com) "
        "[栏目](../faq/) ![外站](https://example.com/x.png)\n"
    )
    factory.article("education/a.md", title=TITLE, body=body)
    assert load(factory).assets == ()


# -- what makes an approval stale ------------------------------------------------------------------

CHANGES = {
    "image bytes": ("education/images/steps.png", b"\x89PNG steps v2"),
    "the sidecar's credit": ("education/images/steps.png.yml", SIDECAR.replace("张三", "李四")),
    "a linked PDF": ("education/files/care.pdf", b"%PDF-1.4 care v2"),
    "an HTML <img>": ("education/images/tooth.jpg", b"\xff\xd8 tooth v2"),
    "a front-matter picture": ("education/images/fm.png", b"\x89PNG front matter v2"),
    "a sidecar added later": ("education/images/tooth.jpg.yml", "licence: own\nsource: 本院\n"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_changing_an_asset_makes_the_approval_stale(factory, capsys, change):
    approved(factory, capsys)
    before = load(factory)
    rel, data = CHANGES[change]
    put(factory, rel, data)
    factory.commit_all(f"改 {change}", "lixiaoyu")
    after = load(factory)
    assert after.text_digest == before.text_digest and after.digest != before.digest
    v = verdict(factory)
    assert not v.counts and v.code == "stale"
    code, out, _ = run(capsys, "show", A)
    assert code == 0 and ASSETS_CHANGED in out  # show says it was not the text


def test_adding_a_previously_missing_image_makes_the_approval_stale(factory, capsys):
    approved(
        factory, capsys, body="术后护理。\n\n![稍后补图](images/later.png)\n", extra="", files={}
    )
    (asset,) = [a for a in load(factory).assets if a.path.endswith("later.png")]
    assert asset.sha256 is None and asset.state == "missing"
    put(factory, "education/images/later.png", b"\x89PNG later")
    factory.commit_all("补图", "lixiaoyu")
    assert verdict(factory).code == "stale"


def test_deleting_a_linked_file_makes_the_approval_stale(factory, capsys):
    approved(factory, capsys)
    (factory.root / "content/education/files/care.pdf").unlink()
    factory.commit_all("删掉附件", "lixiaoyu")
    assert verdict(factory).code == "stale"


def test_a_text_change_is_named_as_such(factory, capsys):
    approved(factory, capsys)
    factory.replace(A, "24 小时", "12 小时")
    factory.commit_all("缩短时间", "lixiaoyu")
    code, out, _ = run(capsys, "show", A)
    assert "起内容已改变" in out and "缩短时间" in out and ASSETS_CHANGED not in out


def _crlf(factory, rel=A):
    path = factory.root / rel
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


NO_CHANGES = {
    "re-quoted title": lambda f: f.replace(A, f"title: {TITLE}", f"title: '{TITLE}'"),
    "a comment": lambda f: f.replace(A, f"title: {TITLE}\n", f"title: {TITLE}  # 标题\n# 备注\n"),
    "CRLF line endings": _crlf,
    "an unrelated file": lambda f: (
        put(f, "education/images/other.png", b"\x89PNG other"),
        put(f, "education/files/other.pdf", b"%PDF other"),
    ),
    "a linked .md article": lambda f: put(
        f, "faq/xiya.md", FILES["faq/xiya.md"] + "补充。\n".encode()
    ),
}


@pytest.mark.parametrize("change", list(NO_CHANGES))
def test_what_does_not_make_the_approval_stale(factory, capsys, change):
    approved(factory, capsys)
    before = load(factory).digest
    NO_CHANGES[change](factory)
    factory.commit_all(f"改 {change}", "lixiaoyu")
    assert load(factory).digest == before
    assert verdict(factory).counts


# -- symlinks, FIFOs and files outside content/ ----------------------------------------------------


def test_a_symlinked_asset_is_not_followed(factory, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"outside v1")
    put(factory, "education/images/real.png", b"real v1")
    images = factory.root / "content/education/images"
    os.symlink("real.png", images / "inside-link.png")
    os.symlink(outside, images / "outside-link.png")
    os.symlink(tmp_path, factory.root / "content/education/shared")
    (tmp_path / "shared.png").write_bytes(b"shared v1")
    body = (
        "![a](images/inside-link.png) ![b](images/outside-link.png) ![c](shared/shared.png)\n\n"
        "[d](shared/shared.png)\n"
    )
    factory.article("education/a.md", title=TITLE, body=body)
    article = load(factory)
    states = {a.path: (a.sha256, a.state) for a in article.assets}
    for rel in ("images/inside-link.png", "images/outside-link.png", "shared/shared.png"):
        assert states[f"education/{rel}"] == (None, "not-regular"), rel
    assert "education/images/real.png" not in states
    # what a symlink points to is never read: changing it changes nothing
    put(factory, "education/images/real.png", b"real v2")
    outside.write_bytes(b"outside v2")
    (tmp_path / "shared.png").write_bytes(b"shared v2")
    assert load(factory).digest == article.digest
    # a regular file in the symlink's place is covered (and changes the digest)
    (images / "inside-link.png").unlink()
    put(factory, "education/images/inside-link.png", b"now a file")
    assert load(factory).digest != article.digest


def test_a_fifo_is_never_opened_and_outside_content_is_never_read(factory, tmp_path):
    body = "[管道](pipe.pdf) ![外面](../../secret.png) ![根](/../secret2.png)\n"
    factory.article("education/a.md", title=TITLE, body=body)
    os.mkfifo(factory.root / "content/education/pipe.pdf")  # opening it would block
    (factory.root / "secret.png").write_bytes(b"outside content")
    article = load(factory)
    states = {a.path: (a.sha256, a.state) for a in article.assets}
    assert states["education/pipe.pdf"] == (None, "not-regular")
    assert states["../secret.png"] == (None, "outside")
    (factory.root / "secret.png").write_bytes(b"changed")
    assert load(factory).digest == article.digest


# -- old approvals, show, the review summary, approve --------------------------------------------


def test_an_old_format_approval_does_not_count_and_says_why(factory, capsys):
    factory.article("education/a.md", title=TITLE, body="术后 24 小时内不要漱口。", status="review")
    factory.commit_all("写稿", "lixiaoyu")
    article = load(factory)
    v1 = "sha256:" + article.text_digest.split(":")[1][:32]  # how approvals were recorded before
    path = factory.root / A
    item = {"by": "wangliming", "role": "dentist", "at": "2026-11-28T10:00:00+08:00", "digest": v1}
    path.write_text(append_to_list(path.read_text(encoding="utf-8"), "approvals", item), "utf-8")
    factory.commit_all("批准", "wangliming")  # the approver's own commit: proven, but old
    v = verdict(factory)
    assert not v.counts and v.code == "old-digest"
    assert "旧版摘要（v1）" in v.reason and "请重新批准" in v.reason
    code, out, _ = run(capsys, "show", A)
    assert code == 0 and "旧版摘要（v1）" in out


def test_show_verbose_lists_the_digest_and_every_asset(factory, capsys):
    approved(factory, capsys)
    article = load(factory)
    code, out, _ = run(capsys, "show", "--verbose", A)
    assert code == 0 and article.digest in out and article.text_digest in out
    for asset in article.assets:
        assert asset.path in out
    assert "education/images/tooth.jpg.yml  不存在" in out
    code, out, _ = run(capsys, "show", "--format", "json", A)
    row = json.loads(out)
    assert row["digest"] == article.digest and len(row["assets"]) == len(article.assets)


def test_the_review_summary_names_a_changed_asset(factory, capsys):
    approved(factory, capsys)
    factory.git("checkout", "-q", "-b", "content/new-picture")
    put(factory, "education/images/steps.png", b"\x89PNG steps v2")
    factory.commit_all("换图", "lixiaoyu")  # only the picture: the article's file is unchanged
    summary = review_summary(Project(factory.root), "main")
    assert f"`{A}`" in summary
    assert f"王立明（口腔医师）{STALE}：{ASSETS_CHANGED}" in summary
    assert "本次改动的附件：`education/images/steps.png`" in summary


def test_approve_refuses_uncommitted_asset_changes(factory, capsys):
    approved(factory, capsys)
    put(factory, "education/images/steps.png", b"\x89PNG not committed")
    with factory.acting_as("chensiyuan"):
        code, _, err = run(capsys, "approve", "--role", "manager", A)
    assert code == 1 and "未提交" in err
    assert subprocess.run(["git", "diff", "--quiet", "--", A], cwd=factory.root).returncode == 0


# -- a property: line endings and YAML quoting never change the digest -----------------------------

SAFE = st.text(
    st.characters(
        whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Zs"),
        whitelist_characters="：，。:#-'\"[]",
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s.strip())
LINES = st.lists(
    st.text(st.sampled_from(list("种植牙术后 abc:#-*`![]()\t")), max_size=30), max_size=8
)


def _quoted(value: str, style: str) -> str:
    if style == "double":
        return json.dumps(value, ensure_ascii=False)
    return "'" + value.replace("'", "''") + "'"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=SAFE, tag=SAFE, lines=LINES, style=st.sampled_from(["double", "single"]))
def test_text_digest_is_stable_under_line_endings_and_quoting(title, tag, lines, style):
    body = "\n".join(lines) + "\n"

    def digest(front: str, newline: str) -> str:
        text = f"---\n{front}---\n\n{body}".replace("\n", newline)
        parsed, problems = front_matter.parse(text, A)
        assert parsed is not None, problems
        parts, loaded = parsed
        return text_digest(loaded.data, parts.body)

    plain = f"title: {_quoted(title, 'double')}\ntags: [{_quoted(tag, 'single')}]\n"
    other = f"title: {_quoted(title, style)}  # 注释\ntags:\n  - {_quoted(tag, 'double')}\n"
    digests = {digest(f, nl) for f in (plain, other) for nl in ("\n", "\r\n")}
    assert len(digests) == 1


def test_the_build_publishes_only_the_regular_files_the_digest_covers(factory, tmp_path):
    """What renders is what is approved: a symlinked picture is not copied into the site."""
    (tmp_path / "elsewhere.png").write_bytes(b"not approved")
    put(factory, "education/images/real.png", b"\x89PNG real")
    put(factory, "education/files/care.pdf", b"%PDF care")
    os.symlink(tmp_path / "elsewhere.png", factory.root / "content/education/images/link.png")
    body = "![真](images/real.png) ![链接](images/link.png)\n\n[须知](files/care.pdf)\n"
    factory.article("education/a.md", title=TITLE, body=body)
    assert main(["--as-of", "2026-11-28", "build", "--profile", "preview"]) == 0
    site = factory.root / "site/preview/education"
    assert (site / "images/real.png").read_bytes() == b"\x89PNG real"
    assert (site / "files/care.pdf").is_file()
    assert not (site / "images/link.png").exists()
