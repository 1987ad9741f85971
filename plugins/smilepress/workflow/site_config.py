"""The site configuration a public or internal build accepts: mkdocs.yml and every file it pulls in.

Articles reach a site only through the gate, but mkdocs.yml can put a writer's text or code on every
page without it: a docs_dir that MkDocs publishes on its own, hooks, plugins and Markdown extensions
that run code (some after the leak guard), YAML tags that import modules as the file loads, a footer
line, a stylesheet's `content:`. This module reads mkdocs.yml as data (nothing in it is resolved,
imported or run) and says what a public or internal build refuses: each refusal a Problem with the
file, the line and what to do. The preview profile is never refused (it is never deployed).

The glue calls it: `smilepress build` before MkDocs loads mkdocs.yml (hooks, plugins, extensions and
!!python tags run code while MkDocs loads it), and the plugin again in on_config for a plain
`mkdocs build`. What the configuration then shows on every public page (the frame's text, the
theme's templates, the strings of static files) is checked by site_chrome.py.

When mkdocs.yml is itself a governed path (policies/workflow.yml `governed:`), another part of the
system proves that every change to it was signed by someone allowed: hooks, other plugins,
extensions and tags are then accepted, and every file the configuration pulls in must be governed
too. What a static folder may hold, a docs_dir that would publish pages, and a leak guard that
cannot be turned off hold either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..errors import Problem, SmilePressError
from ..load.files import files_under, read_bytes
from ..load.source import read_source
from ..load.strict_yaml import Tagged, load_yaml
from ..load.yaml_file import PolicyReader
from ..model.policies import Policies

CONFIG = "mkdocs.yml"
CHECKED_PROFILES = ("public", "internal")
PLUGIN = "smilepress"
# Plugins a build accepts when mkdocs.yml is not governed: the sample's. Any other runs code that
# can write pages after the leak guard looked (Material's blog, projects, group, …).
KNOWN_PLUGINS = frozenset({"search", "material/search", PLUGIN})
# Markdown extensions are imported while MkDocs loads mkdocs.yml and run on every page: Python-
# Markdown's own and a few of pymdown-extensions'. Not pymdownx.snippets: it pastes files into pages
# (`auto_append` into every page).
_BUILTIN_EXTENSIONS = (
    "abbr admonition attr_list codehilite def_list extra fenced_code footnotes legacy_attrs "
    "legacy_em md_in_html meta nl2br sane_lists smarty tables toc wikilinks"
).split()
KNOWN_EXTENSIONS = frozenset(
    _BUILTIN_EXTENSIONS
    + [f"markdown.extensions.{name}" for name in _BUILTIN_EXTENSIONS]
    + [
        f"pymdownx.{name}"
        for name in (
            "betterem caret details emoji highlight inlinehilite keys mark smartsymbols "
            "superfences tabbed tasklist tilde"
        ).split()
    ]
)
# YAML tags MkDocs resolves without running project code (an environment variable, a folder), and
# the installed packages whose objects `!!python/name:` may name (Material's emoji index, a fence).
SAFE_TAGS = ("!ENV", "!relative")
SAFE_NAME_MODULES = ("material.", "pymdownx.")
_PYTHON_NAME = "tag:yaml.org,2002:python/name:"

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs makes pages of
PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".shtm", ".phtml", ".php", ".asp")
# What a static folder may hold, each kind recognised by its content as well as its name.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".ico": (b"\x00\x00\x01\x00",),
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
    ".ttf": (b"\x00\x01\x00\x00", b"true"),
    ".otf": (b"OTTO",),
}
_RIFF = {".webp": b"WEBP"}  # RIFF....WEBP
_BOXES = {".avif": (b"ftypavif", b"ftypavis")}  # ....ftypavif
STYLESHEETS, SCRIPTS, SVG = (".css",), (".js", ".mjs"), (".svg",)
ALLOWED_SUFFIXES = (*_MAGIC, *_RIFF, *_BOXES, *STYLESHEETS, *SCRIPTS, *SVG)
_ALLOWED_TEXT = (
    "样式表（.css）、图片（.png .jpg .gif .webp .avif .ico .svg）和字体（.woff .woff2 .ttf .otf）"
)
# Markup that makes a file a page when a browser sniffs it, whatever its name says.
_PAGE_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|frame|frameset|object|embed|meta|title|"
    rb"base|form|svg|math|\?xml)\b",
    re.IGNORECASE,
)
_SVG_ACTIVE = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener"}
STATIC_HINT = (
    "静态文件夹只放样式表、图片和字体；文章写在 content/ 中，经审批后由 smilepress 插件发布"
)
GOVERN_HINT = "把它放到受管路径下，或在 workflow.yml 的 governed 中登记"
CODE_HINT = (
    "删除它；确实需要时，先在 policies/workflow.yml 的 governed 中登记 mkdocs.yml，"
    "由有权限的人签名修改"
)


@dataclass(frozen=True)
class SiteConfig:
    """mkdocs.yml as data, with the line of every key; tagged values kept as Tagged."""

    root: Path
    reader: PolicyReader

    @property
    def data(self) -> dict:
        return self.reader.loaded.data

    def line(self, *path: Any) -> int:
        return self.reader.loaded.line_of(*path)

    def problem(self, where: tuple, message: str, hint: str = "") -> Problem:
        return Problem(CONFIG, self.line(*where), message, hint)

    def plugins(self) -> list[tuple[str, Any, tuple]]:
        """(name, options, where in the file) of each entry of `plugins` (a list or a mapping)."""
        value = self.data.get("plugins")
        if isinstance(value, dict):
            return [(str(k), v, ("plugins", k)) for k, v in value.items()]
        out = []
        for i, item in enumerate(value if isinstance(value, list) else []):
            if isinstance(item, dict) and len(item) == 1:
                ((name, options),) = item.items()
                out.append((str(name), options, ("plugins", i, name)))
            else:
                out.append((item if isinstance(item, str) else repr(item), None, ("plugins", i)))
        return out

    def plugin_options(self) -> tuple[dict, tuple]:
        """The SmilePress plugin's options and where they are (the first entry, if several)."""
        for name, options, where in self.plugins():
            if name == PLUGIN:
                return (options if isinstance(options, dict) else {}), where
        return {}, ("plugins",)

    def content_dir(self) -> str:
        value = self.plugin_options()[0].get("content_dir", "content")
        return value if isinstance(value, str) else "content"


