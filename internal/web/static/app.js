// Progressive enhancement only: every page works without this file.
// Filters lists in place as the user types in a box marked data-filter.
document.addEventListener("input", function (e) {
  var box = e.target;
  var sel = box.getAttribute && box.getAttribute("data-filter");
  if (!sel) return;
  var list = document.querySelector(sel);
  if (!list) return;
  var q = box.value.trim().toLowerCase();
  list.querySelectorAll("[data-text]").forEach(function (li) {
    li.classList.toggle("hidden", q !== "" && li.getAttribute("data-text").toLowerCase().indexOf(q) < 0);
  });
});
// Keep the switcher search from navigating while filtering in place:
// Enter still submits to /instances, which works without JavaScript.

// Ask before a destructive form submits (a form or its submit button
// marked data-confirm). A "{who}" in the question names the subject from
// the nearest data-who, so a list states each row's name once rather than
// in every question.
document.addEventListener("submit", function (e) {
  var el = e.submitter && e.submitter.hasAttribute("data-confirm") ? e.submitter : e.target;
  var msg = el.getAttribute && el.getAttribute("data-confirm");
  if (!msg) return;
  var who = el.closest("[data-who]");
  if (who) msg = msg.replace("{who}", who.getAttribute("data-who"));
  if (!window.confirm(msg)) e.preventDefault();
});

// Pasting several lines into one grid cell fills the cells below it,
// the way a spreadsheet column pastes.
document.addEventListener("paste", function (e) {
  var input = e.target;
  var col = input.getAttribute && input.getAttribute("data-col");
  if (!col) return;
  var text = (e.clipboardData || window.clipboardData).getData("text");
  var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
  if (lines.length < 2) return;
  e.preventDefault();
  var cells = Array.prototype.slice.call(document.querySelectorAll('input[data-col="' + col + '"]'));
  var start = cells.indexOf(input);
  for (var i = 0; i < lines.length && start + i < cells.length; i++) {
    cells[start + i].value = lines[i].split("\t")[0].trim();
  }
});

// Edit User: the tab bar switches sections in place, preset buttons set
// the switches without a round trip, and the Scorecards tab follows the
// All Scorecards switch. Without this file the sections stack, and the
// preset and search buttons submit the form, which re-renders unsaved.
(function () {
  var form = document.getElementById("user-form");
  if (!form) return;
  var nav = form.querySelector("[data-tabs]");
  // The User Activity panel sits after the form (it has its own filter
  // form, and forms cannot nest), so panels are looked up in the page.
  var panels = Array.prototype.slice.call(document.querySelectorAll("[data-tab]"));
  var links = nav ? Array.prototype.slice.call(nav.querySelectorAll("a[href^='#']")) : [];
  var current = "";
  function show(name) {
    var known = panels.some(function (p) { return p.id === name; });
    if (!known) name = panels.length ? panels[0].id : "";
    current = name;
    panels.forEach(function (p) { p.classList.toggle("tab-off", p.id !== name); });
    links.forEach(function (a) {
      var on = a.getAttribute("href") === "#" + name;
      a.classList.toggle("active", on);
      if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  }
  if (nav && panels.length) {
    form.classList.add("js-tabs");
    var first = (location.hash || "").slice(1);
    if (nav.getAttribute("data-active")) first = nav.getAttribute("data-active");
    var err = form.querySelector(".tab-panel .error");
    if (err && err.closest(".tab-panel")) first = err.closest(".tab-panel").id;
    show(first);
    nav.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[href^='#']");
      if (!a) return;
      e.preventDefault();
      show(a.getAttribute("href").slice(1));
      if (window.history && history.replaceState) history.replaceState(null, "", "#" + current);
    });
    window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
    // Come back to the same tab after Save.
    form.addEventListener("submit", function (e) {
      if (e.submitter && e.submitter.hasAttribute("formaction")) return;
      form.setAttribute("action", form.getAttribute("action").split("#")[0] + (current ? "#" + current : ""));
    });
  }

  var perms = Array.prototype.slice.call(form.querySelectorAll("input[name='perm']"));
  var presets = Array.prototype.slice.call(form.querySelectorAll("button[data-perms]"));
  var role = document.getElementById("user-role");
  var presetField = document.getElementById("user-preset");
  function keysOf(b) { return b.getAttribute("data-perms").split(" ").filter(Boolean); }
  function refresh() {
    var on = perms.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }).sort().join(" ");
    var name = "Custom";
    // The button's text, not its value (the preset's key): it is in the instance's Common Terms.
    presets.forEach(function (b) { if (keysOf(b).sort().join(" ") === on) name = b.textContent.trim(); });
    if (role) role.textContent = name;
    var all = form.querySelector("input[name='perm'][value='scorecards.all']");
    var note = document.getElementById("all-scorecards-note");
    var list = document.getElementById("scorecard-choices");
    if (all && note && list) { note.hidden = !all.checked; list.hidden = all.checked; }
  }
  presets.forEach(function (b) {
    b.addEventListener("click", function (e) {
      e.preventDefault();
      var keys = keysOf(b);
      perms.forEach(function (c) { c.checked = keys.indexOf(c.value) >= 0; });
      if (presetField) presetField.value = b.value;
      presets.forEach(function (o) { o.classList.toggle("applied", o === b); });
      refresh();
      // Said, not only shown: the switches changed out of sight.
      var said = document.getElementById("preset-status");
      if (said) said.textContent = b.textContent.trim() + " preset applied: " + keys.length + " of " + perms.length + " permissions on. Save to keep it.";
    });
  });
  form.addEventListener("change", function (e) {
    if (e.target.name === "perm") refresh();
  });
  // Enter in a favourites filter searches instead of saving (keypress is
  // stopped too: some input paths submit on it even when keydown was).
  function searchTarget(e) {
    var sel = e.key === "Enter" && e.target.getAttribute && e.target.getAttribute("data-submit");
    return sel ? document.querySelector(sel) : null;
  }
  form.addEventListener("keydown", function (e) {
    var btn = searchTarget(e);
    if (!btn) return;
    e.preventDefault();
    btn.click();
  });
  form.addEventListener("keypress", function (e) {
    if (searchTarget(e)) e.preventDefault();
  });
})();

