"""The department's decisions as data: roles, people and the editorial workflow (policies/*.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, SmilePressError
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
    re_review: ReReview = field(default_factory=lambda: ReReview())
    by_email: dict[str, Person] = field(default_factory=dict)

    def person_by_email(self, email: str) -> Person | None:
        return self.by_email.get(email.strip().lower())

    def role_name(self, role: str) -> str:
        return self.roles.get(role, role)

    def holders(self, role: str) -> list[Person]:
        return [p for p in self.people.values() if role in p.roles]


def _read_roles(r: PolicyReader) -> dict[str, str]:
    r.unknown_keys(
        r.loaded.data, {"version", "roles", "policy"}, ()
    )  # policy: the handbook checks it
    roles = {}
    for role_id, spec in r.mapping(r.loaded.data.get("roles"), ("roles",), "roles").items():
        spec = r.mapping(spec, ("roles", role_id), f"角色 {role_id}")
        r.unknown_keys(spec, {"name", "description", "unit"}, ("roles", role_id))
        roles[str(role_id)] = str(spec.get("name", role_id))
    return roles


def _read_people(r: PolicyReader, roles: dict[str, str] | None) -> dict[str, Person]:
    r.unknown_keys(r.loaded.data, {"version", "people"}, ())
    people: dict[str, Person] = {}
    emails: dict[str, str] = {}
    for pid, spec in r.mapping(r.loaded.data.get("people"), ("people",), "people").items():
        where = ("people", pid)
        spec = r.mapping(spec, where, f"人员 {pid}")
        r.unknown_keys(spec, {"name", "email", "roles", "group", "public", "forge"}, where)
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
        people[str(pid)] = Person(
            str(pid),
            str(spec.get("name", pid)),
            email,
            person_roles,
            str(spec.get("group", "")),
            spec.get("public") is True,
            str(forge).lstrip("@"),
        )
    return people


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
            "re_review",
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
        states=states,
        publishable_states=frozenset(publishable),
        transitions=transitions,
        types=types,
        channels=r.strings(data.get("channels", []), ("channels",), "channels"),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        review_warning_days=warn_days,
        re_review=_read_re_review(r, roles),
    )


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
    people = _read_people(people_r, roles) if people_r else {}
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
        roles=roles or {}, people=people, by_email={p.email: p for p in people.values()}, **workflow
    )
