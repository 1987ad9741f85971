"""The `smilepress` command: thin glue over the library. Messages to staff are in Chinese.

Exit codes: 0 done, 1 refused or failed (with the reason), 2 the project or the command line is
wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import Problem, SmilePressError
from ..load.files import listing, read_text
from ..project import AS_OF_ENV, Project, find_root, parse_as_of
from ..workflow.gate import PROFILES
from .parser import _parser

# 1: an internal error raises (tests, maintainers) instead of one line for staff
DEBUG_ENV = "SMILEPRESS_DEBUG"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SmilePressError as exc:
        for problem in exc.problems:
            print(
                f"错误：{problem}" if problem.path else f"错误：{problem.message}", file=sys.stderr
            )
        return 1
    except KeyboardInterrupt:
        return 130
    # Never a traceback to a user; the test suite (SMILEPRESS_DEBUG=1) sees the bug.
    except Exception as exc:
        if args.debug or os.environ.get(DEBUG_ENV) == "1":
            raise
        print(
            f"内部错误：{type(exc).__name__}: {exc}\n"
            "请把这条信息告诉维护人员（加 --debug 可看详细信息）。",
            file=sys.stderr,
        )
        return 2


def _as_of(args) -> dt.date | None:
    """The day to judge by: --as-of, else SMILEPRESS_AS_OF, else None (today)."""
    return parse_as_of(args.as_of, "--as-of") or parse_as_of(os.environ.get(AS_OF_ENV), AS_OF_ENV)


def _project(args) -> Project:
    return Project(find_root(Path.cwd()), as_of=_as_of(args), trust_root=args.trust_root)


def _handbook(project: Project) -> int:
    from ..model.regulation import FILES
    from ..pages.handbook import load_handbook, pages

    book, problems = load_handbook(
        project.root, project.policies, project.today, ledger=project.ledger
    )
    for problem in problems:
        print(problem, file=sys.stderr)
    clauses = book.reg.clauses.values()
    added = sum(1 for c in clauses if c.origin == "added")
    errors = sum(1 for p in problems if p.level == "error")
    overdue = len(book.reg.overdue(project.today))
    print(
        f"员工手册：{len(book.reg.data)}/{len(FILES)} 个制度文件可用，"
        f"{len(clauses)} 条条款（其中部门补充 {added} 条），"
        f"{len(pages(book))} 个页面；错误 {errors} 个，已过复审日期 {overdue} 项"
    )
    return 1 if errors else 0


def _given_path(file: str) -> Path:
    """An absolute path to what `file` names, its folder resolved but never the file itself (a
    symlink is refused when read, never followed)."""
    path = Path(os.path.abspath(file))
    return path.parent.resolve() / path.name if path.name else path


def _article_path(project: Project, file: str) -> Path:
    path = _given_path(file)
    if not os.path.lexists(path):
        raise SmilePressError(f"找不到文件 {file}")
    if project.content_root not in path.parents:
        raise SmilePressError(
            f"{file} 不在 {project.content_root.relative_to(project.root)}/ 目录下"
        )
    return path


def _run(args) -> int:
    if args.command == "build":
        return _build(args)
    if args.command == "record-reviews":
        return _record_reviews(args)
    if args.command == "check":
        return _check(args)
    if args.command in ("backup", "restore"):
        return _backup(args)
    if args.command == "review-note":
        from ..ops.review_note import post_file

        done = post_file(Path(args.file), os.environ)
        print(
            "已更新合并请求中的审核摘要评论"
            if done == "edited"
            else "已在合并请求中发表审核摘要评论"
        )
        return 0
    project = _project(args)
    if args.command == "list":
        return _list(project, args)
    if args.command == "codeowners":
        return _codeowners(project, args.check)
    if args.command == "handbook":
        return _handbook(project)
    if args.command == "metrics":
        from ..ops.metrics_import import import_csv

        done, problems = import_csv(project.root, args.channel, Path(args.file))
        for line in done:
            print(line)
        for problem in problems:
            print(f"错误：{problem}", file=sys.stderr)
        return 1 if problems else 0
    if args.command == "board":
        from ..report.board import items, render

        found = items(project)
        print(
            json.dumps([i.as_dict() for i in found], ensure_ascii=False, indent=2)
            if args.format == "json"
            else render(project, found)
        )
        return 0
    if args.command == "drops":
        from ..report.drops import report

        found = report(project, args.days)
        print(
            {"text": found.text, "markdown": found.markdown}.get(
                args.format, lambda: json.dumps(found.as_dict(), ensure_ascii=False, indent=2)
            )()
        )
        return 0
    if args.command == "review-summary":
        from ..report.pull_request import review_summary

        print(review_summary(project, args.base))
        return 0
    if args.command == "show":
        return _show(project, _article_path(project, args.file), args.format, args.verbose)
    if args.command == "log":
        return _log(project, _article_path(project, args.file), args.format)
    from ..workflow.commands import RE_REVIEW, create_article, current_actor, run_event

    actor = current_actor(project.root, project.policies)
    if args.command == "new":
        outcome = create_article(
            project, args.type, args.title, actor, args.slug, branch=not args.no_branch
        )
    else:
        event = RE_REVIEW if getattr(args, "re_review", False) else args.command
        if getattr(args, "next_review", None) and event != RE_REVIEW:
            raise SmilePressError("--next-review 只能和 --re-review 一起用")
        next_review = (
            parse_as_of(args.next_review, "--next-review")
            if getattr(args, "next_review", None)
            else None
        )
        outcome = run_event(
            project,
            _article_path(project, args.file),
            event,
            actor,
            role=getattr(args, "role", None),
            reason=getattr(args, "reason", None),
            next_review=next_review,
        )
    print(outcome.message)
    print(
        f"已提交 {outcome.commit[:7]}（作者 {actor.email}）"
        if outcome.commit
        else "（不在 git 仓库中：未提交，批准无法被证明）"
    )
    return 0


def _row(project: Project, entry) -> dict:
    from ..report import board

    a, p = entry.article, project.policies
    public = entry.decision("public", project.today)
    return {
        "path": a.path,
        "title": a.display_title,
        "type": a.type,
        "status": a.status,
        "authors": list(a.authors),
        "public": public.public,
        "reasons": list(public.reasons),
        "warnings": list(public.warnings),
        "missing_approvals": list(entry.approvals.missing),
        "missing_named": list(entry.approvals.missing_named(p.role_name)),
        "routed": {role: why for role, why in entry.approvals.routed},
        # whose queue it is in: the board's answer (an overdue re-review, a missing approval)
        "waiting_for": [
            h.id
            for role in board.waiting(
                p, tuple(entry.approvals.missing), board.stage(p, a.status, public)
            )
            for h in p.holders(role)
            if h.id not in a.authors
        ],
        "publish_date": a.publish_date.isoformat() if a.publish_date else None,
        "review_by": entry.facts.review_by.isoformat() if entry.facts.review_by else None,
        "problems": [str(x) for x in a.problems],
    }


def _list(project: Project, args) -> int:
    rows = [_row(project, e) for e in project.entries]
    if args.status:
        rows = [r for r in rows if r["status"] == args.status]
    if args.type:
        rows = [r for r in rows if r["type"] == args.type]
    if args.author:
        rows = [r for r in rows if args.author in r["authors"]]
    if args.reviewer:
        rows = [r for r in rows if args.reviewer in r["waiting_for"]]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    p = project.policies
    for r in rows:
        mark = "公开" if r["public"] else "未公开"
        missing = f"  缺：{'、'.join(r['missing_named'])}" if r["missing_approvals"] else ""
        status = p.states.get(r["status"], r["status"] or "?")
        type_name = p.types[r["type"]].name if r["type"] in p.types else "?"
        print(f"{status:<4} {mark:<3} {type_name:<4} {r['path']}  {r['title']}{missing}")
    print(f"共 {len(rows)} 篇（截至 {project.today.isoformat()}）")
    return 0


_ASSET_STATES = {
    "missing": "不存在（加上它，批准就失效）",
    "not-regular": "不是普通文件（符号链接、文件夹等），未读取",
    "outside": "在 content/ 之外，未读取",
    "unreadable": "无法读取",
}


def _show(project: Project, path: Path, fmt: str, verbose: bool = False) -> int:
    from ..report.audit_trail import stale_since

    article = project.load(path)
    entry = project.entry(article)
    row = _row(project, entry)
    row["approvals"] = []
    for v in entry.approvals.verdicts:
        reason = v.reason
        if v.code == "stale" and project.history.available:
            reason += "：" + stale_since(project, article, v.approval)
        row["approvals"].append(
            {
                "by": v.approval.by,
                "role": v.approval.role,
                "at": v.approval.at,
                "review_by": v.approval.review_by.isoformat() if v.approval.review_by else None,
                "counts": v.counts,
                "reason": reason,
                "commit": v.commit.sha if v.commit else None,
            }
        )
    row["profiles"] = {p: entry.decision(p, project.today).included for p in PROFILES}
    row["compliance"] = entry.review.counts()
    row["digest"], row["text_digest"] = article.digest, article.text_digest
    row["assets"] = [{"path": x.path, "sha256": x.sha256, "state": x.state} for x in article.assets]
    if fmt == "json":
        print(json.dumps(row, ensure_ascii=False, indent=2))
        return 0
    p = project.policies
    print(f"{row['path']}  {row['title']}")
    authors = "、".join(_name(p, x) for x in article.authors)
    print(
        f"类型：{p.types[article.type].name if article.type in p.types else article.type}  "
        f"状态：{p.states.get(article.status, article.status)}  作者：{authors}"
    )
    print("需要批准：" + ("、".join(p.role_name(r) for r in entry.approvals.required) or "无"))
    for role, why in entry.approvals.routed:
        print(f"  {p.role_name(role)}：因合规检查发现需审核的内容——{why}")
    for a in row["approvals"]:
        mark = "有效" if a["counts"] else "无效"
        kind = f"复审，下次复审期限 {a['review_by']}，" if a["review_by"] else ""
        print(
            f"  [{mark}] {_name(p, a['by'])}（{p.role_name(a['role'])}）{kind}{a['at']}"
            + (f"：{a['reason']}" if a["reason"] else "")
        )
    if row["review_by"]:
        written = (
            f"{article.review_by.isoformat()}（文件中）" if article.review_by else "（文件中未写）"
        )
        last = entry.approvals.last_re_review(p.re_review.role)
        print(
            f"复审期限：{row['review_by']}"
            + (
                f"，由 {_name(p, last.approval.by)} 复审延至此日；最初批准的期限为 {written}"
                if last and last.approval.review_by > (article.review_by or dt.date.min)
                else ""
            )
        )
    c = row["compliance"]
    print(
        f"合规检查：{c['error']} 个错误，{c['review']} 处需审核，{c['warning']} 个警告，"
        f"{c['waived']} 处已豁免"
        + (
            "（详情：smilepress check " + row["path"] + "）"
            if c["error"] + c["review"] + c["warning"] + c["waived"]
            else ""
        )
    )
    print("公开网站：" + ("收录" if row["public"] else "不收录"))
    for reason in row["reasons"]:
        print(f"  - {reason}")
    for warning in row["warnings"]:
        print(f"  ! {warning}")
    for problem in row["problems"]:
        print(f"  ✗ {problem}")
    if verbose:
        _print_digest(article)
    return 0


def _print_digest(article) -> None:
    """What an approval of the article as it is now records, and every file that digest covers."""
    print(f"批准所需摘要：{article.digest}（文字部分 {article.text_digest}）")
    print(
        f"摘要覆盖的附件（图片、授权说明、链接文件；路径相对于 content/）：{len(article.assets)} 个"
    )
    for x in article.assets:
        what = f"sha256:{x.sha256}" if x.sha256 else _ASSET_STATES.get(x.state, x.state)
        print(f"  {x.path}  {what}")


def _log(project: Project, path: Path, fmt: str) -> int:
    from ..report.audit_trail import trail

    history = project.history
    if not history.available:
        raise SmilePressError(f"没有审计记录：{history.reason}")
    events = trail(project, project.load(path))
    if fmt == "json":
        print(json.dumps([e.as_dict() for e in events], ensure_ascii=False, indent=2))
        return 0
    zone = ZoneInfo(project.policies.timezone)
    for e in events:
        proof = (
            f"  [{e.signature}]"
            if e.proven is None
            else (f"  ✓ {e.signature}" if e.proven else f"  ✗ {e.signature}，不能证明这条批准")
        )
        when = dt.datetime.fromisoformat(e.commit.date).astimezone(zone).strftime("%Y-%m-%d %H:%M")
        print(f"{when}  {e.commit.short}  {e.commit.name} <{e.commit.email}>  {e.what}{proof}")
    if history.shallow:
        print(f"注意：{history.reason}")
    return 0


def _name(p, pid: str) -> str:
    return p.people[pid].name if pid in p.people else pid


def _build(args) -> int:
    """Run MkDocs with the SmilePress plugin for one profile."""
    engine = getattr(args, "engine", "mkdocs")
    if not _site_stack_installed(engine):
        print(
            "构建失败：这里安装的是只做检查的轻量版 SmilePress，没有构建网站的组件。"
            "请安装网站组件：pip install 'smilepress[site]'（在本仓库中运行 make build 即可）",
            file=sys.stderr,
        )
        return 2
    root = find_root(Path.cwd())
    as_of = parse_as_of(args.as_of, "--as-of") if args.as_of else None
    if engine == "zensical":
        return _run_zensical(args, root, as_of)
    return _run_mkdocs(args, root, as_of)


# What each engine imports from the extra `site` (pyproject.toml): the light install, made for
# checking (the pre-commit hook), has none of it.
SITE_STACK = {
    "mkdocs": ("mkdocs", "material", "jieba", "jinja2"),
    "zensical": ("zensical", "jinja2"),
}


def _site_stack_installed(engine: str) -> bool:
    from importlib import import_module

    try:
        for name in SITE_STACK.get(engine, ()):
            import_module(name)  # the build imports them next anyway
    except ImportError:
        return False
    return True


def _run_zensical(args, root: Path, as_of: dt.date | None) -> int:
    """The same staged site, built by Zensical (zensical_engine.py)."""
    import logging

    from .. import zensical_engine
    from ..project import AS_OF_ENV
    from ..workflow import site_config

    site_dir = Path(args.site_dir).resolve() if args.site_dir else root / "site" / args.profile
    logging.basicConfig(format="%(levelname)-7s - %(message)s", level=logging.INFO)
    log = logging.getLogger("smilepress.zensical")
    if _refused_site_config(root, args.profile):
        return 1
    day, origin = site_config.build_day(
        args.profile, as_of.isoformat() if as_of else None, os.environ.get(AS_OF_ENV), None
    )
    project = Project(root, as_of=parse_as_of(day, origin), trust_root=args.trust_root)
    try:
        zensical_engine.build(project, args.profile, site_dir, log)
    except zensical_engine.BuildError as exc:
        print(f"构建失败：{exc}", file=sys.stderr)
        return 1
    print(f"已构建 {args.profile} 版（Zensical）：{site_dir}")
    return 0


def _configure_plugin(config, args, as_of: dt.date | None) -> None:
    """This command's options on the loaded SmilePress plugin, over SMILEPRESS_* and mkdocs.yml."""
    plugin = config.plugins.get("smilepress")
    if plugin is None:  # a mkdocs.yml without the plugin builds no article at all (fails closed)
        return
    plugin.set_by_command("profile", args.profile, "--profile")
    if as_of is not None:
        plugin.set_by_command("as_of", as_of.isoformat(), "--as-of")
    if args.strict:
        plugin.set_by_command("strict", True, "--strict")
    plugin.checked_before_load = args.profile
    plugin.trust_root = (
        args.trust_root
    )  # never an option of mkdocs.yml: the branch must not name it


