// Stream alert overlay (an OBS browser source). Listens to the page's event stream and shows one alert at a time.
// Supporter text is only ever set with textContent, so a message can never become markup or script.
(function () {
  "use strict";
  var body = document.body;
  var box = document.getElementById("alerts");
  var seconds = Number(body.getAttribute("data-seconds")) || 6;
  var queue = [];
  var showing = false;
  var lastId = null;
  var source = null;

  function text(tag, className, value) {
    var el = document.createElement(tag);
    el.className = className;
    el.textContent = value;
    return el;
  }

  function render(alert) {
    var el = document.createElement("section");
    el.className = "alert" + (alert.test ? " alert--test" : "");
    el.setAttribute("data-alert-id", alert.id === null ? "test" : String(alert.id));
    if (alert.tippedAt) el.setAttribute("data-tipped-at", alert.tippedAt);
    var name = alert.supporter || body.getAttribute("data-anonymous");
    var line = body.getAttribute("data-tipped").split(/(\{name\}|\{amount\})/);
    var head = document.createElement("p");
    head.className = "alert__head";
    for (var i = 0; i < line.length; i++) {
      if (line[i] === "{name}") head.appendChild(text("strong", "alert__name", name));
      else if (line[i] === "{amount}") head.appendChild(text("strong", "alert__amount", alert.display));
      else if (line[i]) head.appendChild(document.createTextNode(line[i]));
    }
    if (alert.test) el.appendChild(text("span", "alert__badge", body.getAttribute("data-test-badge")));
    el.appendChild(head);
    if (alert.message) el.appendChild(text("p", "alert__message", alert.message));
    return el;
  }

  function next() {
    if (showing || queue.length === 0) return;
    showing = true;
    var el = render(queue.shift());
    box.appendChild(el);
    setTimeout(function () {
      el.className += " alert--leaving";
      setTimeout(function () {
        box.removeChild(el);
        showing = false;
        next();
      }, 400);
    }, seconds * 1000);
  }

  function connect() {
    var url = body.getAttribute("data-events");
    // A new EventSource sends no Last-Event-ID, so the resume point goes in the query instead.
    if (lastId !== null) url += (url.indexOf("?") === -1 ? "?" : "&") + "after=" + encodeURIComponent(lastId);
    source = new EventSource(url);
    source.addEventListener("ready", function (event) {
      if (event.lastEventId) lastId = event.lastEventId;
      body.setAttribute("data-state", "live");
    });
    source.addEventListener("alert", function (event) {
      if (event.lastEventId) lastId = event.lastEventId;
      queue.push(JSON.parse(event.data));
      next();
    });
    source.addEventListener("revoked", function () {
      source.close();
      body.setAttribute("data-state", "revoked");
    });
    source.onerror = function () {
      body.setAttribute("data-state", "reconnecting");
      // The browser retries a broken stream by itself; an answer it will not retry (a 5xx) closes it for good.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
  }

  connect();
})();
