// Long work (an Excel check, a matching run) shown as it goes, without reloading the page: the
// element with data-progress-url polls that JSON endpoint every data-progress-every ms (default
// 1500) and writes each answered key into its [data-progress-field] children (a <progress> gets
// its value). When the answer says done, the page's fresh content is fetched once and put in
// place of <main>. Without JavaScript the page refreshes itself instead (a meta refresh inside
// <noscript>). Plain script, no library: the Content-Security-Policy allows only this site's files.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch || !window.DOMParser) return;
  var url = box.getAttribute("data-progress-url");
  var every = parseInt(box.getAttribute("data-progress-every") || "1500", 10);

  function show(data) {
    var fields = box.querySelectorAll("[data-progress-field]");
    for (var i = 0; i < fields.length; i++) {
      var el = fields[i];
      var value = data[el.getAttribute("data-progress-field")];
      if (value === undefined || value === null) continue;
      if (el.tagName === "PROGRESS") {
        el.value = value;
        el.textContent = value + "%";
      } else if (el.textContent !== String(value)) {
        el.textContent = value;
      }
    }
  }

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var main = document.getElementById("main");
        var freshMain = fresh.getElementById("main");
        if (!main || !freshMain) { window.location.reload(); return; }
        main.innerHTML = freshMain.innerHTML;
        document.title = fresh.title;
        document.documentElement.setAttribute("data-progress-done", "true");
        var heading = main.querySelector("h1");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      })
      .catch(function () { window.location.reload(); });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.done) refresh();
        else window.setTimeout(poll, every);
      })
      .catch(function () { window.setTimeout(poll, every * 2); });
  }

  window.setTimeout(poll, every);
})();