def _refused_site_config(root: Path, profile: str) -> bool:
    """Read mkdocs.yml and its folders before MkDocs loads it (hooks, plugins, extensions and
    !!python tags run code while it loads): True, with every reason logged, if `profile` refuses
    it."""
    import logging

    from ..model.policies import load_policies
    from ..workflow import site_config

    if profile not in site_config.CHECKED_PROFILES:
        return False
    log = logging.getLogger("smilepress.build")
    try:
        refused = site_config.problems(site_config.read(root), profile, load_policies(root))
    except SmilePressError as exc:
        refused = exc.problems
    for problem in refused:
        log.error("%s", problem)
    if refused:
        print(
            f"构建失败：{profile} 版不接受这份网站配置（原因见上方日志），现有网站保持不变",
            file=sys.stderr,
        )
    return bool(refused)


def _run_mkdocs(args, root: Path, as_of: dt.date | None) -> int:
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    site_dir = Path(args.site_dir).resolve() if args.site_dir else root / "site" / args.profile
    logging.basicConfig(format="%(levelname)-7s - %(message)s", level=logging.INFO)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    if _refused_site_config(root, args.profile):
        return 1
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
        _configure_plugin(config, args, as_of)
        build(config)
    except (PluginError, ConfigurationError, Abort) as exc:
        print(f"构建失败（原因见上方日志）：{exc}", file=sys.stderr)
        return 1
    print(f"已构建 {args.profile} 版：{site_dir}")
    return 0


