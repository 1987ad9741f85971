"""Reading the forge's REST API (GitHub or GitLab): JSON over HTTPS with CI's token, or the same
requests answered from JSON files (`--api-fixtures DIR`: tests and dry runs stay offline).

Only to the configured API address; the token goes in a header and never into a message. GET
requests, and one kind of write: the review summary's note on a merge request.
Which requests to make and what the answers mean is the callers' business
(workflow/forge_reviews.py, ops/review_note.py).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, SmilePressError

FORGES = ("github", "gitlab")
PER_PAGE = 100
MAX_PAGES = 10  # 1,000 reviews or commits: more than any pull request of the department's
TIMEOUT = 30  # seconds per request


def refusal(message: str, hint: str = "") -> SmilePressError:
    """A refusal that names no file: what to do goes into the message, which is all staff see."""
    return SmilePressError(Problem("", 0, f"{message}（{hint}）" if hint else message))


class HttpApi:
    """GET requests to `base` (https only) with `headers`; JSON answers."""

    def __init__(self, base: str, headers: dict[str, str]):
        if not base.startswith("https://"):
            raise refusal(
                f"API 地址 {base} 不是 https 地址", "检查 GITHUB_API_URL 或 CI_API_V4_URL"
            )
        self.base = base.rstrip("/")
        self.headers = {"User-Agent": "smilepress-recorder", **headers}

    def get(self, path: str) -> Any:
        return self.send("GET", path)

    def send(self, method: str, path: str, data: dict | None = None) -> Any:
        """One request (a JSON body for a write); the JSON answer."""
        url = self.base + path
        headers = dict(self.headers)
        body = None
        if data is not None:
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise refusal(
                f"平台 API 拒绝了请求 {method} {path}：HTTP {exc.code} {exc.reason}",
                "检查令牌是否有效、是否有读取拉取请求（评审）的权限"
                if method == "GET"
                else "检查令牌是否有效、是否有在合并请求中发表评论的权限",
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise refusal(f"无法访问平台 API {self.base}：{exc}", "检查网络和 API 地址") from None
        except ValueError:
            raise refusal(f"平台 API 的回答不是 JSON：{method} {path}") from None

    def pages(self, path: str) -> list[Any]:
        """Every item of a paginated list (per_page=100, until a page is not full)."""
        items: list[Any] = []
        joiner = "&" if "?" in path else "?"
        for page in range(1, MAX_PAGES + 1):
            got = self.get(f"{path}{joiner}per_page={PER_PAGE}&page={page}")
            if not isinstance(got, list):
                raise refusal(f"平台 API 的回答不是列表：GET {path}")
            items += got
            if len(got) < PER_PAGE:
                break
        return items


class FixtureApi:
    """The same requests answered from DIR/<path without the query>.json."""

    def __init__(self, folder: Path):
        if not folder.is_dir():
            raise refusal(f"找不到 API 数据目录 {folder}")
        self.folder = folder

    def get(self, path: str) -> Any:
        rel = urllib.parse.unquote(path.split("?", 1)[0]).strip("/")
        file = (self.folder / f"{rel}.json").resolve()
        if self.folder.resolve() not in file.parents:
            raise refusal(f"API 路径 {path} 不在数据目录中")
        if not file.is_file():
            raise refusal(f"API 数据目录中没有 {rel}.json（请求 GET {path}）")
        try:
            return json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise refusal(f"{file} 不是有效的 JSON：{exc}") from None

    def pages(self, path: str) -> list[Any]:
        got = self.get(path)
        if not isinstance(got, list):
            raise refusal(f"{path} 的数据应该是列表")
        return got


@dataclass(frozen=True)
class Forge:
    """One forge's API and the path prefix of this repository on it."""

    name: str  # github | gitlab
    api: HttpApi | FixtureApi
    prefix: str  # /repos/owner/name or /projects/<id>


def open_forge(name: str, fixtures: Path | None, environ: Mapping[str, str] = os.environ) -> Forge:
    """The forge from CI's environment (repository, API address, token)."""
    if name not in FORGES:
        raise refusal(f"未知的平台 {name}", f"可用：{'、'.join(FORGES)}")
    return _github(fixtures, environ) if name == "github" else _gitlab(fixtures, environ)


def _github(fixtures: Path | None, environ: Mapping[str, str]) -> Forge:
    repo = environ.get("GITHUB_REPOSITORY", "")
    if repo.count("/") != 1:
        raise refusal("不知道是哪个 GitHub 仓库：GITHUB_REPOSITORY 应为 owner/name（CI 会设置）")
    prefix = "/repos/" + "/".join(urllib.parse.quote(p, safe="") for p in repo.split("/"))
    if fixtures is not None:
        return Forge("github", FixtureApi(fixtures), prefix)
    token = environ.get("GITHUB_TOKEN", "")
    if not token:
        raise refusal("没有 GITHUB_TOKEN", "在工作流中设置 env: GITHUB_TOKEN: ${{ github.token }}")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    base = environ.get("GITHUB_API_URL") or "https://api.github.com"
    return Forge("github", HttpApi(base, headers), prefix)


def _gitlab(fixtures: Path | None, environ: Mapping[str, str]) -> Forge:
    project = environ.get("CI_PROJECT_ID", "")
    if not project:
        raise refusal("不知道是哪个 GitLab 项目：CI_PROJECT_ID 未设置（GitLab CI 会设置）")
    prefix = "/projects/" + urllib.parse.quote(project, safe="")
    if fixtures is not None:
        return Forge("gitlab", FixtureApi(fixtures), prefix)
    if environ.get("GITLAB_TOKEN"):
        headers = {"PRIVATE-TOKEN": environ["GITLAB_TOKEN"]}
    elif environ.get("CI_JOB_TOKEN"):
        headers = {"JOB-TOKEN": environ["CI_JOB_TOKEN"]}
    else:
        raise refusal("没有 GITLAB_TOKEN", "在 CI/CD 变量中设置项目访问令牌（read_api）")
    base = environ.get("CI_API_V4_URL") or "https://gitlab.com/api/v4"
    return Forge("gitlab", HttpApi(base, headers), prefix)
