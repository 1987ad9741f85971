"""The layout is the architecture: an import contract for the package's layers.

Each subpackage (or top-level module) of smilepress belongs to one layer. A module imports only from
its own layer or lower ones; only the glue imports MkDocs or Markdown; a module that is in no layer
fails the build, so a new one cannot dodge the contract. Each checker is also run on a small
violation made up here, so a checker that stopped seeing anything would fail too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import smilepress

PACKAGE = Path(smilepress.__file__).parent
ROOT = "smilepress"

# Lowest to highest. Keys: a subpackage, a top-level module, or "__init__" (the package's own face).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    # Problem, SmilePressError: what every layer reports; the Clock: the run's one day and time
    ("foundation", frozenset({"errors", "clock"})),
    ("load", frozenset({"load"})),  # reading files and git, strictly, with line numbers
    # the reader's view: a page rendered as the site renders it, reduced to what a reader sees
    ("view", frozenset({"view"})),
    ("model", frozenset({"model"})),  # what the files mean: policies, articles, regulation, KPIs
    ("checks", frozenset({"checks"})),  # rule packs, engine, detectors, originality, images
    (
        "workflow",
        frozenset({"workflow", "project", "__init__"}),
    ),  # approvals, the gate, the commands; project.py
    # composes the core into a Project the commands use
    ("output", frozenset({"pages", "report"})),  # generated pages and reports, from a Project
    ("stage", frozenset({"staging"})),  # the gate's output as a staged site, for any engine
    ("ops", frozenset({"ops"})),  # backup, CODEOWNERS, metrics import
    (
        "glue",
        frozenset({"mkdocs_plugin", "zensical_engine", "cli"}),
    ),  # MkDocs plugin and the command: glue only
)
GLUE = "glue"
FRAMEWORKS = frozenset({"mkdocs", "markdown"})  # the core stays free of them (decision 11)
# ... but for the one module that renders a page as the site does (Python-Markdown, never MkDocs).
RENDERER = ("smilepress.view.render", "markdown")

Sources = dict[
    str, tuple[str, bool]
]  # dotted module name -> (source text, is a package's __init__)


def package_sources() -> Sources:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join((ROOT, *parts[:-1])) if is_package else ".".join((ROOT, *parts))
        out[name] = (path.read_text(encoding="utf-8"), is_package)
    return out


def key_of(module: str) -> str:
    """The table key of a module: its subpackage or top-level module, "__init__" for the package
    itself."""
    parts = module.split(".")
    assert parts[0] == ROOT, module
    return parts[1] if len(parts) > 1 else "__init__"


def layer_index(module: str, layers=LAYERS) -> int | None:
    key = key_of(module)
    return next((i for i, (_, keys) in enumerate(layers) if key in keys), None)


def imports(module: str, text: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import, relative ones resolved, lazy ones included."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                assert base, f"{module}:{node.lineno}: a relative import above the package"
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if node.module is None:  # from . import a, b: a and b are modules
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def upward_imports(sources: Sources, layers=LAYERS) -> list[str]:
    """Imports of a higher layer than the importing module's own."""
    names = [name for name, _ in layers]
    bad = []
    for module, (text, is_package) in sources.items():
        own = layer_index(module, layers)
        if own is None:
            continue  # reported by unassigned()
        for line, target in imports(module, text, is_package):
            if target != ROOT and not target.startswith(ROOT + "."):
                continue
            other = layer_index(target, layers)
            if other is None or other > own:
                bad.append(
                    f"{module}:{line} ({names[own]}) imports {target} "
                    f"({names[other] if other is not None else 'in no layer'})"
                )
    return bad


def framework_imports(sources: Sources, layers=LAYERS) -> list[str]:
    """Imports of mkdocs or markdown outside the glue."""
    glue = dict(layers)[GLUE]
    bad = []
    for module, (text, is_package) in sources.items():
        if key_of(module) in glue:
            continue
        bad += [
            f"{module}:{line} imports {target}"
            for line, target in imports(module, text, is_package)
            if target.split(".")[0] in FRAMEWORKS and (module, target) != RENDERER
        ]
    return bad


def unassigned(sources: Sources, layers=LAYERS) -> list[str]:
    return sorted(m for m in sources if layer_index(m, layers) is None)


# -- the contract ----------------------------------------------------------------------------------


def test_the_table_is_well_formed():
    keys = [k for _, ks in LAYERS for k in ks]
    assert len(keys) == len(set(keys)), "a key in two layers"
    assert len({name for name, _ in LAYERS}) == len(LAYERS)
    present = {key_of(m) for m in package_sources()}
    assert set(keys) <= present, f"layers name what is not in the package: {set(keys) - present}"


def test_every_module_is_in_a_layer():
    sources = package_sources()
    assert len(sources) >= 40 and "smilepress.workflow.gate" in sources
    assert unassigned(sources) == []
    # A new subpackage or top-level module that nobody placed is caught:
    assert unassigned(
        {**sources, "smilepress.newthing": ("", False), "smilepress.misc.x": ("", False)}
    ) == ["smilepress.misc.x", "smilepress.newthing"]


