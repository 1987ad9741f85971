"""Which later revisions of the regulation the signed history vouches for (the trust ledger).

A policy file's baseline (1.0) is the adopted text. Each later entry of its `revisions:` counts
only when the commit that added it was signed by someone allowed to change the file (the
`governed:` rule of policies/workflow.yml: the manager) and also changed the regulation itself: a
record without the change it records proves nothing. Entries already in the file at the trust root
are trusted with the root's policies; without a ledger nothing later is proven, and that is said.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from ..errors import Problem
from ..load.history import Commit
from ..model.regulation import PolicyMeta, approver_roles
from .trust import Ledger

Unproven = set[tuple[str, str]]  # (policies/<file>, version)


def prove_revisions(
    ledger: Ledger | None, metas: Iterable[PolicyMeta]
) -> tuple[Unproven, list[Problem]]:
    """The later revisions no signed commit vouches for, and a problem for each (a warning per
    file when there is no history to ask)."""
    later = {m.file: m.revisions[1:] for m in metas if len(m.revisions) > 1}
    if not later:
        return set(), []
    if ledger is None or not ledger.available:
        reason = ledger.reason if ledger else "没有读取提交历史"
        return {(f, r.version) for f, revs in later.items() for r in revs}, [
            Problem(
                f,
                revs[0].line,
                f"无法证明修订 {'、'.join(r.version for r in revs)} 经过批准：{reason}",
                "在有完整提交历史、指定了信任根的仓库中运行（例如 CI）",
                level="warning",
            )
            for f, revs in later.items()
        ]
    added = _added(ledger, set(later))
    at_root = _at_root(ledger, set(later))
    unproven: Unproven = set()
    problems = []
    for file, revs in later.items():
        for rev in revs:
            found = added.get((file, rev.version))
            if found is None and rev.version in at_root.get(file, ()):
                continue  # trusted with the trust root's policies
            why, hint = _refused(ledger, file, found)
            if why:
                unproven.add((file, rev.version))
                problems.append(Problem(file, rev.line, f"修订 {rev.version} {why}", hint))
    return unproven, problems


def _refused(ledger: Ledger, file: str, found: tuple[Commit, bool] | None) -> tuple[str, str]:
    """Why the commit that added an entry does not vouch for it (empty when it does), and what to
    do."""
    roles = "、".join(ledger.policies.role_name(r) for r in approver_roles(ledger.policies, file))
    if found is None:
        return (
            "还没有出现在任何提交中",
            f"把修订记录和所记录的修改放在同一个提交里，由{roles}签名提交",
        )
    commit, changed = found
    where = f"由提交 {commit.short}（{commit.name}，{commit.date[:10]}）写入"
    if not ledger.made_by(commit, set(approver_roles(ledger.policies, file))):
        signer = ledger.signer(commit.sha)
        return (
            f"{where}，{signer.describe() if signer else '提交没有签名'}，不是{roles}签名的",
            f"制度修订只能由{roles}用自己登记的密钥签名提交",
        )
    if not changed:
        return (
            f"{where}，但这个提交没有修改制度内容",
            "修订记录要和所记录的修改在同一个提交里",
        )
    return "", ""


def _added(ledger: Ledger, files: set[str]) -> dict[tuple[str, str], tuple[Commit, bool]]:
    """(file, version) -> the last commit since the trust root that added the entry, and whether
    it changed the regulation's content too."""
    changes = [
        (commit, c) for commit, cs in ledger.walk for c in cs if c.path in files and c.new_blob
    ]
    texts = ledger.history.blobs(
        sorted({b for _, c in changes for b in (c.old_blob, c.new_blob) if b})
    )
    out = {}
    for commit, change in changes:
        old = _read(texts.get(change.old_blob or "", b""))
        new = _read(texts[change.new_blob])
        changed = _content(old) != _content(new)
        for version in _versions(new) - _versions(old):
            out[(change.path, version)] = (commit, changed)
    return out


def _at_root(ledger: Ledger, files: set[str]) -> dict[str, set[str]]:
    """file -> the versions its revision history had at the trust root."""
    assert ledger.root is not None
    tree = ledger.history.tree_files(ledger.root, "policies")
    blobs = {p: b for p, b in tree.items() if p in files}
    texts = ledger.history.blobs(sorted(blobs.values()))
    return {p: _versions(_read(texts.get(b, b""))) for p, b in blobs.items()}


def _read(text: bytes) -> dict:
    try:
        data = yaml.safe_load(text.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _versions(data: dict) -> set[str]:
    entries = data.get("revisions")
    listed = entries if isinstance(entries, list) else []
    return {str(e["version"]) for e in listed if isinstance(e, dict) and "version" in e}


def _content(data: dict) -> dict:
    """The regulation a file holds: all but its revision history and the version and date that
    follow it."""
    policy = data.get("policy")
    if isinstance(policy, dict):
        policy = {k: v for k, v in policy.items() if k not in ("version", "effective")}
    return {**{k: v for k, v in data.items() if k != "revisions"}, "policy": policy}
