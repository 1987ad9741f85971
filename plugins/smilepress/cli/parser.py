"""The `smilepress` command line: its commands, options and examples (help texts in Chinese)."""

from __future__ import annotations

import argparse

from ..report.formats import FORMATS
from ..workflow.gate import PROFILES

EXAMPLES = """\
例子：
  smilepress new --type education --title "种植牙术后护理"
  smilepress submit content/education/zhongzhiya-shuhou-huli.md
  smilepress approve --role dentist content/education/zhongzhiya-shuhou-huli.md
  smilepress request-changes --reason "第二段剂量写错了" content/education/x.md
  smilepress list --status review --format json
  smilepress check content/education --format github
  smilepress build --profile public --strict
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smilepress",
        description="口腔网络运营部的内容发布工具",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--as-of", help="按某一天（YYYY-MM-DD）判断定时发布与过期，默认今天")
    parser.add_argument(
        "--trust-root",
        help="从这个提交起要求签名（默认读环境变量 SMILEPRESS_TRUST_ROOT 或 git config "
        "smilepress.trustRoot）",
    )
    parser.add_argument("--debug", action="store_true", help="出错时显示技术细节")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for add in (  # in the order `smilepress --help` lists them
        _workflow_commands,
        _reading_commands,
        _check_command,
        _backup_commands,
        _metrics_commands,
        _report_commands,
        _maintenance_commands,
        _recorder_command,
        _build_command,
    ):
        add(sub)
    return parser


def _workflow_commands(sub) -> None:
    """new, and the events that move an article through the workflow."""
    new = sub.add_parser(
        "new", help="从模板新建一篇文章（在 git 仓库中同时新建分支 content/<slug>）"
    )
    new.add_argument("--type", required=True, help="education | ad | faq | case | page")
    new.add_argument("--title", required=True)
    new.add_argument("--slug", help="网址名（小写字母、数字、连字符）；默认由标题拼音生成")
    new.add_argument("--no-branch", action="store_true", help="不新建分支")

    for name, text in (
        ("submit", "提交审核（作者）"),
        ("publish", "发布（部门经理）"),
        ("archive", "归档下线（部门经理）"),
    ):
        sub.add_parser(name, help=text).add_argument("file")
    approve = sub.add_parser(
        "approve", help="以某个角色批准（批准记录当前内容的摘要）；--re-review：医师复审"
    )
    approve.add_argument("--role", required=True)
    approve.add_argument(
        "--re-review",
        action="store_true",
        help="复审已批准、内容未改动的医学内容：记录复审并设定下次复审期限，其他批准仍然有效",
    )
    approve.add_argument(
        "--next-review",
        metavar="YYYY-MM-DD",
        help="下次复审期限（默认复审当天起 policies/workflow.yml 的 re_review.interval_days 天）",
    )
    approve.add_argument("file")
    changes = sub.add_parser("request-changes", help="退回修改（状态回到草稿）")
    changes.add_argument("--reason", required=True)
    changes.add_argument("file")


def _reading_commands(sub) -> None:
    """list, show and log: what the articles are and were."""
    lister = sub.add_parser("list", help="列出文章")
    lister.add_argument("--status")
    lister.add_argument("--type")
    lister.add_argument("--author", help="人员 id")
    lister.add_argument("--reviewer", help="人员 id：列出等待此人（按其角色）审批的文章")
    lister.add_argument("--format", choices=("text", "json"), default="text")

    show = sub.add_parser("show", help="一篇文章的发布判断：批准是否有效、为什么不公开")
    show.add_argument("file")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument(
        "--verbose",
        action="store_true",
        help="也列出批准所需的摘要和它覆盖的每个附件（图片、授权说明、链接文件）及其 SHA-256",
    )

    log = sub.add_parser("log", help="一篇文章的审计记录（来自 git 历史）")
    log.add_argument("file")
    log.add_argument("--format", choices=("text", "json"), default="text")


def _check_command(sub) -> None:
    check = sub.add_parser(
        "check", help="合规检查（广告法、医疗广告、个人信息等规则包）；有错误时退出码为 1"
    )
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="文件或目录，默认 content/ 下全部文章"
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=(
            "text：人看的；json：findings 列表；github：PR 行内注释；sarif：SARIF 2.1.0；"
            "codequality：GitLab 代码质量报告"
        ),
    )
    check.add_argument("--no-cache", action="store_true", help="不使用、不更新检查结果缓存")


def _backup_commands(sub) -> None:
    bak = sub.add_parser(
        "backup", help="备份：所有分支和标签打成 git bundle，附 SHA-256 清单并校验"
    )
    bak.add_argument("--to", required=True, help="备份目录")
    bak.add_argument("--keep", type=int, default=7, help="保留最近几份（默认 7）")
    bak.add_argument(
        "--no-fetch",
        action="store_true",
        help="不先从 origin 取回所有分支和标签（离线时）；默认先取回，CI 克隆里的其他分支才会备份",
    )
    res = sub.add_parser("restore", help="从备份恢复出一个完整的仓库（先核对清单）")
    res.add_argument("bundle")
    res.add_argument("dest", help="恢复到的新目录（必须不存在或为空）")


def _metrics_commands(sub) -> None:
    metrics = sub.add_parser("metrics", help="指标数据")
    metrics_sub = metrics.add_subparsers(dest="metrics_command", required=True, metavar="子命令")
    imp = metrics_sub.add_parser(
        "import", help="导入平台导出的 CSV（按月汇总写入 data/metrics/；重复导入不改动）"
    )
    imp.add_argument(
        "--channel", required=True, help="渠道名，与 policies/metrics-import.yml 中一致"
    )
    imp.add_argument("file")


def _report_commands(sub) -> None:
    """board, drops and review-summary: reports for the editors and the pull request."""
    board = sub.add_parser(
        "board", help="编辑看板：按状态列出 main 和 content/<slug> 分支上的文章，等待谁、等了多久"
    )
    board.add_argument("--format", choices=("text", "json"), default="text")

    drops = sub.add_parser(
        "drops",
        help="下线报告：标为已批准或已发布却不在网站上的文章、即将下线的文章，以及需要谁处理",
    )
    drops.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    drops.add_argument(
        "--days",
        type=int,
        help="提前多少天提醒（默认 policies/workflow.yml 的 review_warning_days）",
    )

    summ = sub.add_parser(
        "review-summary",
        help="拉取请求的审核摘要（Markdown）：状态、缺少的批准、检查结果、自上次批准以来的逐字改动",
    )
    summ.add_argument("--base", default="main", help="比较的基准分支（默认 main）")

    note = sub.add_parser(
        "review-note",
        help=(
            "（CI 用）把审核摘要发到 GitLab 合并请求的一条评论里，每次推送更新同一条"
            "（令牌：SMILEPRESS_REVIEW_NOTE_TOKEN）"
        ),
    )
    note.add_argument("file", help="review-summary 写出的 Markdown 文件")


def _maintenance_commands(sub) -> None:
    """codeowners and handbook: what the forge and the handbook's data need."""
    owners = sub.add_parser(
        "codeowners",
        help="由 policies/ 生成 GitHub 和 GitLab 的 CODEOWNERS（代码平台据此请求审核人）",
    )
    owners.add_argument(
        "--check", action="store_true", help="只检查已提交的文件是否最新（CI 用）；过期时退出码为 1"
    )

    sub.add_parser(
        "handbook",
        help=(
            "检查员工手册的制度数据：格式、相互引用、与制度原文逐条核对、复审日期；"
            "有错误时退出码为 1"
        ),
    )