def test_modules_import_only_their_own_layer_or_lower_ones():
    sources = package_sources()
    assert upward_imports(sources) == []
    # The checker sees relative, absolute, `from . import` and lazy imports that go up:
    made_up = {
        "smilepress.load.bad": ("from ..checks import engine\n", False),
        "smilepress.model.bad": ("import smilepress.report.board\n", False),
        "smilepress.checks.bad": ("def f():\n    from ..workflow.gate import decide\n", False),
        "smilepress.errors": ("from . import project\n", False),
        "smilepress.report.fine": (
            "from ..project import Project\nfrom ..pages import kpis\nfrom . import board\n",
            False,
        ),
        "smilepress.ops": ("from ..cli import main\n", True),
    }
    found = upward_imports(made_up)
    assert [f.split(" ")[0] for f in found] == [
        "smilepress.load.bad:1",
        "smilepress.model.bad:1",
        "smilepress.checks.bad:2",
        "smilepress.errors:1",
        "smilepress.ops:1",
    ], found


def test_only_the_glue_imports_mkdocs_or_markdown():
    sources = package_sources()
    assert framework_imports(sources) == []
    assert any(
        t.startswith("mkdocs")
        for t in (
            t
            for _, t in imports(
                "smilepress.mkdocs_plugin.plugin", *sources["smilepress.mkdocs_plugin.plugin"]
            )
        )
    )
    made_up = {
        "smilepress.pages.bad": ("import markdown\n", False),
        "smilepress.project": ("def f():\n    from mkdocs.config import load_config\n", False),
        "smilepress.cli.fine": ("from mkdocs.commands.build import build\n", False),
    }
    assert framework_imports(made_up) == [
        "smilepress.pages.bad:1 imports markdown",
        "smilepress.project:2 imports mkdocs.config",
    ]


def test_one_publication_predicate():
    """Only workflow/gate.py decides; everything else calls gate.decide through Entry.decision."""
    readers = {
        "model/policies.py",
        "project.py",
    }  # read the list from policies, never decide
    gate = PACKAGE / "workflow" / "gate.py"
    assert "publishable_states" in gate.read_text(encoding="utf-8")
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel != "workflow/gate.py":
            assert "publishable_states" not in path.read_text(encoding="utf-8") or rel in readers, (
                rel
            )


# -- the light install: checking without the site stack ------------------------------------------

# The extra `site` (pyproject.toml): what only building the sites needs. The pre-commit hook
# installs SmilePress without it, so checking must not import any of it.
SITE_STACK = ("mkdocs", "material", "zensical", "jieba", "jinja2", "PIL", "imagehash", "scipy")
BLOCKER = """
import importlib.abc, json, sys
asked = []
class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked}:
            asked.append(name)
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, NotInstalled())
from smilepress.cli import main
code = main(sys.argv[1:])
print(json.dumps({{"code": code, "asked": sorted(set(asked))}}), file=sys.stderr)
"""


def _without_site_stack(*argv: str) -> tuple[dict, str, str]:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER.format(blocked=set(SITE_STACK)), *argv],
        capture_output=True,
        text=True,
        env=env,
    )
    *err, last = done.stderr.rstrip("\n").split("\n")
    assert last.startswith('{"code"'), done.stderr  # else the command died: its traceback
    return json.loads(last), done.stdout, "\n".join(err)


def test_the_base_install_holds_nothing_of_the_site_stack():
    import tomllib

    pyproject = (PACKAGE.parent.parent / "pyproject.toml").read_text("utf-8")
    project = tomllib.loads(pyproject)["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0] for r in requirements}

    site = {"mkdocs", "mkdocs-material", "zensical", "jieba", "jinja2", "pillow"}
    assert not names(project["dependencies"]) & (site | {"imagehash", "scipy"})
    assert site <= names(project["optional-dependencies"]["site"])


def test_checking_imports_nothing_of_the_site_stack(factory):
    factory.article(
        "education/a.md",
        title="矫正",
        body="隐形矫正是目前最好的矫正方式。\n\n![牙刷](images/brush.png)\n",
        extra="images:\n  - src: images/brush.png\n    licence: own\n    source: 本院设计组\n",
    )
    picture = factory.root / "content/education/images/brush.png"
    picture.parent.mkdir()
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")  # never decoded: there is no Pillow here
    done, out, err = _without_site_stack("check", "content/education/a.md")
    assert "Traceback" not in err and done["code"] == 0, err
    assert ": 需审核 [" in out and "1 处需审核" in out, out  # the text checks ran
    assert set(done["asked"]) <= {"PIL"}, done["asked"]  # only the duplicate check asks, for Pillow
    assert "重复图片由 CI 检查" in err, err  # and the writer is told


def test_building_without_the_site_stack_names_the_extra(factory):
    for engine in ("mkdocs", "zensical"):
        done, out, err = _without_site_stack("build", "--engine", engine)
        assert done["code"] == 2 and "Traceback" not in err, err
        assert "pip install 'smilepress[site]'" in err and "make build" in err, err
