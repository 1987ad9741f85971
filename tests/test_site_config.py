"""A writer with no approval rights tries to put their own text on the public site through the site
configuration (mkdocs.yml, the static folder, the theme): every try is refused, naming the file, the
line and what to do, and the text reaches no built file.

Each test plays the writer (李晓雨, role writer) in a throwaway project. The project's policies are
the sample's, where mkdocs.yml and plugins/theme/ are governed paths; `ungoverned` takes mkdocs.yml
out of the governed list (a test-local copy of workflow.yml) for the attacks that a governed
mkdocs.yml would allow.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from helpers import publish_what_the_gate_kept_out
from smilepress.cli import main
from smilepress.model.policies import load_policies
from smilepress.ops import codeowners
from smilepress.report import leak_guard
from smilepress.workflow import site_config

AS_OF = "2026-11-28"
CLAIM = "© 2026 微笑口腔 · 种植牙治愈率100%"
SECRET = "这是只有写作者自己知道的独特宣传句子绝不该出现"
DRAFT = "这篇草稿文章的独特句子绝不能出现在公开网站上"
PLUGIN_LINE = "  - smilepress:\n"
DOCS_DIR = "docs_dir: plugins/theme/static"


@pytest.fixture
def project(factory):
    factory.article(
        "index.md", title="首页", type="page", status="published", body="欢迎来到微笑口腔科普网站。"
    )
    factory.article("education/draft.md", title="尚未审核的草稿文章", body=DRAFT + "。")
    factory.commit_all("稿件", "lixiaoyu")
    return factory


@pytest.fixture
def ungoverned(project):
    """The same project, but mkdocs.yml is not a governed path (nobody proves who changed it)."""
    workflow = project.root / "policies/workflow.yml"
    text = workflow.read_text(encoding="utf-8")
    assert "paths: [mkdocs.yml, plugins/theme/]" in text
    workflow.write_text(
        text.replace("paths: [mkdocs.yml, plugins/theme/]", "paths: [plugins/theme/]"),
        encoding="utf-8",
    )
    project.commit_all("mkdocs.yml 不再受管", "chensiyuan")
    assert load_policies(project.root).governing("mkdocs.yml") is None
    return project


def build(capsys, caplog, profile: str = "public", *extra: str) -> tuple[int, str]:
    caplog.set_level("INFO")
    caplog.clear()
    code = main(["--as-of", AS_OF, *extra, "build", "--profile", profile])
    out, err = capsys.readouterr()
    text = out + err + caplog.text
    assert "Traceback" not in text
    return code, text


def edit(f, old: str, new: str) -> int:
    """mkdocs.yml edited and committed, signed by the manager (a writer's own commit is refused
    before these checks: test_trust.py); the line where `old` was."""
    line = f.replace("mkdocs.yml", old, new)
    f.commit_all("改网站配置", "chensiyuan")
    return line


def _config(f) -> str:
    return (f.root / "mkdocs.yml").read_text(encoding="utf-8")


def plugin_option(f, text: str) -> int:
    """Add `text` (an option of the smilepress plugin) to mkdocs.yml; the line it is on."""
    return edit(f, PLUGIN_LINE, PLUGIN_LINE + f"      {text}\n") + 1


def site_text(root: Path) -> str:
    """Every byte of every built site, decoded as the leak guard reads it."""
    parts = []
    for site in (root / "site").glob("*") if (root / "site").is_dir() else ():
        for path in leak_guard.site_files(site):
            parts.append(leak_guard.site_file_content(path).decode("utf-8"))
    return "\n".join(parts)


def refused(code: int, log: str, root: Path, *expected: str) -> None:
    """The build failed, said why (every `expected` piece), and left no public site behind."""
    assert code == 1, log[-3000:]
    for piece in expected:
        assert piece in log, (piece, log[-3000:])
    assert not (root / "site/public").exists()
    assert SECRET not in site_text(root) and DRAFT not in site_text(root)


# -- 1. the leak guard cannot be turned off for the public site ------------------------------------


@pytest.mark.parametrize("spelling", ["false", "no", "off", "False", "'false'", "0", "null"])
def test_guard_false_in_any_spelling_is_refused_for_public(project, capsys, caplog, spelling):
    line = plugin_option(project, f"guard: {spelling}")
    code, log = build(capsys, caplog)
    refused(
        code, log, project.root, f"mkdocs.yml:{line}:", "公开版不能关闭防泄漏检查", "删除 guard"
    )


def test_the_plugin_guards_every_public_build_even_where_the_check_did_not_run(
    project, capsys, caplog, monkeypatch
):
    """Defence in depth: with the configuration check gone and the plugin publishing what the gate
    kept out, `guard: false` still does not stop the guard."""
    plugin_option(project, "guard: false")
    monkeypatch.setattr(site_config, "problems", lambda *a: [])
    publish_what_the_gate_kept_out(monkeypatch)
    code, log = build(capsys, caplog)
    assert code == 1 and "防泄漏检查失败" in log and "尚未审核的草稿文章" in log
    assert not (project.root / "site/public").exists()


def test_guard_false_is_not_refused_where_there_is_no_guard(project, capsys, caplog):
    plugin_option(project, "guard: false")
    assert build(capsys, caplog, "internal")[0] == 0


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        ("enabled: false", "smilepress 插件被停用"),
        ("guard: !ENV [SMILEPRESS_GUARD, false]", "构建前无法核对"),
    ],
)
def test_the_plugin_cannot_be_switched_off_for_public_or_internal(
    project, capsys, caplog, option, reason
):
    line = plugin_option(project, option)
    for profile in ("public", "internal"):
        code, log = build(capsys, caplog, profile)
        refused(code, log, project.root, f"mkdocs.yml:{line}:", reason)


def test_removing_or_doubling_the_plugin_is_refused(project, capsys, caplog):
    edit(project, PLUGIN_LINE, "  - smilepress:\n      as_of: '2099-01-01'\n" + PLUGIN_LINE)
    code, log = build(capsys, caplog)
    refused(code, log, project.root, "smilepress 插件出现了 2 次", "只保留一个 smilepress")
    config = _config(project)
    start = config.index(PLUGIN_LINE)
    end = config.index("markdown_extensions:")
    (project.root / "mkdocs.yml").write_text(config[:start] + config[end:], encoding="utf-8")
    project.commit_all("删掉插件", "chensiyuan")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, "mkdocs.yml:", "没有启用 smilepress 插件")


def test_a_plain_mkdocs_build_refuses_too(project):
    """Without `smilepress build`, the plugin's on_config refuses the same configuration."""
    plugin_option(project, "enabled: false")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "-q"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "SMILEPRESS_PROFILE": "public", "SMILEPRESS_AS_OF": AS_OF},
    )
    assert result.returncode != 0 and "不能停用 smilepress 插件" in result.stderr
    assert not (project.root / "site/public/index.html").exists()
    edit(project, "      enabled: false\n", "")
    edit(project, DOCS_DIR, "docs_dir: content")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "-q"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "SMILEPRESS_PROFILE": "public", "SMILEPRESS_AS_OF": AS_OF},
    )
    assert result.returncode != 0 and "与文章目录 content/ 重叠" in result.stderr
    assert DRAFT not in site_text(project.root)


