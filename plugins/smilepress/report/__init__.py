"""Reports for people and machines: the fifth layer (with pages/), built on a Project.

formats: findings as text, JSON, GitHub annotations, SARIF, and the preview box; pull_request: the
review summary posted on a pull request; board: the editorial board (articles on main and on
content/ branches, what each waits for) and its terminal view; audit_trail: an article's transitions
and approvals from git; leak_guard: scans every public and internal build for what must not be
there.
"""