def read(root: Path) -> SiteConfig:
    """mkdocs.yml of the project at `root`, read strictly as data; raises if it cannot be."""
    source, problems = read_source(root, CONFIG)
    if source is None:
        raise SmilePressError(problems)
    loaded, problems = load_yaml(source.text, CONFIG, tags=True)
    if loaded is None:
        raise SmilePressError(problems)
    reader = PolicyReader(loaded, CONFIG)
    if not isinstance(loaded.data, dict):
        reader.fail((), "mkdocs.yml 的顶层应该是映射（“键: 值”）")
        raise SmilePressError(reader.problems)
    return SiteConfig(root.resolve(), reader)


def build_day(
    profile: str, command: str | None, environment: str | None, configured: str | None
) -> tuple[str | None, str]:
    """The day a build judges by, and where it comes from: `smilepress build --as-of`, else
    SMILEPRESS_AS_OF, else (preview only) the plugin's `as_of` in mkdocs.yml, else today.

    mkdocs.yml never decides the day of a public or internal build: whoever can edit it could bring
    back an expired article or publish a scheduled one early."""
    if command:
        return command, "--as-of"
    if environment:
        return environment, "SMILEPRESS_AS_OF"
    if configured and profile not in CHECKED_PROFILES:
        return configured, CONFIG
    return None, "today"


# -- before MkDocs loads mkdocs.yml ----------------------------------------------------------------