DATA_SUFFIXES = (
    ".yml",
    ".yaml",
    ".csv",
    ".json",
    ".txt",
    ".tsv",
)  # checked for personal data and secrets only


def _check_targets(project: Project, paths: list[str]) -> list[Path]:
    if not paths:
        return project.markdown_files()
    files: list[Path] = []
    for given in paths:
        path = _given_path(given)
        if path.is_dir() and not path.is_symlink():
            files.extend(listing(path, lambda name: name.lower().endswith((".md", *DATA_SUFFIXES))))
        elif os.path.lexists(path):
            files.append(path)  # not a regular file: reading it says why
        else:
            raise SmilePressError(f"找不到 {given}")
        if project.root not in (path, *path.parents):
            raise SmilePressError(f"{given} 不在项目 {project.root} 中")
    return list(dict.fromkeys(files))


def _check(args) -> int:
    """Exit 0: no error-level findings; 1: some; 2: the check could not run (or not fully)."""
    from ..checks.engine import Document
    from ..report.formats import render

    try:
        project = _project(args)
        files = _check_targets(project, args.paths)
    except SmilePressError as exc:
        for problem in exc.problems:
            print(
                f"错误：{problem}" if problem.path else f"错误：{problem.message}", file=sys.stderr
            )
        return 2
    if args.no_cache:
        project.findings_cache.root = None
    findings, sources = [], {}
    staff = frozenset(p.email for p in project.policies.people.values())
    ahead = project.check_ahead([p for p in files if project.content_root in p.parents])
    for path in files:
        if (
            project.content_root not in path.parents
        ):  # data, policies, references: nothing personal or secret
            rel = path.relative_to(project.root).as_posix()
            text, problems = read_text(project.root, rel)
            if text is None:
                findings += [_problem_finding(p) for p in problems]
                continue
            sources[rel] = text
            allowed = (
                staff if rel == "policies/people.yml" else frozenset()
            )  # the staff registry is their home
            doc = Document(rel, text, "", {})
            findings += project.checker.check_data(doc, project.today, allowed)
            continue
        article = ahead[path] if path in ahead else project.load(path)
        entry = project.entry(article)
        sources[article.path] = article.text
        findings += [_problem_finding(p) for p in article.problems]
        findings += entry.review.findings
    if "originality" in project.__dict__:  # the reference texts it could not read
        findings += [_problem_finding(p) for p in project.originality.problems]
    project.save_caches()
    tool = _sarif_tool(project.root) if args.format == "sarif" else None
    print(render(findings, args.format, sources, project.ruleset.by_id, tool=tool))
    if "picture_hashes" in project.__dict__ and project.picture_hashes.unavailable:
        print(
            "提示：这里安装的是只做文字检查的轻量版 SmilePress，这次没有查找重复的图片；"
            "图片的其余检查（版权、知情同意）已完成，重复图片由 CI 检查",
            file=sys.stderr,
        )
    for problem in project.rule_problems():
        print(f"规则包有问题：{problem}", file=sys.stderr)
    if any(p.level == "error" for p in project.rule_problems()):
        print("部分规则没有运行：请先修好上面的规则包（其余规则包已照常检查）", file=sys.stderr)
        return 2
    return 1 if any(f.level == "error" and not f.waived for f in findings) else 0