# -- 2. --as-of and SMILEPRESS_AS_OF win; mkdocs.yml never decides a public build's day ------------


@pytest.fixture
def scheduled(project, capsys):
    """An approved FAQ scheduled for 2099: public only once that day comes."""
    rel = "content/faq/future.md"
    project.article(
        "faq/future.md",
        title="未来才发布的问答",
        type="faq",
        author="wujia",
        body=SECRET + "。",
        extra="publish_date: 2099-01-01\n",
    )
    project.commit_all("定时发布", "wujia")
    for person, argv in (
        ("wujia", ["submit", rel]),
        ("wangliming", ["approve", "--role", "dentist", rel]),
    ):
        with project.acting_as(person):
            assert main(["--as-of", AS_OF, *argv]) == 0
    capsys.readouterr()
    return project


def test_build_day_precedence():
    day = site_config.build_day
    assert day("public", "2026-01-01", "2026-02-02", "2099-01-01") == ("2026-01-01", "--as-of")
    assert day("public", None, "2026-02-02", "2099-01-01") == ("2026-02-02", "SMILEPRESS_AS_OF")
    assert day("public", None, None, "2099-01-01") == (None, "today")
    assert day("internal", None, None, "2099-01-01") == (None, "today")
    assert day("preview", None, None, "2099-01-01") == ("2099-01-01", "mkdocs.yml")


