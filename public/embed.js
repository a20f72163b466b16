/*! Sodam tip widget. <script src="https://HOST/embed.js" data-creator="HANDLE" async></script>
    Options: data-theme="light|dark", data-label="…", data-position="inline|bottom-right|bottom-left". */
(function () {
  "use strict";
  var scripts = document.querySelectorAll("script[data-creator]");
  for (var i = 0; i < scripts.length; i++) {
    var s = scripts[i];
    if (s.getAttribute("data-sodam-ready") || !/\/embed\.js(\?|#|$)/.test(s.src)) continue;
    s.setAttribute("data-sodam-ready", "1");
    setup(s);
  }

  function setup(script) {
    var host = new URL(script.src).origin;
    var handle = script.getAttribute("data-creator") || "";
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(handle)) return;
    var theme = script.getAttribute("data-theme") === "dark" ? "dark" : "light";
    var position = script.getAttribute("data-position") || "inline";
    var label = script.getAttribute("data-label") || (/^ko\b/i.test(navigator.language) ? "소담으로 후원하기" : "Tip with Sodam");
    var widget = host + "/embed/" + encodeURIComponent(handle) + "?parent=" + encodeURIComponent(location.origin) + (theme === "dark" ? "&theme=dark" : "");

    var holder = document.createElement("span");
    var root = holder.attachShadow ? holder.attachShadow({ mode: "open" }) : holder;
    var floating = position === "bottom-right" || position === "bottom-left";
    var css =
      ".b{font:600 16px/1.2 system-ui,sans-serif;padding:12px 20px;min-height:44px;border:0;border-radius:999px;cursor:pointer;" +
      (theme === "dark" ? "background:#ff8a65;color:#1b120d}" : "background:#c4461f;color:#fff}") +
      ".b:focus-visible{outline:3px solid #1f6feb;outline-offset:2px}" +
      (floating ? ".b{position:fixed;bottom:20px;" + (position === "bottom-left" ? "left" : "right") + ":20px;z-index:2147483000;box-shadow:0 4px 16px rgba(0,0,0,.25)}" : "");
    var style = document.createElement("style");
    style.textContent = css;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "b";
    button.textContent = label;
    button.setAttribute("data-sodam-button", handle);
    root.appendChild(style);
    root.appendChild(button);
    script.parentNode.insertBefore(holder, script.nextSibling);

    var backdrop = null;
    var frame = null;

    function close() {
      if (!backdrop) return;
      backdrop.parentNode.removeChild(backdrop);
      backdrop = frame = null;
      document.removeEventListener("keydown", onKey);
      button.focus();
    }
    function onKey(event) {
      if (event.key === "Escape") close();
    }

    button.addEventListener("click", function () {
      if (backdrop) return;
      backdrop = document.createElement("div");
      backdrop.setAttribute("data-sodam-overlay", handle);
      backdrop.style.cssText =
        "position:fixed;inset:0;z-index:2147483001;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;padding:12px";
      frame = document.createElement("iframe");
      frame.src = widget;
      frame.title = label;
      frame.setAttribute("allow", "payment");
      frame.style.cssText = "border:0;border-radius:16px;width:420px;max-width:100%;height:560px;max-height:calc(100vh - 24px);background:transparent";
      backdrop.appendChild(frame);
      backdrop.addEventListener("click", function (event) {
        if (event.target === backdrop) close();
      });
      document.body.appendChild(backdrop);
      document.addEventListener("keydown", onKey);
      frame.focus();
    });

    // Only messages from Sodam's origin and from this widget's own frame count.
    window.addEventListener("message", function (event) {
      if (event.origin !== host || !frame || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === "sodam:resize" && typeof data.height === "number") frame.style.height = Math.min(Math.max(data.height, 200), 2000) + "px";
      else if (data.type === "sodam:close") close();
      else if (data.type === "sodam:tipped" && typeof data.tipId === "string") {
        script.dispatchEvent(new CustomEvent("sodam:tipped", { bubbles: true, detail: { tipId: data.tipId, creator: handle } }));
      }
    });
  }
})();