// Scorecard tree: container rows get a toggle that hides and shows the
// rows beneath them. Without JavaScript every row stays visible.
(function () {
  var table = document.getElementById("scorecard-tree");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-id]"));
  function descendants(i) {
    var depth = rowDepth(rows[i]), out = [];
    for (var j = i + 1; j < rows.length && rowDepth(rows[j]) > depth; j++) out.push(rows[j]);
    return out;
  }
  function rowDepth(tr) {
    var m = /depth-(\d+)/.exec(tr.className);
    return m ? +m[1] : 0;
  }
  rows.forEach(function (tr, i) {
    if (!tr.classList.contains("row-container") || descendants(i).length === 0) return;
    var cell = tr.querySelector(".title");
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "toggle link";
    btn.setAttribute("aria-expanded", "true");
    btn.setAttribute("aria-label", "Collapse");
    btn.textContent = "▾";
    btn.addEventListener("click", function () {
      var open = btn.getAttribute("aria-expanded") === "true";
      btn.setAttribute("aria-expanded", open ? "false" : "true");
      btn.setAttribute("aria-label", open ? "Expand" : "Collapse");
      btn.textContent = open ? "▸" : "▾";
      descendants(i).forEach(function (d) {
        d.classList.toggle("hidden", open);
        var inner = d.querySelector("button.toggle");
        if (inner && !open) { inner.setAttribute("aria-expanded", "true"); inner.textContent = "▾"; }
      });
    });
    cell.insertBefore(btn, cell.firstChild);
  });
})();

// Header and row menus (<details class="menu">) close on Escape, giving
// focus back to their summary, and when focus or a click goes elsewhere,
// so an open menu never covers the controls after it.
document.addEventListener("keydown", function (e) {
  if (e.key !== "Escape") return;
  var open = e.target.closest && e.target.closest("details.menu[open]");
  if (!open) return;
  open.removeAttribute("open");
  open.querySelector("summary").focus();
});
document.addEventListener("focusin", function (e) {
  document.querySelectorAll("details.menu[open]").forEach(function (d) {
    if (!d.contains(e.target)) d.removeAttribute("open");
  });
});
document.addEventListener("click", function (e) {
  document.querySelectorAll("details.menu[open]").forEach(function (d) {
    if (!d.contains(e.target)) d.removeAttribute("open");
  });
});

