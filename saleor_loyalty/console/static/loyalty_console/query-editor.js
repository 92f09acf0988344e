// A tiny GraphQL query editor that needs no network beyond the API itself (no CDN):
// a query, variables (JSON), an Authorization header, Run, and the response.
(function () {
  "use strict";
  function start(form) {
    var output = form.querySelector("[data-output]") || document.querySelector("[data-output]");
    var stored = window.sessionStorage ? window.sessionStorage.getItem("loyalty-query") : null;
    if (stored && !form.elements.query.value.trim()) form.elements.query.value = stored;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var variables = null;
      var text = form.elements.variables.value.trim();
      if (text) {
        try { variables = JSON.parse(text); } catch (error) { output.textContent = "Variables are not JSON: " + error.message; return; }
      }
      var headers = {"Content-Type": "application/json"};
      var auth = form.elements.authorization.value.trim();
      if (auth) headers.Authorization = /^bearer /i.test(auth) ? auth : "Bearer " + auth;
      if (window.sessionStorage) window.sessionStorage.setItem("loyalty-query", form.elements.query.value);
      output.textContent = "...";
      fetch(form.dataset.endpoint || window.location.pathname, {method: "POST", headers: headers, credentials: "omit",
                                    body: JSON.stringify({query: form.elements.query.value, variables: variables})})
        .then(function (response) {
          return response.text().then(function (body) {
            try { body = JSON.stringify(JSON.parse(body), null, 2); } catch (ignored) { /* not JSON: show as is */ }
            output.textContent = "HTTP " + response.status + "\n" + body;
          });
        })
        .catch(function (error) { output.textContent = "Request failed: " + error.message; });
    });
  }
  var forms = document.querySelectorAll("form[data-endpoint]");
  for (var i = 0; i < forms.length; i++) start(forms[i]);
})();