def problems(config: SiteConfig, profile: str, policies: Policies) -> list[Problem]:
    """Everything in mkdocs.yml and its folders that a `profile` build refuses (before MkDocs loads
    it: nothing is run). Empty for preview."""
    if profile not in CHECKED_PROFILES:
        return []
    governed = policies.governing(CONFIG) is not None
    found = _tags(config, governed)
    found += _inherit(config)
    found += _code(config, governed, policies)
    found += _plugin_options(config, profile)
    docs_dir = _folder(config, ("docs_dir",), config.data.get("docs_dir", "docs"), found)
    custom_dir = None
    theme = config.data.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        custom_dir = _folder(config, ("theme", "custom_dir"), theme["custom_dir"], found)
    for where, folder in ((("docs_dir",), docs_dir), (("theme", "custom_dir"), custom_dir)):
        if folder is None:
            continue
        governed_folder = governed and _governed(policies, config.root, folder, directory=True)
        if governed and not governed_folder:
            found.append(_not_governed(config, where, folder))
        found += static_problems(
            config.root,
            folder,
            f"{'.'.join(where)}（{CONFIG} 第 {config.line(*where)} 行）",
            scripts=governed_folder,
            templates=governed_folder and where[0] == "theme",
        )
    found += _assets(config, docs_dir, governed, policies)
    return found


def _walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i))
    elif isinstance(value, Tagged):
        yield from _walk(value.value, path)


def _tags(config: SiteConfig, governed: bool) -> list[Problem]:
    """YAML tags: MkDocs loads mkdocs.yml with PyYAML's full loader, so `!!python/…` imports modules
    or runs calls while the file loads, before any check could run."""
    found = []
    for where, value in _walk(config.data):
        if not isinstance(value, Tagged) or governed or value.tag in SAFE_TAGS:
            continue
        if value.tag.startswith(_PYTHON_NAME) and value.tag[len(_PYTHON_NAME) :].startswith(
            SAFE_NAME_MODULES
        ):
            continue
        tag = value.tag.replace("tag:yaml.org,2002:", "!!")
        found.append(
            config.problem(
                where,
                f"mkdocs.yml 中的 {tag} 会在 MkDocs 读取配置时导入或运行代码",
                CODE_HINT,
            )
        )
    return found


def _inherit(config: SiteConfig) -> list[Problem]:
    if "INHERIT" not in config.data:
        return []
    return [
        config.problem(
            ("INHERIT",),
            f"mkdocs.yml 用 INHERIT 引入了另一个配置文件（{_shown(config.data['INHERIT'])}）："
            "公开版和员工手册的网站配置必须都写在 mkdocs.yml 中，才能逐项核对",
            "删除 INHERIT，把需要的设置直接写进 mkdocs.yml",
        )
    ]


def _shown(value: Any) -> str:
    return value.tag + " …" if isinstance(value, Tagged) else str(value)


def _plain(config: SiteConfig, where: tuple, value: Any, found: list[Problem]) -> bool:
    """A value the checks must read as written: no tag resolved at load time."""
    if isinstance(value, Tagged):
        found.append(
            config.problem(
                where,
                f"{'.'.join(map(str, where))} 的值用了 {value.tag}，构建前无法核对",
                "写成普通的值",
            )
        )
        return False
    return True


