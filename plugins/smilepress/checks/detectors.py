"""Built-in detectors of personal data and secrets, for the compliance checks (unsafe HTML is the
sanitiser's decision: view/sanitise.py, checks/unsafe_html.py).

Each detector is a pure function from text to Detections (half-open spans into the text it was
given); DETECTORS names them for the rule packs. Candidates found by a pattern are kept only if
they pass the identifier's own check: GB 11643 for resident ID numbers, Luhn for bank cards, a
real date of birth (as of the day the check judges by), a mobile prefix. Text is normalised first
(full-width digits, letters and punctuation to ASCII) without changing its length, so spans point
at the writer's own characters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from ..view.normalise import HALF_WIDTH


@dataclass(frozen=True)
class Detection:
    kind: str  # phone | id-card | bank-card | email | secret | beyond-whitelist
    start: int
    end: int
    value: str  # the matched text as the writer wrote it
    detail: str = ""

    def __repr__(self) -> str:
        return f"Detection({self.kind}, {self.start}:{self.end}, {self.value!r})"


_WIDE_NUMERIC = re.compile("[０-９＋－＠Ｘｘ（）\u3000]")


def normalise_width(text: str) -> str:
    """Full-width forms to ASCII, character for character (１３８ → 138, ＠ → @)."""
    return text.translate(HALF_WIDTH)


@lru_cache(maxsize=8)
def _numeric_view(text: str) -> str:
    """The text with full-width digits, +, -, @ and brackets as ASCII (same length), for the
    number detectors.

    Chinese prose is full of full-width punctuation, so only the few characters numbers use are
    mapped.
    """
    return _WIDE_NUMERIC.sub(lambda m: chr(HALF_WIDTH[ord(m.group())]), text)


_DIGIT_RUN = re.compile(r"[\d+(][\d \-()+]{6,}[\dXx]?")


@lru_cache(maxsize=8)
def _digit_runs(norm: str) -> tuple[tuple[int, int], ...]:
    """Where numbers long enough to be a phone, ID or card number are: the only places worth a
    closer look."""
    return tuple(m.span() for m in _DIGIT_RUN.finditer(norm))


def _in_runs(pattern: re.Pattern, norm: str):
    end_seen = -1
    for start, end in _digit_runs(norm):
        for m in pattern.finditer(norm, max(start, end_seen), min(len(norm), end + 1)):
            end_seen = m.end()
            yield m


# -- checksums ---------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by bank cards. `digits` holds digits only."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) of an 18-character resident ID number."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_valid(number: str, today: dt.date) -> bool:
    """An 18-character resident ID number as of `today`: plausible region, a real birth date that
    has come, correct check character."""
    born = id_birth_date(number)
    return born is not None and born <= today


def id_birth_date(number: str) -> dt.date | None:
    """The birth date of an ID number that is valid but for the day (region, date since 1900, check
    character), or None."""
    number = number.upper()
    if not re.fullmatch(r"[1-9]\d{16}[\dX]", number):
        return None
    if number[:2] not in _PROVINCES:
        return None
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born < dt.date(1900, 1, 1) or id_check_digit(number[:17]) != number[17]:
        return None
    return born


_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}

# -- detectors ----------------------------------------------------------------------------------

_NOT_DIGIT_BEFORE = r"(?<![\dA-Za-z])"
_NOT_DIGIT_AFTER = r"(?![\dA-Za-z])"
# Not a piece of a longer grouped number (6217 0000 5230 8301 667 is a card, not a phone number).
_NOT_IN_GROUPS_BEFORE, _NOT_IN_GROUPS_AFTER = r"(?<!\d[ -])", r"(?![ -]\d)"
_MOBILE = re.compile(
    _NOT_IN_GROUPS_BEFORE
    + _NOT_DIGIT_BEFORE
    + r"(?:(?:\+|00)86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})"
    + _NOT_DIGIT_AFTER
    + _NOT_IN_GROUPS_AFTER
)
_LANDLINE = re.compile(
    _NOT_IN_GROUPS_BEFORE
    + _NOT_DIGIT_BEFORE
    + r"(?:\(0\d{2,3}\)|0\d{2,3})[ -]?[2-9]\d{2,3}[ -]?\d{4}"
    + _NOT_DIGIT_AFTER
    + _NOT_IN_GROUPS_AFTER
)
_ID = re.compile(
    _NOT_DIGIT_BEFORE + r"[1-9]\d{5}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx]" + _NOT_DIGIT_AFTER
)
# 16-19 digits written together, or in groups of four with one kind of separator
# (6222 0212 3456 7890 12).
_CARD = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:\d{16,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1?\d{1,3})?)"
    + _NOT_DIGIT_AFTER
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
ROLE_MAILBOXES = frozenset(
    {
        "service",
        "services",
        "info",
        "contact",
        "support",
        "help",
        "hr",
        "jobs",
        "admin",
        "noreply",
        "no-reply",
        "donotreply",
        "webmaster",
        "postmaster",
        "press",
        "media",
        "kefu",
        "market",
        "marketing",
        "office",
        "hello",
        "feedback",
        "complaint",
        "complaints",
        "privacy",
        "legal",
        "editor",
        "editors",
        "notify",
        "notice",
        "notification",
        "news",
        "newsletter",
        "booking",
        "appointment",
        "reception",
        "sales",
        "cs",
        "customer",
        "team",
        "public",
        "tougao",
        "bianji",
        "yuyue",
        "zixun",
        "xuanchuan",
        "pr",
        "bd",
        "ir",
        "finance",
        "it",
        "security",
        "git",
    }
)
_SECRETS = (
    ("AWS 访问密钥", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("GitHub 令牌", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("阿里云 AccessKey", re.compile(r"\bLTAI[A-Za-z0-9]{12,20}\b")),
    ("Slack 令牌", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b")),
    ("腾讯云 SecretId", re.compile(r"\bAKID[A-Za-z0-9]{32,}\b")),
    ("OpenAI 类 API 密钥", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}")),
    ("JWT 令牌", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    (
        "机器人 Webhook",
        re.compile(
            r"(?:qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key=|oapi\.dingtalk\.com/robot/send\?"
            r"access_token=|open\.feishu\.cn/open-apis/bot/v2/hook/)[0-9A-Za-z-]{16,}"
        ),
    ),
    (
        "私钥",
        re.compile(
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----"
        ),
    ),
    ("密码", re.compile(r"(?:密码|口令|登录密码|管理员密码)\s*[:：=]\s*[^\s，。；,;<>]{4,}")),
    (
        "密钥或密码",
        re.compile(
            r"(?i)\b(?:api[_-]?key|app[_-]?secret|secret[_-]?key|secret[_-]?id|access[_-]?key(?:[_-]?secret)?|"
            r"access[_-]?token|password|passwd|pwd|token)"
            r"\s*[:=]\s*['\"]?([A-Za-z0-9_\-+/=!@#$%^&*.]{8,})"
        ),
    ),
)


def find_phones(text: str) -> list[Detection]:
    """Mainland mobile and landline numbers; 400/800 service lines are the clinic's, not personal
    data."""
    norm = _numeric_view(text)
    found = [
        Detection("phone", m.start(), m.end(), text[m.start() : m.end()])
        for m in _in_runs(_MOBILE, norm)
    ]
    for m in _in_runs(_LANDLINE, norm):
        if not any(d.start <= m.start() < d.end for d in found):
            found.append(Detection("phone", m.start(), m.end(), text[m.start() : m.end()]))
    return sorted(found, key=lambda d: d.start)


def find_id_numbers(text: str, today: dt.date) -> list[Detection]:
    norm = _numeric_view(text)
    return [
        Detection("id-card", m.start(), m.end(), text[m.start() : m.end()])
        for m in _in_runs(_ID, norm)
        if id_number_valid(m.group(0), today)
    ]


def id_birth_dates(text: str) -> list[dt.date]:
    """The days on which find_id_numbers' answer for `text` can change: the birth dates of its
    numbers (each counts from that day on)."""
    norm = _numeric_view(text)
    return [born for m in _in_runs(_ID, norm) if (born := id_birth_date(m.group(0)))]


def find_bank_cards(text: str) -> list[Detection]:
    norm = _numeric_view(text)
    found = []
    for m in _in_runs(_CARD, norm):
        digits = re.sub(r"[ -]", "", m.group(0))
        if 16 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 2:
            found.append(Detection("bank-card", m.start(), m.end(), text[m.start() : m.end()]))
    return found


def find_emails(text: str) -> list[Detection]:
    """Personal e-mail addresses; role mailboxes (service@, kefu@ ...) are not personal data."""
    if "@" not in text and "＠" not in text:
        return []
    norm = normalise_width(text)
    return [
        Detection("email", m.start(), m.end(), text[m.start() : m.end()])
        for m in _EMAIL.finditer(norm)
        if m.group(0).split("@", 1)[0].lower() not in ROLE_MAILBOXES
    ]


# Strings without which each secret pattern cannot match (the last group is matched in lower case).
_SECRET_ANCHORS = (
    ("AKIA", "ASIA"),
    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ("LTAI",),
    ("xox",),
    ("AKID",),
    ("sk-",),
    ("eyJ",),
    ("qyapi.weixin", "oapi.dingtalk", "open.feishu"),
    ("PRIVATE KEY",),
    ("密码", "口令"),
    ("key", "secret", "token", "password", "passwd", "pwd"),
)


# Each pattern with its anchors and whether it ignores case (then the anchors are looked for in the
# text in lower case).
_SECRET_SCANS = tuple(
    (label, pattern, anchors, bool(pattern.flags & re.I))
    for (label, pattern), anchors in zip(_SECRETS, _SECRET_ANCHORS, strict=True)
)


def find_secrets(text: str) -> list[Detection]:
    found = []
    lowered = None
    for label, pattern, anchors, ignore_case in _SECRET_SCANS:
        if ignore_case:
            lowered = lowered if lowered is not None else text.lower()
            if not any(a in lowered for a in anchors):
                continue
        elif not any(a in text for a in anchors):
            continue
        for m in pattern.finditer(text):
            found.append(Detection("secret", m.start(), m.end(), m.group(0), label))
    return sorted(found, key=lambda d: d.start)


# -- the medical-ad whitelist ---------------------------------------------------------------------

# What a line of a medical ad may consist of (医疗广告管理办法 Art. 6): the institution's name,
# address, ownership, category, licensed departments, beds, hours, phone and the approval number,
# with their labels and separators. Whatever is left after removing these is beyond the whitelist.
_WHITELISTED = re.compile(
    "|".join(
        (
            # approval number
            r"[(（]?[\u4e00-\u9fff]{1,2}[)）]?\s*中?医广\s*[【\[〔(（]\s*\d{4}\s*[】\]〕)）]"
            r"\s*第?[\d\s\-－—]+号",
            # phones
            r"(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}|\(?0\d{2,3}\)?[ -]?\d{3,4}[ -]?\d{4}"
            r"|[48]00[ -]?\d{3}[ -]?\d{4}",
            # addresses
            r"[\u4e00-\u9fff]{0,10}?(?:省|市|区|县|镇|乡|街道|路|街|大道|巷|弄|道)"
            r"(?:[\u4e00-\u9fff\d]{0,12}?"
            r"(?:号|栋|幢|座|楼|层|室|铺|单元|大厦|广场|中心|商场))*",
            r"\d+\s*(?:号|楼|层|室|栋|幢|座|单元|张|床)",
            r"(?:口腔|牙体牙髓病|牙周病|口腔黏膜病|儿童口腔|口腔颌面外科|口腔修复|口腔正畸|口腔种植|"
            r"口腔麻醉|口腔颌面医学影像|口腔病理|预防口腔)(?:专业|科)",
            # institution names, branches
            r"[\u4e00-\u9fff]{0,8}?(?:门诊部|诊所|医院|口腔|医疗机构)"
            r"(?:[(（][\u4e00-\u9fff]{1,8}[)）])?",
            r"周[一二三四五六日天](?:至|到|[-－—~～])?(?:周)?[一二三四五六日天]?"
            r"|每[天日]|全年|节假日|法定节假日|以门诊公告为准|照常|休息",
            r"\d{1,2}\s*[:：]\s*\d{2}(?:\s*[-－—~～至到]\s*\d{1,2}\s*[:：]\s*\d{2})?",
            r"广告|医疗广告审查证明(?:文号)?|审查证明(?:文号)?|文号|(?:医疗机构)?(?:第一)?名称|"
            r"地址|院址|所有制(?:形式)?|民营|公立|营利性|非营利性|私立|"
            r"医疗机构类别|机构类别|类别|诊疗科目|科目|科室|床位(?:数)?|"
            r"接诊时间|诊疗时间|门诊时间|营业时间|出诊时间|时间|联系电话|电话|热线|"
            r"统一电话|咨询电话|值班|手机|分部|分院|总店|店|上午|下午|晚上|全天|无|信息|"
            r"接诊信息|基本信息|机构信息|机构介绍|就诊指南|来院指引|联系方式",
            r"[\s\W_\d]+",  # separators, digits, punctuation
        )
    )
)
_LEFT_OVER = re.compile(r"[\u4e00-\u9fff]{4,}")


def find_beyond_whitelist(text: str) -> list[Detection]:
    """Lines of a medical ad with four or more Chinese characters that none of the eight facts
    explains.

    Lines that start hidden (front-matter values such as the title, comments) are left to other
    rules.
    """
    from ..view.normalise import fold  # noqa: PLC0415 (traditional characters, full width: only this detector needs it)

    found, pos = [], 0
    for line in text.split("\n"):
        if line.startswith("\x00"):
            pos += len(line) + 1
            continue
        # whitelisted facts blanked one for one: the first word left over is where the finding
        # starts (a paragraph the browser shows as one line can span several lines of the file)
        rest = _WHITELISTED.sub(lambda m: " " * len(m.group()), fold(line))
        if first := _LEFT_OVER.search(rest):
            start = pos + first.start()
            found.append(
                Detection(
                    "beyond-whitelist",
                    start,
                    pos + len(line.rstrip()),
                    line.strip(" \t\x00"),
                    max(_LEFT_OVER.findall(rest), key=len),
                )
            )
        pos += len(line) + 1
    return found


# -- the detectors the rule packs name ------------------------------------------------------------


@dataclass(frozen=True)
class Detector:
    """`find(text)`; for a detector whose answer depends on the day, `find(text, today)` and
    `turning_days(text)`: the days on which that answer can change (a findings cache uses them)."""

    find: Callable[..., list[Detection]]
    turning_days: Callable[[str], list[dt.date]] | None = None

    def __call__(self, text: str, today: dt.date) -> list[Detection]:
        return self.find(text) if self.turning_days is None else self.find(text, today)


DETECTORS: Mapping[str, Detector] = MappingProxyType(
    {
        "phone": Detector(find_phones),
        "id-card": Detector(find_id_numbers, id_birth_dates),
        "bank-card": Detector(find_bank_cards),
        "email": Detector(find_emails),
        "secret": Detector(find_secrets),
        "ad-whitelist": Detector(find_beyond_whitelist),
    }
)
