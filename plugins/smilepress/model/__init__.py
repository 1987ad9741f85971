"""What the department's files mean: the second layer, built only on load/.

policies: roles, people and the editorial workflow; article: the content model (an article's front
matter, approvals and digest); regulation: the management regulation as checked data; kpis:
indicators, their formulas and the monthly metrics; plans: promotion plans and the budget;
findings: what every check reports.
"""