// Error summary and status message (views/layout.templ): after a refused
// submit focus goes to the summary, so it is read first and the keyboard
// starts from it; a summary link moves focus to its field. A status
// message ("Saved.") scrolls into view when the page opened further down.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    // The server lists the fields by name; list them in the form's order.
    var list = summary.querySelector(".error-list");
    if (list) {
      var target = function (li) {
        var a = li.querySelector("a[href^='#']");
        return a && document.getElementById(a.getAttribute("href").slice(1));
      };
      Array.prototype.slice.call(list.children).sort(function (x, y) {
        var fx = target(x), fy = target(y);
        if (!fx || !fy) return 0;
        return fx.compareDocumentPosition(fy) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      }).forEach(function (li) { list.appendChild(li); });
    }
    // Again once loaded: scrolling to the URL's #fragment (Edit User's
    // tab) takes focus back to the page.
    var focusSummary = function () {
      if (!document.activeElement || document.activeElement === document.body) summary.focus();
    };
    summary.focus();
    window.addEventListener("load", function () { setTimeout(focusSummary, 0); });
    summary.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[href^='#']");
      if (!a) return;
      var field = document.getElementById(a.getAttribute("href").slice(1));
      if (!field) return;
      e.preventDefault();
      var panel = field.closest("[data-tab]");
      if (panel && panel.classList.contains("tab-off")) location.hash = panel.id;
      var done = false;
      var go = function () {
        if (done) return;
        done = true;
        field.focus();
        field.scrollIntoView({block: "center"});
      };
      // From the keyboard, once the Enter that followed the link is over:
      // a field focused on its keydown would get its keypress and submit
      // the form again.
      if (e.detail === 0) {
        a.addEventListener("keyup", go, {once: true});
        setTimeout(go, 300);
      } else {
        go();
      }
    });
    return;
  }
  var status = document.getElementById("status-message");
  if (!status) return;
  // A save that returns to a part of the page (#data, an Edit User tab)
  // gets its message there, next to what was saved, rather than at the
  // top of the page, scrolled away.
  var place = function () {
    var target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    if (target && !target.contains(status) && target.closest("main")) {
      var head = target.querySelector("h2");
      if (head && head.parentNode === target) head.after(status); else target.prepend(status);
    }
    var r = status.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) status.scrollIntoView({block: "nearest"});
  };
  place();
  window.addEventListener("load", function () { setTimeout(place, 0); });
})();

// A scorecard's top-level rows and dividers (rows with data-move) may be
// dragged to a new place among themselves; the drop posts the same move
// as the rows' Move up/down buttons, with the number of places moved.
// The buttons stay the way to do it from the keyboard.
(function () {
  "use strict";
  function start() {
    var table = document.getElementById("scorecard-tree");
    if (!table) return;
    var body = table.tBodies[0], dragged = null, over = null;
    var movable = function () { return Array.prototype.filter.call(body.rows, function (r) { return r.dataset.move; }); };
    var clear = function () {
      if (over) over.classList.remove("drop-before", "drop-after");
      over = null;
    };
    movable().forEach(function (row) {
      row.draggable = true;
      row.classList.add("draggable");
      row.addEventListener("dragstart", function (e) {
        dragged = row;
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", row.dataset.id || row.id);
      });
      row.addEventListener("dragover", function (e) {
        if (!dragged || dragged === row) return;
        e.preventDefault();
        clear();
        over = row;
        var r = row.getBoundingClientRect();
        row.classList.add(e.clientY < r.top + r.height / 2 ? "drop-before" : "drop-after");
      });
      row.addEventListener("dragleave", function () { if (over === row) clear(); });
      row.addEventListener("drop", function (e) {
        e.preventDefault();
        if (!dragged || dragged === row) return clear();
        var rows = movable(), from = rows.indexOf(dragged), to = rows.indexOf(row);
        var r = row.getBoundingClientRect(), after = e.clientY >= r.top + r.height / 2;
        // The place the dragged row takes, counted without it.
        var place = to + (after ? 1 : 0) - (from < to ? 1 : 0);
        var delta = place - from;
        clear();
        dragged = null;
        if (delta === 0) return;
        var form = document.createElement("form");
        form.method = "post";
        form.action = rows[from].dataset.move;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "delta";
        input.value = String(delta);
        form.appendChild(input);
        document.body.appendChild(form);
        form.submit();
      });
      row.addEventListener("dragend", function () { dragged = null; clear(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
