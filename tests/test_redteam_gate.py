"""The publication gate, played by the attacker (a writer with their own sample key, committing to a
branch CI builds). Each test is an attack a red team found working on 2026-12-04 (merges that undo
a signed change, a move into a new section, files no check reads, a heading's label and id, a short
trust root, a page without an author, a README page under Zensical), now a regression test that it
stays closed."""

from __future__ import annotations

import base64
import io
import lzma
import zipfile

import pytest

from smilepress.cli import main
from smilepress.project import Project

A = "content/faq/a.md"
BODY = "洗牙后牙齿敏感一般一两周就会缓解，可以用抗敏感牙膏。"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def act(factory, capsys, person, *argv) -> tuple[int, str, str]:
    with factory.acting_as(person):
        return run(capsys, *argv)


def in_public_site(factory, capsys, text: str, engine: str = "mkdocs") -> bool:
    """Build the public site with `engine` and say whether `text` is in any file of it."""
    site = factory.root / "site" / f"public-{engine}"
    argv = ["build", "--profile", "public", "--engine", engine, "--site-dir", str(site)]
    code, out, err = run(capsys, *argv)
    assert code == 0, out + err
    return any(text in p.read_text("utf-8", "replace") for p in site.rglob("*") if p.is_file())


def public(factory, path=A) -> tuple[bool, str]:
    project = Project(factory.root)
    e = project.entry(project.load(factory.root / path))
    decision = e.decision("public", project.today)
    return decision.included, decision.summary


@pytest.fixture
def published(factory, capsys):
    """A FAQ through the whole workflow (dentist approves, manager publishes), every step signed."""
    factory.article("faq/a.md", title="洗牙后牙齿敏感怎么办", type="faq", body=BODY)
    factory.commit_all("写稿", "lixiaoyu")
    assert act(factory, capsys, "lixiaoyu", "submit", A)[0] == 0
    assert act(factory, capsys, "wangliming", "approve", "--role", "dentist", A)[0] == 0
    assert act(factory, capsys, "chensiyuan", "publish", A)[0] == 0
    assert public(factory) == (True, "")
    return factory


# -- 1. a merge that keeps one side of a file undoes the other side's change: its own change ------
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_merge_keeping_the_old_side_undoes_an_archive(published, capsys, engine):
    f = published
    f.git("branch", "writer", "HEAD")  # the writer's branch, forked while the FAQ was published
    assert act(f, capsys, "chensiyuan", "archive", A)[0] == 0  # the manager takes it down
    assert public(f)[0] is False
    # The writer brings main into the branch, keeping the branch's side of every file.
    f.git("checkout", "-q", "writer")
    f.git("merge", "-q", "-s", "ours", "-m", "合并 main", "main", env=f.identity("lixiaoyu"))
    assert "status: published" in (f.root / A).read_text(encoding="utf-8")
    # the merge answers for putting the published text back, and the writer may not publish
    included, why = public(f)
    assert not included and "状态 published 未经证明" in why
    assert not in_public_site(f, capsys, BODY, engine), "archived, back online by a merge"


# -- 2. a move to another folder (a section, its name shown) needs the approvals again ------------
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_move_to_a_folder_nobody_approved_needs_the_approvals_again(published, capsys, engine):
    f = published
    folder = "牙医不会告诉你的洗牙真相"
    (f.root / "content" / folder).mkdir()
    f.git("mv", A, f"content/{folder}/index.md")
    f.commit_all("换个栏目", "lixiaoyu")
    included, why = public(f, f"content/{folder}/index.md")
    assert not included and "未经证明" in why
    assert not in_public_site(f, capsys, folder, engine), "a section title nobody approved"


