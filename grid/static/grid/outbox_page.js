// The 待发送 page: list what waits on the phone (events from outbox.js), send on demand.
(function () {
  "use strict";
document.addEventListener("mz-outbox", function (ev) {
  var box = document.getElementById("outbox-list");
  box.innerHTML = "";
  if (!ev.detail.length) { box.innerHTML = '<p class="text-muted">没有待发送的记录。</p>'; return; }
  ev.detail.forEach(function (item) {
    var card = document.createElement("div");
    card.className = "card" + (item.state === "conflict" ? " border-danger" : "");
    var body = document.createElement("div"); body.className = "card-body py-2 small";
    var title = document.createElement("strong"); title.textContent = (item.kind === "visit" ? "入户走访" : "网格事件") + " · " + new Date(item.saved_at).toLocaleString("zh-CN");
    body.appendChild(title);
    var text = document.createElement("div"); text.textContent = item.fields.description || item.fields.seen || ""; body.appendChild(text);
    if (item.error) { var err = document.createElement("div"); err.className = "text-danger"; err.textContent = item.error; body.appendChild(err); }
    if (item.state === "conflict") {
      var done = document.createElement("button"); done.type = "button"; done.className = "btn btn-sm btn-outline-danger mt-1"; done.textContent = "已核对，移除";
      done.addEventListener("click", function () { MZOutbox.drop(item.client_id).then(MZOutbox.showCount); });
      body.appendChild(done);
    }
    if (item.state === "refused") {
      /* the server will not take it as it is (the reason is above): the worker may drop it */
      var del = document.createElement("button"); del.type = "button"; del.className = "btn btn-sm btn-outline-secondary mt-1"; del.textContent = "删除此条";
      del.addEventListener("click", function () {
        if (window.confirm("删除后这条记录不再发送，确定删除？")) MZOutbox.drop(item.client_id).then(MZOutbox.showCount);
      });
      body.appendChild(del);
    }
    card.appendChild(body); box.appendChild(card);
  });
});
document.getElementById("send-now").addEventListener("click", function () { MZOutbox.send(); });
})();
