"""The department's own clinics (policies/clinics.yml): brand names, phones, addresses and medical
ad approval numbers, in one place.

The rule packs read them as lexicons (`$clinic_names`, `$clinic_phones`, `$clinic_addresses`,
`$clinic_approvals`): a sentence naming one of our clinics is the clinic speaking of itself, and our
own published numbers are contact details, not personal data. Nothing else in the packs names a
clinic, so another group's identity is a file of this shape, not an edit of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..load.yaml_file import load_policy_file

FILE = "clinics.yml"
_CLINIC_KEYS = {"id", "name", "brands", "phones", "addresses", "ad_approvals"}


@dataclass(frozen=True)
class Clinics:
    names: tuple[str, ...] = ()  # each clinic's name and its brands
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    ad_approvals: tuple[str, ...] = ()

    def lexicons(self) -> dict[str, tuple[str, ...]]:
        return {
            "clinic_names": self.names,
            "clinic_phones": self.phones,
            "clinic_addresses": self.addresses,
            "clinic_approvals": self.ad_approvals,
        }


def load_clinics(root: Path, problems: list[Problem]) -> Clinics:
    """policies/clinics.yml; empty lists when it is absent (a project may name no clinic)."""
    if not (root / "policies" / FILE).is_file():
        return Clinics()
    reader = load_policy_file(root, FILE, problems)
    if reader is None:
        return Clinics()
    data = reader.loaded.data
    reader.unknown_keys(data, {"version", "clinics"}, ())
    specs = data.get("clinics") or []
    if not isinstance(specs, list):
        reader.fail(("clinics",), "clinics 应该是机构列表（每个以 - 开头）")
        specs = []
    fields: dict[str, list[str]] = {k: [] for k in ("names", "phones", "addresses", "ad_approvals")}
    for i, spec in enumerate(specs):
        where = ("clinics", i)
        spec = reader.mapping(spec, where, "机构")
        reader.unknown_keys(spec, _CLINIC_KEYS, where)
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            reader.fail((*where, "name"), "机构缺少 name", "写执业许可证上的机构名称")
        else:
            fields["names"].append(name.strip())
        fields["names"] += reader.strings(spec.get("brands", []), (*where, "brands"), "brands")
        for key in ("phones", "addresses", "ad_approvals"):
            fields[key] += reader.strings(spec.get(key, []), (*where, key), key)
    problems.extend(reader.problems)
    unique = {k: tuple(dict.fromkeys(w.strip() for w in v if w.strip())) for k, v in fields.items()}
    return Clinics(**unique)