def _sarif_tool(root: Path) -> dict[str, str]:
    """SmilePress's version, and where a reader of a code-scanning alert learns about it: the
    README of the repository CI runs in (GitHub, GitLab), else the local copy."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("smilepress")
    except PackageNotFoundError:  # run from a source tree without installing
        installed = ""
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repository:
        uri = f"{server}/{repository}#readme"
    elif os.environ.get("CI_PROJECT_URL"):
        uri = f"{os.environ['CI_PROJECT_URL']}#smilepress"
    else:
        uri = (root / "README.md").as_uri()
    return {"version": installed, "information_uri": uri}


def _record_reviews(args) -> int:
    from ..workflow.recorder import record_reviews

    done = record_reviews(
        find_root(Path.cwd()),
        args.forge,
        os.environ,
        commit=args.commit,
        pull=args.pull,
        fixtures=Path(args.api_fixtures) if args.api_fixtures else None,
        dry_run=args.dry_run,
    )
    for line in done.recorded:
        print(("将记录：" if args.dry_run else "记录：") + line)
    for note in done.notes:
        print(f"未记录：{note}")
    if done.commit:
        print(f"已提交 {done.commit[:7]}（作者 SmilePress 评审记录，记录器密钥签名）")
    elif done.recorded and args.dry_run:
        print("试运行：没有写入，也没有提交")
    else:
        print("没有需要记录的评审")
    return 0


def _problem_finding(p: Problem):
    """A file's problem, reported by `check` like a finding."""
    from ..model.findings import Finding

    return Finding.on_line(
        p.path,
        p.line,
        column=p.col,
        rule="file/invalid",
        category="file",
        level=p.level,
        message=p.message,
        suggestion=p.hint,
        basis="SmilePress 内容模型",
    )


