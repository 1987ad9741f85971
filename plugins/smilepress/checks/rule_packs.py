"""Compliance rule packs: YAML files under policies/compliance/, validated with errors at lines.

A pack holds `rules`, and may hold named word lists (`lexicons`) that any rule can use as `$name`,
and `disable: [rule ids]` to turn rules off without editing the pack that defines them. A broken
rule is reported and skipped; a broken file is reported and the other packs still load.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..load.yaml_file import PolicyReader, load_policy_file
from ..model.clinics import FILE as CLINICS_FILE
from ..model.clinics import load_clinics
from ..view.normalise import normalise, normalise_pattern
from .detectors import DETECTORS

PACK_DIR = "policies/compliance"
CATEGORIES = (
    "absolute-claim",
    "efficacy-guarantee",
    "cure-rate",
    "comparison",
    "endorsement",
    "patient-testimonial",
    "aesthetic-anxiety",
    "inducement",
    "disguised-ad",
    "ad-scope",
    "citation",
    "ad-label",
    "approval-number",
    "consent",
    "pii-phone",
    "pii-id-card",
    "pii-bank-card",
    "pii-email",
    "secret",
    "unsafe-html",
    "seo",
    # originality (text, images, sources)
    "plagiarism",
    "self-duplicate",
    "image-licence",
    "image-duplicate",
    "sources",
)
# error blocks publication; review does not, but needs the approval of the rule's reviewer role;
# warning and info are advice.
LEVELS = ("error", "review", "warning", "info")
RULE_TYPES = (
    "terms",
    "pattern",
    "claim",
    "substitution",
    "detector",
    "required",
    "label",
    "sanitiser",
)
WINDOWS = ("clause", "sentence", "paragraph")
SCOPES = ("prose", "markup", "all")
FIELD_SCOPES = ("title", "description", "first_line")
_ID = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")
_LEXICON_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

_COMMON_KEYS = {
    "id",
    "category",
    "level",
    "levels",
    "type",
    "message",
    "basis",
    "suggestion",
    "applies_to",
    "enabled",
    "reviewer",
    "scope",
    "context",
    "exceptions",
}
_TYPE_KEYS = {
    "terms": {"terms"},
    "pattern": {"pattern"},
    "claim": {"parts", "within"},
    "substitution": {"swap"},
    "detector": {"detector", "allow"},
    "required": {"field", "pattern", "when"},
    "label": {"label", "where"},
    "sanitiser": set(),
}
_CONTEXT_KEYS = {
    "negated_by",
    "before",
    "not_before",
    "after",
    "not_after",
    "requires",
    "unless",
    "escalate",
    "quotable",
}


@dataclass(frozen=True)
class Window:
    """A condition on the text around a hit: a word of `any` (or `pattern`) occurs `within` it."""

    within: str
    any: tuple[str, ...] = ()
    pattern: re.Pattern | None = None
    level: str = ""  # for `escalate`: the level the finding takes

    def holds(self, text: str) -> bool:
        return any(w in text for w in self.any) or bool(self.pattern and self.pattern.search(text))


@dataclass(frozen=True)
class Context:
    negated_by: tuple[
        str, ...
    ] = ()  # a word earlier in the same clause cancels the hit (我们不承诺无痛)
    before: re.Pattern | None = (
        None  # the text just before the hit must match (anchored at the hit)
    )
    not_before: re.Pattern | None = None
    after: re.Pattern | None = None  # the text just after the hit must match
    not_after: re.Pattern | None = None
    requires: tuple[Window, ...] = ()  # every one must hold
    unless: tuple[Window, ...] = ()  # any one cancels the hit
    escalate: tuple[Window, ...] = ()  # the first that holds sets the level
    quotable: bool = True  # a sentence quoting the law about the word is not a claim


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    type: str
    level: str
    message: str
    basis: str
    source: str  # "path:line" of the rule's definition
    suggestion: str = ""
    levels: dict[str, str] = field(default_factory=dict)  # per content type; "off" = does not apply
    applies_to: frozenset[str] = frozenset()  # empty = every content type
    scope: str = "prose"  # prose: visible wording; markup: the page source without code and
    # comments; all: the whole file, comments and code too
    # The role that answers for this rule's findings: a review finding needs its approval, and its
    # approval makes a waiver of an error count.
    reviewer: str = "compliance"
    terms: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    swap: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern | None = None
    detector: str = ""
    allow: tuple[str, ...] = ()
    field_name: str = ""
    when: re.Pattern | None = None  # `required`: only for files whose text matches this
    label: str = ""
    where: tuple[str, ...] = ()
    context: Context = Context()
    # `claim`: the parts after the first, each of which must occur in the same window as the first
    # (the rule's `pattern`): a claim's shape, e.g. a treatment + a time + a result.
    parts: tuple[Window, ...] = ()

    def level_for(self, content_type: str) -> str | None:
        """The level of this rule's findings in an article of `content_type`, None when it does
        not apply."""
        if self.applies_to and content_type not in self.applies_to:
            return None
        level = self.levels.get(content_type, self.level)
        return None if level == "off" else level


@dataclass(frozen=True)
class Implication:
    """A finding of one of `categories` in one of `types` also counts as a finding of `rule`."""

    categories: frozenset[str]
    types: frozenset[str]
    rule: str
    when_self: bool = False  # only when the clinic says it of itself (the rule's `escalate` held)
    # The implied finding's level ("" = the rule's own): an implied category is a reading of the
    # finding that implies it, so it may route to a reviewer instead of blocking a second time.
    level: str = ""


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    problems: tuple[Problem, ...]
    digest: str  # changes whenever any pack file changes (the findings cache key)
    lexicons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    implications: tuple[Implication, ...] = ()

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


class _PackReader:
    def __init__(
        self,
        reader: PolicyReader,
        lexicons: dict[str, tuple[str, ...]],
        fragments: dict[str, str] | None = None,
    ):
        self.r, self.lexicons, self.fragments = reader, lexicons, fragments or {}

    def words(self, value: Any, where: tuple, what: str) -> tuple[str, ...]:
        """A word list; `$name` items expand to the lexicon of that name."""
        out = []
        for i, item in enumerate(self.r.strings(value, where, what)):
            if item.startswith("$"):
                if item[1:] in self.lexicons:
                    out.extend(self.lexicons[item[1:]])
                else:
                    self.r.fail(
                        (*where, i),
                        f"未知词表 {item}",
                        f"可用词表：{', '.join(sorted(self.lexicons)) or '（无）'}",
                    )
            elif item.strip():
                out.append(item.strip())
        return tuple(normalise(w).text for w in out)

    def regex(self, value: Any, where: tuple, what: str, anchor: str = "") -> re.Pattern | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            self.r.fail(where, f"{what} 应该是一个正则表达式文本")
            return None
        value = self._with_lexicons(normalise_pattern(value), where)
        try:
            return re.compile(
                f"(?:{value}){anchor}" if anchor == "$" else f"{anchor}(?:{value})", re.I
            )
        except re.error as exc:
            self.r.fail(
                where,
                f"{what} 不是有效的正则表达式：{exc}",
                "检查括号和转义；YAML 中请用单引号包住正则",
            )
            return None

    def _with_lexicons(self, pattern: str, where: tuple) -> str:
        """`${name}` in a pattern stands for the named pattern `name` (a pack's `patterns:`), or
        for any word of the lexicon `name` (our clinics' names are data: policies/clinics.yml); an
        empty lexicon matches nothing."""

        def words(m: re.Match) -> str:
            name = m.group(1)
            if name in self.fragments:
                return f"(?:{self.fragments[name]})"
            if name not in self.lexicons:
                self.r.fail(
                    where,
                    f"正则中的 ${{{name}}} 不是已定义的词表或命名正则",
                    f"可用：{', '.join(sorted([*self.lexicons, *self.fragments]))}",
                )
                return "(?!)"
            found = sorted({normalise(w).text for w in self.lexicons[name]}, key=len, reverse=True)
            return "(?:" + "|".join(map(re.escape, found)) + ")" if found else "(?!)"

        return _LEXICON_REF.sub(words, pattern)

    def level(self, value: Any, where: tuple, allowed=LEVELS) -> str:
        if not isinstance(value, str) or value not in allowed:
            self.r.fail(where, f"级别 '{value}' 无效", f"可用：{', '.join(allowed)}")
            return ""
        return value

    def windows(self, value: Any, where: tuple, with_level: bool = False) -> tuple[Window, ...]:
        items = value if isinstance(value, list) else [value]
        out = []
        for i, spec in enumerate(items):
            w = (*where, i) if isinstance(value, list) else where
            spec = self.r.mapping(spec, w, "条件")
            self.r.unknown_keys(
                spec, {"within", "any", "pattern"} | ({"level"} if with_level else set()), w
            )
            within = spec.get("within", "sentence")
            if within not in WINDOWS:
                self.r.fail(
                    (*w, "within"), f"within '{within}' 无效", f"可用：{', '.join(WINDOWS)}"
                )
                continue
            words = self.words(spec.get("any", []), (*w, "any"), "any")
            pattern = self.regex(spec.get("pattern"), (*w, "pattern"), "pattern")
            if not words and pattern is None:
                self.r.fail(w, "条件需要 any（词表）或 pattern（正则）")
                continue
            level = self.level(spec.get("level"), (*w, "level")) if with_level else ""
            out.append(Window(within, words, pattern, level))
        return tuple(out)

    def context(self, value: Any, where: tuple) -> Context:
        if value is None:
            return Context()
        spec = self.r.mapping(value, where, "context")
        self.r.unknown_keys(spec, _CONTEXT_KEYS, where)
        return Context(
            negated_by=self.words(spec.get("negated_by", []), (*where, "negated_by"), "negated_by"),
            before=self.regex(spec.get("before"), (*where, "before"), "before", "$"),
            not_before=self.regex(
                spec.get("not_before"), (*where, "not_before"), "not_before", "$"
            ),
            after=self.regex(spec.get("after"), (*where, "after"), "after", "^"),
            not_after=self.regex(spec.get("not_after"), (*where, "not_after"), "not_after", "^"),
            requires=self.windows(spec["requires"], (*where, "requires"))
            if "requires" in spec
            else (),
            unless=self.windows(spec["unless"], (*where, "unless")) if "unless" in spec else (),
            escalate=self.windows(spec["escalate"], (*where, "escalate"), True)
            if "escalate" in spec
            else (),
            quotable=spec.get("quotable", True) is not False,
        )

    def rule(self, spec: Any, where: tuple, types: set[str]) -> Rule | None:
        """One rule, or None when it is broken (its problems are recorded)."""
        r, before = self.r, len(self.r.problems)
        spec = r.mapping(spec, where, "规则")
        if not spec:
            return None
        rtype = spec.get("type")
        if rtype not in RULE_TYPES:
            r.fail((*where, "type"), f"规则类型 '{rtype}' 无效", f"可用：{', '.join(RULE_TYPES)}")
            return None
        r.unknown_keys(spec, _COMMON_KEYS | _TYPE_KEYS[rtype], where)
        identity = self._identity(spec, where)
        levels = self._levels(spec, where, types)
        scope = self._scope(spec, where, rtype)
        fields = self._TYPED_FIELDS[rtype](self, spec, where)
        context = self.context(spec.get("context"), (*where, "context"))
        exceptions = self.words(spec.get("exceptions", []), (*where, "exceptions"), "exceptions")
        if len(r.problems) > before:
            return None
        return Rule(
            **identity,
            type=rtype,
            **levels,
            source=f"{r.path}:{r.loaded.line_of(*where)}",
            suggestion=str(spec.get("suggestion", "")).strip(),
            scope=scope,
            reviewer=str(spec.get("reviewer", "compliance")),
            exceptions=exceptions,
            context=context,
            **fields,
        )

    def _identity(self, spec: dict, where: tuple) -> dict[str, Any]:
        """id, category, message and basis: what every rule must say."""
        r = self.r
        rid = spec.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            r.fail(
                (*where, "id"),
                f"规则 id '{rid}' 无效",
                "用小写字母、数字、-、/ 组成，例如 ad-law/superlative",
            )
        category = spec.get("category")
        r.known(str(category), CATEGORIES, (*where, "category"), "类别")
        for key in ("message", "basis"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                r.fail(
                    (*where, key),
                    f"规则缺少 {key}",
                    "message 用中文说明错在哪里、应该怎么写；basis 写法律及条款",
                )
        text = {
            key: spec[key].strip() if isinstance(spec.get(key), str) else ""
            for key in ("message", "basis")
        }
        return {"id": rid, "category": category, **text}

    def _levels(self, spec: dict, where: tuple, types: set[str]) -> dict[str, Any]:
        """level, levels per content type and applies_to."""
        r = self.r
        level = self.level(spec.get("level", "error"), (*where, "level"))
        levels = {}
        for t, lv in r.mapping(spec.get("levels", {}), (*where, "levels"), "levels").items():
            r.known(str(t), types, (*where, "levels", t), "内容类型")
            levels[str(t)] = self.level(lv, (*where, "levels", t), (*LEVELS, "off"))
        applies = r.strings(spec.get("applies_to", []), (*where, "applies_to"), "applies_to")
        for i, t in enumerate(applies):
            r.known(t, types, (*where, "applies_to", i), "内容类型")
        return {"level": level, "levels": levels, "applies_to": frozenset(applies)}

    def _scope(self, spec: dict, where: tuple, rtype: str) -> str:
        scope = spec.get("scope", "all" if rtype == "detector" else "prose")
        if scope not in SCOPES:
            self.r.fail(
                (*where, "scope"),
                f"scope '{scope}' 无效",
                "可用：prose（读者看到的文字）、markup（页面源码，不含代码块和注释）、all（整个文件，含注释和代码）",
            )
        return scope

    # -- the fields of each rule type -----------------------------------------------------------
    def _terms_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        terms = self.words(spec.get("terms"), (*where, "terms"), "terms")
        if not terms:
            self.r.fail((*where, "terms"), "terms 规则至少需要一个词")
        return {"terms": terms}

    def _pattern_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        pattern = self.regex(spec.get("pattern"), (*where, "pattern"), "pattern")
        if pattern is not None and pattern.match(""):
            self.r.fail((*where, "pattern"), "正则能匹配空文本，会在每一处报错", "请修改正则")
        return {"pattern": pattern}

    def _claim_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        """A claim's shape: `parts`, each a word list (`any`) or a `pattern`, all within one
        clause (or `within: sentence`). The first part is where the finding points."""
        within = spec.get("within", "clause")
        if within not in WINDOWS:
            hint = f"可用：{'、'.join(WINDOWS)}"
            self.r.fail((*where, "within"), f"within '{within}' 无效", hint)
            within = "clause"
        specs = spec.get("parts")
        if not isinstance(specs, list) or len(specs) < 2:
            self.r.fail(
                (*where, "parts"),
                "claim 规则需要至少两个 parts（例如 疗法 + 承诺）",
                "每个 part 写 any（词表）或 pattern（正则）",
            )
            return {"pattern": None, "parts": ()}
        alternatives = []
        for i, part in enumerate(specs):
            at = (*where, "parts", i)
            part = self.r.mapping(part, at, "part")
            self.r.unknown_keys(part, {"any", "pattern"}, at)
            words = self.words(part.get("any", []), (*at, "any"), "any")
            pattern = self.regex(part.get("pattern"), (*at, "pattern"), "pattern")
            if not words and pattern is None:
                self.r.fail(at, "part 需要 any（词表）或 pattern（正则）")
            elif pattern is not None and pattern.match(""):
                self.r.fail((*at, "pattern"), "正则能匹配空文本，会在每一处报错", "请修改正则")
            alternatives.append((words, pattern))
        words, pattern = alternatives[0]
        anchor = "|".join(
            [re.escape(w) for w in sorted(set(words), key=len, reverse=True)]
            + ([pattern.pattern] if pattern is not None else [])
        )
        return {
            "pattern": re.compile(anchor, re.I) if anchor else None,
            "parts": tuple(Window(within, w, p) for w, p in alternatives[1:]),
        }

    def _substitution_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        swap = self.r.mapping(spec.get("swap"), (*where, "swap"), "swap")
        swap = {str(k): str(v) for k, v in swap.items() if str(k).strip()}
        if not swap:
            self.r.fail((*where, "swap"), "substitution 规则需要 swap：{不要这样写: 改成这样}")
        return {"swap": swap}

    def _detector_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        detector = str(spec.get("detector"))
        if detector == "unsafe-html":  # a pack written before the sanitiser decided
            self.r.fail(
                (*where, "detector"),
                "检测器 unsafe-html 已由网站的 HTML 允许清单取代",
                "把这条规则改为 type: sanitiser（去掉 detector 和 scope）",
            )
            return {"detector": detector, "allow": ()}
        self.r.known(detector, DETECTORS, (*where, "detector"), "检测器")
        allow = self.words(spec.get("allow", []), (*where, "allow"), "allow")
        return {"detector": detector, "allow": allow}

    def _required_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        field_name = str(spec.get("field", ""))
        if not field_name:
            self.r.fail((*where, "field"), "required 规则需要 field（front matter 字段名）")
        return {
            "field_name": field_name,
            "pattern": self.regex(spec.get("pattern"), (*where, "pattern"), "pattern"),
            "when": self.regex(spec.get("when"), (*where, "when"), "when"),
        }

    def _label_fields(self, spec: dict, where: tuple) -> dict[str, Any]:
        r = self.r
        label = str(spec.get("label", ""))
        if not label:
            r.fail((*where, "label"), "label 规则需要 label（例如 广告）")
        places = r.strings(spec.get("where", ["title", "first_line"]), (*where, "where"), "where")
        for i, w in enumerate(places):
            r.known(w, FIELD_SCOPES, (*where, "where", i), "位置")
        return {"label": label, "where": places}

    _TYPED_FIELDS = {
        "terms": _terms_fields,
        "pattern": _pattern_fields,
        "claim": _claim_fields,
        "substitution": _substitution_fields,
        "detector": _detector_fields,
        "required": _required_fields,
        "label": _label_fields,
        "sanitiser": lambda self, spec, where: {},  # the allow-list is view/sanitise.py's
    }


def load_rules(root: Path, content_types: set[str], roles: set[str] | None = None) -> RuleSet:
    """Every pack under policies/compliance/; problems are collected, never raised."""
    problems: list[Problem] = []
    readers, digest = _read_packs(root, problems)
    lexicons = _lexicons(readers, load_clinics(root, problems).lexicons())
    fragments = _fragments(readers)
    rules, disabled = _rules(readers, lexicons, fragments, content_types, roles, problems)
    implications = [
        i for reader in readers for i in _implications(reader, rules, content_types, problems)
    ]
    for rid in sorted(disabled - set(rules)):
        problems.append(
            Problem(PACK_DIR, 0, f"disable 中的规则 {rid} 不存在", "检查拼写", level="warning")
        )
    return RuleSet(
        tuple(r for r in rules.values() if r.id not in disabled),
        tuple(problems),
        digest,
        lexicons,
        tuple(i for i in implications if i.rule not in disabled),
    )


def _read_packs(root: Path, problems: list[Problem]) -> tuple[list[PolicyReader], str]:
    """A reader of each pack file that loads, and the digest of all pack files (the cache key)."""
    digest = hashlib.sha256()
    clinics = root / "policies" / CLINICS_FILE  # the packs' $clinic_… lexicons
    digest.update(clinics.read_bytes() if clinics.is_file() else b"")
    readers = []
    for path in sorted((root / PACK_DIR).glob("*.yml")):
        name = path.relative_to(root / "policies").as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        reader = load_policy_file(root, name, problems)
        if reader is not None:
            reader.unknown_keys(
                reader.loaded.data,
                {
                    "version",
                    "pack",
                    "name",
                    "description",
                    "lexicons",
                    "patterns",
                    "rules",
                    "disable",
                    "implies",
                },
                (),
            )
            readers.append(reader)
    if not readers and not problems:
        problems.append(
            Problem(PACK_DIR, 0, "没有找到任何合规规则包", f"请在 {PACK_DIR}/ 下放置 *.yml 规则包")
        )
    return readers, digest.hexdigest()[:16]


def _lexicons(
    readers: list[PolicyReader], identity: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """The named word lists of all packs, after the clinics' own (`identity`); a name defined twice
    is a problem of the later pack. A lexicon may include another as `$name` (self_reference
    includes $clinic_names)."""
    lexicons: dict[str, tuple[str, ...]] = dict(identity)
    written: list[tuple[PolicyReader, str, tuple[str, ...]]] = []
    for reader in readers:
        for name, words in reader.mapping(
            reader.loaded.data.get("lexicons", {}), ("lexicons",), "lexicons"
        ).items():
            if name in lexicons:
                reader.fail(
                    ("lexicons", name),
                    f"词表 {name} 已在别处定义"
                    + ("（policies/clinics.yml）" if name in identity else ""),
                    "换一个名字，或合并到一处",
                )
                continue
            items = reader.strings(words, ("lexicons", name), f"词表 {name}")
            lexicons[str(name)] = tuple(w.strip() for w in items if w.strip())
            written.append((reader, str(name), lexicons[str(name)]))
    for reader, name, words in written:  # one level: a lexicon of lexicons, never a cycle
        expanded = []
        for i, word in enumerate(words):
            if not word.startswith("$"):
                expanded.append(word)
            elif word[1:] in lexicons and not any(w.startswith("$") for w in lexicons[word[1:]]):
                expanded.extend(lexicons[word[1:]])
            else:
                reader.fail(
                    ("lexicons", name, i),
                    f"词表 {name} 中的 {word} 不是可用的词表",
                    "只能引用不再引用别的词表的词表，例如 $clinic_names",
                )
        lexicons[name] = tuple(expanded)
    return lexicons


def _fragments(readers: list[PolicyReader]) -> dict[str, str]:
    """The named patterns of all packs (`patterns:`, used as `${name}` in any rule's pattern);
    each must compile on its own."""
    out: dict[str, str] = {}
    for reader in readers:
        specs = reader.mapping(reader.loaded.data.get("patterns", {}), ("patterns",), "patterns")
        for name, value in specs.items():
            where = ("patterns", name)
            if name in out:
                reader.fail(where, f"命名正则 {name} 在别的规则包中已定义", "换一个名字")
                continue
            try:
                re.compile(normalise_pattern(str(value)))
            except re.error as exc:
                reader.fail(where, f"命名正则 {name} 不是有效的正则表达式：{exc}")
                continue
            out[str(name)] = normalise_pattern(str(value))
    return out


def _rules(
    readers: list[PolicyReader],
    lexicons: dict[str, tuple[str, ...]],
    fragments: dict[str, str],
    content_types: set[str],
    roles: set[str] | None,
    problems: list[Problem],
) -> tuple[dict[str, Rule], set[str]]:
    """Every pack's rules by id (broken, disabled-in-place and duplicate ones left out), and the
    ids the packs' `disable:` lists name. Each pack's problems so far go into `problems`."""
    rules: dict[str, Rule] = {}
    disabled: set[str] = set()
    for reader in readers:
        pack = _PackReader(reader, lexicons, fragments)
        data = reader.loaded.data
        disabled.update(reader.strings(data.get("disable", []), ("disable",), "disable"))
        specs = data.get("rules") or []
        if not isinstance(specs, list):
            reader.fail(("rules",), "rules 应该是规则列表（每条以 - 开头）")
            specs = []
        for i, spec in enumerate(specs):
            rule = pack.rule(spec, ("rules", i), content_types)
            if rule is None or (isinstance(spec, dict) and spec.get("enabled") is False):
                continue
            if roles is not None and rule.reviewer not in roles:
                reader.fail(
                    ("rules", i, "reviewer"),
                    f"未知角色 '{rule.reviewer}'",
                    "见 policies/roles.yml",
                )
                continue
            if rule.id in rules:
                reader.fail(
                    ("rules", i, "id"),
                    f"规则 id {rule.id} 重复（已在 {rules[rule.id].source} 定义）",
                    "每条规则的 id 必须唯一",
                )
                continue
            rules[rule.id] = rule
        problems.extend(reader.problems)
    return rules, disabled


def _implications(
    reader: PolicyReader, rules: dict[str, Rule], content_types: set[str], problems: list[Problem]
) -> list[Implication]:
    """One pack's `implies:` list; its new problems go into `problems`."""
    implications = []
    specs = reader.loaded.data.get("implies") or []
    if not isinstance(specs, list):
        reader.fail(("implies",), "implies 应该是列表（每项以 - 开头）")
        specs = []
    for i, spec in enumerate(specs):
        where = ("implies", i)
        spec = reader.mapping(spec, where, "implies")
        reader.unknown_keys(spec, {"categories", "in", "rule", "when", "level"}, where)
        categories = reader.strings(
            spec.get("categories", []), (*where, "categories"), "categories"
        )
        types = reader.strings(spec.get("in", []), (*where, "in"), "in")
        ok = all(
            reader.known(c, CATEGORIES, (*where, "categories", j), "类别")
            for j, c in enumerate(categories)
        )
        ok &= all(
            reader.known(t, content_types, (*where, "in", j), "内容类型")
            for j, t in enumerate(types)
        )
        ok &= reader.known(str(spec.get("rule")), rules, (*where, "rule"), "规则")
        if spec.get("when", "always") not in ("always", "self"):
            reader.fail((*where, "when"), "when 只能是 always 或 self（本机构自己说的）")
            ok = False
        if spec.get("level", "") not in ("", *LEVELS):
            reader.fail(
                (*where, "level"), f"级别 '{spec.get('level')}' 无效", f"可用：{', '.join(LEVELS)}"
            )
            ok = False
        if ok:
            implications.append(
                Implication(
                    frozenset(categories),
                    frozenset(types),
                    str(spec["rule"]),
                    spec.get("when") == "self",
                    str(spec.get("level", "")),
                )
            )
    problems.extend(p for p in reader.problems if p not in problems)
    return implications


# -- required literals: skip a pattern on a text that cannot match it ---------------------------


def required_literals(pattern: re.Pattern) -> tuple[str, ...]:
    """Strings of which every match of `pattern` contains at least one; () when none can be named.

    Python's `re` tries a pattern at every position; most documents contain none of these strings,
    so a cheap `in` test lets the checker skip the pattern (the way grep and Vale prefilter).
    """
    try:
        from re import _parser as parser  # noqa: PLC0415 (Python 3.11+)

        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 (an unparsable pattern just gets no prefilter)
        return ()
    found = _literals(list(tree), pattern.flags & re.I)
    return tuple(sorted(found)) if found and all(found) else ()


def _literals(items: list, ignore_case: int) -> set[str] | None:
    """Alternatives for a sequence of parse items: the most selective that one item (or run of
    characters) offers."""
    from re import _constants as c  # noqa: PLC0415

    best: set[str] | None = None
    run = ""

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _score(candidate) > _score(best)):
            best = candidate

    for op, arg in items:
        if op is c.LITERAL:
            run += chr(arg).lower() if ignore_case else chr(arg)
            continue
        consider({run} if run else None)
        run = ""
        if op is c.SUBPATTERN:
            consider(_literals(list(arg[-1]), ignore_case))
        elif op is c.BRANCH:
            branches = [_literals(list(b), ignore_case) for b in arg[1]]
            consider(set().union(*branches) if all(branches) else None)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            consider(_literals(list(arg[2]), ignore_case))
        elif op is c.IN and len(arg) <= 12 and all(o is c.LITERAL for o, _ in arg):
            consider({chr(v).lower() if ignore_case else chr(v) for _, v in arg})
    consider({run} if run else None)
    return best


def _score(alternatives: set[str]) -> tuple[int, int]:
    return min(len(a) for a in alternatives), -len(alternatives)


def alternatives(pattern: re.Pattern) -> list[re.Pattern]:
    """The top-level alternatives of a pattern, compiled one by one.

    `re` finds no fast first-character scan for `a|b|c` when one branch starts with a lookbehind or
    a class; compiled apart, each branch gets its own (and its own required literals).
    """
    source = pattern.pattern
    # a named pattern used whole (`${other_providers}`) arrives wrapped twice: unwrap every level
    while source.startswith("(?:") and closing_paren(source, 0) == len(source) - 1:
        source = source[3:-1]
    cuts = [i for i, ch, depth in _syntax(source) if ch == "|" and depth == 0]
    parts = [source[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(source)], strict=True)]
    if len(parts) == 1 and parts[0] == pattern.pattern:
        return [pattern]
    try:
        return [re.compile(p, pattern.flags) for p in parts]
    except re.error:
        return [pattern]


def closing_paren(source: str, at: int) -> int:
    """Index of the parenthesis that closes the one at `at` (-1 if none)."""
    for i, ch, depth in _syntax(source, at):
        if ch == ")" and depth == 1:
            return i
    return -1


def _syntax(source: str, start: int = 0):
    """(index, character, group depth before it) for each character of a regex outside classes
    and escapes."""
    depth, i, in_class = 0, start, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source[i + 1 : i + 2] == "]":
                i += 1
        else:
            yield i, ch, depth
            depth += (ch == "(") - (ch == ")")
        i += 1