def _code(config: SiteConfig, governed: bool, policies: Policies) -> list[Problem]:
    """Hooks, plugins and Markdown extensions: code that runs in the build."""
    found: list[Problem] = []
    hooks = config.data.get("hooks")
    if hooks:
        for i, hook in enumerate(hooks if isinstance(hooks, list) else [hooks]):
            where = ("hooks", i) if isinstance(hooks, list) else ("hooks",)
            if not governed:
                found.append(
                    config.problem(
                        where,
                        f"mkdocs.yml 的 hooks 运行 {_shown(hook)} 中的代码，它可以在防泄漏检查之后"
                        "改写网站",
                        CODE_HINT,
                    )
                )
            elif _plain(config, where, hook, found) and not _governed(
                policies, config.root, config.root / str(hook)
            ):
                found.append(_not_governed(config, where, config.root / str(hook)))
    instances = 0
    for name, _options, where in config.plugins():
        if name == PLUGIN:
            instances += 1
        elif not governed and name not in KNOWN_PLUGINS:
            found.append(
                config.problem(
                    where,
                    f"插件 {name} 不在允许的插件中（{'、'.join(sorted(KNOWN_PLUGINS))}）："
                    "它运行的代码可以在防泄漏检查之后写入页面",
                    CODE_HINT,
                )
            )
    if instances == 0:
        found.append(
            config.problem(
                ("plugins",),
                "mkdocs.yml 没有启用 smilepress 插件：公开版和员工手册必须由它筛选文章并检查泄漏",
                "在 plugins 中加回 - smilepress",
            )
        )
    elif instances > 1:
        found.append(
            config.problem(
                ("plugins",),
                f"smilepress 插件出现了 {instances} 次：另一份的设置（as_of、guard、content_dir）"
                "会绕过这一份",
                "只保留一个 smilepress",
            )
        )
    extensions = config.data.get("markdown_extensions") or []
    items = (
        [(str(k), ("markdown_extensions", k)) for k in extensions]
        if isinstance(extensions, dict)
        else [
            (
                str(next(iter(item))) if isinstance(item, dict) and item else str(item),
                ("markdown_extensions", i),
            )
            for i, item in enumerate(extensions if isinstance(extensions, list) else [])
        ]
    )
    for name, where in items:
        if not governed and name not in KNOWN_EXTENSIONS:
            found.append(
                config.problem(
                    where,
                    f"Markdown 扩展 {name} 不在允许的扩展中：扩展在构建时运行代码，"
                    "可以把文字加到每个页面上（pymdownx.snippets 会把文件插进页面）",
                    CODE_HINT,
                )
            )
    return found


def _plugin_options(config: SiteConfig, profile: str) -> list[Problem]:
    """The SmilePress plugin's options that would weaken a public or internal build."""
    options, at = config.plugin_options()
    found: list[Problem] = []
    for key in ("enabled", "guard", "as_of", "content_dir", "profile", "strict"):
        if key in options:
            _plain(config, (*at, key), options[key], found)
    if "enabled" in options and options["enabled"] is not True:
        found.append(
            config.problem(
                (*at, "enabled"),
                f"smilepress 插件被停用（enabled: {_shown(options['enabled'])}）："
                "公开版和员工手册必须由它筛选文章并检查泄漏",
                "删除 enabled 这一行",
            )
        )
    # Refused rather than ignored: whoever wrote it learns at once (the build and the pull
    # request's CI fail, naming the line) instead of believing the guard is off; and the plugin
    # runs the guard on every public build whatever the option says, so nothing depends on this
    # check having run.
    if profile == "public" and "guard" in options and options["guard"] is not True:
        found.append(
            config.problem(
                (*at, "guard"),
                f"公开版不能关闭防泄漏检查（guard: {_shown(options['guard'])}）",
                "删除 guard 这一行：公开版总是运行防泄漏检查",
            )
        )
    content = options.get("content_dir")
    if isinstance(content, str):
        path = (config.root / content).resolve()
        if not path.is_relative_to(config.root) or path == config.root:
            found.append(
                config.problem(
                    (*at, "content_dir"),
                    f"content_dir 指向 {content}：文章目录必须是项目中的一个子文件夹",
                    "删除 content_dir（默认 content）",
                )
            )
    return found


