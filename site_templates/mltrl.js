/* mkdocs-mltrl: filter the card index by text, level, tag and owner. The table is complete
   without this script; it only hides rows. No network access, no dependencies. */
(function () {
  "use strict";
  function setup(form) {
    var table = form.parentNode.querySelector("table.mltrl-cards");
    if (!table || form.getAttribute("data-ready")) { return; }
    form.setAttribute("data-ready", "1");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function lines(row, name) {
      var value = row.getAttribute(name) || "";
      return value ? value.split("\n") : [];
    }
    function apply() {
      var text = form.elements.text.value.trim().toLowerCase();
      var level = form.elements.level.value;
      var tag = form.elements.tag.value;
      var owner = form.elements.owner.value;
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!text || row.textContent.toLowerCase().indexOf(text) !== -1 ||
                  lines(row, "data-tags").join(" ").toLowerCase().indexOf(text) !== -1) &&
                 (!level || row.getAttribute("data-level") === level) &&
                 (!tag || lines(row, "data-tags").indexOf(tag) !== -1) &&
                 (!owner || lines(row, "data-owners").indexOf(owner) !== -1);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      form.elements.count.value = shown + " of " + rows.length + " cards";
    }
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.mltrl-filter"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  /* Material's instant navigation replaces the page without a load event. */
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); }
})();
