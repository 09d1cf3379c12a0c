/* The phone forms: pick a household by typing (never a long list), the GPS point when the phone
   gives one, photos shrunk on the phone (about 1280 px), and the resident's signature drawn on the screen. */
(function () {
  "use strict";
  function debounce(fn, ms) { var t; return function () { var a = arguments; clearTimeout(t); t = setTimeout(function () { fn.apply(null, a); }, ms); }; }

  function picker(box) {
    var input = box.querySelector("input[type=search]"), hidden = box.querySelector("input[type=hidden]");
    var person = box.querySelector("input[data-person]"), list = box.querySelector(".mz-suggest");
    var shown = box.querySelector(".mz-picked"), mine = JSON.parse(box.dataset.mine || "[]");
    function show(rows) {
      list.innerHTML = "";
      rows.forEach(function (row) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "list-group-item list-group-item-action"; b.textContent = row.label;
        b.addEventListener("click", function () {
          hidden.value = row.household || row.id; if (person) person.value = row.person || "";
          shown.textContent = "已选：" + row.label; input.value = ""; list.innerHTML = "";
        });
        list.appendChild(b);
      });
    }
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { show([]); return; }
      if (!navigator.onLine) {
        show(mine.filter(function (r) { return r.label.indexOf(q) >= 0; }).slice(0, 10));
        return;
      }
      fetch(box.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) { show(body.results); })
        .catch(function () { show(mine.filter(function (r) { return r.label.indexOf(q) >= 0; }).slice(0, 10)); });
    }, 250));
    document.addEventListener("mz-reset", function () { hidden.value = ""; if (person) person.value = ""; shown.textContent = ""; });
  }

  function locate(button) {
    var form = button.form;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { button.textContent = "手机不支持定位"; return; }
      button.textContent = "正在定位……";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.latitude.value = pos.coords.latitude.toFixed(6);
        form.longitude.value = pos.coords.longitude.toFixed(6);
        button.textContent = "已定位";
      }, function () { button.textContent = "未能定位（可不填）"; }, { timeout: 10000 });
    });
  }

  /* Photos leave the phone at most 1280 px wide, as JPEG: tens of KB, not megabytes. */
  window.MZ_SHRINK = function (file) {
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
        var c = document.createElement("canvas");
        c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
        c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        resolve(c.toDataURL("image/jpeg", 0.7));
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        var r = new FileReader(); r.onload = function () { resolve(r.result); }; r.readAsDataURL(file);
      };
      img.src = url;
    });
  };

  function signature(canvas) {
    var field = document.getElementById(canvas.dataset.field), ctx = canvas.getContext("2d"), down = false;
    function pos(e) { var r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; }
    canvas.addEventListener("pointerdown", function (e) { down = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault(); });
    canvas.addEventListener("pointermove", function (e) { if (!down) return; var p = pos(e); ctx.lineWidth = 2; ctx.lineTo(p[0], p[1]); ctx.stroke(); });
    window.addEventListener("pointerup", function () { if (down) { down = false; field.value = canvas.toDataURL("image/png"); } });
    var clear = document.querySelector("[data-clear='" + canvas.id + "']");
    function wipe() { ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; }
    if (clear) clear.addEventListener("click", wipe);
    document.addEventListener("mz-reset", wipe);
  }

  function photos(input) {
    var count = input.form.querySelector(".mz-photo-count");
    function show() { count.textContent = input.files.length ? "已选" + input.files.length + "张照片" : "未选照片"; }
    input.addEventListener("change", show);
    document.addEventListener("mz-reset", show);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-photos]").forEach(photos);
    document.querySelectorAll("[data-picker]").forEach(picker);
    document.querySelectorAll("[data-locate]").forEach(locate);
    document.querySelectorAll("canvas[data-field]").forEach(signature);
  });
})();
