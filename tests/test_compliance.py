"""The compliance checker: views with offsets, rule packs as data, waivers, reports, the gate and
the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smilepress.checks.engine import Checker, Document
from smilepress.checks.rule_packs import load_rules
from smilepress.checks.textview import prose_mask
from smilepress.cli import main
from smilepress.load.markdown import Lines
from smilepress.model.findings import Finding, clipped
from smilepress.project import Project
from smilepress.view.normalise import normalise

REPO = Path(__file__).resolve().parent.parent
TYPES = {"education", "ad", "faq", "case", "page"}
ROLES = {"writer", "dentist", "manager", "compliance"}
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def checker() -> Checker:
    rules = load_rules(REPO, TYPES, ROLES)
    assert not rules.problems, rules.problems
    return Checker(rules)


def found(checker, text, type_="education", meta=None):
    meta = meta if meta is not None else {"title": "标题"}
    return checker.check(Document("content/x.md", text, type_, meta), TODAY)


def cats(checker, text, type_="education", meta=None, levels=("error", "review", "warning")):
    return {
        f.category
        for f in found(checker, text, type_, meta)
        if f.level in levels and f.category != "sources"
    }


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# -- views ---------------------------------------------------------------------------------------


def test_prose_mask_hides_code_comments_and_link_targets_keeping_offsets():
    text = "---\ntitle: 最佳\nstatus: draft\n---\n正文`最佳`<!-- 最佳 -->[链接](https://x.cn/最佳)\n```\n最佳\n```\n"
    masked = prose_mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert masked.count("最佳") == 1 and masked.index("最佳") == text.index(
        "最佳"
    )  # the title only
    assert " " not in masked.replace(
        "title: ", ""
    )  # hidden text is not whitespace: \s* and word-joining stop at it
    assert "链接" in masked and "正文" in masked


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("最好佳第一 \u200b*·\n\tＡＢ１２％醫療無痛abc`<>-!#[]()")),
        max_size=60,
    )
)
def test_every_normalised_character_maps_back_into_the_file(text):
    view = normalise(text)
    assert len(view.text) <= len(text)
    previous = -1
    for i in range(len(view.text)):
        origin = view.origin(i)
        assert 0 <= origin < len(text) and origin > previous  # in order, inside the text
        previous = origin


def test_normalising_matches_traditional_full_width_and_split_words():
    assert normalise("最佳醫院").text == "最佳医院"
    assert normalise("１３８％ＮＯ．１").text == "138%no.1"
    view = normalise("最 好的，第\u200b一")
    assert view.text == "最好的,第一"
    assert view.origin(1) == 2 and view.origin(5) == 7


# -- precision and recall on the cases the department named ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "第一次刷牙要轻，第一步是选软毛牙刷。第一磨牙六岁左右萌出。",
        "最好饭后半小时再刷牙，每次刷牙最少两分钟。",
        "保证充足睡眠，确保刷到每一个牙面。",
        "做根治一般要来几次？根治后通常建议做牙冠保护。",
        "我们不承诺无痛，治疗中可能有轻微不适。",
        "广告法禁止使用“最佳”“根治”等用语。",
        "牙周炎分为四期，冠折后应尽快就医。",
        "部分患者有牙科焦虑，可以和医生沟通。",
        "如有疑问可拨打 12320 卫生热线。",
        "<!-- 最佳的种植团队 -->",
    ],
)
def test_traps_are_not_findings(checker, text):
    assert cats(checker, text) == set()


@pytest.mark.parametrize("code", ["```\n{claim}\n```", "`{claim}`", "    {claim}"])
def test_claims_in_code_are_read_as_a_reader_reads_them(checker, code):
    # Shown in monospace, read all the same: skipping code would protect nothing.
    text = "说明如下：\n\n" + code.format(claim="最佳 保证无痛 限时特价") + "\n"
    assert {"absolute-claim", "efficacy-guarantee", "inducement"} <= cats(checker, text)


@pytest.mark.parametrize(
    "text,type_,expected",
    [
        ("本院拥有全市最好的种植团队。", "education", {"absolute-claim", "disguised-ad"}),
        ("最佳醫院，保證無痛！", "faq", {"absolute-claim", "efficacy-guarantee"}),
        ("洁牙限时特价99元，点击下方预约！", "education", {"inducement", "disguised-ad"}),
        ("隐形矫正成功率高达９９.６％。", "education", {"cure-rate"}),
        ("研究表明，90%的人都有牙结石。", "education", {"citation"}),
        ("王女士说做完一点都不疼，非常感谢李主任！", "case", {"patient-testimonial"}),
        ("牙齿不整齐的人看起来很土，面试都会被刷掉。", "faq", {"aesthetic-anxiety"}),
        ("比其他诊所更专业，别家都是杂牌种植体。", "education", {"comparison"}),
        ("明星同款微笑，体验官力荐！", "education", {"endorsement"}),
    ],
)
def test_claims_are_findings(checker, text, type_, expected):
    assert expected <= cats(checker, text, type_, {"title": "标题", "consent_ref": "CONSENT-1"})


def test_personal_data_and_secrets_are_found_in_comments_and_code(checker):
    text = (
        "<!-- 患者电话 13812345678 -->\n```\naccess_key: AKIAIOSFODNN7EXAMPLE\n```\n"
        "身份证 11010519491231002X，卡号 6225 8814 1420 7430，邮箱 zhangsan1988@qq.com\n"
    )
    assert {"pii-phone", "secret", "pii-id-card", "pii-bank-card", "pii-email"} <= cats(
        checker, text
    )


def test_numbers_that_fail_their_checks_and_clinic_lines_are_not_personal_data(checker):
    text = (
        "订单号 110105194912310021，卡号 6225881414207431，客服 400-820-1234，service@example.com"
    )
    assert not {"pii-id-card", "pii-bank-card", "pii-phone", "pii-email"} & cats(
        checker, text, "page"
    )


def test_the_same_words_weigh_more_in_an_ad(checker):
    found_in_education = found(checker, "全网最低价。", "education")
    levels = {f.category: f.level for f in found_in_education}
    assert levels["absolute-claim"] == "review"  # does not block; the compliance officer signs
    assert {f.reviewer for f in found_in_education if f.category == "absolute-claim"} == {
        "compliance"
    }
    levels = {
        f.category: f.level for f in found(checker, "全网最低价。", "ad", {"title": "【广告】x"})
    }
    assert levels["absolute-claim"] == "error"


def test_an_ad_needs_its_label_and_approval_number_and_says_only_the_whitelist(checker):
    assert {"ad-label", "approval-number"} <= cats(
        checker, "微笑口腔门诊部", "ad", {"title": "微笑口腔"}
    )
    meta = {
        "title": "【广告】微笑口腔门诊部",
        "ad_approval_number": "（粤）医广【2026】第03-15-001号",
    }
    clean = "微笑口腔门诊部｜口腔科：口腔种植专业｜接诊时间 9:00–18:00｜电话 020-8888 6666"
    assert cats(checker, clean, "ad", meta) == set()
    assert "ad-scope" in cats(checker, "种植牙 3999 元起", "ad", meta)
    assert "approval-number" in cats(checker, clean, "ad", {**meta, "ad_approval_number": "待申请"})


def test_findings_point_at_the_writers_own_characters(checker):
    text = "---\ntitle: 科普\n---\n\n第二段里写了最 佳两字。\n"
    (f,) = [f for f in found(checker, text) if f.category == "absolute-claim"]
    assert (f.line, f.column, f.end_line, f.end_column, f.match) == (5, 7, 5, 10, "最 佳")


# -- rule packs are data ---------------------------------------------------------------------------


def _pack_project(tmp_path, extra: dict[str, str]) -> Path:
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    for name, text in extra.items():
        (tmp_path / "policies" / "compliance" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_broken_pack_is_reported_with_its_line_and_the_others_still_run(tmp_path):
    root = _pack_project(
        tmp_path,
        {
            "local.yml": (
                "rules:\n  - id: local/x\n    category: absolute-claim\n    type: pattern\n"
                "    pattern: '(最'\n    message: m\n    basis: b\n"
                "  - id: local/y\n    category: no-such\n    type: terms\n"
                "    terms: [甲]\n    message: m\n    basis: b\n"
            ),
            "syntax.yml": "rules: [\n",
        },
    )
    rules = load_rules(root, TYPES, ROLES)
    messages = [str(p) for p in rules.problems]
    assert any("local.yml:5" in m and "正则" in m for m in messages)
    assert any("local.yml:9" in m and "no-such" in m for m in messages)
    assert any("syntax.yml" in m for m in messages)
    assert any(r.id == "ad-law/superlative" for r in rules.rules)  # the default packs still load
    assert not any(r.id.startswith("local/") for r in rules.rules)


def test_the_department_adds_and_turns_off_rules_in_yaml(tmp_path):
    root = _pack_project(
        tmp_path,
        {
            "local.yml": (
                "disable: [ad-law/superlative]\nrules:\n"
                "  - id: local/brand\n    category: comparison\n    type: terms\n"
                "    terms: [某某口腔]\n    message: 不要点名其他机构\n"
                "    basis: 《广告法》第十三条\n"
            )
        },
    )
    ck = Checker(load_rules(root, TYPES, ROLES))
    assert cats(ck, "某某口腔的做法不对。") == {"comparison"}
    assert "absolute-claim" not in cats(ck, "唯一的顶级诊所")


def test_a_pack_written_for_the_old_unsafe_html_detector_is_told_what_to_write(tmp_path):
    root = _pack_project(
        tmp_path,
        {
            "local.yml": (
                "rules:\n  - id: local/html\n    category: unsafe-html\n    type: detector\n"
                "    detector: unsafe-html\n    message: m\n    basis: b\n"
            )
        },
    )
    messages = [str(p) for p in load_rules(root, TYPES, ROLES).problems]
    assert any("local.yml:5" in m and "type: sanitiser" in m for m in messages), messages


# -- writers' HTML: what the site's allow-list removes, where the writer wrote it ----------------


@pytest.fixture(scope="module")
def site_checker() -> Checker:
    """The checker as the site renders pages (mkdocs.yml: attr_list, md_in_html …)."""
    return Project(REPO).checker


def unsafe(checker, text) -> list[tuple[int, int, str]]:
    return [
        (f.line, f.column, f.message.rpartition("：")[2])
        for f in found(checker, text)
        if f.rule == "secret/unsafe-html"
    ]


def test_html_shown_as_code_or_hidden_in_a_comment_is_not_unsafe(site_checker):
    text = (
        "---\ntitle: 标题\n---\n\n"
        "```html\n<script>shown()</script>\n```\n\n"
        "`<img src=x onerror=shown()>` 和 <!-- <script>hidden()</script> -->\n\n"
        "<script>runs()</script>\n"
    )
    assert unsafe(site_checker, text) == [(11, 1, "<script> 元素（连同其中的内容）")]


def test_each_of_several_alike_is_found_at_its_own_line(site_checker):
    text = (
        '---\ntitle: 标题\n---\r\n\r\n<b onclick="x()">一</b>\r\n\r\n'
        '<b onclick="x()">二</b>\r\n\r\n## 三 {onclick="x()"}\r\n\r\n'
        "[四][ref]\r\n\r\n[ref]: javascript:x()\r\n"
    )
    assert unsafe(site_checker, text) == [
        (5, 4, "onclick 事件属性"),
        (7, 4, "onclick 事件属性"),
        (9, 7, "onclick 事件属性"),
        (13, 8, "javascript: 链接"),
    ]


def test_a_page_full_of_removals_lists_the_first_and_counts_the_rest(site_checker):
    text = "---\ntitle: 标题\n---\n\n" + "<b onclick=x>字</b>\n\n" * 130
    found_ = unsafe(site_checker, text)
    assert len(found_) == 101 and "还有 30 处" in found_[-1][2]


# -- waivers ---------------------------------------------------------------------------------------


def _article(factory, body, type_="education"):
    factory.article("education/w.md", title="科普", type=type_, body=body)
    factory.commit_all("稿", "lixiaoyu")
    project = Project(factory.root)
    return project.entry(project.load(factory.root / "content/education/w.md"))


def test_a_waiver_of_a_warning_counts_with_its_reason(factory):
    entry = _article(
        factory,
        "<!-- smilepress-disable-line ad-law/unsourced-figure -- 数据见第四次流调 -->\n"
        "研究表明，多数人有牙结石。",
    )
    (f,) = [f for f in entry.review.findings if f.category == "citation"]
    assert f.waived and "数据见第四次流调" in f.waiver


def test_a_waiver_without_a_reason_is_an_error_and_waives_nothing(factory):
    entry = _article(
        factory, "<!-- smilepress-disable ad-law/unsourced-figure -->\n研究表明，多数人有牙结石。"
    )
    assert any(f.rule == "waiver/no-reason" and f.level == "error" for f in entry.review.findings)
    assert not any(f.waived for f in entry.review.findings)
    assert any("豁免没有写理由" in r for r in entry.facts.errors)


def test_an_expired_waiver_no_longer_counts(factory):
    entry = _article(
        factory,
        "<!-- smilepress-disable ad-law/unsourced-figure -- 临时 until 2026-01-01 -->\n"
        "研究表明，多数人有牙结石。\n<!-- smilepress-enable ad-law/unsourced-figure -->",
    )
    (f,) = [f for f in entry.review.findings if f.category == "citation"]
    assert not f.waived and "过期" in f.waiver


def test_a_waiver_of_an_error_needs_the_compliance_officers_approval(factory, capsys):
    body = (
        "<!-- smilepress-disable-line pii/email, net-ad/contact-number -- "
        "作者同意公开投稿邮箱 -->\n"
        "投稿请写信至 lixiaoyu1990@qq.com。"
    )
    entry = _article(factory, body)
    (f,) = [f for f in entry.review.findings if f.category == "pii-email"]
    assert not f.waived and "合规" in f.waiver and f.blocking
    path = "content/education/w.md"
    with factory.acting_as("lixiaoyu"):
        assert run(capsys, "submit", path)[0] == 0
    with factory.acting_as(
        "zhaomin"
    ):  # compliance is not among an education article's roles, but the waiver needs it
        code, out, err = run(capsys, "approve", "--role", "compliance", path)
        assert code == 0, err
    project = Project(factory.root)
    entry = project.entry(project.load(factory.root / path))
    (f,) = [f for f in entry.review.findings if f.category == "pii-email"]
    assert f.waived and not any("合规检查" in r for r in entry.facts.errors)


# -- the gate, the command and the cache -----------------------------------------------------------


def test_an_error_finding_keeps_a_fully_approved_article_off_the_sites(factory):
    entry = _article(factory, "本院种植牙保证终身不松动。")
    decision = entry.decision("internal", Project(factory.root).today)
    assert not decision.publishable and any("合规检查" in r for r in decision.reasons)


def test_check_exit_codes_and_formats(factory, capsys):
    factory.article("education/ok.md", title="刷牙方法", body="每天早晚刷牙，每次两分钟。")
    factory.article("education/bad.md", title="种植牙", body="本院种植牙保证终身不松动。\n")
    factory.commit_all("稿", "lixiaoyu")
    assert run(capsys, "check", "content/education/ok.md")[0] == 0
    code, out, _ = run(capsys, "check", "content/education/bad.md")
    assert code == 1 and "content/education/bad.md:8:" in out and "^^^^" in out and "依据：" in out
    code, out, _ = run(capsys, "check", "--format", "json")
    findings = json.loads(out)
    assert code == 1 and {
        "rule",
        "category",
        "level",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "match",
        "message",
        "suggestion",
        "basis",
    } <= set(findings[0])
    code, out, _ = run(capsys, "check", "--format", "github", "content")
    assert "::error file=content/education/bad.md,line=8," in out
    code, out, _ = run(capsys, "check", "--format", "sarif")
    sarif = json.loads(out)
    assert (
        sarif["version"] == "2.1.0"
        and sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    )
    assert run(capsys, "check", "no/such/file.md")[0] == 2


def test_check_says_so_when_a_rule_pack_is_broken(factory, capsys):
    factory.write("policies/compliance/local.yml", "rules:\n  - id: Bad Id\n")
    factory.article("education/ok.md", title="刷牙方法", body="每天早晚刷牙。")
    code, out, err = run(capsys, "check")
    assert code == 2 and "policies/compliance/local.yml:2" in err


def test_an_unchanged_file_is_not_checked_again(factory, monkeypatch):
    factory.article("education/a.md", title="刷牙", body="最好的牙刷。")
    _ = Project(factory.root).entries
    calls = []
    original = Checker.check
    monkeypatch.setattr(
        Checker,
        "check",
        lambda self, doc, today: calls.append(doc.path) or original(self, doc, today),
    )
    _ = Project(factory.root).entries
    assert calls == []
    factory.article("education/a.md", title="刷牙", body="最好的牙膏。")
    _ = Project(factory.root).entries
    assert calls == ["content/education/a.md"]


def test_one_way_to_build_a_finding():
    text = "第一行\n第二行 最佳\n"
    start = text.index("最佳")
    what = {"rule": "r", "category": "c", "level": "error", "message": "m"}
    at = Finding.at("content/x.md", text, start, start + 2, **what)
    assert (at.line, at.column, at.end_line, at.end_column, at.match) == (2, 5, 2, 7, "最佳")
    assert Finding.at("content/x.md", text, start, start + 2, lines=Lines(text), **what) == at
    assert (Finding.at("content/x.md", text, 0, 0, **what).end_column, at.basis) == (1, "")
    on = Finding.on_line("content/x.md", 3, column=2, **what)
    assert (on.line, on.column, on.end_line, on.end_column, on.match) == (3, 2, 3, 2, "")
    assert clipped("一" * 201) == "一" * 197 + "…" and clipped("一" * 200) == "一" * 200


def test_caches_are_written_when_saved_never_when_read(factory):
    factory.article("education/a.md", title="刷牙", body="最好的牙刷。")
    project = Project(factory.root)
    project.entry(project.articles[0])  # checks, fingerprints: reads the caches only
    assert project.cache_root.name == ".smilepress-cache" and not project.cache_root.exists()
    project.save_caches()
    assert list((project.cache_root / "findings").rglob("*.json"))
    assert list((project.cache_root / "originality").glob("*.npz"))
    assert ".smilepress-cache" not in factory.git("status", "--porcelain", "--ignored=no")


def test_check_reports_unreadable_files_and_still_checks_the_others(factory, capsys):
    factory.write("content/education/gbk.md", "")
    (factory.root / "content/education/gbk.md").write_bytes(
        "---\ntitle: 最佳\n---\n最佳的医院".encode("gbk")
    )
    factory.write(
        "content/education/tabs.md", "---\ntitle: 科普\n\ttype: education\n---\n保证无痛。\n"
    )
    factory.article("education/bad.md", title="种植", body="咨询电话 13812345678")
    code, out, err = run(capsys, "check", "--format", "json")
    findings = json.loads(out)

    def about(path):
        return [f for f in findings if f["path"] == path and f["rule"] == "file/invalid"]

    assert code == 1 and any("GBK" in f["message"] for f in about("content/education/gbk.md"))
    assert [f["line"] for f in about("content/education/tabs.md")] == [3]  # the tab, with its line
    assert any(f["category"] == "pii-phone" for f in findings)  # the other files were still checked


def test_waiver_comments_that_are_malformed_say_what_to_do(checker):
    from smilepress.checks.waivers import parse_waivers

    waivers, problems = parse_waivers(
        "<!-- smilepress-disable -- 没写规则 -->\n<!-- smilepress-disable no/such -- 理由 -->\n"
        "<!-- smilepress-disable ad-law/superlative -- 理由 until 2026-13-45 -->\n",
        "x.md",
        {"ad-law/superlative"},
    )
    rules = {p.rule for p in problems}
    assert rules == {"waiver/no-rule", "waiver/unknown-rule", "waiver/bad-date"}
    assert all(p.suggestion for p in problems)


def test_the_preview_marks_each_finding_and_sums_them_up(factory, capsys):
    factory.article(
        "education/a.md", title="种植牙", body="本院种植牙保证终身不松动。\n\n每天刷牙两次。"
    )
    factory.commit_all("稿", "lixiaoyu")
    assert run(capsys, "--as-of", "2026-11-28", "build", "--profile", "preview")[0] == 0
    page = (factory.root / "site/preview/education/a/index.html").read_text(encoding="utf-8")
    assert 'class="smilepress-findings"' in page and "合规检查：" in page
    assert (
        '<mark class="smilepress-finding smilepress-error" title="[ad-law/guarantee-verb] 用“保证'
        in page
    )
    assert "保证终身不松动</mark>" in page


def test_implications_are_validated_like_rules(tmp_path):
    root = _pack_project(
        tmp_path,
        {
            "local.yml": "implies:\n  - categories: [no-such]\n    in: [ad]\n    rule: nope\n",
            "other.yml": "implies: {categories: [absolute-claim]}\n",
        },
    )
    messages = [str(p) for p in load_rules(root, TYPES, ROLES).problems]
    assert any("local.yml:2" in m and "no-such" in m for m in messages)
    assert any("local.yml:4" in m and "nope" in m for m in messages)
    assert any("other.yml:1" in m and "列表" in m for m in messages)


def test_an_ad_line_beyond_the_eight_facts_is_flagged(checker):
    meta = {
        "title": "【广告】安牙口腔门诊部",
        "ad_approval_number": "（粤）医广【2026】第03-15-001号",
    }
    clean = (
        "安牙口腔门诊部（番禺分部）\n所有制形式：营利性民营医疗机构\n"
        "診療科目：口腔科（口腔正畸專業、兒童口腔專業）\n"
        "接診時間：週一至週日 9:00—18:00\n地址：广州市番禺区市桥街繁华路 36 号 2 楼\n"
        "联系电话：400-820-1234\n"
    )
    assert "ad-scope" not in cats(checker, clean, "ad", meta)
    slogan = [
        f
        for f in found(checker, clean + "用心守护每一颗牙，让您笑得更自信\n", "ad", meta)
        if f.category == "ad-scope"
    ]
    assert [f.match for f in slogan] == ["用心守护每一颗牙，让您笑得更自信"] and slogan[
        0
    ].level == "warning"


def test_data_and_policies_are_checked_for_personal_data_and_secrets(factory, capsys):
    factory.write("data/kpi/2026-11.csv", "月份,咨询量,备注\n2026-11,120,联系人 13812345678\n")
    factory.write("data/notes.yml", "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\n")
    code, out, _ = run(capsys, "check", "--format", "json", "data", "policies")
    found = {(f["path"], f["category"]) for f in json.loads(out)}
    assert code == 1 and found == {
        ("data/kpi/2026-11.csv", "pii-phone"),
        ("data/notes.yml", "secret"),
    }
    # the staff registry's own e-mail addresses are its business;
    # wording rules do not read data files


def test_a_flood_of_one_finding_is_listed_once_per_hundred_and_counted(checker):
    text = "---\ntitle: x\n---\n\n" + "最佳，" * 250 + "\n"
    flood = [f for f in found(checker, text) if f.rule == "ad-law/superlative"]
    assert len(flood) == 101 and "还有 150 处" in flood[-1].message


def test_a_sentence_without_punctuation_is_weighed_near_the_hit(checker):
    """Windows look a few hundred characters around a hit, not the whole line: a negation 200,000
    characters earlier does not cancel it (and the check stays linear: scripts/bench_check.py
    times this text at two lengths)."""
    text = "---\ntitle: x\n---\n\n" + "我们不承诺无痛" + "牙" * 200000 + "最佳\n"
    assert [f.match for f in found(checker, text) if f.rule == "ad-law/superlative"] == ["最佳"]
