/* mkdocs-mltrl: filter the card index by text, level, stage, status, tag and owner, and sort it
   by clicking the level, system level, name and last review headers. Without this script the
   table is in level order, and a paged index links to each of its pages.

   A table that holds every card is sorted and filtered in place. A paged index (a table with
   data-src) holds one page of rows; the script reads every row from that data file, sorts and
   filters the data, and shows one page of rows at a time, built with textContent and attributes
   (never markup from the data). No network access beyond that file, no dependencies. */
(function () {
  "use strict";
  function setup(form) {
    var table = form.parentNode.querySelector("table.mltrl-cards");
    if (!table || form.getAttribute("data-ready")) { return; }
    form.setAttribute("data-ready", "1");
    if (table.getAttribute("data-src")) { setupData(form, table); } else { setupRows(form, table); }
  }

  /* Every row in the page: rows are hidden and moved. */
  function setupRows(form, table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function lines(row, name) {
      var value = row.getAttribute(name) || "";
      return value ? value.split("\n") : [];
    }
    var texts = null; /* each row's text, lower-cased, read at the first text filter */
    function apply() {
      var want = wanted(form);
      if (want.text && !texts) {
        texts = rows.map(function (row) {
          return (row.textContent + " " + lines(row, "data-tags").join(" ")).toLowerCase();
        });
      }
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = (!want.text || texts[i].indexOf(want.text) !== -1) &&
                 (!want.level || row.getAttribute("data-level") === want.level) &&
                 (!want.stage || row.getAttribute("data-stage") === want.stage) &&
                 (!want.status || row.getAttribute("data-status") === want.status) &&
                 (!want.tag || lines(row, "data-tags").indexOf(want.tag) !== -1) &&
                 (!want.owner || lines(row, "data-owners").indexOf(want.owner) !== -1);
        if (row.hidden === ok) { row.hidden = !ok; } /* only rows that change are touched */
        if (ok) { shown += 1; }
      });
      form.elements.count.value = shown + " of " + rows.length + " cards";
    }
    var body = table.tBodies[0];
    sortButtons(table, function (key, descending) {
      var numeric = key === "level" || key === "system";
      var order = sorted(rows.map(function (row) {
        var value = row.getAttribute("data-" + key) || "";
        return numeric ? Number(value) : value;
      }), numeric, descending);
      var moved = document.createDocumentFragment();
      order.forEach(function (i) { moved.appendChild(rows[i]); });
      body.appendChild(moved);
    });
    start(form, apply);
    apply();
  }

  function wanted(form) {
    var e = form.elements;
    return { text: e.text.value.trim().toLowerCase(), level: e.level.value, stage: e.stage.value,
             status: e.status.value, tag: e.tag.value, owner: e.owner.value };
  }

  function start(form, apply) {
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  /* The positions of values in sorted order; ties keep the page's order. */
  function sorted(values, numeric, descending) {
    var order = values.map(function (value, i) { return i; });
    order.sort(function (a, b) {
      var x = values[a], y = values[b];
      var by = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      if (by === 0) { return a - b; }
      return descending ? -by : by;
    });
    return order;
  }

  /* Header buttons: a first click sorts names A-Z and everything else highest first; a second
     click reverses. */
  function sortButtons(table, onSort) {
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
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : key !== "name";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        onSort(key, descending);
      });
    });
  }

  /* A paged index: every row from the data file, one page of rows in the table. The file is asked
     for as soon as this script runs (see the end), before the page's other scripts have set up. */
  var requests = {};
  function request(src) {
    if (!requests[src]) {
      requests[src] = fetch(src, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + src); }
        return response.json();
      });
    }
    return requests[src];
  }
  function setupData(form, table) {
    var src = table.getAttribute("data-src");
    request(src).then(function (data) {
      if (data.version === 1) { pagedTable(form, table, data, src.slice(0, src.lastIndexOf("/") + 1)); }
    }, function () { /* without the data the page stays as it is: one page, linked to the others */ });
    delete requests[src]; /* the next visit (Material's instant navigation) reads the file again */
  }

  function el(name, attributes, text) {
    var node = document.createElement(name);
    for (var key in attributes) { node.setAttribute(key, attributes[key]); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function pagedTable(form, table, data, base) {
    var rows = data.rows, size = Number(table.getAttribute("data-rows-per-page")) || 100;
    var page = Number(table.getAttribute("data-page")) || 1;
    var order = rows.map(function (row, i) { return i; }); /* the page's order: level, name, id */
    var shown = order, texts = null;
    var pager = table.parentNode.parentNode.querySelector("nav.mltrl-pager");
    if (!pager) {
      pager = el("nav", { "class": "mltrl-pager", "aria-label": "Pages of the card index" });
      table.parentNode.parentNode.appendChild(pager);
    }
    function names(row, column, list) { return row[column].map(function (i) { return data[list][i]; }); }
    function pill(level) {
      var info = data.levels[level], frag = document.createDocumentFragment();
      frag.appendChild(el("span", { "class": "mltrl-level mltrl-stage-" + info[1],
        title: "Level " + level + " · " + info[0] + " (" + info[1] + ")" }, String(level)));
      frag.appendChild(document.createTextNode(" "));
      frag.appendChild(el("span", { "class": "mltrl-level-name" }, info[0]));
      return frag;
    }
    function cell(tr, attributes, content) {
      var td = tr.appendChild(el("td", attributes));
      if (typeof content === "string") { td.textContent = content; } else if (content) { td.appendChild(content); }
      return td;
    }
    /* a row as templates/index.html writes it: [id, name, href, level, system, via, unknown,
       status, owners, last review, gates, tags, target] */
    function render(i) {
      var r = rows[i], level = r[3], system = r[4], stage = data.levels[level][1];
      var status = data.statuses[r[7]], owners = names(r, 8, "owners"), gates = data.gates[r[10]];
      var tr = el("tr", { "data-level": level, "data-system": system, "data-name": r[1].toLowerCase(),
        "data-review": r[9], "data-stage": stage, "data-status": status,
        "data-tags": names(r, 11, "tags").join("\n"), "data-owners": owners.join("\n") });
      var link = el("a", { href: base + r[2] });
      link.appendChild(el("code", {}, r[0]));
      cell(tr, { nowrap: "" }, link);
      cell(tr, {}, el("a", { href: base + r[2] }, r[1]));
      cell(tr, {}, pill(level));
      var td = cell(tr, {}, system < level ? pill(system) : String(level));
      if (system < level) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", { "class": "mltrl-muted" }, "via " + r[5]));
      }
      if (r[6].length) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", { "class": "mltrl-muted mltrl-system-unknown" },
          "at most; " + r[6].join(", ") + " unknown"));
      }
      cell(tr, {}, stage);
      cell(tr, {}, el("span", { "class": "mltrl-status mltrl-status-" + status }, status));
      cell(tr, {}, owners.join(", "));
      cell(tr, { "class": "mltrl-date", nowrap: "" }, r[9] || "—");
      cell(tr, {}, gates[1] ? el("span", { "class": "mltrl-gate-unmet", title: gates[0] }, gates[1] + " missing")
                            : el("span", { "class": "mltrl-gate-met" }, "met"));
      if (data.targets) {
        var t = r[12];
        cell(tr, { "class": "mltrl-target", "data-state": t ? t[0] : "" }, t ? el("span", { title: t[1] }, t[0]) : "—");
      }
      return tr;
    }
    function text(r) { /* the row's words, lower-cased: what the text filter looks in */
      var gates = data.gates[r[10]], words = r[0] + " " + r[1] + " " + r[3] + " " + data.levels[r[3]][0] + " ";
      if (r[4] < r[3]) { words += r[4] + " " + data.levels[r[4]][0] + " via " + r[5] + " "; }
      words += r[6].join(" ") + " " + data.levels[r[3]][1] + " " + data.statuses[r[7]] + " " + r[9] + " ";
      words += (gates[1] ? gates[1] + " missing " : "met ") + (r[12] ? r[12][0] + " " : "");
      for (var i = 0; i < r[8].length; i++) { words += data.owners[r[8][i]] + " "; }
      for (var j = 0; j < r[11].length; j++) { words += data.tags[r[11][j]] + " "; }
      return words.toLowerCase();
    }
    function filter() {
      var want = wanted(form);
      if (want.text && !texts) { texts = rows.map(text); }
      var level = want.level === "" ? -1 : Number(want.level);
      var status = data.statuses.indexOf(want.status), tag = data.tags.indexOf(want.tag);
      var owner = data.owners.indexOf(want.owner);
      shown = order.filter(function (i) {
        var r = rows[i];
        return (!want.text || texts[i].indexOf(want.text) !== -1) && (level < 0 || r[3] === level) &&
               (!want.stage || data.levels[r[3]][1] === want.stage) && (status < 0 || r[7] === status) &&
               (tag < 0 || r[11].indexOf(tag) !== -1) && (owner < 0 || r[8].indexOf(owner) !== -1);
      });
      form.elements.count.value = shown.length + " of " + rows.length + " cards";
    }
    function show(number, focus) {
      var pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(Math.max(1, number), pages);
      var body = document.createDocumentFragment(), first = (page - 1) * size;
      shown.slice(first, first + size).forEach(function (i) { body.appendChild(render(i)); });
      table.tBodies[0].textContent = "";
      table.tBodies[0].appendChild(body);
      drawPager(pages, first, Math.min(first + size, shown.length), focus);
    }
    function drawPager(pages, first, last, focus) {
      pager.textContent = "";
      pager.appendChild(el("p", { "class": "mltrl-pager-status" }, shown.length
        ? "Cards " + (first + 1) + "–" + last + " of " + shown.length + ", page " + page + " of " + pages + "."
        : "No card matches."));
      if (pages < 2) { return; }
      var list = pager.appendChild(el("ul"));
      function item(go, label, name) {
        var button = el("button", { type: "button", "data-go": name || go }, label);
        if (go === page && !name) { button.setAttribute("aria-current", "page"); }
        if (name) { button.setAttribute("aria-label", name === "prev" ? "Previous page" : "Next page"); }
        else { button.setAttribute("aria-label", "Page " + go); }
        button.addEventListener("click", function () { show(go, button.getAttribute("data-go")); });
        list.appendChild(el("li")).appendChild(button);
      }
      if (page > 1) { item(page - 1, "Previous", "prev"); }
      var previous = 0;
      for (var n = 1; n <= pages; n++) {
        if (n === 1 || n === pages || Math.abs(n - page) <= 2) {
          if (n > previous + 1) { list.appendChild(el("li", { "aria-hidden": "true" }, "…")); }
          item(n, String(n));
          previous = n;
        }
      }
      if (page < pages) { item(page + 1, "Next", "next"); }
      if (focus) { /* the button pressed, or where it was: keyboard users stay in the pager */
        var target = pager.querySelector("button[data-go=\"" + focus + "\"]") ||
                     pager.querySelector("button[aria-current]");
        if (target) { target.focus(); }
      }
    }
    /* Each column's ascending order, worked out once (while the browser is idle, or at the first
       click); the descending order follows from it. Ties keep the page's order either way. */
    var ascending = {};
    function orderBy(key) {
      if (!ascending[key]) {
        var column = { name: 1, level: 3, system: 4, review: 9 }[key];
        var values = rows.map(function (r) { return key === "name" ? r[1].toLowerCase() : r[column]; });
        var up = [];
        if (key === "level" || key === "system") { /* levels 0-9: one pass, in the page's order */
          var runs = [[], [], [], [], [], [], [], [], [], []];
          values.forEach(function (level, i) { runs[level].push(i); });
          up = up.concat.apply(up, runs);
        } else {
          up = sorted(values, false, false);
        }
        ascending[key] = { order: up, values: values };
      }
      return ascending[key];
    }
    function descending(up) { /* the runs of equal values in reverse, each run in the page's order */
      var out = [], end = up.order.length;
      for (var i = end - 1; i >= 0; i--) {
        if (i === 0 || up.values[up.order[i - 1]] !== up.values[up.order[i]]) {
          for (var j = i; j < end; j++) { out.push(up.order[j]); }
          end = i;
        }
      }
      return out;
    }
    sortButtons(table, function (key, down) {
      var up = orderBy(key);
      order = down ? descending(up) : up.order;
      filter();
      show(1);
    });
    filter();
    drawPager(Math.max(1, Math.ceil(shown.length / size)), (page - 1) * size,
              Math.min(page * size, shown.length)); /* the page's rows are the ones the data gives */
    start(form, function () { filter(); show(1); });
    var later = window.requestIdleCallback || function (task) { return setTimeout(task, 50); };
    ["name", "level", "system", "review"].forEach(function (key) { later(function () { orderBy(key); }); });
    later(function () { if (!texts) { texts = rows.map(text); } });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.mltrl-filter"), setup);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.mltrl-cards[data-src]"), function (table) {
    request(table.getAttribute("data-src")).catch(function () { /* setupData leaves the page as it is */ });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  /* Material's instant navigation replaces the page without a load event. */
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); }
})();
