"""A SmilePress project: its policies, its articles, the git facts about them, the gate's view."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .checks import assets, captions, images, originality, pool
from .checks.engine import Checker, Document, FindingsCache
from .checks.review import Review, review
from .checks.rule_packs import RuleSet, load_rules
from .clock import Clock
from .errors import Problem, SmilePressError
from .load import git
from .load.files import FileKey, listing, read_text
from .load.git import GitError
from .load.history import History
from .model.article import Article, load_article, with_assets
from .model.policies import Policies, load_policies
from .view.render import MarkdownConfig
from .workflow import site_config
from .workflow.approvals import ApprovalState, evaluate
from .workflow.gate import Decision, Facts, decide
from .workflow.trust import Ledger, open_ledger, uncommitted_governed

CONTENT_DIR = "content"
# YYYY-MM-DD: build as of another day (tests, "what goes live on …"); read by the glue, not here
AS_OF_ENV = "SMILEPRESS_AS_OF"
CACHE_ROOT = ".smilepress-cache"  # findings/ and originality/; ignores itself, never committed


@dataclass(frozen=True)
class Entry:
    """One article with everything the gate needs to know about it."""

    article: Article
    approvals: ApprovalState
    review: Review
    facts: Facts

    def decision(self, profile: str, today: dt.date) -> Decision:
        return decide(self.facts, profile, today)


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` that holds policies/workflow.yml."""
    for candidate in (start, *start.parents):
        if (candidate / "policies" / "workflow.yml").is_file():
            return candidate
    raise SmilePressError(
        Problem(
            str(start),
            0,
            "这里不是 SmilePress 项目：找不到 policies/workflow.yml",
            "请在项目目录中运行",
        )
    )


def parse_as_of(value: str | None, source: str = AS_OF_ENV) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SmilePressError(
            Problem(source, 0, f"日期 '{value}' 无效", "请写成 YYYY-MM-DD")
        ) from None


