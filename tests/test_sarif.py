"""`smilepress check --format sarif` as code-scanning tools read it: valid under the SARIF 2.1.0
schema (vendored in tests/sarif/, no network), URIs that the SARIF multitool accepts (SARIF1002:
RFC 3986, so Chinese characters and spaces percent-encoded), rule help, tool version and
information URI. And `--format codequality`, GitLab's counterpart."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema

from smilepress.cli import main

SCHEMA = json.loads(
    (Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
# RFC 3986 relative-ref made of a path only (no scheme, query or fragment): unreserved characters,
# sub-delims, ":" "@" "/", and percent-encoded octets. What the multitool checks with .NET's Uri.
_PATH_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+")
ARTICLE = "content/education/牙齿 护理/种植牙.md"


def sarif_of(factory, capsys, monkeypatch, env: dict[str, str] | None = None) -> dict:
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "CI_PROJECT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    main(["check", "--format", "sarif"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return json.loads(out)


def uris(sarif: dict) -> list[str]:
    return [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    ]


def test_sarif_is_schema_valid_with_percent_encoded_uris_rule_help_and_tool_facts(
    factory, capsys, monkeypatch
):
    factory.article(
        "education/牙齿 护理/种植牙.md",
        title="种植牙",
        body="本院种植牙保证终身不松动。\n\n请拨打 0755-12345678 预约。\n",
    )
    factory.commit_all("稿", "lixiaoyu")
    sarif = sarif_of(factory, capsys, monkeypatch)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)

    found = uris(sarif)
    assert found and all(_PATH_REFERENCE.fullmatch(u) for u in found), found
    assert "content/education/%E7%89%99%E9%BD%BF%20%E6%8A%A4%E7%90%86/" in found[0]
    assert unquote(found[0]) == ARTICLE

    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["version"] == version("smilepress")
    assert urlsplit(driver["informationUri"]).scheme == "file"  # absolute (SARIF2005)
    assert driver["informationUri"].endswith("/README.md")
    for rule in driver["rules"]:
        help_text = rule["help"]["text"]
        assert rule["shortDescription"]["text"] in help_text and "依据：" in help_text
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"])  # a friendly name (SARIF2012)
    guarantee = next(
        r for r in driver["rules"] if r["properties"]["category"] == "efficacy-guarantee"
    )
    assert "建议：" in guarantee["help"]["text"]


def test_review_findings_stay_notes_with_their_reviewer(factory, capsys, monkeypatch):
    factory.article("education/a.md", title="矫正", body="我们的隐形矫正技术全国最好。")
    factory.commit_all("稿", "lixiaoyu")
    sarif = sarif_of(factory, capsys, monkeypatch)
    results = sarif["runs"][0]["results"]
    review = [r for r in results if "reviewer" in r["properties"]]
    assert review and all(r["level"] == "note" for r in review)
    assert {r["properties"]["reviewer"] for r in review} == {"compliance"}


def test_in_ci_the_information_uri_is_the_repository(factory, capsys, monkeypatch):
    factory.article("education/a.md", title="种植牙", body="本院种植牙保证终身不松动。")
    factory.commit_all("稿", "lixiaoyu")
    github = {"GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "dept/site"}
    sarif = sarif_of(factory, capsys, monkeypatch, github)
    assert sarif["runs"][0]["tool"]["driver"]["informationUri"] == (
        "https://github.example/dept/site#readme"
    )
    gitlab = {"CI_PROJECT_URL": "https://gitlab.example/dept/site"}
    sarif = sarif_of(factory, capsys, monkeypatch, gitlab)
    assert sarif["runs"][0]["tool"]["driver"]["informationUri"].startswith(
        "https://gitlab.example/dept/site"
    )


def test_gitlab_code_quality_report_follows_findings_not_lines(factory, capsys):
    body = "本院种植牙保证终身不松动。\n\n我们的隐形矫正技术全国最好。\n"
    factory.article("education/a.md", title="种植牙", body=body)
    factory.commit_all("稿", "lixiaoyu")

    def report():
        code = main(["check", "--format", "codequality"])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, json.loads(out)

    code, issues = report()
    assert code == 1 and issues
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["location"]["path"] == "content/education/a.md"
        assert issue["location"]["lines"]["begin"] >= 1
    assert {"critical", "major"} <= {i["severity"] for i in issues}  # error, review
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    factory.replace("content/education/a.md", "本院种植牙", "新的一段。\n\n本院种植牙")
    _, moved = report()
    assert {i["fingerprint"] for i in moved} >= {i["fingerprint"] for i in issues}
    assert max(i["location"]["lines"]["begin"] for i in moved) > max(
        i["location"]["lines"]["begin"] for i in issues
    )