def test_as_of_in_mkdocs_yml_never_overrides_the_command_or_the_environment(
    scheduled, capsys, caplog, monkeypatch
):
    plugin_option(scheduled, "as_of: '2099-06-01'")
    page = scheduled.root / "site/public/faq/future/index.html"
    # --as-of wins
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert (
        "截至 2026-11-28" in log and not page.exists() and SECRET not in site_text(scheduled.root)
    )
    # SMILEPRESS_AS_OF wins
    monkeypatch.setenv("SMILEPRESS_AS_OF", "2026-12-01")
    caplog.clear()
    assert main(["build", "--profile", "public"]) == 0
    assert "截至 2026-12-01" in caplog.text and not page.exists()
    # neither given: today, never mkdocs.yml's day (public and internal)
    monkeypatch.delenv("SMILEPRESS_AS_OF")
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    for profile in ("public", "internal"):
        caplog.clear()
        assert main(["build", "--profile", profile]) == 0
        assert "已忽略 mkdocs.yml 中的 as_of: 2099-06-01" in caplog.text
        assert f"截至 {today}" in caplog.text and "截至 2099" not in caplog.text
    assert not page.exists() and SECRET not in site_text(scheduled.root)
    # preview (never deployed) may look ahead with it
    caplog.clear()
    assert main(["build", "--profile", "preview"]) == 0
    assert "截至 2099-06-01" in caplog.text


# -- 3. docs_dir holds static files only; the static folder cannot publish a page ----------------


@pytest.mark.parametrize(
    ("docs_dir", "reason"),
    [
        ("content", "与文章目录 content/ 重叠"),
        ("content/education", "与文章目录 content/ 重叠"),
        (".", "与文章目录 content/ 重叠"),
        ("../elsewhere", "指向项目之外"),
        ("/tmp", "指向项目之外"),
        ("notes", "Markdown 文件"),
    ],
)
@pytest.mark.parametrize("profile", ["public", "internal"])
def test_a_docs_dir_that_would_publish_pages_is_refused(
    project, capsys, caplog, docs_dir, reason, profile
):
    (project.root.parent / "elsewhere").mkdir(exist_ok=True)
    (project.root.parent / "elsewhere/index.md").write_text(SECRET, encoding="utf-8")
    project.write("notes/secret.md", f"# {SECRET}\n")
    line = edit(project, DOCS_DIR, f"docs_dir: {docs_dir}")
    code, log = build(capsys, caplog, profile)
    refused(code, log, project.root, reason)
    if reason != "Markdown 文件":
        assert f"mkdocs.yml:{line}:" in log and "例如 plugins/theme/static" in log
    else:
        assert "notes/secret.md:1:" in log and f"mkdocs.yml 第 {line} 行" in log


def test_a_second_docs_dir_key_is_refused(project, capsys, caplog):
    """PyYAML, and so MkDocs, would take the last of two keys silently."""
    line = edit(project, "extra_css:", "docs_dir: content\nextra_css:")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"mkdocs.yml:{line}:", "键 'docs_dir' 重复出现", "第 9 行")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("evil.htm", f"<p>{SECRET}</p>", ".htm 页面"),
        ("evil.html", f"<p>{SECRET}</p>", ".html 页面"),
        ("sub/evil.xhtml", f"<html><body>{SECRET}</body></html>", ".xhtml 页面"),
        ("evil.shtml", f"<p>{SECRET}</p>", ".shtml 页面"),
        ("evil.md", f"# {SECRET}", "Markdown 文件"),
        ("evil.txt", SECRET, ".txt文件会原样发布"),
        ("robots", SECRET, "没有扩展名的文件会原样发布"),
        (".hidden.htm", f"<p>{SECRET}</p>", ".htm 页面"),
        ("logo.png", f"<!doctype html><p>{SECRET}</p>", "而是一个网页"),
        ("theme.css", f"<html><body>{SECRET}</body></html>", "而是一个网页"),
        (
            "icon.svg",
            f'<svg xmlns="http://www.w3.org/2000/svg"><script>alert("{SECRET}")</script></svg>',
            "SVG 中有脚本",
        ),
        (
            "icon2.svg",
            f'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>{SECRET}</p></foreignObject></svg>',
            "嵌入的网页",
        ),
        ("icon3.svg", '<!DOCTYPE svg [<!ENTITY a "x">]><svg>&a;</svg>', "不是有效的 SVG"),
    ],
)
def test_a_page_dropped_into_the_static_folder_is_refused(
    project, capsys, caplog, name, content, reason
):
    rel = f"plugins/theme/static/{name}"
    project.write(rel, content)
    project.commit_all("加个文件", "chensiyuan")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"{rel}:1:", reason, "docs_dir（mkdocs.yml 第 9 行）")


