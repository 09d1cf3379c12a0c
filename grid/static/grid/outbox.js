/* The phone's outbox (issue 20 §3): a report or a visit is saved on the phone first, with an id
   made here, then sent; it leaves the outbox only when the server has it (201 new, 200 already
   stored, 409 stored with a conflict to show). Nothing typed is lost and a resend never doubles. */
(function () {
  "use strict";
  // the page passes its addresses as data attributes of this script tag (no inline script: CSP)
  var SCRIPT = document.currentScript, DATA = (SCRIPT && SCRIPT.dataset) || {};
  var SYNC_URL = DATA.syncUrl || window.MZ_SYNC_URL || "/grid/sync/", SW_URL = DATA.swUrl || window.MZ_SW_URL;
  var DB = "minzheng-outbox", STORE = "items";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), out = fn(store);
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function drop(id) { return tx("readwrite", function (s) { s.delete(id); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showCount() {
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state !== "conflict"; }).length;
      document.querySelectorAll(".mz-outbox").forEach(function (el) {
        el.querySelector(".mz-outbox-n").textContent = items.length;
        el.classList.toggle("d-none", items.length === 0);
        el.classList.toggle("btn-danger", items.length > waiting);
      });
      document.dispatchEvent(new CustomEvent("mz-outbox", { detail: items }));
      return items;
    }).catch(function () { /* private mode without storage: the forms post normally */ });
  }

  /* Sending. Everything waiting goes in one request to the batch endpoint (SYNC_URL + "batch/"),
     split at BATCH_ITEMS items or about BATCH_BYTES; the server answers each item: stored or
     duplicate (it leaves the phone), conflict (kept, marked for the worker to read), refused (kept
     with the reason, sent again later). A server without the batch endpoint (404/405), or one
     refusing the size (413), gets the items one by one on SYNC_URL, as before. */
  var BATCH_URL = DATA.batchUrl || SYNC_URL.replace(/\/?$/, "/") + "batch/";
  /* about 2 MB a request keeps each send short on a weak link; an item larger than that goes alone
     (the server reads a batch from the stream, up to 20 MB) */
  var BATCH_ITEMS = 20, BATCH_BYTES = 2 * 1024 * 1024, batchMissing = false;
  var EXPIRED = "登录已过期，请重新登录后自动发送", BUSY = "服务器暂时无法接收，稍后自动重试";

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body, redirect: "manual"
    });
  }
  function expired(res) { return res.type === "opaqueredirect" || res.status === 403; }
  function keep(item, error) { item.error = error; return put(item); }
  function each(items, fn) {
    return items.reduce(function (chain, item) { return chain.then(function () { return fn(item); }); }, Promise.resolve());
  }

  function sendOne(item) {
    return post(SYNC_URL, JSON.stringify(item)).then(function (res) {
      if (res.status === 201 || res.status === 200) return drop(item.client_id);
      if (expired(res)) return keep(item, EXPIRED);
      return res.json().then(function (body) {
        if (res.status === 409) { item.state = "conflict"; return keep(item, body.conflict); }
        return keep(item, body.message || "发送失败");
      }, function () { return keep(item, BUSY); });
    }, function () { /* still offline: keep it */ });
  }

  function settle(items, results) {
    var answers = {};
    (results || []).forEach(function (r) { answers[r.client_id] = r; });
    return each(items, function (item) {
      var r = answers[item.client_id];
      if (!r) return keep(item, BUSY);
      if (r.status === "stored" || r.status === "duplicate") return drop(item.client_id);
      if (r.status === "conflict") { item.state = "conflict"; return keep(item, r.conflict || r.message); }
      item.state = "refused";
      return keep(item, r.message || "发送失败");
    });
  }

  function sendBatch(items) {
    if (batchMissing) return each(items, sendOne);
    return post(BATCH_URL, JSON.stringify({ items: items })).then(function (res) {
      if (res.status === 200) {
        return res.json().then(function (body) { return settle(items, body.results); },
                               function () { return each(items, function (i) { return keep(i, BUSY); }); });
      }
      if (expired(res)) return each(items, function (i) { return keep(i, EXPIRED); });
      if (res.status === 404 || res.status === 405) batchMissing = true;
      if (res.status === 404 || res.status === 405 || res.status === 413) return each(items, sendOne);
      return each(items, function (i) { return keep(i, BUSY); });
    }, function () { /* still offline: keep them */ });
  }

  function batches(items) {
    var out = [], current = [], size = 0;
    items.forEach(function (item) {
      var bytes = JSON.stringify(item).length;
      if (current.length && (current.length >= BATCH_ITEMS || size + bytes > BATCH_BYTES)) { out.push(current); current = []; size = 0; }
      current.push(item); size += bytes;
    });
    if (current.length) out.push(current);
    return out;
  }

  var sending = false;
  function send() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state !== "conflict"; });
      return batches(waiting).reduce(function (chain, batch) {
        return chain.then(function () { return sendBatch(batch); });
      }, Promise.resolve());
    }).then(function () { sending = false; return showCount(); }, function () { sending = false; });
  }

  /* A form marked data-outbox="event|visit" is saved to the outbox instead of posted. */
  function readFiles(input) {
    var files = input ? Array.prototype.slice.call(input.files || []) : [];
    return Promise.all(files.map(function (file) { return (window.MZ_SHRINK || readAsDataURL)(file); }));
  }
  function readAsDataURL(file) {
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
      r.readAsDataURL(file);
    });
  }
  function capture(form) {
    var own = form.querySelector("[name=client_id]");
    if (own) own.value = newId(); /* a page kept by the service worker must not reuse its id */
    form.addEventListener("submit", function (ev) {
      if (!window.indexedDB) return;
      ev.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, key) {
        if (typeof value !== "string" || key === "csrfmiddlewaretoken" || key === "client_id") return;
        if (key in fields) fields[key] = [].concat(fields[key], value); else fields[key] = value;
      });
      var id = form.querySelector("[name=client_id]");
      var item = { client_id: (id && id.value) || newId(), kind: form.dataset.outbox, fields: fields,
                   saved_at: new Date().toISOString(), title: form.dataset.title || "" };
      readFiles(form.querySelector("input[type=file]")).then(function (photos) {
        item.photos = photos;
        return put(item);
      }).then(function () {
        form.reset();
        if (id) id.value = newId(); /* the next report gets a new id */
        document.dispatchEvent(new CustomEvent("mz-reset", { detail: form }));
        document.dispatchEvent(new CustomEvent("mz-saved", { detail: item }));
        var note = document.getElementById("mz-saved");
        if (note) { note.classList.remove("d-none"); note.textContent = navigator.onLine ? "已保存，正在发送……" : "已保存在手机上，有信号时自动发送"; }
        return showCount();
      }).then(send);
    });
  }

  window.MZOutbox = { all: all, drop: drop, put: put, send: send, sendOne: sendOne, showCount: showCount, newId: newId };
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-outbox]").forEach(capture);
    showCount().then(send);
  });
  window.addEventListener("online", send);
  setInterval(send, 60000);
  if ("serviceWorker" in navigator && SW_URL) {
    navigator.serviceWorker.register(SW_URL, { scope: "/grid/" }).catch(function () {});
  }
})();
