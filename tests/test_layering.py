"""The core works without MkDocs: only the glue modules may import it."""
import ast
from pathlib import Path

import smilepress

PACKAGE = Path(smilepress.__file__).parent
GLUE = {"mkdocs_plugin.py", "cli.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level and node.module:
            names.add("." + node.module.split(".")[0])
    return names


def test_core_modules_do_not_import_mkdocs_or_the_glue():
    core = [p for p in PACKAGE.glob("*.py") if p.name not in GLUE]
    assert len(core) >= 10
    for path in core:
        names = imported_modules(path)
        assert "mkdocs" not in names and "markdown" not in names, path.name
        assert not names & {".cli", ".mkdocs_plugin"}, path.name


def test_one_publication_predicate():
    """Only gate.py decides; everything else calls gate.decide through Entry.decision."""
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "gate.py":
            assert "publishable_states" not in text or path.name in {"policies.py", "project.py", "guard.py"}, path.name