def _recorder_command(sub) -> None:
    """record-reviews: CI records the merged pull request's reviews, signed with its key."""
    rec = sub.add_parser(
        "record-reviews",
        help=(
            "（CI 用）把已合并拉取请求在平台上的批准评审记为批准，用记录器密钥签名提交"
            "（密钥文件路径：SMILEPRESS_RECORDER_KEY）"
        ),
    )
    rec.add_argument("--forge", required=True, choices=("github", "gitlab"))
    rec.add_argument(
        "--pull", type=int, help="拉取请求编号（GitLab：合并请求 iid）；默认由提交查出"
    )
    rec.add_argument("--commit", default="HEAD", help="合并到 main 的提交（默认 HEAD）")
    rec.add_argument(
        "--api-fixtures",
        metavar="DIR",
        help="从 DIR 中的 JSON 文件读取平台 API 的回答（测试用，不联网）",
    )
    rec.add_argument("--dry-run", action="store_true", help="只显示会记录什么，不写入、不提交")


def _build_command(sub) -> None:
    build = sub.add_parser("build", help="构建网站")
    build.add_argument("--profile", choices=PROFILES, default="public")
    build.add_argument("--site-dir", help="输出目录，默认 site/<profile>")
    build.add_argument(
        "--engine",
        choices=("mkdocs", "zensical"),
        default="mkdocs",
        help="网站生成器：mkdocs（默认，MkDocs + Material）或 zensical",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help=(
            "完整性问题时失败（CI 用）：规则包或制度数据有错误、批准完全无法证明；"
            "单篇文章的问题只让它下线"
        ),
    )
