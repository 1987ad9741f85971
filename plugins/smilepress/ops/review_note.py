"""The review summary as one note on a GitLab merge request, edited in place on every push.

GitHub's template does the same with `gh api` (.github/workflows/smilepress.yml). The note is found
by its first line, a marker, among the notes the token's own user wrote: a reviewer's note that
quotes the marker is never edited. CI's job token cannot write notes (GitLab lets it use a few
APIs only), so the job uses a project access token (README: "GitLab merge request note").
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from ..load.forge import HttpApi, refusal

MARKER = "<!-- smilepress:review-summary -->"
TOKEN = "SMILEPRESS_REVIEW_NOTE_TOKEN"  # a project access token: role Reporter, scope api


def note_api(environ: Mapping[str, str]) -> tuple[HttpApi, str]:
    """The API with the note token, and the merge request's path, from GitLab CI's variables."""
    project, mr = environ.get("CI_PROJECT_ID", ""), environ.get("CI_MERGE_REQUEST_IID", "")
    if not project or not mr:
        raise refusal(
            "不知道是哪个合并请求：CI_PROJECT_ID 或 CI_MERGE_REQUEST_IID 未设置",
            "只在合并请求的流水线中运行",
        )
    token = environ.get(TOKEN, "")
    if not token:
        raise refusal(f"没有 {TOKEN}", "在 CI/CD 变量中设置项目访问令牌（角色 Reporter，范围 api）")
    base = environ.get("CI_API_V4_URL") or "https://gitlab.com/api/v4"
    quoted = urllib.parse.quote(project, safe="")
    return HttpApi(base, {"PRIVATE-TOKEN": token}), f"/projects/{quoted}/merge_requests/{mr}"


def post_summary(api, mr_path: str, summary: str) -> str:
    """Edit the token user's marked note, or add it: "edited" or "added"."""
    body = f"{MARKER}\n{summary}"
    user = api.get("/user")
    me = user.get("id") if isinstance(user, dict) else None
    if me is None:
        raise refusal("平台 API 没有说出令牌属于哪个用户（GET /user）", "检查令牌的范围是否含 api")
    mine = [
        n
        for n in api.pages(f"{mr_path}/notes?sort=asc&order_by=created_at")
        if isinstance(n, dict)
        and not n.get("system")
        and (n.get("author") or {}).get("id") == me
        and str(n.get("body", "")).startswith(MARKER)
    ]
    if mine:
        api.send("PUT", f"{mr_path}/notes/{mine[-1]['id']}", {"body": body})
        return "edited"
    api.send("POST", f"{mr_path}/notes", {"body": body})
    return "added"


def post_file(path: Path, environ: Mapping[str, str]) -> str:
    try:
        summary = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise refusal(f"读不了审核摘要 {path}：{exc}", "先运行 smilepress review-summary") from None
    api, mr_path = note_api(environ)
    return post_summary(api, mr_path, summary)
