"""Pages of the internal site, generated as Markdown: the fifth layer (with report/).

handbook: the staff handbook from the regulation's data, and the pieces handwritten pages embed (a
package: one module per part of the regulation; its __init__ names them);
diagrams: the org chart and process flowcharts as inline SVG, drawn at build time; kpis: the KPI
dashboard, monthly reports, plans and budget pages; charts: line charts as inline SVG;
editorial: the board, review queue, calendar and compliance summary pages.
"""
