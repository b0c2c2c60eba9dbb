// A form came back with errors: bring its summary into view and give it the focus, so that the
// person (and a screen reader) starts there. Loaded only on such a page (partials/form_errors.html).
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