def test_a_symbolic_link_in_the_static_folder_is_refused(project, capsys, caplog):
    (project.root / "plugins/theme/static/articles").symlink_to(project.root / "content")
    project.commit_all("链接", "chensiyuan")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, "plugins/theme/static/articles:1:", "符号链接")


def test_the_theme_folder_may_not_serve_pages_either(project, capsys, caplog):
    """MkDocs copies every file of theme.custom_dir but its .html templates into the site."""
    project.write("plugins/theme/overrides/evil.htm", f"<p>{SECRET}</p>")
    project.commit_all("主题里的页面", "chensiyuan")
    code, log = build(capsys, caplog)
    refused(
        code,
        log,
        project.root,
        "plugins/theme/overrides/evil.htm:1:",
        "theme.custom_dir（mkdocs.yml",
    )


def test_scripts_and_templates_need_a_governed_folder(ungoverned, capsys, caplog):
    ungoverned.write("plugins/theme/static/x.js", f'document.body.append("{SECRET}")')
    ungoverned.write("plugins/theme/overrides/main.html", f"{{% extends 'base.html' %}}{SECRET}")
    ungoverned.commit_all("脚本和模板", "chensiyuan")
    code, log = build(capsys, caplog)
    refused(
        code, log, ungoverned.root, "plugins/theme/static/x.js:1:", "脚本能在每个页面上写任何文字"
    )
    assert "plugins/theme/overrides/main.html:1:" in log and ".html 页面" in log


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("stylesheets/extra.css", 'footer::after { content: "' + CLAIM + '"; }', 1),
        # escaped as a stylesheet may write it: still read as text
        (
            "claim.css",
            "/* nothing here */\nbody::before {\n  content: '"
            + "".join(f"\\{ord(ch):x} " for ch in CLAIM)
            + "';\n}",
            3,
        ),
        (
            "badge.svg",
            f'<svg xmlns="http://www.w3.org/2000/svg">\n<text x="0" y="10">{CLAIM}</text></svg>',
            2,
        ),
    ],
)
def test_text_a_static_file_shows_goes_through_the_compliance_checks(
    project, capsys, caplog, name, content, line
):
    rel = f"plugins/theme/static/{name}"
    path = project.root / rel
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    project.write(rel, old + "\n" * bool(old) + content)
    project.commit_all("样式", "chensiyuan")
    code, log = build(capsys, caplog)
    expected_line = line + old.count("\n") + bool(old)
    refused(code, log, project.root, f"{rel}:{expected_line}:", "会显示在公开网站上", "治愈率")


