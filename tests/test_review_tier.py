"""Review findings: they do not block, they route the article to the role that must sign it off.

An error blocks publication; a `review` finding adds its rule's reviewer role (compliance for
advertising claims, dentist for medical statements) to the approvals the article needs, and every
place that says what an article waits for says why."""

from __future__ import annotations

import json

from smilepress.checks.rule_packs import load_rules
from smilepress.cli import main
from smilepress.pages import editorial
from smilepress.project import Project
from smilepress.report import board, pull_request

A = "content/education/a.md"
CLAIM = "隐形矫正是目前最好的矫正方式。"  # a superlative about a method: for compliance to judge


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def entry_of(factory, path=A):
    project = Project(factory.root)
    return project, project.entry(project.load(factory.root / path))


def approved_by_its_type(factory, body: str, type_: str = "education", capsys=None) -> None:
    """An article of `type_` with `body`, submitted and approved by the roles its type needs."""
    rel = {"education": "education/a.md", "page": "pages/a.md"}[type_]
    factory.article(rel, title="矫正方式怎么选", type=type_, body=body)
    factory.commit_all("写稿", "lixiaoyu")
    with factory.acting_as("lixiaoyu"):
        assert main(["submit", f"content/{rel}"]) == 0
    if type_ == "education":
        factory.approve(rel, "wangliming", "dentist")
    factory.approve(rel, "chensiyuan", "manager")


def test_a_review_finding_adds_the_compliance_officer_and_says_why(factory, capsys):
    approved_by_its_type(factory, CLAIM)
    project, entry = entry_of(factory)
    (finding,) = [f for f in entry.review.findings if f.category == "absolute-claim"]
    assert finding.level == "review" and finding.reviewer == "compliance"
    assert not entry.review.blocking  # not an error: nothing for the writer to fix
    assert entry.approvals.missing == ("compliance",)
    decision = entry.decision("public", project.today)
    assert not decision.included
    assert any(r.startswith("需要合规专员审核：第 ") and "「最好" in r for r in decision.reasons)
    # show, list and the board say the same, naming the role and the line
    code, out, _ = run(capsys, "show", A)
    assert code == 0 and "合规专员：因合规检查发现需审核的内容——第 " in out and "1 处需审核" in out
    code, out, _ = run(capsys, "list")
    assert "缺：合规专员（第 " in out
    (item,) = [i for i in board.items(project) if i.path == A]
    assert item.waiting_for == ("合规专员",) and "「最好" in item.routed[0]
    queue = editorial.pages(project)["editorial/queue.md"]
    compliance_section = queue.split("## 合规专员")[1].split("## ")[0]
    assert "矫正方式怎么选" in compliance_section and "因检查发现需审核" in compliance_section
    # the officer's approval is the answer: it counts now, and the article is public
    factory.approve("education/a.md", "zhaomin", "compliance")
    project, entry = entry_of(factory)
    assert entry.approvals.complete and entry.decision("public", project.today).included


def test_without_the_claim_the_type_needs_no_compliance_approval(factory, capsys):
    approved_by_its_type(factory, "隐形矫正和传统托槽各有优缺点，请医生根据情况选择。")
    project, entry = entry_of(factory)
    assert entry.approvals.required == ("dentist", "manager") and entry.approvals.complete
    assert entry.decision("public", project.today).included
    with factory.acting_as("zhaomin"):
        code, out, _ = run(capsys, "approve", "--role", "compliance", A)
    assert code == 1 and "不需要“合规专员”批准" in out + _


def test_a_medical_statement_on_a_page_needs_the_dentist(factory):
    approved_by_its_type(factory, "做一次洁牙，牙周炎保证不再复发。", type_="page")
    _, entry = entry_of(factory, "content/pages/a.md")
    routed = dict(entry.approvals.routed)
    assert set(routed) == {"dentist"} and entry.approvals.missing == ("dentist",)


def test_a_review_finding_cannot_be_waived(factory):
    body = f"<!-- smilepress-disable-line absolute-claim -- 引用文献 -->\n{CLAIM}"
    approved_by_its_type(factory, body)
    _, entry = entry_of(factory)
    (finding,) = [f for f in entry.review.findings if f.category == "absolute-claim"]
    assert not finding.waived and "不能豁免" in finding.waiver and "合规专员" in finding.waiver
    assert entry.approvals.missing == ("compliance",)


def test_check_exits_0_on_review_findings_and_reports_them_as_notes(factory, capsys):
    factory.article("education/a.md", title="矫正", body=CLAIM)
    factory.commit_all("写稿", "lixiaoyu")
    code, out, _ = run(capsys, "check", A)
    assert code == 0 and "需审核 [ad-law/" in out and "1 处需审核" in out
    code, out, _ = run(capsys, "check", "--format", "json", A)
    (finding,) = [f for f in json.loads(out) if f["category"] == "absolute-claim"]
    assert code == 0 and finding["level"] == "review" and finding["reviewer"] == "compliance"
    code, out, _ = run(capsys, "check", "--format", "sarif", A)
    levels = {r["ruleId"]: r["level"] for r in json.loads(out)["runs"][0]["results"]}
    assert code == 0 and levels[finding["rule"]] == "note"
    code, out, _ = run(capsys, "check", "--format", "github", A)
    assert f"::notice file={A},line=" in out and f"title={finding['rule']}::" in out


def test_the_review_summary_names_the_people_who_hold_the_role_and_why(factory):
    approved_by_its_type(factory, CLAIM)
    text = pull_request.review_summary(Project(factory.root), "HEAD~3")
    wanted = next(line for line in text.splitlines() if line.startswith("- 还需批准："))
    assert "合规专员（赵敏，因为检查发现需审核的内容：第 " in wanted
    assert "需审核 absolute-claim ×1" in text


def test_a_rule_with_an_unknown_reviewer_is_refused_at_its_line(tmp_path):
    root = tmp_path / "p"
    (root / "policies/compliance").mkdir(parents=True)
    (root / "policies/compliance/local.yml").write_text(
        "rules:\n  - id: local/x\n    category: comparison\n    type: terms\n"
        "    terms: [不输进口]\n    level: review\n    reviewer: lawyer\n"
        "    message: m\n    basis: b\n",
        encoding="utf-8",
    )
    rules = load_rules(root, {"education"}, {"compliance", "dentist", "manager"})
    (problem,) = rules.problems
    assert "local.yml:7" in str(problem) and "lawyer" in str(problem)
    assert not rules.rules
