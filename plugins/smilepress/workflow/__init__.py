"""The editorial workflow: the fourth layer, built on checks/, model/ and load/.

approvals: whether each approval counts (proven by git, bound to the content's digest); gate:
THE publication predicate; front_matter_edit: surgical front-matter edits; commands: the workflow
commands (new, submit, approve, request-changes, publish, archive) and who may run them.

project.py (beside this package, in the same layer) composes load/, checks/ and the gate into a
Project; the commands work on a Project.
"""
