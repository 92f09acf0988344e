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

// The Dashboard app page: Saleor Dashboard posts {type: "handshake", payload: {token, version}}
// to the iframe (the app-bridge protocol). The token goes to the server as JSON, which checks it
// with Saleor's own JWT code and opens a console session; then the console page opens.
(function () {
  "use strict";
  var box = document.getElementById("handshake");
  if (!box) return;
  var status = document.getElementById("handshake-status");
  var done = false;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (done || !data || data.type !== "handshake" || !data.payload || typeof data.payload.token !== "string") return;
    if (window.parent !== window && event.source !== window.parent) return;
    done = true;
    fetch(box.dataset.handshakeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({token: data.payload.token, version: data.payload.version || null})
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (answer) {
      if (answer.ok) { window.location.replace(box.dataset.next); return; }
      status.textContent = answer.body.error || "Refused.";
      status.className = "error";
      status.id = "handshake-error";
      done = false;
    });
  });
})();
