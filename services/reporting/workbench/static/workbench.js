// 消息: notices, rejections and effects pushed by the server (Server-Sent Events); no library.
(function () {
  "use strict";
  var list = document.getElementById("notices");
  var live = document.getElementById("live");
  if (!list || !window.EventSource) { return; }
  var source = new EventSource("/events");
  function show(event) {
    var shown = JSON.parse(event.data);
    var item = document.createElement("li");
    item.className = "notice " + shown.kind;
    item.dataset.kind = shown.kind;
    item.dataset.causation = shown.causation_id;
    var said = document.createElement("span");
    said.className = "said";
    said.textContent = shown.text;
    item.appendChild(said);
    if (shown.original) {
      // The reasons as the service sent them, for the officer to quote to an integrator.
      var original = document.createElement("small");
      original.className = "original";
      original.lang = "en";
      original.textContent = "原文：" + shown.original;
      item.title = original.textContent;
      item.appendChild(original);
    }
    list.insertBefore(item, list.firstChild);
  }
  ["notice", "rejection", "effect"].forEach(function (kind) {
    source.addEventListener(kind, show);
  });
  source.onopen = function () { live.dataset.state = "open"; live.textContent = "实时消息已连接"; };
  source.onerror = function () { live.dataset.state = "closed"; live.textContent = "实时消息已断开，正在重连…"; };
}());
