// A wide table scrolls sideways inside Material's wrapper: keyboard users must be able to reach the
// wrapper to scroll it, and screen readers should hear which table it is (axe:
// scrollable-region-focusable, landmark-unique). Each is named after the heading above it.
function smilepressScrollableTables() {
  const seen = new Map();
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    const name = `${headingBefore(wrap)}表格`;
    const count = (seen.get(name) || 0) + 1;
    seen.set(name, count);
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", `${count > 1 ? `${name}（${count}）` : name}，可左右滚动`);
  }
}

function headingBefore(element) {
  const headings = [...document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3")];
  const before = headings.filter(
    (h) => h.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  const heading = before[before.length - 1];
  return heading ? `「${heading.textContent.replace(/\u200b/g, "").trim()}」` : "";
}

if (typeof document$ !== "undefined") {
  document$.subscribe(smilepressScrollableTables); // Material re-renders pages without reloading
} else {
  document.addEventListener("DOMContentLoaded", smilepressScrollableTables);
}
