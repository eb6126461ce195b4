// gantt.js: the Gantt chart's bars may be dragged (issue 14). Dragging a
// bar moves its start and end; dragging one of its ends moves that date;
// the percent slider of a row of the table under the chart saves at once.
// Each change is a POST of the row's form fields to the action's schedule
// URL with its version, which the server checks like the edit form's: a
// refused change snaps back and says why. Without JavaScript the table's
// forms do the same one row at a time.
(function () {
  "use strict";
  var DAY = 86400000;
  function parseDay(s) { var p = s.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function fmt(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function addDays(s, n) { return fmt(parseDay(s) + n * DAY); }

  function start() {
    var svg = document.getElementById("gantt");
    if (!svg || !window.fetch) return;
    var alertBox = document.getElementById("gantt-alert"), live = document.getElementById("gantt-status");
    var from = parseDay(svg.dataset.from), ppd = parseFloat(svg.dataset.ppd);
    var left = parseFloat(svg.dataset.left), right = parseFloat(svg.dataset.right);
    var edit = svg.dataset.edit === "1", drag = null, busy = {};

    function xOf(s) { return left + (parseDay(s) - from) / DAY * ppd; }
    function bars(id) { return svg.querySelectorAll('g.gantt-row[data-id="' + id + '"]'); }
    function tableRows(id) { return document.querySelectorAll('#gantt-table tr[data-id="' + id + '"]'); }

    // draw places a bar for its dates and percent complete.
    function draw(g, s, e, pct) {
      var bar = g.querySelector("rect.gantt-bar");
      if (!bar) return;
      var x1 = xOf(s), x2 = xOf(e) + ppd, cutL = x1 < left, cutR = x2 > right;
      x1 = Math.max(x1, left); x2 = Math.min(x2, right);
      var w = Math.max(x2 - x1, 2);
      bar.setAttribute("x", x1); bar.setAttribute("width", w);
      var done = g.querySelector("rect.gantt-done");
      if (done) {
        var f0 = xOf(s), f1 = xOf(e) + ppd;
        done.setAttribute("x", x1);
        done.setAttribute("width", Math.max(0, Math.min(f0 + (f1 - f0) * pct / 100, x1 + w) - x1));
      }
      var hs = g.querySelector(".gantt-start"), he = g.querySelector(".gantt-end");
      if (hs) { hs.setAttribute("x", x1 - 4); hs.setAttribute("visibility", cutL ? "hidden" : "visible"); }
      if (he) { he.setAttribute("x", x1 + w - 4); he.setAttribute("visibility", cutR ? "hidden" : "visible"); }
      var text = g.querySelector("text.gantt-status");
      if (text) { text.setAttribute("x", x1 + w + 8); text.textContent = g.dataset.status + " · " + pct + "%"; }
      var side = g.previousElementSibling;
      if (side && side.classList.contains("gantt-label-status")) side.textContent = g.dataset.status + " · " + pct + "%";
      var title = g.querySelector("title");
      if (title) title.textContent = title.textContent.replace(/: .*$/, ": " + g.dataset.status + " · " + pct + "%, " + s + " to " + e);
    }

    // show puts an action's saved (or restored) values everywhere it
    // appears: its bars, and its rows' fields in the table.
    function show(id, v) {
      Array.prototype.forEach.call(bars(id), function (g) {
        g.dataset.start = v.start; g.dataset.end = v.end; g.dataset.percent = v.percent;
        if (v.version) g.dataset.version = v.version;
        if (g.dataset.kind === "bar" && v.start && v.end) draw(g, v.start, v.end, v.percent);
      });
      Array.prototype.forEach.call(tableRows(id), function (tr) {
        var f = document.getElementById(tr.id + "-f");
        if (!f) return;
        f.elements.start_date.value = v.start; f.elements.end_date.value = v.end; f.elements.percent.value = v.percent;
        if (v.version) f.elements.version.value = v.version;
        var out = tr.querySelector(".gantt-percent-value");
        if (out) out.textContent = v.percent + "%";
      });
    }

    function current(id) {
      var g = bars(id)[0];
      return { start: g.dataset.start, end: g.dataset.end, percent: +g.dataset.percent, version: g.dataset.version };
    }

    function refuse(msg) {
      alertBox.textContent = msg;
      alertBox.classList.remove("hidden");
    }

    function fallback(status) {
      switch (status) {
        case 403: return "You may not change this action.";
        case 404: return "This action no longer exists, or you can no longer see it.";
        case 409: return "Someone saved this action after you opened the chart. Reload the page to see their changes.";
      }
      return "The change could not be saved. Try again.";
    }

    // save posts an action's new values; refused, it snaps back.
    function save(id, url, v) {
      var before = current(id);
      if (busy[id]) return;
      busy[id] = true;
      Array.prototype.forEach.call(bars(id), function (g) { g.classList.add("saving"); });
      var body = new URLSearchParams({ version: before.version, start_date: v.start, end_date: v.end, percent: String(v.percent) });
      fetch(url, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (r) {
        return r.text().then(function (t) {
          var j = null;
          try { j = JSON.parse(t); } catch (e) { j = null; }
          return { status: r.status, j: j };
        });
      }).then(function (res) {
        if (res.j && res.j.ok) {
          show(id, { start: res.j.start, end: res.j.end, percent: res.j.percent, version: res.j.version });
          alertBox.classList.add("hidden");
          live.textContent = "Saved: " + (res.j.start || "no start") + " to " + (res.j.end || "no end") + ", " + res.j.percent + "% complete.";
          svg.dataset.saved = String(+(svg.dataset.saved || 0) + 1); // tests wait for it
        } else {
          show(id, before);
          var msg = res.j && res.j.message ? res.j.message : fallback(res.status);
          if (res.j && res.j.fields) {
            Object.keys(res.j.fields).forEach(function (k) { if (msg.indexOf(res.j.fields[k]) < 0) msg += " " + res.j.fields[k]; });
          }
          refuse(msg);
          svg.dataset.refused = String(+(svg.dataset.refused || 0) + 1);
        }
      }).catch(function () {
        show(id, before);
        refuse("The change could not be saved: the connection failed. Try again.");
      }).then(function () {
        busy[id] = false;
        Array.prototype.forEach.call(bars(id), function (g) { g.classList.remove("saving"); });
      });
    }

    // Dragging: the pointer's move in days, rounded, applied to the
    // start, the end or both; nothing is saved for a click.
    if (edit) {
      svg.addEventListener("pointerdown", function (e) {
        var g = e.target.closest && e.target.closest("g.gantt-row");
        if (!g || g.dataset.kind !== "bar" || busy[g.dataset.id] || e.button !== 0) return;
        var cl = e.target.classList;
        var mode = cl.contains("gantt-start") ? "start" : cl.contains("gantt-end") ? "end" : cl.contains("gantt-bar") ? "move" : "";
        if (!mode) return;
        e.preventDefault();
        var scale = svg.viewBox.baseVal.width / svg.getBoundingClientRect().width || 1;
        drag = { g: g, mode: mode, x0: e.clientX, scale: scale, s: g.dataset.start, e: g.dataset.end, ns: g.dataset.start, ne: g.dataset.end };
        g.classList.add("dragging");
        svg.setPointerCapture(e.pointerId);
      });
      svg.addEventListener("pointermove", function (e) {
        if (!drag) return;
        var n = Math.round((e.clientX - drag.x0) * drag.scale / ppd), s = drag.s, en = drag.e;
        if (drag.mode === "move") { s = addDays(s, n); en = addDays(en, n); }
        if (drag.mode === "start") { s = addDays(s, n); if (s > en) s = en; }
        if (drag.mode === "end") { en = addDays(en, n); if (en < s) en = s; }
        drag.ns = s; drag.ne = en;
        draw(drag.g, s, en, +drag.g.dataset.percent);
      });
      var end = function (e) {
        if (!drag) return;
        var d = drag;
        drag = null;
        d.g.classList.remove("dragging");
        if (svg.hasPointerCapture && svg.hasPointerCapture(e.pointerId)) svg.releasePointerCapture(e.pointerId);
        if (d.ns === d.s && d.ne === d.e) return;
        save(d.g.dataset.id, d.g.dataset.url, { start: d.ns, end: d.ne, percent: +d.g.dataset.percent });
      };
      svg.addEventListener("pointerup", end);
      svg.addEventListener("pointercancel", function () {
        if (!drag) return;
        show(drag.g.dataset.id, current(drag.g.dataset.id));
        drag.g.classList.remove("dragging");
        drag = null;
      });
    }

    // The table's forms save in place; the slider saves when let go.
    document.querySelectorAll("form.gantt-form").forEach(function (f) {
      var id = f.closest("tr").dataset.id;
      var send = function () {
        save(id, f.action, { start: f.elements.start_date.value, end: f.elements.end_date.value, percent: +f.elements.percent.value });
      };
      f.addEventListener("submit", function (e) { e.preventDefault(); send(); });
      var range = f.elements.percent;
      range.addEventListener("input", function () {
        var out = f.closest("tr").querySelector(".gantt-percent-value");
        if (out) out.textContent = range.value + "%";
      });
      range.addEventListener("change", send);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
