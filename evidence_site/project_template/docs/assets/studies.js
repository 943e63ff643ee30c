// Sorting (vendored tablesort) and filtering for the studies table. Without JavaScript the
// full table is still there; the filter form stays hidden.
(function () {
  "use strict";
  function init() {
    var table = document.getElementById("studies-table");
    if (!table) return;
    if (window.Tablesort) new window.Tablesort(table);
    var form = document.getElementById("study-filters");
    var status = document.getElementById("filter-status");
    if (!form) return;
    form.hidden = false;
    var selects = form.querySelectorAll("select[data-filter]");
    function apply() {
      var shown = 0, rows = table.tBodies[0].rows;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i], visible = true;
        for (var j = 0; j < selects.length; j++) {
          var want = selects[j].value;
          if (!want) continue;
          var have = (row.getAttribute("data-" + selects[j].getAttribute("data-filter")) || "").split(" ");
          if (have.indexOf(want) === -1) visible = false;
        }
        row.hidden = !visible;
        if (visible) shown++;
      }
      status.textContent = "Showing " + shown + " of " + rows.length + " studies.";
    }
    for (var k = 0; k < selects.length; k++) selects[k].addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
