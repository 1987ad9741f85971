"""The CI templates as a security reviewer reads them: zizmor (no high or medium finding) and
actionlint (with shellcheck on every `run:`) pass, offline; and what those tools cannot know about
this project: actions pinned to a commit with the release in a comment, least privilege per job,
nothing internal uploaded as an artifact, GitLab artifacts for developers only and short-lived."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent  # the venv's: `make test` installs the linters there
PINNED = re.compile(r"\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+\s*")


def lint(tool: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("GH_TOKEN", None)  # offline: no audit that asks GitHub
    env.pop("GITHUB_TOKEN", None)
    return subprocess.run(
        [str(BIN / tool), *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def workflow(path: Path) -> dict:
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    flow["on"] = flow.pop(True)  # YAML 1.1 reads the key `on` as true
    return flow


def test_zizmor_finds_nothing_of_medium_or_high_severity():
    done = lint("zizmor", "--offline", "--format", "json", ".github/workflows")
    assert done.returncode in (0, 10, 11, 12, 13, 14), done.stderr  # 1x: findings, by severity
    serious = [
        f"{f['ident']}: {f['desc']} at {f['locations'][0]['symbolic']['route']}"
        for f in json.loads(done.stdout)
        if f["determinations"]["severity"] in ("Medium", "High")
    ]
    assert not serious, serious


def test_actionlint_with_shellcheck_finds_nothing():
    assert (BIN / "shellcheck").exists()  # else actionlint silently skips the `run:` scripts
    done = lint("actionlint", *(str(p.relative_to(ROOT)) for p in WORKFLOWS))
    assert done.returncode == 0 and not done.stdout, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    for path in WORKFLOWS:
        lines = [x for x in path.read_text(encoding="utf-8").splitlines() if "uses:" in x]
        assert lines and all(PINNED.fullmatch(x) for x in lines), (path.name, lines)


def test_every_job_names_its_permissions_and_has_a_timeout():
    for path in WORKFLOWS:
        flow = workflow(path)
        assert flow["permissions"] == {}, path.name  # nothing inherited by every job
        assert "concurrency" in flow, path.name
        for name, job in flow["jobs"].items():
            assert "permissions" in job and 0 < job["timeout-minutes"] <= 60, (path.name, name)
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (path.name, name)
                assert "${{" not in step.get("run", ""), (path.name, name, step)  # via env:


def test_nothing_is_uploaded_as_an_artifact_and_sarif_upload_cannot_fail_a_run():
    flow = workflow(ROOT / ".github/workflows/smilepress.yml")
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    assert not [s for s in steps if "upload-artifact" in s.get("uses", "")]
    for pages in [s for s in steps if "upload-pages-artifact" in s.get("uses", "")]:
        assert pages["with"]["path"] == "site/public"  # the public site only, for GitHub Pages
    (upload,) = [s for s in steps if "upload-sarif" in s.get("uses", "")]
    assert upload["continue-on-error"] is True
    check = flow["jobs"]["check"]
    assert check["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "pull-requests": "write",
    }
    assert flow["jobs"]["publish"]["permissions"] == {"contents": "read"}
    if "pages" in flow["jobs"]:
        assert flow["jobs"]["pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    # Every check runs after a failed one (the review summary and the preview included), and the
    # files the pull request changes get the step's ten annotations before anything else does.
    steps = check["steps"]
    first_check = next(i for i, s in enumerate(steps) if "smilepress check" in s.get("run", ""))
    assert "git diff --name-only" in steps[first_check]["run"]
    assert "--format github" in steps[first_check]["run"]
    for step in steps[first_check:]:
        assert str(step.get("if", "")).startswith("always()"), step
    # The review summary is one comment, found by its marker and edited on every push.
    comment = next(s for s in check["steps"] if s.get("name", "").endswith("comment"))
    assert "--method PATCH" in comment["run"] and "smilepress:review-summary" in comment["run"]
    assert "gh pr comment" not in comment["run"]


def test_gitlab_artifacts_are_for_developers_only_and_expire_soon():
    ci = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    jobs = {k: v for k, v in ci.items() if isinstance(v, dict) and "script" in v}
    with_artifacts = {k: v["artifacts"] for k, v in jobs.items() if "artifacts" in v}
    assert set(with_artifacts) == {"check"}
    for artifacts in with_artifacts.values():
        assert artifacts["access"] == "developer"
        number, unit = artifacts["expire_in"].split()
        assert unit in ("day", "days") and int(number) <= 7
        assert not {"site/public", "site/internal", "backups"} & {
            p.rstrip("/") for p in artifacts.get("paths", [])
        }
    assert with_artifacts["check"]["reports"]["codequality"] == "gl-code-quality-report.json"
    for name, job in jobs.items():
        assert "timeout" in job, name
    # A failing check still leaves the review summary and the preview: every step runs.
    script = "\n".join(jobs["check"]["script"])
    for command in ("smilepress check ||", "review-summary", "build --profile preview"):
        line = next(x for x in script.splitlines() if command in x)
        assert line.rstrip().endswith("|| failed=1"), line


def test_gitlab_posts_the_review_summary_as_one_note_even_after_a_failed_check():
    ci = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = ci["review-note"]
    stages = ci["stages"]
    assert stages.index(job["stage"]) > stages.index(ci["check"]["stage"])
    assert job["needs"] == [{"job": "check", "artifacts": True}]  # the summary, from its artifacts
    (rule,) = job["rules"]
    assert "merge_request_event" in rule["if"] and rule["when"] == "always"  # after a failure too
    assert job["allow_failure"] is True and "timeout" in job
    # The token is scoped to an environment only this job names; the job runs no test or build.
    assert job["environment"]["name"] == "smilepress-review-note"
    others = [v for k, v in ci.items() if k != "review-note" and isinstance(v, dict)]
    assert not [v for v in others if "smilepress-review-note" in str(v.get("environment"))]
    script = "\n".join(job["script"])
    assert "smilepress review-note review-summary.md" in script and "make " not in script
    assert "pip install --quiet ." in script  # the light install: no extra
    assert "SMILEPRESS_REVIEW_NOTE_TOKEN" in script and "CI_JOB_TOKEN" not in script


def test_pre_commit_accepts_the_hook_manifest():
    if not (BIN / "pre-commit").exists():  # the `test` extra installs it; CI must have it
        assert not os.environ.get("CI"), "pre-commit is missing: pip install -e '.[site,test]'"
        pytest.skip("pre-commit is not installed here")
    done = lint("pre-commit", "validate-manifest", ".pre-commit-hooks.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_pre_commit_hook_prints_findings_on_a_commit_that_passes(factory, capsys):
    from smilepress.cli import main

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["verbose"] is True  # pre-commit shows a passing hook's output only then
    factory.article("education/a.md", title="矫正", body="隐形矫正是目前最好的矫正方式。")
    factory.commit_all("稿", "lixiaoyu")
    program, *args = hook["entry"].split()
    assert program == "smilepress"
    code = main([*args, "content/education/a.md"])  # pre-commit appends the staged files
    out, err = capsys.readouterr()
    assert code == 0 and ": 需审核 [" in out and "1 处需审核" in out, out + err
