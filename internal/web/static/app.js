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

// Ask before a destructive form submits (forms marked data-confirm).
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
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
