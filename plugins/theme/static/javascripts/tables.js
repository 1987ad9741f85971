// A wide table scrolls sideways inside Material's wrapper: keyboard users must be able to reach the
// wrapper to scroll it, and screen readers should hear what it is (axe: scrollable-region-focusable).
function smilepressScrollableTables() {
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "表格（可左右滚动）");
  }
}
if (typeof document$ !== "undefined") {
  document$.subscribe(smilepressScrollableTables); // Material re-renders pages without reloading
} else {
  document.addEventListener("DOMContentLoaded", smilepressScrollableTables);
}