def _folder(config: SiteConfig, where: tuple, value: Any, found: list[Problem]) -> Path | None:
    """A folder mkdocs.yml names (docs_dir, theme.custom_dir), if it may hold the site's files."""
    if not _plain(config, where, value, found):
        return None
    key = ".".join(where)
    if not isinstance(value, str) or not value.strip():
        found.append(config.problem(where, f"{key} 应该是一个文件夹的路径", STATIC_HINT))
        return None
    root = config.root
    path = (root / value).resolve()
    content = (root / config.content_dir()).resolve()
    if not path.is_relative_to(root):
        found.append(
            config.problem(
                where,
                f"{key} 指向项目之外（{value}）：那里的文件不经任何检查就会上网站",
                f"把 {key} 改成项目中的静态文件夹，例如 plugins/theme/static；{STATIC_HINT}",
            )
        )
        return None
    if path == content or path.is_relative_to(content) or content.is_relative_to(path):
        found.append(
            config.problem(
                where,
                f"{key} 指向 {value}，与文章目录 {config.content_dir()}/ 重叠："
                "MkDocs 会把其中的文章不经发布闸门直接发布",
                f"把 {key} 改回只放静态文件的文件夹，例如 plugins/theme/static；{STATIC_HINT}",
            )
        )
        return None
    if not path.is_dir():
        found.append(config.problem(where, f"{key} 指向的文件夹 {value} 不存在", STATIC_HINT))
        return None
    return path


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _governed(policies: Policies, root: Path, path: Path, directory: bool = False) -> bool:
    rel = _rel(root, path)
    return policies.governing(rel + "/" if directory else rel) is not None


def _not_governed(config: SiteConfig, where: tuple, path: Path) -> Problem:
    return config.problem(
        where,
        f"{'.'.join(map(str, where))} 引用的 {_rel(config.root, path)} 不在受管路径下："
        "mkdocs.yml 是受管路径，它引入的每个文件也必须受管",
        GOVERN_HINT,
    )


def _assets(
    config: SiteConfig, docs_dir: Path | None, governed: bool, policies: Policies
) -> list[Problem]:
    """extra_css and extra_javascript: files of the static folder, never another host's."""
    found: list[Problem] = []
    for key in ("extra_css", "extra_javascript"):
        entries = config.data.get(key) or []
        for i, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            where = (key, i)
            value = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(entry, dict):
                where = (*where, "path")
            if not _plain(config, where, value, found):
                continue
            value = str(value or "")
            if re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/)", value) or ".." in value.split("/"):
                found.append(
                    config.problem(
                        where,
                        f"{key} 引用了静态文件夹之外的 {value}：网站不从其他主机或其他文件夹加载"
                        "样式和脚本",
                        "把文件放进 docs_dir（静态文件夹），写相对于它的路径",
                    )
                )
            elif (
                docs_dir is not None
                and governed
                and not _governed(policies, config.root, docs_dir / value)
            ):
                found.append(_not_governed(config, where, docs_dir / value))
    return found


# -- what a static folder may hold -----------------------------------------------------------------


def static_problems(
    root: Path, folder: Path, what: str, *, scripts: bool = False, templates: bool = False
) -> list[Problem]:
    """What a static folder (docs_dir, the theme's custom_dir, whose other files MkDocs copies too)
    holds that a build refuses.

    It may hold stylesheets, images and fonts, each recognised by its content as well as its name;
    SVG without scripts or embedded pages; scripts (`scripts`) and theme templates (`templates`)
    only where mkdocs.yml and the folder are governed. Never Markdown or HTML pages (MkDocs
    publishes them as they are), symbolic links (they could point at content/ or out of the
    project), or anything else; an empty hidden file (.keep) is fine."""
    found = []
    for path in files_under(folder):
        reason = _static_file(path, scripts, templates)
        if reason:
            rel = (path.parent.resolve() / path.name).relative_to(root).as_posix()
            found.append(Problem(rel, 1, f"{what}：{reason[0]}", reason[1]))
    return found


def folders(config: SiteConfig) -> list[Path]:
    """The static folders mkdocs.yml names (docs_dir, theme.custom_dir) that may be read."""
    out, ignored = [], []
    theme = config.data.get("theme")
    named = [(("docs_dir",), config.data.get("docs_dir", "docs"))]
    if isinstance(theme, dict) and "custom_dir" in theme:
        named.append((("theme", "custom_dir"), theme["custom_dir"]))
    for where, value in named:
        folder = _folder(config, where, value, ignored)
        if folder is not None:
            out.append(folder)
    return out


