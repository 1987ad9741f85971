"""SmilePress: docs-as-code publishing for a dental clinic's online-operations department.

The core (this package minus `mkdocs_plugin` and `cli`) works without MkDocs: it loads the
department's policies and articles, evaluates approvals against git history, and decides with one
predicate (`workflow.gate.decide`) what each build profile may contain.
"""

from .errors import Problem, SmilePressError
from .project import Entry, Project
from .workflow.gate import PROFILES, Decision, decide

__all__ = ["PROFILES", "Decision", "Entry", "Problem", "Project", "SmilePressError", "decide"]
