// notes.js: the note editor. Where JavaScript runs, the plain textarea
// of a note (data-rich-text) becomes a Trix editor (trix.js, vendored
// from npm "trix" with its MIT licence in trix-LICENSE.txt) writing the
// same form field; without JavaScript the textarea saves as it is. The
// server sanitises every body whichever way it came.
(function () {
  "use strict";
  function upgrade(area) {
    // Trix defines its elements a moment after it loads; the editor
    // element upgrades when that happens.
    if (!window.customElements || !window.Trix) return;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = area.name;
    input.id = area.id + "-input";
    input.value = area.value;
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", input.id);
    editor.id = area.id;
    editor.className = "note-editor";
    var label = document.querySelector('label[for="' + area.id + '"]');
    if (label) {
      label.id = label.id || area.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
      label.removeAttribute("for");
    }
    ["aria-describedby", "aria-invalid"].forEach(function (a) {
      if (area.hasAttribute(a)) editor.setAttribute(a, area.getAttribute(a));
    });
    var hint = document.getElementById("body-hint");
    if (hint) hint.textContent = "Use the toolbar, or keyboard shortcuts such as Ctrl+B for bold. To link to another scorecard object, find it under the editor.";
    area.parentNode.insertBefore(input, area);
    area.parentNode.insertBefore(editor, area);
    area.parentNode.removeChild(area);
  }
  // Files are not kept with notes.
  document.addEventListener("trix-file-accept", function (e) { e.preventDefault(); });
  // Trix names its toolbar buttons with title only; give each an
  // accessible name of its own and group the toolbar.
  document.addEventListener("trix-initialize", function (e) {
    var toolbar = e.target.toolbarElement;
    if (!toolbar) return;
    toolbar.setAttribute("aria-label", "Formatting");
    toolbar.querySelectorAll("button[title]").forEach(function (b) {
      if (!b.getAttribute("aria-label")) b.setAttribute("aria-label", b.getAttribute("title"));
    });
    toolbar.querySelectorAll("input[type=url]").forEach(function (i) {
      if (!i.getAttribute("aria-label")) i.setAttribute("aria-label", "Link address");
    });
  });
  function start() {
    document.querySelectorAll("textarea[data-rich-text]").forEach(upgrade);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The Notes page: rows of #note-types may be dragged into a new order,
// which is posted as a form (order=id, …) to data-order-url. The Up and
// Down buttons in each row do the same without a mouse or JavaScript.
(function () {
  "use strict";
  function start() {
    var table = document.getElementById("note-types");
    if (!table || !table.dataset.orderUrl) return;
    var body = table.tBodies[0], dragged = null;
    Array.prototype.forEach.call(body.rows, function (row) {
      row.draggable = true;
      row.classList.add("draggable");
      row.addEventListener("dragstart", function (e) {
        dragged = row;
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", row.dataset.id);
      });
      row.addEventListener("dragover", function (e) {
        if (!dragged || dragged === row) return;
        e.preventDefault();
        var r = row.getBoundingClientRect();
        body.insertBefore(dragged, e.clientY < r.top + r.height / 2 ? row : row.nextSibling);
      });
      row.addEventListener("drop", function (e) { e.preventDefault(); });
      row.addEventListener("dragend", function () {
        if (!dragged) return;
        dragged = null;
        var form = document.createElement("form");
        form.method = "post";
        form.action = table.dataset.orderUrl;
        Array.prototype.forEach.call(body.rows, function (r) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = "order";
          input.value = r.dataset.id;
          form.appendChild(input);
        });
        document.body.appendChild(form);
        form.submit();
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The editor's link picker: the search runs in place (the page itself is
// fetched with ?link_q= and its results taken), and "Insert link" puts a
// link to the object into the editor where the cursor is.
(function () {
  "use strict";
  function reveal(root) {
    root.querySelectorAll(".insert-link").forEach(function (b) { b.classList.remove("hidden"); });
  }
  function start() {
    var form = document.getElementById("link-search"), results = document.getElementById("link-results");
    if (!form || !results || !window.fetch || !window.DOMParser) return;
    reveal(results);
    form.dataset.ready = "1"; // the search now runs in place (tests wait for it)
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var url = form.action + "?link_q=" + encodeURIComponent(form.elements.link_q.value);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        var found = new DOMParser().parseFromString(html, "text/html").getElementById("link-results");
        results.innerHTML = found ? found.innerHTML : "";
        reveal(results);
      });
    });
    results.addEventListener("click", function (e) {
      var b = e.target.closest(".insert-link"), editor = document.querySelector("trix-editor");
      if (!b || !editor || !editor.editor) return;
      var a = document.createElement("a");
      a.href = b.dataset.url;
      a.textContent = b.dataset.title;
      editor.focus();
      editor.editor.insertHTML(a.outerHTML);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