# -- 3. a page's downloads: only pictures are published (no check reads other files) ------------
CLAIM = "本院种植牙治愈率百分之百，全市最好，无效退款"
DOWNLOADS = {
    "x.html": f"<html><body><script>alert(document.cookie)</script><p>{CLAIM}</p></body></html>",
    "x.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="15">{CLAIM}</text></svg>',
    "x.txt": CLAIM,
    "x.json": f'{{"note": "{CLAIM}"}}',
}


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_a_linked_file_no_check_reads_is_not_published(factory, capsys, name, engine):
    f = factory
    f.write(f"content/pages/{name}", DOWNLOADS[name])
    if name == "x.svg":
        body, extra = (
            "![示意图](x.svg)",
            "images:\n  - {src: x.svg, licence: own, source: 本院设计组}\n",
        )
    else:
        body, extra = f"下载资料：[资料]({name})", ""
    f.article("pages/p.md", title="资料下载", type="page", status="review", body=body, extra=extra)
    f.commit_all("资料页", "lixiaoyu")
    assert (
        act(f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/p.md")[0] == 0
    )
    code, out, _ = run(capsys, "check", "content/pages/p.md")
    assert code == 1 and "file/kind-not-published" in out  # only pictures and PDFs are published
    assert not in_public_site(f, capsys, CLAIM, engine)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_merge_keeping_the_old_side_reverts_a_signed_policy_change(published, capsys, engine):
    f = published
    f.git("branch", "writer", "HEAD")
    # the manager, signed: from now on a FAQ needs the manager's approval too
    f.replace("policies/workflow.yml", "approvals: [dentist]\n", "approvals: [dentist, manager]\n")
    f.commit_all("问答也要部门经理批准", "chensiyuan")
    assert public(f)[0] is False
    f.git("checkout", "-q", "writer")
    f.git("merge", "-q", "-s", "ours", "-m", "合并 main", "main", env=f.identity("lixiaoyu"))
    assert "approvals: [dentist]\n" in (f.root / "policies/workflow.yml").read_text("utf-8")
    # the merge undid a signed change to a governed path: its own change, which the writer signed
    (refusal,) = Project(f.root).config_refusals()
    assert refusal.path == "policies/workflow.yml"
    site = f.root / "site" / engine
    code, out, err = run(
        capsys, "build", "--profile", "public", "--engine", engine, "--site-dir", str(site)
    )
    assert code != 0 and not site.exists()  # refused (the reason is in the log, as above)


@pytest.mark.parametrize("keep", ["ours", "theirs"])
def test_a_clean_merge_undoes_nothing(published, capsys, keep):
    """The writer brings main (the manager's signed policy change) into a branch with work of
    their own: the merge takes each side's changes, so nothing is its own change and nothing is
    refused; the published FAQ stays proven (its text on both sides is the same)."""
    f = published
    f.git("branch", "writer", "HEAD")
    f.replace("policies/workflow.yml", "approvals: [dentist]\n", "approvals: [dentist]\n# 注\n")
    f.commit_all("注释", "chensiyuan")
    f.git("checkout", "-q", "writer")
    f.article("education/b.md", title="新稿", type="education", status="draft", body="新的草稿。")
    f.commit_all("新稿", "lixiaoyu")
    strategy = ["-X", keep]  # a clean merge: no conflict, so the option changes nothing
    f.git("merge", "-q", *strategy, "-m", "合并 main", "main", env=f.identity("lixiaoyu"))
    assert "# 注" in (f.root / "policies/workflow.yml").read_text("utf-8")
    assert Project(f.root).config_refusals() == []
    assert public(f) == (True, "")


# -- 4. a trust root named by a short id would be whatever ref the branch names so: refused ------
def test_a_tag_named_like_a_short_trust_root_moves_the_root(factory, capsys, monkeypatch):
    f = factory
    short = f.trust_root[:12]
    monkeypatch.setenv("SMILEPRESS_TRUST_ROOT", short)  # as a department might write it
    # The writer grants themselves the dentist's role (their own signature: proves nothing) ...
    f.replace("policies/people.yml", "roles: [writer]", "roles: [writer, dentist]")
    f.commit_all("顺手改一下", "lixiaoyu")
    f.git("tag", short, "HEAD")  # ... and names that commit as the trust root
    f.article(
        "faq/a.md",
        title="洗牙后牙齿敏感怎么办",
        type="faq",
        status="review",
        author="wujia",
        body=BODY,
    )
    f.commit_all("写稿", "lixiaoyu")
    assert act(f, capsys, "lixiaoyu", "approve", "--role", "dentist", A)[0] == 0
    assert "完整的 40 位提交号" in public(f)[1]
    assert not in_public_site(f, capsys, BODY), "approved by the writer, trusted from their root"


# -- 5. a heading's data-toc-label is shown in the page's table of contents, and no check reads it -
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_banned_claim_as_a_toc_label_is_checked(factory, capsys, engine):
    f = factory
    body = f'## 术后护理 {{ data-toc-label="{CLAIM}" }}\n\n正文。\n\n## 注意事项\n\n正文。\n'
    f.article("pages/p.md", title="术后护理须知", type="page", status="review", body=body)
    f.commit_all("资料页", "lixiaoyu")
    assert (
        act(f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/p.md")[0] == 0
    )
    code, out, _ = run(capsys, "check", "content/pages/p.md")
    assert code == 1 and "最好" in out  # the label is checked like the page's text
    assert not in_public_site(f, capsys, CLAIM, engine)


# -- 6. the leak guard reads what it can decode: downloads it cannot read are never published
STAFF = "内部通讯录：赵敏 zhaomin@example.com，孙浩 sunhao@example.com，周婷 zhouting@example.com"


def _zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("通讯录.txt", data)
    return buffer.getvalue()


LEAKY_DOWNLOADS = {
    "contacts.txt": STAFF.encode(),  # the control: the guard stops this one
    "contacts.zip": _zipped(STAFF.encode()),
    "contacts.xz": lzma.compress(STAFF.encode()),
    "contacts.b64.txt": base64.b64encode(STAFF.encode()),
    "contacts.lines.txt": "\n".join(STAFF).encode(),  # one character a line
}


@pytest.mark.parametrize("name", sorted(LEAKY_DOWNLOADS))
def test_a_download_the_guard_cannot_read_is_never_published(factory, capsys, name):
    """Only pictures and PDFs are published of what a page links to (attack 3), so a download in
    any of these forms keeps its page off the site, approved or not, and is never written to it."""
    f = factory
    (f.root / "content/pages").mkdir(parents=True, exist_ok=True)
    (f.root / "content/pages" / name).write_bytes(LEAKY_DOWNLOADS[name])
    body = f"下载：[资料]({name})"
    f.article("pages/p.md", title="资料下载页面", type="page", status="review", body=body)
    f.commit_all("资料页", "lixiaoyu")
    assert (
        act(f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/p.md")[0] == 0
    )
    included, why = public(f, "content/pages/p.md")
    assert not included and "file/kind-not-published" in why
    site = f.root / "site" / "public"
    assert run(capsys, "build", "--profile", "public", "--site-dir", str(site))[0] == 0
    assert not any(p.name == name for p in site.rglob("*"))


# -- 7. four eyes: a page names its author like every other type -----------------------------------
def test_a_page_without_an_author_cannot_be_approved(factory, capsys):
    f = factory
    text = "---\ntitle: 本院简介页面\ntype: page\nstatus: review\n---\n\n部门经理自己写的页面。\n"
    f.write("content/pages/p.md", text)
    f.commit_all("经理写页", "chensiyuan")
    code, out, err = act(
        f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/p.md"
    )
    assert code != 0 and "author" in out + err  # the page must first say who wrote it
    included, why = public(f, "content/pages/p.md")
    assert not included and "缺少字段 author" in why, "the manager approved their own page"


# -- 8. the Zensical engine's page addresses: README.md is an index to Zensical, not to the glue ---
def test_an_approved_readme_page_builds_with_zensical(factory, capsys):
    f = factory
    body = "资料下载的说明。"
    f.article("pages/README.md", title="资料下载页面", type="page", status="review", body=body)
    f.commit_all("资料页", "lixiaoyu")
    assert (
        act(f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/README.md")[0]
        == 0
    )
    assert in_public_site(f, capsys, body, "zensical")


def test_a_banned_claim_as_a_heading_id_is_checked(factory, capsys):
    f = factory
    claim = "本院种植牙治愈率百分之百全市最好"
    body = f"## 术后护理 {{ #{claim} }}\n\n正文。\n"
    f.article("pages/p.md", title="术后护理须知", type="page", status="review", body=body)
    f.commit_all("资料页", "lixiaoyu")
    assert (
        act(f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/p.md")[0] == 0
    )
    code, out, _ = run(capsys, "check", "content/pages/p.md")
    assert code == 1 and "最好" in out  # the id is checked like the page's text
    assert not in_public_site(f, capsys, claim)


def test_who_signed_the_text_is_its_author_whatever_the_field_says(factory, capsys):
    """The manager writes a page, names a writer as its author and approves it: the signed commit
    that wrote the text makes the manager an author, so the approval does not count."""
    f = factory
    f.article("pages/p.md", title="本院简介页面", type="page", status="review", author="lixiaoyu")
    f.commit_all("经理写页", "chensiyuan")
    assert (
        act(f, capsys, "chensiyuan", "approve", "--role", "manager", "content/pages/p.md")[0] == 0
    )
    project = Project(f.root)
    entry = project.entry(project.load(f.root / "content/pages/p.md"))
    (verdict,) = entry.approvals.verdicts
    assert verdict.code == "self-approval" and "四眼原则" in verdict.reason
    assert not entry.decision("public", project.today).included
