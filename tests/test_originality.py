"""Copied text: passages shared with the reference corpus or between our own articles."""

from __future__ import annotations

import json

import pytest

from smilepress.checks.originality import Policy, align, content, coverage
from smilepress.cli import main
from smilepress.project import Project
from smilepress.view.normalise import to_simplified

ORIGINAL = (
    "种植手术结束后，请咬紧棉球四十分钟左右再吐掉，术后两小时内不要进食，之后可以吃温凉的流质或半流质食物。"
    "术后当天不要刷手术区域的牙齿，也不要反复吮吸伤口或频繁吐口水，以免引起出血。"
    "手术后一周内尽量避免剧烈运动、熬夜、抽烟和饮酒，按医嘱服用消炎药，七到十天后回医院拆线。"
)
INDEPENDENT = (
    "种植牙做完以后，伤口需要时间愈合。第一天以清淡软食为主，别用手术那一侧咬东西。"
    "刷牙时绕开伤口，用漱口水辅助清洁。一周左右复查拆线，之后每半年检查一次种植体周围的牙龈。"
)


def share(a: str, b: str) -> float:
    p = Policy()
    ca, cb = content(a, p), content(b, p)
    return coverage(align(ca, cb, p), ca)


@pytest.mark.parametrize(
    "copy",
    [
        ORIGINAL,  # verbatim
        ORIGINAL.replace("请", "需")
        .replace("避免", "不要")
        .replace("按医嘱", "遵医嘱"),  # synonyms
        "。".join(reversed(ORIGINAL.rstrip("。").split("。"))) + "。",  # sentences reordered
        ORIGINAL.replace("，", " , ").replace("。", "!\n\n"),  # punctuation and breaks
        "術後注意："
        + ORIGINAL.replace("术后", "術後")
        .replace("手术", "手術")
        .replace("药", "藥"),  # traditional
    ],
)
def test_disguised_copies_are_found(copy):
    assert share(copy, ORIGINAL) >= 0.7


def test_independent_text_on_the_same_topic_is_not_a_copy():
    assert share(INDEPENDENT, ORIGINAL) == 0.0


QUOTE = (
    "> 术后当天不要刷手术区域的牙齿，也不要反复吮吸伤口或频繁吐口水，以免引起出血。"
    "手术后一周内尽量避免剧烈运动、熬夜。\n"
)


def test_attributed_quotation_is_allowed_up_to_its_share():
    own = INDEPENDENT * 6
    assert share(f"{own}\n\n{QUOTE}> —— 来源：《种植牙术后注意事项》\n", ORIGINAL) == 0.0
    assert share(f"{own}\n\n{QUOTE}", ORIGINAL) > 0  # no source named: it counts
    assert (
        share(f"短文。\n\n{QUOTE}> —— 来源：《种植牙术后注意事项》\n", ORIGINAL) > 0
    )  # most of the article: it counts


def _project(factory, body, reference=ORIGINAL):
    factory.write(
        "data/reference/comp.md", f"---\nsource: https://example.com/a\n---\n\n{reference}\n"
    )
    factory.article("education/copy.md", title="术后须知", body=body)
    factory.commit_all("稿", "lixiaoyu")
    return Project(factory.root)


def test_a_copied_article_is_an_error_that_names_the_source_and_keeps_it_off_the_site(factory):
    project = _project(factory, "写在前面。\n\n" + ORIGINAL)
    entry = project.entry(project.load(factory.root / "content/education/copy.md"))
    (f,) = [f for f in entry.review.findings if f.category == "plagiarism"]
    assert (
        f.level == "error"
        and "https://example.com/a" in f.message
        and "第 5 行" in f.message
        and f.line == 10
    )
    assert any("抄袭" in r or "参考资料" in r for r in entry.facts.errors)


def test_two_near_identical_articles_are_one_warning(factory, capsys):
    factory.article("education/one.md", title="一", body=ORIGINAL)
    factory.article("education/two.md", title="二", body="前言一句。" + ORIGINAL)
    factory.commit_all("稿", "lixiaoyu")
    assert main(["check", "--format", "json"]) in (0, 1)
    found = [f for f in json.loads(capsys.readouterr().out) if f["category"] == "self-duplicate"]
    assert (
        len(found) == 1
        and found[0]["level"] == "warning"
        and found[0]["path"] == "content/education/two.md"
    )
    assert "content/education/one.md" in found[0]["message"]


def test_a_wrong_threshold_is_reported_with_its_line(factory, capsys):
    factory.write("policies/originality.yml", "version: 1\nngram: 8\nplagiarism_error: -1\n")
    factory.article("education/ok.md", title="刷牙", body="每天刷牙两次。")
    code, _ = main(["check"]), capsys.readouterr()
    assert code == 2 and "originality.yml:3" in capsys.readouterr().err + _.err


def test_traditional_is_folded_before_matching():
    assert to_simplified("術後") == "术后"


def test_sources_are_checked_for_form_and_missing_ones_are_a_warning(factory, capsys):
    factory.article("education/none.md", title="刷牙", body="每天刷牙两次。")
    factory.article(
        "education/bad.md",
        title="牙线",
        body="每天用牙线。",
        extra="sources: [{title: '', url: ''}, {title: 指南, url: 'www.example'}]\n",
    )
    factory.article(
        "education/good.md",
        title="涂氟",
        body="儿童定期涂氟。",
        extra="sources: ['《中国居民口腔健康指南》', {title: 指南, url: 'https://www.example.com/g'}]\n",
    )
    main(["check", "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    assert [
        f["level"] for f in found if f["path"].endswith("none.md") and f["category"] == "sources"
    ] == ["warning"]
    bad = [
        f["message"] for f in found if f["path"].endswith("bad.md") and f["rule"] == "file/invalid"
    ]
    assert any("出处" in m for m in bad) and any("www.example" in m for m in bad)
    assert not [
        f for f in found if f["path"].endswith("good.md") and f["category"] in ("sources", "file")
    ]


def _png(path):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (200, 120, 40)).save(path)


def test_credited_images_get_a_caption_and_unlicensed_ones_keep_the_article_off(factory, capsys):
    _png(factory.root / "content/education/img/tooth.png")
    _png(factory.root / "content/education/img/other.png")
    factory.article(
        "education/cc.md",
        title="牙齿结构",
        body="![牙齿结构](img/tooth.png)",
        status="published",
        extra=(
            "images:\n  - {src: img/tooth.png, licence: CC-BY-4.0, "
            "source: 'https://commons.example.org/t', credit: 张三}\n"
        ),
    )
    factory.article("education/none.md", title="牙齿颜色", body="![牙齿颜色](img/other.png)")
    factory.commit_all("稿", "lixiaoyu")
    project = Project(factory.root)
    entry = project.entry(project.load(factory.root / "content/education/none.md"))
    assert any(f.category == "image-licence" and f.level == "error" for f in entry.review.findings)
    assert any("合规检查" in r for r in entry.facts.errors)
    assert main(["--as-of", "2026-11-28", "build", "--profile", "preview"]) == 0
    page = (factory.root / "site/preview/education/cc/index.html").read_text(encoding="utf-8")
    assert (
        '<figure class="smilepress-credit"><img' in page
        and "<figcaption>图片：张三 / CC BY 4.0</figcaption>" in page
    )
