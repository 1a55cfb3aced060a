/* mkdocs-mltrl: filter the card index by text, level, stage, status, tag and owner, and sort it
   by clicking the level, system level, name and last review headers. The table is complete and in
   level order without this script. No network access, no dependencies. */
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
    var texts = null; /* each row's text, lower-cased, read at the first text filter */
    function apply() {
      var text = form.elements.text.value.trim().toLowerCase();
      var level = form.elements.level.value;
      var tag = form.elements.tag.value;
      var stage = form.elements.stage.value;
      var status = form.elements.status.value;
      var owner = form.elements.owner.value;
      if (text && !texts) {
        texts = rows.map(function (row) {
          return (row.textContent + " " + lines(row, "data-tags").join(" ")).toLowerCase();
        });
      }
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = (!text || texts[i].indexOf(text) !== -1) &&
                 (!level || row.getAttribute("data-level") === level) &&
                 (!stage || row.getAttribute("data-stage") === stage) &&
                 (!status || row.getAttribute("data-status") === status) &&
                 (!tag || lines(row, "data-tags").indexOf(tag) !== -1) &&
                 (!owner || lines(row, "data-owners").indexOf(owner) !== -1);
        if (row.hidden === ok) { row.hidden = !ok; } /* only rows that change are touched */
        if (ok) { shown += 1; }
      });
      form.elements.count.value = shown + " of " + rows.length + " cards";
    }
    setupSort(table, rows);
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  function setupSort(table, rows) {
    var body = table.tBodies[0];
    var original = rows.slice();
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th) {
      var key = th.getAttribute("data-sort");
      if (!key) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mltrl-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        /* a second click reverses; a first click sorts names A-Z and everything else highest first */
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : key !== "name";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var numeric = key === "level" || key === "system";
        /* each row's key read once; ties keep the page's order (the rows' first positions) */
        var keyed = original.map(function (row, i) {
          var value = row.getAttribute("data-" + key) || "";
          return { row: row, value: numeric ? Number(value) : value, position: i };
        });
        keyed.sort(function (a, b) {
          var x = a.value, y = b.value;
          var order = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
          if (order === 0) { return a.position - b.position; }
          return descending ? -order : order;
        });
        var moved = document.createDocumentFragment();
        keyed.forEach(function (item) { moved.appendChild(item.row); });
        body.appendChild(moved);
      });
    });
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
