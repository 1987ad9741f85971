"""What the signed history proves since the trust root (README: "Trust").

Git authorship is self-asserted; a signature is not. From the trust root (a commit named outside
the branch being judged, whose policies are trusted) every commit is read once, oldest first, with
who signed it. The ledger then answers three questions, and nothing else decides them:

- an approval counts only if the commit that added that line to that file was signed by the
  approver (holding the role, by the policies before that commit) or by CI's recorder citing a
  forge review, and nothing revoked it since: a later change of the text (a revert does not revive
  it), a request for changes, or a newer approval by the same person;
- a status that makes an article public counts only if the commit that made it public was signed by
  someone a workflow transition to that status allows (or vouched for by a recorded review), or it
  was already public at the trust root; a change that makes an article less public needs nothing;
- every change to a governed path (policies/workflow.yml `governed:`) was signed by someone who held
  a governing role before the change, or vouched for by a recorded review: else the builds refuse.

History before the root is legacy and proves nothing.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Problem, SmilePressError
from ..load import git
from ..load.git import GitError
from ..load.history import ApprovalKey, Change, Commit, History
from ..load.signatures import (
    BAD,
    UNSIGNED,
    Signature,
    Signatures,
    fingerprint,
    public_key_of_file,
)
from ..model.article import Approval, Article, parse_article
from ..model.policies import AUTHOR, Person, Policies, load_policies

TRUST_ROOT_ENV = "SMILEPRESS_TRUST_ROOT"
TRUST_ROOT_GIT_CONFIG = "smilepress.trustRoot"
RECORDS = "records/reviews.yml"  # forge reviews recorded by CI (workflow/recorder.py)
POLICY_FILES = ("roles.yml", "people.yml", "workflow.yml")


@dataclass(frozen=True)
class Signer:
    """Whom a commit's signature proves: a person, CI's recorder, or nobody (`problem` says why)."""

    person: Person | None = None
    recorder: bool = False
    problem: str = ""

    def describe(self) -> str:
        if self.person:
            return f"{self.person.name} 签名"
        return "CI 评审记录器签名" if self.recorder else self.problem


@dataclass(frozen=True)
class Vouch:
    """A forge review that CI's recorder recorded for a commit: by whom, in which role."""

    by: str
    role: str
    review: str


@dataclass(frozen=True)
class Version:
    """One version of an article in the walk: what it says, and the commit that made it."""

    index: int  # position of the commit in the walk
    commit: Commit | None  # None: the version at the trust root
    status: str
    text_digest: str
    approvals: frozenset[ApprovalKey]


@dataclass
class FileHistory:
    versions: list[Version] = field(default_factory=list)
    added: dict[ApprovalKey, Version] = field(default_factory=dict)  # key -> version adding it
    start: Version | None = None  # the version at the trust root, if the file was there


@dataclass(frozen=True)
class Proof:
    commit: Commit | None
    reason: str = ""  # why it is not proven (Chinese), empty when it is
    code: str = ""  # unproven | revoked | not-signed | wrong-signer | no-trust-root

    @property
    def ok(self) -> bool:
        return not self.reason


def resolve_trust_root(history: History, named: str | None) -> tuple[str | None, str]:
    """The trust root's full commit id and where it was named, or None and why there is none.

    Named by (first that is set): the command's --trust-root, $SMILEPRESS_TRUST_ROOT (a protected
    setting of the publishing CI), `git config smilepress.trustRoot` (this clone only). Never by a
    file in the branch: the branch would then choose the rules it is judged by."""
    source = "--trust-root"
    if not named:
        named, source = os.environ.get(TRUST_ROOT_ENV, "").strip(), TRUST_ROOT_ENV
    if not named and history.available:
        try:
            named = git.run(history.root, "config", "--get", TRUST_ROOT_GIT_CONFIG).strip()
            source = f"git config {TRUST_ROOT_GIT_CONFIG}"
        except GitError:
            named = ""
    if not named:
        return None, (
            "没有指定信任根：无法证明任何批准。请用 --trust-root 提交号、环境变量 "
            f"{TRUST_ROOT_ENV}（CI 的受保护设置）或 git config {TRUST_ROOT_GIT_CONFIG} 指定"
        )
    if not re.fullmatch(r"[0-9a-f]{40}", named):  # a short id or a name is whatever ref the
        # branch names so (git prefers a tag or branch called like a short id): the branch would
        # choose its own root
        return None, (
            f"信任根 {named}（{source}）必须写成完整的 40 位提交号（git rev-parse 提交 可以查到），"
            "不能是缩写、分支或标签名：分支里的标签可以冒充它"
        )
    sha = history.resolve(named)
    if sha is None:
        return None, f"信任根 {named}（{source}）不是本仓库中的提交"
    if not history.is_ancestor(sha):
        return None, f"信任根 {named}（{source}）不是当前提交的祖先"
    return sha, ""


