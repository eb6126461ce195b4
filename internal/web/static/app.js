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
