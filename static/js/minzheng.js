// Page behaviour shared by every page, kept out of the HTML so the Content-Security-Policy can
// forbid inline scripts: mark an element with a data attribute instead of writing onclick="…".
(function () {
  "use strict";
  // <select data-autosubmit>: choosing a value submits its form (filters).
  document.addEventListener("change", function (event) {
    var field = event.target.closest ? event.target.closest("[data-autosubmit]") : null;
    if (field && field.form) { field.form.submit(); }
  });
  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { event.preventDefault(); window.print(); }
  });
  // [data-reload-when-finished]: reload once the htmx progress bar inside reports the job done.
  document.addEventListener("htmx:afterSettle", function () {
    if (!document.querySelector("[data-reload-when-finished]")) { return; }
    var bar = document.getElementById("job-progress");
    if (bar && (bar.dataset.status === "succeeded" || bar.dataset.status === "failed")) { window.location.reload(); }
  });
})();
