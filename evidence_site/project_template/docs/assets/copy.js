// One-click copy on /press/: each quotable sentence gets two buttons, one copying the sentence and one
// copying its permanent link. Without JavaScript there are no buttons (nothing that cannot work).
(function () {
  "use strict";
  function copy(text, button, status) {
    function done(ok) {
      status.textContent = ok ? "Copied: " + text : "Could not copy; select the text instead.";
      button.setAttribute("data-copied", ok ? "yes" : "no");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    done(ok);
  }
  function button(label, name, text, status) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button copy-button";
    b.textContent = label;
    b.setAttribute("aria-label", label + ": " + name);
    b.addEventListener("click", function () { copy(text(), b, status); });
    return b;
  }
  function init() {
    var items = document.querySelectorAll("[data-copy-link]");
    if (!items.length) return;
    var status = document.getElementById("copy-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "copy-status";
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    Array.prototype.forEach.call(items, function (item) {
      if (item.querySelector(".copy-buttons")) return;
      var sentence = item.querySelector(".press-quote");
      if (!sentence) return;
      var link = new URL(item.getAttribute("data-copy-link"), window.location.href).href;
      var short = sentence.textContent.trim().slice(0, 60);
      var row = document.createElement("p");
      row.className = "copy-buttons";
      row.appendChild(button("Copy sentence", short, function () { return sentence.textContent.trim(); }, status));
      row.appendChild(button("Copy link", short, function () { return link; }, status));
      item.appendChild(row);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
