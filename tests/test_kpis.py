"""KPIs as data: safe formulas, validated monthly numbers, internal pages only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from smilepress.cli import main
from smilepress.model.kpis import load_kpis, load_metrics, parse_formula
from smilepress.pages.kpis import pages

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "formula,problem",
    [
        ("__import__('os').system('x')", "不能有"),
        ("clicks / visits", "未知字段 visits"),
        ("clicks ** 2", "不能有"),
        ("clicks /", "写法有误"),
        ("(lambda: 1)()", "不能有"),
    ],
)
def test_formulas_are_parsed_never_evaluated(formula, problem):
    tree, (found,) = parse_formula(formula, "ctr", "policies/kpis.yml", 7)
    assert tree is None and problem in found.message
    assert (found.path, found.line) == ("policies/kpis.yml", 7)
    assert found.message.startswith("指标 ctr 的公式：")


def test_indicators_compute_and_undefined_values_say_so(tmp_path):
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    (kpi, *_), problems = load_kpis(tmp_path)
    assert not problems and kpi.id == "ctr"
    assert (
        kpi.value({"clicks": 25, "impressions": 1000}) == pytest.approx(2.5)
        and kpi.status(2.5) == "达标"
    )
    assert kpi.value({"clicks": 0, "impressions": 0}) is None and kpi.status(None) == "无数据"


def test_bad_monthly_numbers_are_reported_with_their_line(tmp_path):
    (tmp_path / "data/metrics").mkdir(parents=True)
    (tmp_path / "data/metrics/2026-03.yml").write_text(
        "month: 2026-03\nchannels:\n  抖音:\n"
        "    impressions: 100\n    clicks: 250\n    spend: -5\n",
        encoding="utf-8",
    )
    (tmp_path / "data/metrics/2026-04.yml").write_text(
        "month: 2026-05\nchannels: {}\n", encoding="utf-8"
    )
    problems = [str(p) for p in load_metrics(tmp_path).problems]
    assert any("2026-03.yml:5" in p and "点击 250 大于 展现 100" in p for p in problems)
    assert any("2026-03.yml:6" in p and "非负" in p for p in problems)
    assert any("2026-04.yml:1" in p and "文件名" in p for p in problems)


def test_kpi_pages_are_built_for_staff_and_never_for_the_public(factory, capsys):
    shutil.copytree(REPO / "data/metrics", factory.root / "data/metrics")
    factory.article("index.md", title="首页", type="page", body="欢迎。", status="published")
    factory.commit_all("页", "chensiyuan")
    assert main(["build", "--profile", "internal"]) == 0
    board = (factory.root / "site/internal/kpi/index.html").read_text(encoding="utf-8")
    assert "指标看板" in board and "点击率" in board
    assert '<svg class="smilepress-chart"' in (
        factory.root / "site/internal/kpi/ctr/index.html"
    ).read_text(encoding="utf-8")
    assert (factory.root / "site/internal/reports/2026-11/index.html").exists()
    assert "审核队列" in (factory.root / "site/internal/editorial/queue/index.html").read_text(
        encoding="utf-8"
    )
    assert "内容日历" in (factory.root / "site/internal/editorial/calendar/index.html").read_text(
        encoding="utf-8"
    )
    assert main(["build", "--profile", "public"]) == 0
    public = factory.root / "site/public"
    assert not any((public / d).exists() for d in ("kpi", "reports", "editorial"))
    assert "指标看板" not in (public / "search/search_index.json").read_text(encoding="utf-8")


def test_pages_need_indicators_and_numbers():
    assert pages([], load_metrics(REPO)) == {}


def _export(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_a_gbk_export_is_summed_by_month_and_reimporting_changes_nothing(factory, tmp_path, capsys):
    csv_file = _export(
        tmp_path / "baidu.csv",
        '日期,展现量,点击量,消费\n2026-03-01,"1,000",30,120.5\n2026/03/02,2000,50,200\n'
        "2026-04-01,500,10,40\n",
        "gbk",
    )
    assert main(["metrics", "import", "--channel", "百度搜索推广", csv_file]) == 0
    march = (factory.root / "data/metrics/2026-03.yml").read_text(encoding="utf-8")
    assert "impressions: 3000" in march and "clicks: 80" in march and "spend: 320.5" in march
    assert main(["metrics", "import", "--channel", "百度搜索推广", csv_file]) == 0
    assert "未改动" in capsys.readouterr().out
    assert (factory.root / "data/metrics/2026-03.yml").read_text(encoding="utf-8") == march


def test_an_export_that_contradicts_itself_or_the_data_is_refused(factory, tmp_path, capsys):
    bad = _export(
        tmp_path / "bad.csv", "日期,展现量,点击量,消费\n2026-03-01,100,300,5\n2026-03-02,10,1,-2\n"
    )
    assert main(["metrics", "import", "--channel", "百度搜索推广", bad]) == 1
    err = capsys.readouterr().err
    assert (
        "点击 301 大于 展现 110" in err
        and "负数" in err
        and not (factory.root / "data/metrics/2026-03.yml").exists()
    )
    good = _export(tmp_path / "a.csv", "日期,展现量,点击量,消费\n2026-03-01,100,3,5\n")
    other = _export(tmp_path / "b.csv", "日期,展现量,点击量,消费\n2026-03-01,100,4,5\n")
    assert main(["metrics", "import", "--channel", "百度搜索推广", good]) == 0
    assert main(["metrics", "import", "--channel", "百度搜索推广", other]) == 1
    assert "已有 百度搜索推广 的不同数字" in capsys.readouterr().err
    assert main(["metrics", "import", "--channel", "快手", good]) == 1
    assert "没有渠道“快手”的列映射" in capsys.readouterr().err


def test_plans_and_budgets_are_validated_with_their_lines(tmp_path):
    (tmp_path / "data/plans").mkdir(parents=True)
    (tmp_path / "data/budget").mkdir(parents=True)
    (tmp_path / "data/plans/bad.yml").write_text("period: 2026-Q5\n", encoding="utf-8")
    (tmp_path / "data/plans/q4.yml").write_text(
        "period: 2026-Q4\ngoals:\n  ctr: 2.5\n  nps: 9\nbudget: {抖音: -1}\n", encoding="utf-8"
    )
    (tmp_path / "data/budget/2026.yml").write_text(
        "categories:\n  推广费用:\n    2026-13: 5\n", encoding="utf-8"
    )
    from smilepress.model.plans import load_plans

    plans, budget, problems = load_plans(tmp_path, {"ctr"})
    text = [str(p) for p in problems]
    assert any("bad.yml:1" in p and "2026-Q5" in p for p in text)
    assert any("q4.yml:4" in p and "nps" in p for p in text)
    assert any("q4.yml:5" in p and "抖音" in p for p in text)
    assert any("2026.yml:3" in p for p in text)
    assert plans[0].months == ("2026-10", "2026-11", "2026-12") and plans[0].goals == {"ctr": 2.5}


def test_the_monthly_report_carries_budget_execution_and_the_narrative(factory):
    for folder in ("metrics", "plans", "budget", "reports"):
        shutil.copytree(REPO / "data" / folder, factory.root / "data" / folder)
    factory.article("index.md", title="首页", type="page", body="欢迎。", status="published")
    factory.commit_all("页", "chensiyuan")
    assert main(["build", "--profile", "internal"]) == 0
    report = (factory.root / "site/internal/reports/2026-11/index.html").read_text(encoding="utf-8")
    assert "预算执行" in report and "超过 ±10%" in report and "分析与建议" in report
    assert "计划与实际（2026 年第四季度计划）" in report and "咨询→成交" in report
    assert "目标与实际" in (factory.root / "site/internal/plans/2026-Q4/index.html").read_text(
        encoding="utf-8"
    )
    assert main(["build", "--profile", "public"]) == 0
    assert not (factory.root / "site/public/plans").exists()


def test_customer_service_numbers_are_indicators_too(tmp_path):
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    (tmp_path / "data/metrics").mkdir(parents=True)
    (tmp_path / "data/metrics/2026-05.yml").write_text(
        "month: 2026-05\nchannels: {}\nservice:\n  first_response_minutes: 2.5\n  complaints: 4\n"
        "  complaints_resolved_in_sla: 5\n",
        encoding="utf-8",
    )
    metrics = load_metrics(tmp_path)
    assert any("2026-05.yml:6" in str(p) and "多于投诉总数" in str(p) for p in metrics.problems)
    kpis_, _ = load_kpis(tmp_path)
    first = next(k for k in kpis_ if k.id == "first-response")
    assert first.value(metrics.total("2026-05")) == 2.5 and first.status(2.5) == "达标"
    assert 'class="kpi-' in pages(kpis_, metrics)["kpi/index.md"]


def test_a_kpis_file_that_is_not_a_list_is_named(tmp_path):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies/kpis.yml").write_text("version: 1\nkpis: true\n", encoding="utf-8")
    indicators, problems = load_kpis(tmp_path)
    assert indicators == [] and [(p.path, p.line, p.message) for p in problems] == [
        ("policies/kpis.yml", 2, "kpis 应该是指标的列表")
    ]


# -- like periods, formulas in Chinese, charts on the pages ---------------------------------------


def _yaml(rel: str) -> dict:
    import yaml

    return yaml.safe_load((REPO / rel).read_text(encoding="utf-8"))


def _month_sum(month: str, field: str) -> float:
    return sum(n.get(field, 0) for n in _yaml(f"data/metrics/{month}.yml")["channels"].values())


def _internal():
    from smilepress.pages.kpis import internal_pages

    out, problems = internal_pages(REPO)
    assert not problems, [str(p) for p in problems]
    return out


def test_the_monthly_report_compares_a_month_with_its_share_of_the_quarter_goal():
    plan = _yaml("data/plans/2026-Q4.yml")
    goal = plan["goals"]["deals"]  # a count: the quarter's 600 单 is 200 单 a month
    month, so_far = (
        _month_sum("2026-11", "deals"),
        [_month_sum(m, "deals") for m in ("2026-10", "2026-11")],
    )
    report = _internal()["reports/2026-11.md"]
    row = next(line for line in report.splitlines() if line.startswith("| 成交数 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == f"{goal / 3:,.0f}单"  # 本月目标
    assert cells[2].startswith(f"{month:,.0f}单 ")  # 本月实际
    assert cells[3] == f"{goal * 2 / 3:,.0f}单"  # 累计目标: two of the quarter's three months
    assert cells[4].startswith(f"{sum(so_far):,.0f}单 ")
    assert cells[5] == f"{goal:,.0f}单"
    assert "2026-10 至 2026-11，共 2 个月" in report
    assert f"（{goal:,.0f}单 ÷ 3）" in report  # the split is said in words
    # A ratio keeps its goal for a month and the quarter alike: 点击率 2.6% both ways.
    ctr = next(line for line in report.splitlines() if line.startswith("| 点击率 |"))
    assert ctr.count(f"{plan['goals']['ctr']:.1f}%") == 3


def test_budget_execution_compares_the_same_months_and_shows_the_full_year_apart():
    promotion = _yaml("data/budget/2026.yml")["categories"]["推广费用"]
    measured = sorted(
        m for m in promotion if (REPO / f"data/metrics/{m}.yml").exists()
    )  # months with spending data
    assert len(measured) == 11 and len(promotion) == 12  # the sample: December not yet spent
    budget_so_far = sum(promotion[m] for m in measured)
    spent = sum(_month_sum(m, "spend") for m in measured)
    page = _internal()["plans/budget.md"]
    assert (
        f"| 推广费用 | {budget_so_far:,.0f} | {spent:,.0f} | {100 * spent / budget_so_far:.0f}% | "
        f"{sum(promotion.values()):,.0f} |" in page
    )
    assert "2026-01 至 2026-11，共 11 个月" in page
    report = _internal()["reports/2026-11.md"]
    assert f"同期预算 {budget_so_far:,.0f} 元，实际消费 {spent:,.0f} 元" in report
    assert f"全年预算 {sum(promotion.values()):,.0f} 元" in report
    nov = _month_sum("2026-11", "spend")
    assert f"预算 {promotion['2026-11']:,.0f} 元，实际消费 {nov:,.0f} 元" in report


def test_the_plan_page_sets_the_months_with_data_against_their_share_of_the_goal():
    plan = _yaml("data/plans/2026-Q4.yml")
    spent = sum(
        _yaml(f"data/metrics/{m}.yml")["channels"]["抖音"]["spend"] for m in ("2026-10", "2026-11")
    )
    page = _internal()["plans/2026-Q4.md"]
    share = plan["budget"]["抖音"] * 2 / 3
    assert f"| 抖音 | {plan['budget']['抖音']:,.0f} | {share:,.0f} | {spent:,.0f} |" in page
    assert f"| 成交数 | {plan['goals']['deals']:,.0f}单 | 400单 |" in page


def test_formulas_are_in_chinese_and_staff_pages_name_no_folders():
    out = _internal()
    assert "- 公式：点击 ÷ 展现 × 100%\n" in out["kpi/ctr.md"]
    assert "- 公式：收入 ÷ 消费\n" in out["kpi/roi.md"]
    assert "- 公式：按时解决的投诉数 ÷ 投诉数 × 100%\n" in out["kpi/complaint-sla.md"]
    for uri, text in out.items():
        prose = re.sub(r"<svg.*?</svg>", "", text)  # the charts' xmlns is not prose
        assert not re.search(r"data/|policies/|\.yml|clicks|impressions", prose), uri
    tree, _ = parse_formula("(clicks + deals) / (impressions - spend) * 100", "x", "k.yml", 1)
    from smilepress.model.kpis import _formula_text

    assert _formula_text(tree.body) == "（点击 + 成交） ÷ （展现 − 消费） × 100"


def test_the_dashboard_has_a_trend_per_indicator_and_counts_print_as_integers():
    out = _internal()
    indicators, _ = load_kpis(REPO)
    board = out["kpi/index.md"]
    assert board.count('<svg class="smilepress-sparkline"') == len(indicators)
    assert "| [成交数](deals.md) | 215单 ↑ |" in board  # not 215.0单
    assert "191单" in out["kpi/deals.md"] and "191.0" not in out["kpi/deals.md"]


def test_a_missing_month_is_a_gap_on_the_chart_not_a_bridge(tmp_path):
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    (tmp_path / "data/metrics").mkdir(parents=True)
    for month, deals in (("2026-01", 10), ("2026-02", 12), ("2026-04", 14), ("2026-05", 9)):
        (tmp_path / f"data/metrics/{month}.yml").write_text(
            f"month: {month}\nchannels:\n  抖音: {{consultations: 50, deals: {deals}}}\n",
            encoding="utf-8",
        )
    indicators, _ = load_kpis(tmp_path)
    page = pages(indicators, load_metrics(tmp_path))["kpi/deals.md"]
    (d,) = re.findall(r'<path d="([^"]+)"', page)
    assert d.count("M") == 2 and "2026-03 无数据" in page  # January–February, April–May
    assert "| 2026-03 | — |" in page
