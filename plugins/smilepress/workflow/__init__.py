"""The editorial workflow: the fourth layer, built on checks/, model/ and load/.

approvals: whether each approval counts (proven by git, bound to the content's digest); gate:
THE publication predicate; front_matter_edit: surgical front-matter edits; commands: the workflow
commands (new, submit, approve, request-changes, publish, archive) and who may run them;
forge_reviews: a merged pull request and its reviews as GitHub or GitLab tell them; recorder: CI's
recorder, which turns approving reviews into approval lines and records/reviews.yml entries in one
commit signed with the recorder key.
site_config: what mkdocs.yml and its static folders may put on a public or internal site.
site_chrome: the text a public page shows besides the article (the frame, the theme's templates,
static files, labels from data), checked with the public rule packs.

project.py (beside this package, in the same layer) composes load/, checks/ and the gate into a
Project; the commands work on a Project.
"""