def test_the_sample_static_folder_and_a_clean_stylesheet_pass(project, capsys, caplog):
    project.write(
        "plugins/theme/static/stylesheets/more.css", 'a::after { content: "（外部链接）"; }\n'
    )
    project.write("plugins/theme/static/img/dot.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    (project.root / "plugins/theme/static/img/dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    project.commit_all("样式", "chensiyuan")
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert (project.root / "site/public/img/dot.svg").is_file()


# -- 3b. the leak guard reads every file of the site, whatever it is called -----------------------


def test_the_leak_guard_sniffs_every_file_whatever_its_name(tmp_path):
    marker = "尚未审核的草稿文章标题，和它正文里那句绝不能出现在公开网站上的独特句子"
    watch = leak_guard.Watch(
        "public", (leak_guard.Watched("content/education/draft.md", marker),), ()
    )
    escaped_js = "".join(f"\\u{ord(ch):04x}" for ch in marker)
    escaped_css = "".join(f"\\{ord(ch):x} " for ch in marker)
    files = {
        "a.htm": f"<p>{marker}</p>".encode(),
        "b.xhtml": f"<html><body><b>{marker[:4]}</b>{marker[4:]}</body></html>".encode(),
        "c.svg": f"<svg><text>{marker}</text></svg>".encode(),
        "d.js": f'var t = "{escaped_js}";'.encode(),
        "e.css": f'p::after {{ content: "{escaped_css}"; }}'.encode(),
        "f.png": f"<!doctype html><p>{marker}</p>".encode(),
        "g.dat": gzip.compress(f"<p>{marker}</p>".encode()),
        "h.txt": f"<p>{marker}</p>".encode("utf-16"),
        "i.html": f'<meta charset="gbk"><p>{marker}</p>'.encode("gbk"),
        "j.xml": f"<loc>https://example.com/{quote(marker)}/</loc>".encode(),
        "k": f'{{"docs": [{{"text": "{escaped_js}"}}]}}'.encode(),
        "l.map": f"{marker}".encode("gb18030"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (leak,) = leak_guard.scan(tmp_path, watch)
    assert (leak.site_file, leak.more) == ("a.htm", len(files) - 1)  # one leak, every file counted
    for name in files:  # and each file on its own
        alone = tmp_path / "alone"
        alone.mkdir(exist_ok=True)
        for old in alone.iterdir():
            old.unlink()
        (alone / name).write_bytes(files[name])
        assert [leak.site_file for leak in leak_guard.scan(alone, watch)] == [name]


def test_binary_files_are_not_misread_as_chinese(tmp_path):
    import random

    rng = random.Random(7)
    (tmp_path / "photo.jpg").write_bytes(
        b"\xff\xd8\xff\x00" + bytes(rng.randrange(256) for _ in range(200_000))
    )
    staff = tuple(
        leak_guard.Staff(i, name, f"{i}@example.com")
        for i, name in (("wujia", "吴佳"), ("zhaomin", "赵敏"), ("zhouting", "周婷"))
    )
    assert leak_guard.scan(tmp_path, leak_guard.Watch("public", (), (), staff)) == []


# -- 4. hooks, plugins, extensions and tags: code is the manager's --------------------------------

HOOK = 'open("{ran}", "w").write("ran")\n\ndef on_post_build(config):\n    pass\n'


def test_hooks_are_refused_before_they_run(ungoverned, capsys, caplog):
    ran = ungoverned.root / "hook-ran"
    ungoverned.write("hooks/evil.py", HOOK.format(ran=ran))
    line = edit(ungoverned, DOCS_DIR, f"hooks:\n  - hooks/evil.py\n{DOCS_DIR}")
    code, log = build(capsys, caplog)
    refused(code, log, ungoverned.root, f"mkdocs.yml:{line + 1}:", "hooks", "governed")
    assert not ran.exists()  # refused before MkDocs loaded mkdocs.yml (which imports hooks)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("  - blog\n", "插件 blog 不在允许的插件中"),
        ("  - material/projects\n", "插件 material/projects 不在允许的插件中"),
    ],
)
def test_unknown_plugins_are_refused(ungoverned, capsys, caplog, entry, reason):
    line = edit(ungoverned, "plugins:\n", "plugins:\n" + entry) + 1
    code, log = build(capsys, caplog, "internal")
    refused(code, log, ungoverned.root, f"mkdocs.yml:{line}:", reason, "签名修改")


def test_a_markdown_extension_that_pastes_files_into_pages_is_refused(ungoverned, capsys, caplog):
    ungoverned.write("notes/footer.md", SECRET)
    line = edit(
        ungoverned,
        "  - attr_list\n",
        "  - attr_list\n  - pymdownx.snippets:\n      auto_append: [notes/footer.md]\n",
    )
    code, log = build(capsys, caplog)
    refused(code, log, ungoverned.root, f"mkdocs.yml:{line + 1}:", "pymdownx.snippets")


def test_python_tags_are_refused_before_they_run(ungoverned, capsys, caplog):
    ran = ungoverned.root / "tag-ran"
    line = edit(
        ungoverned,
        "extra:\n",
        f"extra:\n  x: !!python/object/apply:os.system ['touch {ran}']\n",
    )
    code, log = build(capsys, caplog)
    refused(
        code, log, ungoverned.root, f"mkdocs.yml:{line + 1}:", "!!python/object/apply:os.system"
    )
    assert not ran.exists()


def test_inherit_is_refused(project, capsys, caplog):
    project.write("notes/base.yml", f"copyright: {SECRET}\n")
    line = edit(project, "site_name:", "INHERIT: notes/base.yml\nsite_name:")
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"mkdocs.yml:{line}:", "INHERIT", "直接写进 mkdocs.yml")