PolicyBlobs = dict[str, str | None]  # policies/<file> -> its blob id (None: absent)


class PoliciesAt:
    """The department's policies from their files' blob ids, loaded once per combination."""

    def __init__(self, history: History):
        self.history = history
        self._by_blobs: dict[str, Policies | None] = {}

    def blobs_at(self, commit: str) -> PolicyBlobs:
        files = self.history.tree_files(commit, "policies")
        return {f"policies/{n}": files.get(f"policies/{n}") for n in POLICY_FILES}

    def __call__(self, wanted: PolicyBlobs) -> Policies | None:
        key = ",".join(str(b) for b in wanted.values())
        if key not in self._by_blobs:
            self._by_blobs[key] = self._load(wanted)
        return self._by_blobs[key]

    def _load(self, wanted: dict[str, str | None]) -> Policies | None:
        if not all(wanted.values()):
            return None
        blobs = self.history.blobs([b for b in wanted.values() if b])
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "policies").mkdir()
            for path, blob in wanted.items():
                (Path(tmp) / path).write_bytes(blobs.get(blob, b""))
            try:
                return load_policies(Path(tmp))
            except SmilePressError:
                return None  # broken policies grant nobody anything


class Ledger:
    """The proofs since the trust root. `available` is False (and `reason` says why) without a
    trust root or history: then nothing is proven, and the gate keeps every approval unproven."""

    def __init__(
        self,
        history: History,
        policies: Policies,
        content_dir: str,
        trust_root: str | None,
        signatures: Signatures | None,
        reason: str = "",
    ):
        self.history, self.policies, self.content_dir = history, policies, content_dir
        self.root, self.reason, self.signatures = trust_root, reason, signatures
        self.files: dict[str, FileHistory] = {}
        self.signers: dict[str, Signer] = {}
        self.vouches: dict[str, list[Vouch]] = {}
        self.refusals: list[Problem] = []
        self.walk: list[tuple[Commit, list[Change]]] = []
        self._policies_at = PoliciesAt(history)
        self._policy_blobs: dict[str, PolicyBlobs] = {}  # commit -> its policy files' blobs
        if trust_root and signatures is not None:
            self._read(signatures)

    @property
    def available(self) -> bool:
        return self.root is not None

    # -- reading the history once ---------------------------------------------------------
    def _read(self, signatures: Signatures) -> None:
        assert self.root is not None
        self.walk = self.history.changes_since(self.root, [])
        self._track_policies()
        sigs = signatures.of([c.sha for c, changes in self.walk if changes])
        for commit, changes in self.walk:
            if changes:
                self.signers[commit.sha] = self._signer(sigs[commit.sha], self._before(commit))
        self._read_vouches()
        self._read_articles()
        for commit, changes in self.walk:
            self.refusals.extend(self._governed_refusals(commit, changes))

    def _track_policies(self) -> None:
        """The policy files' blobs after every commit of the walk, from its changes (a merge: read
        from its tree, since what it took from its other parents is no change of its own)."""
        assert self.root is not None
        root = self._policy_blobs[self.root] = self._policies_at.blobs_at(self.root)
        for commit, changes in self.walk:
            if len(commit.parents) > 1:
                self._policy_blobs[commit.sha] = self._policies_at.blobs_at(commit.sha)
                continue
            after = dict(
                self._policy_blobs.get(commit.parents[0], root) if commit.parents else root
            )
            for change in changes:
                if change.old_path in after:
                    after[change.old_path] = None
                if change.path in after:
                    after[change.path] = change.new_blob
            self._policy_blobs[commit.sha] = after

    def _before(self, commit: Commit) -> Policies | None:
        """The policies in force when `commit` was made: those of its first parent, trusted since
        every governed change up to there was checked (a parent from before the root: the
        root's)."""
        assert self.root is not None
        parent = commit.parents[0] if commit.parents else ""
        root = self._policy_blobs[self.root]
        return self._policies_at(self._policy_blobs.get(parent, root))

    def _signer(self, sig: Signature, policies: Policies | None) -> Signer:
        if sig.status == UNSIGNED:
            return Signer(problem="提交没有签名")
        if sig.status == BAD:
            return Signer(problem="签名无效（内容与签名不符，或密钥已吊销）")
        if not sig.good:
            return Signer(problem="无法检查签名（不是 SSH 签名？）")
        if policies is None:
            return Signer(problem="提交之前的 policies 无法读取，无人可以签名")
        if sig.fingerprint in policies.recorder_fingerprints:
            return Signer(recorder=True)
        person = policies.key_owner(sig.fingerprint)
        if person is None:
            return Signer(problem=f"签名密钥 {sig.fingerprint} 没有登记在 policies/people.yml 中")
        return Signer(person=person)

    def _read_vouches(self) -> None:
        """Reviews recorded in records/reviews.yml by commits the recorder signed."""
        for commit, changes in self.walk:
            if not changes or not self.signers[commit.sha].recorder:
                continue
            for change in changes:
                if change.path != RECORDS or change.new_blob is None:
                    continue
                new, old = self._entries(change.new_blob), self._entries(change.old_blob)
                for entry in new:
                    if entry in old:
                        continue
                    vouch = Vouch(entry["by"], entry["role"], entry["review"])
                    for sha in entry["commits"]:
                        self.vouches.setdefault(sha, []).append(vouch)

    def _entries(self, blob: str | None) -> list[dict]:
        if blob is None:
            return []
        try:
            data = yaml.safe_load(self.history.blobs([blob]).get(blob, b"").decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            return []
        listed = data.get("reviews") if isinstance(data, dict) else None
        return [
            e
            for e in listed or []
            if isinstance(e, dict)
            and all(isinstance(e.get(k), str) for k in ("by", "role", "review"))
            and isinstance(e.get("commits"), list)
            and all(isinstance(s, str) for s in e["commits"])
        ]

    def _read_articles(self) -> None:
        prefix = self.content_dir.rstrip("/") + "/"
        md = [
            (i, c)
            for i, (_, changes) in enumerate(self.walk)
            for c in changes
            if c.path.startswith(prefix) and c.path.endswith(".md")
        ]
        ids = {b for _, c in md for b in (c.old_blob, c.new_blob) if b}
        texts = self.history.blobs(sorted(ids))
        parsed: dict[str, Article] = {}

        def version(blob: str, path: str, index: int, commit: Commit | None) -> Version:
            if blob not in parsed:
                text = texts.get(blob, b"").decode("utf-8", "replace")
                parsed[blob] = parse_article(text, path, path[len(prefix) :], self.policies)
            a = parsed[blob]
            return Version(
                index, commit, a.status, a.text_digest, frozenset(x.key for x in a.approvals)
            )

        for index, change in md:
            commit = self.walk[index][0]
            history = self.files.pop(change.old_path, None) if change.old_path else None
            if change.new_blob is None:
                continue  # deleted: what it proved goes with it
            # Moved to another folder: another section of the site, whose name may be shown (a
            # section title, the address): what was proven at the old place is not proven here
            moved = posixpath.dirname(change.old_path or change.path) != posixpath.dirname(
                change.path
            )
            if moved:
                history = FileHistory()
            elif history is None:
                history = FileHistory()
                if change.old_blob:
                    history.start = version(change.old_blob, change.old_path, -1, None)
            self.files[change.path] = history
            new = version(change.new_blob, change.path, index, commit)
            last = history.versions[-1] if history.versions else history.start
            for key in new.approvals - (last.approvals if last else frozenset()):
                history.added[key] = new
            history.versions.append(new)

    # -- the three questions --------------------------------------------------------------
    def signer(self, sha: str) -> Signer | None:
        return self.signers.get(sha)

    def approval(self, path: str, approval: Approval) -> Proof:
        """Whether the history proves `approval` of the article at `path`, and by which commit."""
        if not self.available:
            return Proof(None, self.reason, "no-trust-root")
        history = self.files.get(path)
        added = history.added.get(approval.key) if history else None
        if history is None or added is None or added.commit is None:
            return Proof(
                None, "没有出现在信任根之后的任何提交中（尚未提交，或是之前写入的）", "unproven"
            )
        commit = added.commit
        why = self._not_by_approver(commit, approval)
        if why:
            return Proof(commit, f"写入它的提交 {commit.short} {why}", "not-signed")
        revoked = self._revoked_after(history, added, approval)
        return Proof(commit, revoked, "revoked" if revoked else "")

    def _not_by_approver(self, commit: Commit, approval: Approval) -> str:
        signer = self.signers[commit.sha]
        policies = self._before(commit)
        if signer.recorder:
            if not approval.review:
                return "由 CI 评审记录器签名，但这条批准没有注明所记录的评审（review）"
            return self._role_not_held(policies, approval.by, approval.role)
        if signer.person is None:
            return f"不能证明批准人：{signer.problem}"
        if signer.person.id != approval.by:
            return f"由 {signer.person.name} 签名，不是批准人本人"
        return self._role_not_held(policies, approval.by, approval.role)

    @staticmethod
    def _role_not_held(policies: Policies | None, person_id: str, role: str) -> str:
        person = policies.people.get(person_id) if policies else None
        if person is None or role not in person.roles:
            who = person.name if person else person_id  # unknown then: the id is all there is
            return f"提交时 {who} 并不担任“{policies.role_name(role) if policies else role}”角色"
        return ""

    def _revoked_after(self, history: FileHistory, added: Version, approval: Approval) -> str:
        draft = self.policies.transitions["request-changes"].dest
        previous = added
        for v in history.versions:
            if v.index <= added.index:
                continue
            assert v.commit is not None
            where = f"提交 {v.commit.short}（{v.commit.name}，{v.commit.date[:10]}）"
            if v.text_digest != added.text_digest:
                return f"批准后 {where} 改了内容；改回原文也不能恢复批准，请重新批准"
            if v.status == draft and previous.status != draft:
                return f"{where} 退回修改，之前的批准作废"
            if any(
                k[:2] == approval.key[:2] and k[2] != approval.digest
                for k in v.approvals - previous.approvals
            ):
                return f"同一人之后在 {where} 批准了另一个版本，这一条作废"
            previous = v
        return ""

    def text_writers(self, path: str) -> dict[str, Commit]:
        """The people whose signed commits wrote the text of the article at `path` since the
        trust root (person id -> the first such commit): authors whatever the `author` field says,
        so four eyes holds for them too. An unsigned change names nobody."""
        history = self.files.get(path)
        out: dict[str, Commit] = {}
        last = history.start if history else None
        for v in history.versions if history else ():
            signer = self.signers.get(v.commit.sha) if v.commit else None
            if (last is None or v.text_digest != last.text_digest) and signer and signer.person:
                out.setdefault(signer.person.id, v.commit)
            last = v
        return out

    def status(self, path: str, status: str, public: frozenset[str]) -> Proof:
        """Whether the history proves that the article at `path` may have `status`; only a status
        in `public` (the gate's publishable states) needs proof."""
        p = self.policies
        if status not in public:
            return Proof(None)
        if not self.available:
            return Proof(None, self.reason, "no-trust-root")
        history = self.files.get(path)
        if history is None or not history.versions:
            return Proof(None)  # unchanged since the trust root
        entering = None
        for v in reversed(history.versions):
            if v.status not in public:
                break
            entering = v
        if entering is None:
            return Proof(None)  # the file says otherwise: the gate reads the file's status
        first = history.versions[0]
        if entering is first and history.start and history.start.status in public:
            return Proof(None)  # public at the trust root and never less public since
        assert entering.commit is not None
        allowed = self._roles_to(entering.status)
        if self.made_by(entering.commit, allowed):
            return Proof(entering.commit)
        c = entering.commit
        names = "、".join(p.role_name(r) for r in sorted(allowed)) or "（无人）"
        return Proof(
            c,
            f"状态 {status} 未经证明：提交 {c.short}（{c.name}，{c.date[:10]}）把它改成 "
            f"{entering.status}，{self.signers[c.sha].describe()}；只有{names}签名的提交"
            "（或经记录的合并请求审批）才能让文章公开",
            "not-signed",
        )

    def _roles_to(self, status: str) -> set[str]:
        return {
            role
            for t in self.policies.transitions.values()
            if t.dest == status
            for role in t.by
            if role != AUTHOR
        }

    def made_by(self, commit: Commit, roles: set[str]) -> bool:
        """Whether a person holding one of `roles` (before `commit`) signed it, or a recorded
        review by such a person vouches for it."""
        policies = self._before(commit)
        if policies is None:
            return False
        signer = self.signers[commit.sha]
        if signer.person and set(signer.person.roles) & roles:
            return True
        return any(
            v.role in roles and not self._role_not_held(policies, v.by, v.role)
            for v in self.vouches.get(commit.sha, [])
        )

    def _governed_refusals(self, commit: Commit, changes: list[Change]) -> list[Problem]:
        policies = self._before(commit) or self.policies
        out = []
        for path in sorted({p for c in changes for p in (c.path, c.old_path)}):
            rule = policies.governing(path)
            if rule is None or self.made_by(commit, set(rule.by)):
                continue
            roles = "、".join(policies.role_name(r) for r in rule.by)
            out.append(
                Problem(
                    path,
                    0,
                    f"提交 {commit.short}（{commit.name}，{commit.date[:10]}，“{commit.subject}”）"
                    f"改了受管路径 {path}（{rule.name or '部门配置'}），"
                    f"{self.signers[commit.sha].describe()}，不是{roles}签名的",
                    f"受管路径只能由{roles}用自己登记的密钥签名修改（或经合并请求审批后由 CI "
                    "记录）："
                    "请让他们签名重新提交，或撤回这个提交",
                )
            )
        return out


def open_ledger(
    history: History,
    policies: Policies,
    content_dir: str,
    named_root: str | None,
    cache_dir: Path | None,
) -> Ledger:
    """The ledger of a project whose files are at the top of `history`'s repository."""
    if not history.available or history.shallow:
        return Ledger(history, policies, content_dir, None, None, history.reason)
    root, reason = resolve_trust_root(history, named_root)
    if root is None:
        return Ledger(history, policies, content_dir, None, None, reason)
    return Ledger(history, policies, content_dir, root, Signatures(history.root, cache_dir))


def uncommitted_governed(history: History, policies: Policies) -> list[Problem]:
    """Governed files that differ from the last commit (changed, added or deleted): nobody signed
    them, so a published build refuses them like an unsigned commit."""
    patterns = sorted({p for rule in policies.governed for p in rule.paths})
    if not history.available or not patterns:
        return []
    try:
        out = git.run(
            history.root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *patterns
        )
    except GitError:
        return []
    found = []
    for record in out.split("\0"):
        path = record[3:]
        rule = policies.governing(path) if len(record) > 3 else None
        if rule is None:
            continue
        found.append(
            Problem(
                path,
                0,
                f"受管路径 {path}（{rule.name or '部门配置'}）有未提交的改动：没有人签名，"
                "公开网站和员工手册不能按它构建",
                "提交并由有权限的人签名，或撤销改动（git checkout -- 文件）；只想看效果请用 "
                "--profile preview",
            )
        )
    return found


def exposed_keys(history: History, policies: Policies) -> list[Problem]:
    """Private keys in the repository whose public half is registered: anyone with a clone can
    sign with them. The sample's own keys (people.yml `sample_keys:`) are said once, as a note."""
    if not history.available:
        return []
    try:
        out = git.run(history.root, "grep", "-l", "-I", "-e", "BEGIN OPENSSH PRIVATE KEY", "--")
    except GitError:  # git grep exits 1 when nothing matches
        return []
    registered = {fp: p.name for p in policies.people.values() for fp in p.fingerprints}
    registered.update(dict.fromkeys(policies.recorder_fingerprints, "CI 评审记录器"))
    found = []
    for rel in out.splitlines():
        public = public_key_of_file(history.root / rel)
        owner = registered.get(fingerprint(public)) if public else None
        if owner is None:
            continue
        sample = bool(policies.sample_keys) and rel.startswith(policies.sample_keys)
        found.append(
            Problem(
                rel,
                0,
                f"{owner} 登记的签名密钥的私钥就在仓库里"
                + ("（示例部门的示例密钥，故意公开）" if sample else "")
                + "：任何拿到仓库的人都能以其名义签名",
                "真实部门：在 policies/people.yml 换成各人自己的公钥，删掉这些私钥文件",
                "info" if sample else "warning",
            )
        )
    return found