class Project:
    """`as_of`: the day to judge by (default: today in the department's time zone), as `clock`.
    `trust_root`: the commit proofs start from (else named by the environment: workflow/trust.py).
    """

    def __init__(
        self,
        root: Path,
        as_of: dt.date | None = None,
        content_dir: str = CONTENT_DIR,
        trust_root: str | None = None,
    ):
        self.root = root.resolve()
        self.content_root = self.root / content_dir
        self.trust_root = trust_root
        self.policies: Policies = load_policies(self.root)
        self.clock = Clock.start(self.policies.timezone, as_of)

    @property
    def today(self) -> dt.date:
        return self.clock.today

    # -- loading -----------------------------------------------------------------------------
    def markdown_files(self) -> list[Path]:
        """The articles under content/ (hidden files and folders are not content), and whatever
        else is named like one or is a symlink to a folder: loading it says why it is not
        published (load/files.py)."""
        return listing(self.content_root, lambda name: name.endswith(".md"))

    def load(self, path: Path) -> Article:
        """One article, with its assets (pictures, licence sidecars, linked files) as on disk now:
        the digest an approval must match covers them."""
        path = Path(os.path.abspath(path))  # never resolved: a symlink is refused, not followed
        src_uri = path.relative_to(self.content_root).as_posix()
        rel = path.relative_to(self.root).as_posix()
        article = load_article(self.root, rel, src_uri, self.policies)
        found = assets.article_assets(
            article.text, article.meta, self.content_root, src_uri, self.file_digests
        )
        return with_assets(article, found)

    @cached_property
    def file_digests(self) -> dict[FileKey, str]:
        """SHA-256 of the asset files read in this run (a picture several articles show: once)."""
        return {}

    @cached_property
    def articles(self) -> list[Article]:
        return [self.load(p) for p in self.markdown_files()]

    @cached_property
    def history(self) -> History:
        return History.open(self.root)

    @cached_property
    def ledger(self) -> Ledger:
        """What the signed history proves since the trust root (one pass, signatures cached)."""
        h = self.history
        content = self.content_root.relative_to(self.root).as_posix()
        if h.available and h.root.resolve() != self.root:  # a project in a repository's subfolder
            h = History(self.root, False, reason="项目不在 git 仓库的根目录：无法证明批准")
        return open_ledger(h, self.policies, content, self.trust_root, self.cache_root)

    def config_refusals(self) -> list[Problem]:
        """Changes to the department's governed configuration that no allowed person signed: the
        public and internal builds refuse to run while there is one."""
        if not self.ledger.available:
            return []  # nothing is proven, so nothing that needs it is published
        return list(self.ledger.refusals) + uncommitted_governed(self.history, self.policies)

    # -- compliance ----------------------------------------------------------------------------
    @cached_property
    def ruleset(self) -> RuleSet:
        return load_rules(self.root, set(self.policies.types), set(self.policies.roles))

    @cached_property
    def markdown_config(self) -> MarkdownConfig:
        """The Markdown extensions mkdocs.yml enables: pages are checked as the site renders."""
        try:
            data = site_config.read(self.root).data
        except SmilePressError:  # the build reports an unreadable mkdocs.yml with its line
            data = {}
        return MarkdownConfig.from_mkdocs(data.get("markdown_extensions"), data.get("plugins"))

    @cached_property
    def checker(self) -> Checker:
        return Checker(self.ruleset, self.markdown_config)

    @cached_property
    def findings_cache(self) -> FindingsCache:
        return FindingsCache(
            self.cache_root / "findings", f"{self.ruleset.digest}:{self.markdown_config.digest}"
        )

    @cached_property
    def cache_root(self) -> Path:
        """The cache folder; nothing is written there until save_caches(). A cache is this
        machine's own memory: one that came with the checkout (committed to the branch, or a
        symlink) could claim a file has no findings or a commit a reviewer's signature, so it is
        not read: this run uses a fresh folder of its own."""
        folder = self.root / CACHE_ROOT
        if folder.is_symlink() or self._tracked(CACHE_ROOT):
            return Path(tempfile.mkdtemp(prefix="smilepress-cache-"))
        return folder

    def _tracked(self, rel: str) -> bool:
        if not self.history.available:
            return False
        try:
            return bool(git.run(self.history.root, "ls-files", "--", rel).strip())
        except GitError:
            return False

    def save_caches(self, prune: bool = False) -> None:
        """Write what this run added to the findings and originality caches (`prune`: drop findings
        of files this run did not check). The folder is made with a .gitignore of its own; where it
        cannot be written, the caches only cost time."""
        try:
            self.cache_root.mkdir(exist_ok=True)
            ignore = self.cache_root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# SmilePress's caches: never commit them\n*\n", encoding="utf-8")
        except OSError:
            return
        if "findings_cache" in self.__dict__:  # only the caches this run used (cached_property)
            self.findings_cache.save(prune=prune)
        if "originality" in self.__dict__:
            self.originality.save()
        if "ledger" in self.__dict__ and self.ledger.signatures is not None:
            self.ledger.signatures.save()

    @cached_property
    def originality(self) -> originality.Library:
        """Every article's text and the reference corpus, fingerprinted (raw files: front matter not
        parsed)."""
        texts = {}
        for path in self.markdown_files():
            rel = path.relative_to(self.root).as_posix()
            text, _ = read_text(self.root, rel)  # a file it cannot read: the article says why
            if text is not None:
                texts[rel] = text
        return originality.Library(
            self.root,
            self.originality_policy[0],
            texts,
            self.cache_root / "originality",
            self.markdown_config,
        )

    @cached_property
    def picture_hashes(self) -> images.PictureHashes:
        """The pictures' perceptual hashes, computed once in this run (duplicate images)."""
        return images.PictureHashes()

    @cached_property
    def originality_policy(self) -> tuple[originality.Policy, list[Problem]]:
        return originality.load_policy(self.root)

    def review(self, article: Article, approvals: ApprovalState) -> Review:
        # A waiver counts with an approval by the role it names, whether or not the type needs
        # that role.
        approved = {
            v.approval.role for v in approvals.verdicts if v.counts or v.code == "not-required"
        }
        doc = Document(article.path, article.text, article.type, article.meta)
        folder = (self.root / article.path).parent
        more = originality.findings(self.originality, article.path) + images.image_findings(
            article.path,
            article.text,
            article.meta,
            self.content_root,
            folder,
            self.picture_hashes,
        )
        # The credit under a picture shows on the page: checked like the article's wording.
        shown_credits = images.picture_credits(
            article.path, article.text, article.meta, self.content_root, folder
        )
        more += captions.caption_findings(self.checker, shown_credits, article.type, self.today)
        return review(
            self.checker,
            doc,
            approved,
            self.today,
            self.policies.roles,
            self.findings_cache,
            more,
            originality.RULES + images.RULE_IDS,
        )

    # -- the gate's view ---------------------------------------------------------------------
    def entry(self, article: Article) -> Entry:
        p = self.policies
        approvals = evaluate(article, p, self.ledger)
        checked = self.review(article, approvals)
        if checked.routes:  # review findings: their reviewers must approve too
            approvals = evaluate(article, p, self.ledger, checked.routing())
        status = (
            self.ledger.status(article.path, article.status, p.publishable_states)
            if article.ok
            else None
        )
        facts = Facts(
            status=article.claimed_status,
            publishable_states=p.publishable_states,
            audience=article.audience,
            channels=article.channels,
            publish_date=article.publish_date,
            expiry_date=article.expiry_date,
            review_by=approvals.review_by(article.review_by, p.re_review.role),
            missing_approvals=tuple(p.role_name(r) for r in approvals.missing),
            approval_reasons=tuple(
                f"需要{p.role_name(role)}审核：{why}"
                for role, why in approvals.routed
                if role in approvals.missing
            )
            + tuple(v.reason for v in approvals.verdicts if not v.counts)
            + ((status.reason,) if status and not status.ok else ()),
            status_proven=status is None or status.ok,
            errors=tuple(
                f"文件有错误：{pr.message}（第 {pr.line} 行）"
                for pr in article.problems
                if pr.level == "error"
            )
            + tuple(f"合规检查：{f.message}（第 {f.line} 行，{f.rule}）" for f in checked.blocking),
            review_warning_days=p.review_warning_days,
            readable=article.readable,
            state_names=p.states,
        )
        return Entry(article, approvals, checked, facts)

    def check_ahead(self, paths: list[Path]) -> dict[Path, Article]:
        """The articles at `paths` loaded, and what the checks' caches lack of them computed, by
        worker processes (checks/pool.py): the reviews that follow find it in the caches. Empty
        for a small run (this process does the work as it goes)."""
        if not pool.wanted(len(paths)):
            return {}
        return pool.check_ahead(
            paths,
            self.load,
            self.checker,
            self.findings_cache,
            self.today,
            self.originality,
            meanwhile=lambda: self.ledger,  # the signed history: git's work, not the articles'
        )

    @cached_property
    def entries(self) -> list[Entry]:
        if "articles" not in self.__dict__:  # loaded by the workers with the checks, where it pays
            ahead = self.check_ahead(self.markdown_files())
            self.__dict__["articles"] = list(ahead.values()) or self.articles
        entries = [self.entry(a) for a in self.articles]
        self.save_caches(prune=True)
        return entries

    def decisions(self, profile: str) -> list[tuple[Entry, Decision]]:
        return [(e, e.decision(profile, self.today)) for e in self.entries]

    def problems(self) -> list[Problem]:
        """The articles' problems, and the reference texts' that the originality check could not
        read: each file's own, never the build's."""
        return [p for a in self.articles for p in a.problems] + self.originality.problems

    def rule_problems(self) -> list[Problem]:
        """Problems with the compliance rule packs and the originality policy (what loads runs)."""
        return list(self.ruleset.problems) + self.originality_policy[1]