def _backup(args) -> int:
    from ..ops.backup import backup, restore

    if args.command == "restore":
        refs = restore(Path(args.bundle), Path(args.dest))
        print(f"已恢复到 {args.dest}：{len(refs)} 个分支和标签，SHA-256 与清单一致")
        return 0
    done = backup(find_root(Path.cwd()), Path(args.to), keep=args.keep, fetch=not args.no_fetch)
    print(
        f"已备份：{done.bundle}（SHA-256 {done.sha256[:16]}…，"
        f"{len(done.refs)} 个分支和标签，已校验）"
    )
    for old in done.removed:
        print(f"已删除较早的备份 {old.name}")
    return 0


def _codeowners(project: Project, check: bool) -> int:
    from ..load.files import write_atomically
    from ..ops.codeowners import TARGETS, render

    stale = []
    for forge, rel in TARGETS.items():
        path = project.root / rel
        text = render(
            project.policies, forge, project.content_root.relative_to(project.root).as_posix()
        )
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if check:
            stale.append(rel)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
            print(f"已写入 {rel}")
    for rel in stale:
        print(f"错误：{rel} 与 policies/ 不一致", file=sys.stderr)
    if stale:
        print("请运行 smilepress codeowners 并提交", file=sys.stderr)
        return 1
    return 0