def test_a_governed_mkdocs_yml_may_use_a_hook_kept_under_a_governed_path(project, capsys, caplog):
    """mkdocs.yml is governed in the sample: its hooks are allowed, but only from governed files."""
    ran = project.root / "hook-ran"
    project.write("hooks/evil.py", HOOK.format(ran=ran))
    line = edit(project, DOCS_DIR, f"hooks:\n  - hooks/evil.py\n{DOCS_DIR}") + 1
    code, log = build(capsys, caplog)
    refused(
        code,
        log,
        project.root,
        f"mkdocs.yml:{line}:",
        "hooks.0 引用的 hooks/evil.py 不在受管路径下",
        "把它放到受管路径下，或在 workflow.yml 的 governed 中登记",
    )
    assert not ran.exists()
    project.write("plugins/theme/hook.py", "def on_config(config):\n    return config\n")
    edit(project, "  - hooks/evil.py\n", "  - plugins/theme/hook.py\n")
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]


@pytest.mark.parametrize(
    ("old", "new", "key", "path"),
    [
        (DOCS_DIR, "docs_dir: assets", "docs_dir", "assets"),
        (
            "custom_dir: plugins/theme/overrides",
            "custom_dir: assets",
            "theme.custom_dir",
            "assets",
        ),
        ("  - stylesheets/extra.css\n", "  - ../../assets/x.css\n", "extra_css", "../../assets"),
    ],
)
def test_files_a_governed_mkdocs_yml_pulls_in_must_be_governed(
    project, capsys, caplog, old, new, key, path
):
    project.write("assets/x.css", "p { color: red; }\n")
    line = edit(project, old, new)
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"mkdocs.yml:{line}:", key, path)
    if not path.startswith(".."):
        assert "把它放到受管路径下，或在 workflow.yml 的 governed 中登记" in log


@pytest.mark.parametrize("url", ["https://cdn.example.net/x.js", "//cdn.example.net/x.js", "/x.js"])
def test_scripts_from_elsewhere_are_refused(project, capsys, caplog, url):
    line = edit(project, "extra_javascript:", f"extra_javascript:\n  - {url}") + 1
    code, log = build(capsys, caplog)
    refused(code, log, project.root, f"mkdocs.yml:{line}:", "不从其他主机或其他文件夹加载")


# -- 5. the text of every page's frame is checked like an article ---------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("extra:\n", f"copyright: {CLAIM}\nextra:\n", "copyright"),
        ("extra:\n", f"copyright: <a href='/'>{CLAIM}</a>\nextra:\n", "copyright"),
        ("extra:\n", f"copyright: '`{CLAIM}`'\nextra:\n", "copyright"),
        ("site_name: 微笑口腔 · 口腔健康科普", f"site_name: {CLAIM}", "site_name"),
        ("extra:\n", f"site_description: {CLAIM}\nextra:\n", "site_description"),
        ("extra:\n", f"extra:\n  announce:\n    - {CLAIM}\n", "extra.announce.0"),
        ("extra:\n", f"nav:\n  - {CLAIM}: index.md\nextra:\n", f"nav.0.{CLAIM}"),
        (
            "  features:\n",
            f"  palette:\n    - toggle:\n        icon: material/brightness-4\n"
            f"        name: {CLAIM}\n  features:\n",
            "theme.palette.0.toggle.name",
        ),
        (
            "      site_names:\n",
            f"      site_names:\n        public: {CLAIM}\n",
            "plugins.1.smilepress.site_names.public",
        ),
        (
            "      section_titles:\n",
            f"      section_titles:\n        education: {CLAIM}\n",
            "plugins.1.smilepress.section_titles.education",
        ),
    ],
)
def test_a_claim_in_the_frame_of_every_page_refuses_the_public_build(
    project, capsys, caplog, old, new, key
):
    line = edit(project, old, new)
    line += new[: new.index(CLAIM)].count("\n")
    code, log = build(capsys, caplog)
    refused(
        code,
        log,
        project.root,
        f"mkdocs.yml:{line}:",
        f"{key} 显示在公开网站的每个页面上",
        "治愈率",
    )
    assert "治愈率100%" not in site_text(project.root)


