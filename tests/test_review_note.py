"""The review summary as one GitLab merge request note, edited in place (ops/review_note.py).

GitLab's API is played by a fake `urlopen` holding the merge request's notes: the requests are the
ones the command really sends (method, path, headers, JSON body)."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse

import pytest

from smilepress.cli import main
from smilepress.ops.review_note import MARKER

API = "https://gitlab.example.org/api/v4"
MR = "/projects/group%2Fsite/merge_requests/7"
BOT, REVIEWER = 501, 77
ENV = {
    "CI_API_V4_URL": API,
    "CI_PROJECT_ID": "group/site",
    "CI_MERGE_REQUEST_IID": "7",
    "SMILEPRESS_REVIEW_NOTE_TOKEN": "glpat-secret",
}


class FakeGitLab:
    def __init__(self, notes=()):
        self.notes = [dict(n) for n in notes]
        self.requests: list[tuple[str, str]] = []

    def __call__(self, request, timeout=None):
        assert request.get_header("Private-token") == "glpat-secret"
        url = urllib.parse.urlsplit(request.full_url)
        path, query = url.path.removeprefix("/api/v4"), urllib.parse.parse_qs(url.query)
        method = request.get_method()
        self.requests.append((method, path))
        body = json.loads(request.data.decode("utf-8")) if request.data else None
        if (method, path) == ("GET", "/user"):
            return self.answer({"id": BOT, "username": "project_12_bot"})
        if (method, path) == ("GET", f"{MR}/notes"):
            return self.answer(self.notes if query["page"] == ["1"] else [])
        if method == "POST" and path == f"{MR}/notes":
            note = {"id": 900 + len(self.notes), "body": body["body"], "author": {"id": BOT}}
            self.notes.append(note)
            return self.answer(note)
        if method == "PUT" and path.startswith(f"{MR}/notes/"):
            note = next(n for n in self.notes if str(n["id"]) == path.rsplit("/", 1)[1])
            if note["author"]["id"] != BOT:
                raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", {}, None)
            note["body"] = body["body"]
            return self.answer(note)
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)

    @staticmethod
    def answer(data):
        return io.BytesIO(json.dumps(data).encode("utf-8"))


def note(capsys, monkeypatch, tmp_path, gitlab, text="## 审核摘要\n\n缺少医师批准。\n", env=ENV):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("urllib.request.urlopen", gitlab)
    summary = tmp_path / "review-summary.md"
    summary.write_text(text, encoding="utf-8")
    code = main(["review-note", str(summary)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_the_first_push_adds_the_note_and_every_later_one_edits_it(capsys, monkeypatch, tmp_path):
    gitlab = FakeGitLab()
    code, out, _ = note(capsys, monkeypatch, tmp_path, gitlab)
    assert code == 0 and "发表" in out
    assert [n["body"] for n in gitlab.notes] == [f"{MARKER}\n## 审核摘要\n\n缺少医师批准。\n"]
    code, out, _ = note(capsys, monkeypatch, tmp_path, gitlab, text="## 审核摘要\n\n可以发布。\n")
    assert code == 0 and "更新" in out
    assert [n["body"] for n in gitlab.notes] == [f"{MARKER}\n## 审核摘要\n\n可以发布。\n"]
    assert gitlab.requests[-1] == ("PUT", f"{MR}/notes/900")


def test_a_reviewer_s_note_quoting_the_marker_and_system_notes_are_left_alone(
    capsys, monkeypatch, tmp_path
):
    quoted = {"id": 10, "body": f"{MARKER}\n我抄了一份", "author": {"id": REVIEWER}}
    system = {"id": 11, "body": f"{MARKER}\nadded 1 commit", "author": {"id": BOT}, "system": True}
    gitlab = FakeGitLab([quoted, system])
    code, _, _ = note(capsys, monkeypatch, tmp_path, gitlab)
    assert code == 0 and gitlab.requests[-1] == ("POST", f"{MR}/notes")
    assert gitlab.notes[0]["body"] == f"{MARKER}\n我抄了一份" and len(gitlab.notes) == 3


def test_without_the_token_or_outside_a_merge_request_it_says_what_to_set(
    capsys, monkeypatch, tmp_path
):
    gitlab = FakeGitLab()
    no_token = {k: v for k, v in ENV.items() if k != "SMILEPRESS_REVIEW_NOTE_TOKEN"}
    code, _, err = note(capsys, monkeypatch, tmp_path, gitlab, env=no_token)
    assert code == 1 and "SMILEPRESS_REVIEW_NOTE_TOKEN" in err and "Reporter" in err
    no_mr = {k: v for k, v in ENV.items() if k != "CI_MERGE_REQUEST_IID"}
    code, _, err = note(capsys, monkeypatch, tmp_path, gitlab, env=no_mr)
    assert code == 1 and "合并请求" in err and gitlab.requests == []


def test_a_refused_write_names_the_permission_and_never_the_token(capsys, monkeypatch, tmp_path):
    def refuse(request, timeout=None):
        raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", {}, None)

    code, _, err = note(capsys, monkeypatch, tmp_path, refuse)
    assert code == 1 and "HTTP 403" in err and "glpat-secret" not in err


@pytest.mark.parametrize("api", ["http://gitlab.example.org/api/v4"])
def test_the_token_goes_over_https_only(capsys, monkeypatch, tmp_path, api):
    code, _, err = note(
        capsys, monkeypatch, tmp_path, FakeGitLab(), env={**ENV, "CI_API_V4_URL": api}
    )
    assert code == 1 and "https" in err