def _static_file(path: Path, scripts: bool, templates: bool) -> tuple[str, str] | None:
    """(what is wrong, what to do) with one file of a static folder, or None."""
    if path.is_symlink():
        return "静态文件夹中不能有符号链接（它可能指向文章或项目之外的文件）", "换成真实的文件"
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return (
            "静态文件夹中有 Markdown 文件，MkDocs 会不经审批直接把它发布成页面",
            f"删除它；{STATIC_HINT}",
        )
    if templates and suffix == ".html":
        return None  # a template of the governed theme folder
    if suffix in PAGE_SUFFIXES:
        return f"静态文件夹中有 {suffix} 页面，会不经审批直接上网站", f"删除它；{STATIC_HINT}"
    raw, unreadable = read_bytes(path.parent, path.name)  # never a pipe (load/files.py)
    if raw is None:
        return unreadable[0].message, unreadable[0].hint
    if not raw and path.name.startswith("."):
        return None  # .keep: holds a folder in git, shows nothing
    if suffix not in ALLOWED_SUFFIXES:
        return (
            f"静态文件夹只能放{_ALLOWED_TEXT}；{suffix or '没有扩展名的'}文件会原样发布",
            "删除它，或换成允许的格式",
        )
    if suffix in SCRIPTS and not scripts:
        return (
            "脚本能在每个页面上写任何文字：只有受管的静态文件夹（mkdocs.yml 和这个文件夹都在 "
            "workflow.yml 的 governed 中）才能放脚本",
            "删除它，或把它放到受管路径下",
        )
    if not _content_matches(suffix, raw):
        page = "，而是一个网页（浏览器会把它当作页面显示）" if _PAGE_MARKUP.search(raw) else ""
        return f"内容不是真正的 {suffix} 文件{page}", "删除它，或换成真正的该格式文件"
    if suffix in SVG:
        return _svg_problem(raw)
    return None


def _content_matches(suffix: str, raw: bytes) -> bool:
    if suffix in _MAGIC:
        return raw.startswith(_MAGIC[suffix])
    if suffix in _RIFF:
        return raw[:4] == b"RIFF" and raw[8:12] == _RIFF[suffix]
    if suffix in _BOXES:
        return raw[4:12] in _BOXES[suffix]
    text = _utf8(raw)
    if text is None or "\x00" in text:
        return False
    if suffix in STYLESHEETS:
        return not _PAGE_MARKUP.search(raw)
    return True  # scripts (governed only) and SVG (parsed below)


def _utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _svg_root(raw: bytes) -> ElementTree.Element | None:
    text = _utf8(raw) or ""
    if re.search(r"<!(?:DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return None  # an SVG needs neither; entities could expand without end
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None
    return root if _local(root.tag) == "svg" else None


def _svg_problem(raw: bytes) -> tuple[str, str] | None:
    root = _svg_root(raw)
    if root is None:
        return "不是有效的 SVG 图片（或带有 DOCTYPE、实体声明）", "删除它，或换成普通的 SVG 图片"
    for element in root.iter():
        name = _local(element.tag)
        active = name in _SVG_ACTIVE or any(
            _local(k).startswith("on")
            or (
                _local(k) == "href"
                and v.strip().lower().startswith(("javascript:", "data:text/html"))
            )
            for k, v in element.attrib.items()
        )
        if active:
            return (
                f"SVG 中有脚本或嵌入的网页（<{name}>）：打开这张图片就会运行或显示任意内容",
                "删除它，或换成不带脚本的 SVG 图片",
            )
    return None


# What moved to site_chrome.py (the text of the site's frame), still reachable from here.
_MOVED = frozenset(
    "Shown shown_texts CHROME_KEYS HTML_KEYS chrome as_prose check_texts chrome_problems".split()
)


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        from . import site_chrome  # it imports this module: not at the top

        return getattr(site_chrome, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
