"""The department's decisions as data: roles, people and the editorial workflow (policies/*.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, SmilePressError
from ..load.signatures import fingerprint, normalise_key
from ..load.yaml_file import PolicyReader, load_policy_file

AUTHOR = "author"  # pseudo-role in transitions: one of the article's own authors


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    roles: tuple[str, ...]
    group: str = ""
    public: bool = False
    forge: str = ""  # user name on the forge (GitHub/GitLab), for CODEOWNERS; the e-mail otherwise
    keys: tuple[
        str, ...
    ] = ()  # public signing keys ("ssh-ed25519 AAAA…"), normalised: type and blob
    forge_ids: dict[str, int] = field(default_factory=dict)  # forge -> numeric user id (reviews)

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(fingerprint(k) for k in self.keys)


@dataclass(frozen=True)
class Governed:
    """Paths of the department's configuration and the roles whose signed change alone counts.

    A pattern ending in "/" is a folder and everything under it; any other is one file."""

    paths: tuple[str, ...]
    by: tuple[str, ...]
    name: str = ""

    def covers(self, path: str) -> int:
        """How specifically this entry covers `path` (length of the longest matching pattern), 0
        if it does not."""
        best = 0
        for pattern in self.paths:
            if path.startswith(pattern) if pattern.endswith("/") else path == pattern:
                best = max(best, len(pattern))
        return best


@dataclass(frozen=True)
class Transition:
    event: str
    sources: tuple[str, ...]
    dest: str
    by: tuple[str, ...]


@dataclass(frozen=True)
class TypeRule:
    id: str
    name: str
    approvals: tuple[str, ...]
    required_fields: tuple[str, ...] = ()
    dir: str = ""  # folder under content/ for new articles of this type


@dataclass(frozen=True)
class ReReview:
    """Who re-reviews medical content past its review date, and how far ahead the next date may be
    set."""

    role: str = "dentist"
    interval_days: int = 365  # the next review date when none is given
    max_days: int = 730  # the latest next review date a re-review may set


@dataclass(frozen=True)
class Policies:
    roles: dict[str, str]  # id -> Chinese name
    people: dict[str, Person]
    states: dict[str, str]  # id -> Chinese name
    publishable_states: frozenset[str]
    transitions: dict[str, Transition]
    types: dict[str, TypeRule]
    channels: tuple[str, ...]
    timezone: str = "Asia/Shanghai"
    review_warning_days: int = 30
    internal_number: str = ""  # a regular expression: staff-only reference numbers in the text
    re_review: ReReview = field(default_factory=lambda: ReReview())
    by_email: dict[str, Person] = field(default_factory=dict)
    governed: tuple[Governed, ...] = ()
    recorder_keys: tuple[str, ...] = ()  # CI's key: trusted for recorded forge reviews only
    sample_keys: str = ""  # the sample department's folder of deliberately public keys

    def governing(self, path: str) -> Governed | None:
        """The entry that governs `path` (the most specific pattern wins), None if none does."""
        scored = [(g.covers(path), g) for g in self.governed]
        best = max(scored, key=lambda pair: pair[0], default=(0, None))
        return best[1] if best[0] else None

    def key_owner(self, fingerprint_: str) -> Person | None:
        """The person whose registered key has this fingerprint."""
        for person in self.people.values():
            if fingerprint_ in person.fingerprints:
                return person
        return None

    @property
    def recorder_fingerprints(self) -> frozenset[str]:
        return frozenset(fingerprint(k) for k in self.recorder_keys)

    def person_by_email(self, email: str) -> Person | None:
        return self.by_email.get(email.strip().lower())

    def role_name(self, role: str) -> str:
        return self.roles.get(role, role)

    def holders(self, role: str) -> list[Person]:
        return [p for p in self.people.values() if role in p.roles]


def _read_roles(r: PolicyReader) -> dict[str, str]:
    r.unknown_keys(
        r.loaded.data, {"version", "roles", "policy", "revisions"}, ()
    )  # policy, revisions: the handbook checks them
    roles = {}
    for role_id, spec in r.mapping(r.loaded.data.get("roles"), ("roles",), "roles").items():
        spec = r.mapping(spec, ("roles", role_id), f"角色 {role_id}")
        r.unknown_keys(spec, {"name", "description", "unit"}, ("roles", role_id))
        roles[str(role_id)] = str(spec.get("name", role_id))
    return roles


FORGES = ("github", "gitlab")


def _read_keys(r: PolicyReader, value: Any, where: tuple, seen: dict[str, str], owner: str):
    """Public signing keys, normalised; a key registered twice (to two owners) is an error."""
    keys = []
    for i, raw in enumerate(r.strings(value or [], where, "keys")):
        key = normalise_key(raw)
        if key is None:
            r.fail(
                (*where, i),
                f"签名公钥无效：{raw[:40]}",
                "写公钥文件（~/.ssh/id_ed25519.pub）的一整行，例如 ssh-ed25519 AAAA…",
            )
            continue
        fp = fingerprint(key)
        if fp in seen and seen[fp] != owner:
            r.fail((*where, i), f"这把公钥已登记给 {seen[fp]}", "每把密钥只属于一个人")
            continue
        seen[fp] = owner
        keys.append(key)
    return tuple(keys)


def _read_forge_ids(r: PolicyReader, value: Any, where: tuple) -> dict[str, int]:
    ids = {}
    for forge, uid in r.mapping(value or {}, where, "forge_ids").items():
        if forge not in FORGES:
            r.fail((*where, forge), f"未知的平台 {forge}", f"可用：{'、'.join(FORGES)}")
        elif not isinstance(uid, int) or isinstance(uid, bool) or uid <= 0:
            r.fail(
                (*where, forge),
                f"{forge} 用户编号应为正整数（不是用户名：用户名可以改）",
                "在 https://api.github.com/users/用户名 的 id，或 GitLab 个人资料中的 User ID",
            )
        else:
            ids[str(forge)] = uid
    return ids


def _read_people(
    r: PolicyReader, roles: dict[str, str] | None
) -> tuple[dict[str, Person], tuple[str, ...], str]:
    """The people, the CI recorder's keys, and the sample's folder of public keys."""
    r.unknown_keys(r.loaded.data, {"version", "people", "recorder", "sample_keys"}, ())
    people: dict[str, Person] = {}
    emails: dict[str, str] = {}
    keys_seen: dict[str, str] = {}
    forge_ids_seen: dict[tuple[str, int], str] = {}
    for pid, spec in r.mapping(r.loaded.data.get("people"), ("people",), "people").items():
        where = ("people", pid)
        spec = r.mapping(spec, where, f"人员 {pid}")
        r.unknown_keys(
            spec, {"name", "email", "roles", "group", "public", "forge", "keys", "forge_ids"}, where
        )
        raw_email = spec.get("email", "")
        email = raw_email.strip().lower() if isinstance(raw_email, str) else ""
        if "@" not in email:
            r.fail((*where, "email"), f"人员 {pid} 缺少有效的 email", "写上他提交 git 时使用的邮箱")
        elif email in emails:
            r.fail(
                (*where, "email"),
                f"email {email} 已属于 {emails[email]}",
                "每人一个邮箱，批准靠它证明",
            )
        emails[email] = str(pid)
        person_roles = r.strings(spec.get("roles", []), (*where, "roles"), "roles")
        for i, role in enumerate(person_roles):
            r.known(role, roles, (*where, "roles", i), "角色")
        forge = spec.get("forge", "")
        if forge and (
            not isinstance(forge, str) or not re.fullmatch(r"@?[A-Za-z0-9][A-Za-z0-9_.-]*", forge)
        ):
            r.fail(
                (*where, "forge"),
                f"forge 用户名 '{forge}' 无效",
                "写 GitHub/GitLab 的用户名，例如 forge: chen-siyuan",
            )
            forge = ""
        forge_ids = _read_forge_ids(r, spec.get("forge_ids"), (*where, "forge_ids"))
        for forge_id in forge_ids.items():
            if forge_id in forge_ids_seen:
                r.fail(
                    (*where, "forge_ids", forge_id[0]),
                    f"{forge_id[0]} 用户编号 {forge_id[1]} 已属于 {forge_ids_seen[forge_id]}",
                    "每个平台账号只属于一个人",
                )
            forge_ids_seen[forge_id] = str(pid)
        people[str(pid)] = Person(
            str(pid),
            str(spec.get("name", pid)),
            email,
            person_roles,
            str(spec.get("group", "")),
            spec.get("public") is True,
            str(forge).lstrip("@"),
            _read_keys(r, spec.get("keys"), (*where, "keys"), keys_seen, str(pid)),
            forge_ids,
        )
    recorder = r.mapping(r.loaded.data.get("recorder", {}), ("recorder",), "recorder")
    r.unknown_keys(recorder, {"keys"}, ("recorder",))
    recorder_keys = _read_keys(
        r, recorder.get("keys"), ("recorder", "keys"), keys_seen, "CI 记录器"
    )
    return people, recorder_keys, str(r.loaded.data.get("sample_keys") or "")


def _read_workflow(r: PolicyReader, roles: dict[str, str] | None) -> dict[str, Any]:
    data = r.loaded.data
    r.unknown_keys(
        data,
        {
            "version",
            "timezone",
            "states",
            "publishable_states",
            "transitions",
            "types",
            "channels",
            "review_warning_days",
            "internal_number",
            "re_review",
            "governed",
        },
        (),
    )
    states = {
        str(k): str(r.mapping(v, ("states", k), f"状态 {k}").get("name", k))
        for k, v in r.mapping(data.get("states"), ("states",), "states").items()
    }
    publishable = r.strings(
        data.get("publishable_states", []), ("publishable_states",), "publishable_states"
    )
    for i, s in enumerate(publishable):
        r.known(s, states, ("publishable_states", i), "状态")
    transitions = {}
    for event, spec in r.mapping(data.get("transitions"), ("transitions",), "transitions").items():
        where = ("transitions", event)
        spec = r.mapping(spec, where, f"流转 {event}")
        r.unknown_keys(spec, {"from", "to", "by"}, where)
        sources = r.strings(spec.get("from", []), (*where, "from"), "from")
        for i, s in enumerate(sources):
            r.known(s, states, (*where, "from", i), "状态")
        dest = str(spec.get("to", ""))
        r.known(dest, states, (*where, "to"), "状态")
        by = r.strings(spec.get("by", []), (*where, "by"), "by")
        for i, role in enumerate(by):
            r.known(
                role, None if roles is None else {**roles, AUTHOR: ""}, (*where, "by", i), "角色"
            )
        transitions[str(event)] = Transition(str(event), sources, dest, by)
    types = {}
    for type_id, spec in r.mapping(data.get("types"), ("types",), "types").items():
        where = ("types", type_id)
        spec = r.mapping(spec, where, f"类型 {type_id}")
        r.unknown_keys(spec, {"name", "dir", "approvals", "required_fields"}, where)
        needed = r.strings(spec.get("approvals", []), (*where, "approvals"), "approvals")
        for i, role in enumerate(needed):
            r.known(role, roles, (*where, "approvals", i), "角色")
        types[str(type_id)] = TypeRule(
            str(type_id),
            str(spec.get("name", type_id)),
            needed,
            r.strings(
                spec.get("required_fields", []), (*where, "required_fields"), "required_fields"
            ),
            str(spec.get("dir", type_id)),
        )
    for needed in ("submit", "approve", "request-changes", "publish", "archive"):
        if needed not in transitions:
            r.fail(("transitions",), f"缺少流转 {needed}", "编辑流程的命令需要它")
    warn_days = data.get("review_warning_days", 30)
    if not isinstance(warn_days, int) or isinstance(warn_days, bool) or warn_days < 0:
        r.fail(("review_warning_days",), "review_warning_days 应该是非负整数")
        warn_days = 30
    return dict(
        internal_number=_read_internal_number(r, data.get("internal_number", "")),
        states=states,
        publishable_states=frozenset(publishable),
        transitions=transitions,
        types=types,
        channels=r.strings(data.get("channels", []), ("channels",), "channels"),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        review_warning_days=warn_days,
        re_review=_read_re_review(r, roles),
        governed=_read_governed(r, roles),
    )


def _read_governed(r: PolicyReader, roles: dict[str, str] | None) -> tuple[Governed, ...]:
    entries: list[Governed] = []
    listed = r.loaded.data.get("governed", [])
    if not isinstance(listed, list):
        r.fail(("governed",), "governed 应该是列表", "每项写 paths 和 by")
        return ()
    for i, spec in enumerate(listed):
        where = ("governed", i)
        spec = r.mapping(spec, where, "governed 的一项")
        r.unknown_keys(spec, {"name", "paths", "by"}, where)
        paths = r.strings(spec.get("paths", []), (*where, "paths"), "paths")
        for j, path in enumerate(paths):
            if not path or path.startswith(("/", "./")) or ".." in path.split("/"):
                r.fail(
                    (*where, "paths", j),
                    f"路径 '{path}' 无效",
                    "写相对项目根目录的路径，文件夹以 / 结尾，例如 policies/",
                )
        by = r.strings(spec.get("by", []), (*where, "by"), "by")
        if not by:
            r.fail((*where, "by"), "governed 的每一项都要写 by：哪些角色可以改这些路径")
        for j, role in enumerate(by):
            r.known(role, roles, (*where, "by", j), "角色")
        entries.append(Governed(paths, by, str(spec.get("name", ""))))
    return tuple(entries)


def _read_internal_number(r: PolicyReader, pattern) -> str:
    """The pattern of staff-only reference numbers, if it is a regular expression that matches
    no empty text (which would match everywhere)."""
    if not isinstance(pattern, str):
        r.fail(("internal_number",), "internal_number 应该是正则表达式（字符串）")
        return ""
    try:
        empty = pattern and re.compile(pattern).fullmatch("")
    except re.error as exc:
        r.fail(("internal_number",), f"internal_number 不是有效的正则表达式：{exc}")
        return ""
    if empty:
        r.fail(("internal_number",), "internal_number 能匹配空文本", "写出编号本身的样子")
        return ""
    return pattern


def _read_re_review(r: PolicyReader, roles: dict[str, str] | None) -> ReReview:
    spec = r.mapping(r.loaded.data.get("re_review", {}), ("re_review",), "re_review")
    r.unknown_keys(spec, {"role", "interval_days", "max_days"}, ("re_review",))
    default = ReReview()
    role = str(spec.get("role", default.role))
    r.known(role, roles, ("re_review", "role"), "角色")
    days = {}
    for key in ("interval_days", "max_days"):
        value = spec.get(key, getattr(default, key))
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            r.fail(
                ("re_review", key),
                f"re_review.{key} 应该是正整数（天数）",
                f"例如 {key}: {getattr(default, key)}",
            )
            value = getattr(default, key)
        days[key] = value
    if days["interval_days"] > days["max_days"]:
        r.fail(
            ("re_review", "interval_days"),
            "re_review.interval_days 不能大于 max_days",
            "例如 365 和 730",
        )
    return ReReview(role, **days)


def _known_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
        return True
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False


def load_policies(root: Path) -> Policies:
    """Load and cross-check policies/roles.yml, people.yml and workflow.yml; raise with every
    problem."""
    problems: list[Problem] = []
    roles_r = load_policy_file(root, "roles.yml", problems)
    roles = _read_roles(roles_r) if roles_r else None
    people_r = load_policy_file(root, "people.yml", problems)
    people, recorder_keys, sample_keys = _read_people(people_r, roles) if people_r else ({}, (), "")
    workflow_r = load_policy_file(root, "workflow.yml", problems)
    workflow = _read_workflow(workflow_r, roles) if workflow_r else None
    if workflow is not None and not _known_timezone(workflow["timezone"]):
        workflow_r.fail(("timezone",), f"未知时区 '{workflow['timezone']}'", "例如 Asia/Shanghai")
    for reader in (roles_r, people_r, workflow_r):
        if reader:
            problems.extend(reader.problems)
    if problems or workflow is None:
        raise SmilePressError(problems)
    return Policies(
        roles=roles or {},
        people=people,
        by_email={p.email: p for p in people.values()},
        recorder_keys=recorder_keys,
        sample_keys=sample_keys,
        **workflow,
    )