def test_the_frame_of_the_staff_handbook_is_not_an_advertisement(project, capsys, caplog):
    edit(project, "extra:\n", f"copyright: {CLAIM}\nextra:\n")
    assert build(capsys, caplog, "internal")[0] == 0


def test_a_warning_in_the_frame_is_shown_but_does_not_fail(project, capsys, caplog):
    edit(project, "extra:\n", "copyright: 治愈率100%\nextra:\n")
    code, log = build(capsys, caplog)
    assert code == 0, log[-3000:]
    assert "网站框架文字" in log and "copyright 显示在公开网站的每个页面上" in log


def test_the_sample_configuration_passes():
    from conftest import REPO

    config = site_config.read(REPO)
    policies = load_policies(REPO)
    for profile in ("public", "internal", "preview"):
        assert site_config.problems(config, profile, policies) == []
    assert site_config.folders(config) == [
        REPO / "plugins/theme/static",
        REPO / "plugins/theme/overrides",
    ]


# -- 6. CODEOWNERS: an owner for every path, from the same data ------------------------------------


def test_codeowners_own_every_path_and_follow_the_governed_list(factory, capsys):
    policies = load_policies(factory.root)
    found = {r.pattern: r for r in codeowners.rules(policies)}
    assert found["*"].owners == ("@chensiyuan",)
    for path in ("/mkdocs.yml", "/plugins/", "/scripts/", "/.github/", "/.gitlab/", "/.ci/"):
        assert found[path].owners == ("@chensiyuan",), path
    for path in ("/.github/CODEOWNERS", "/.gitlab/CODEOWNERS", "/CODEOWNERS"):
        assert path in found
    for entry in policies.governed:
        holders = {f"@{p.forge}" for role in entry.by for p in policies.holders(role)}
        for path in entry.paths:
            assert set(found["/" + path].owners) >= holders, path
    assert found["/policies/compliance/"].owners == ("@chensiyuan", "@zhaomin")
    assert found["/content/faq/"].owners == ("@liufang", "@wangliming")
    order = [r.pattern for r in codeowners.rules(policies)]
    assert order[0] == "*"
    assert order.index("/policies/") < order.index("/policies/compliance/")  # the last match wins
    assert order.index("/plugins/") < order.index("/plugins/theme/")
    # a new governed path is owned by its roles' holders as soon as CODEOWNERS is regenerated
    workflow = factory.root / "policies/workflow.yml"
    workflow.write_text(
        workflow.read_text(encoding="utf-8")
        + "  - name: 品牌素材\n    paths: [brand/]\n    by: [compliance]\n",
        encoding="utf-8",
    )
    assert main(["codeowners"]) == 0
    assert main(["codeowners", "--check"]) == 0
    github = (factory.root / ".github/CODEOWNERS").read_text(encoding="utf-8")
    gitlab = (factory.root / ".gitlab/CODEOWNERS").read_text(encoding="utf-8")
    assert "\n/brand/ @zhaomin\n" in github and "\n/brand/ @zhaomin\n" in gitlab
    assert github.index("* @chensiyuan") < github.index("/brand/")
    assert "[科普文章][2]\n/content/education/" in gitlab
    workflow.write_text(
        workflow.read_text(encoding="utf-8").replace("paths: [brand/]", "paths: [brand/, logo/]"),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["codeowners", "--check"]) == 1
    assert ".github/CODEOWNERS" in capsys.readouterr().err
