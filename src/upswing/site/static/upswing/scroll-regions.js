// A table or chart wider than the screen scrolls inside its own box; this makes such a box
// reachable with the keyboard (a focusable, named region) so it can be scrolled without a
// mouse; a chart opens scrolled to its latest periods. Boxes that fit are left out of the
// tab order. Runs on load, after htmx swaps, on resize.
(function () {
  "use strict";
  var SELECTOR = ".table-wrap, .chart-scroll, main table.data";

  function name(box) {
    var caption = box.querySelector("caption, title, h2, h3");
    var text = caption ? caption.textContent.trim().replace(/\s+/g, " ") : "";
    return (text ? text.slice(0, 80) + ", " : "") + "scrolls sideways";
  }

  function mark() {
    document.querySelectorAll(SELECTOR).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var table = box.tagName === "TABLE"; // keeps its own role; only made focusable
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (!table) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name(box));
        }
        box.dataset.scrollRegion = "1";
        // A trend that does not fit opens on its latest periods, at the right.
        if (box.classList.contains("chart-scroll")) box.scrollLeft = box.scrollWidth;
      } else if (!scrolls && box.dataset.scrollRegion) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(mark, 100);
  }
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", later);
})();
