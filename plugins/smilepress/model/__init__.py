"""What the department's files mean: the second layer, built only on load/.

policies: roles, people and the editorial workflow; article: the content model (an article's front
matter, approvals and digest); regulation: the management regulation as checked data; findings: what
every check reports.
"""
