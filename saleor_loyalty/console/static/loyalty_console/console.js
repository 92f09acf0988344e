// The console's only script: small progressive enhancements, nothing a page needs to work.
(function () {
  "use strict";
  // A submit button is disabled once its form is sent, so a double click sends one request
  // (the server's idempotency key makes a second one harmless anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.once === undefined) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
  // Buttons that ask before a destructive action: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
})();
