// Signature pad: <canvas data-signature="NAME"> inside a form; the drawing is put into the hidden
// input NAME as a PNG data URL when the form is submitted. [data-signature-clear] clears it.
(function () {
  "use strict";
  function setUp(canvas) {
    var form = canvas.closest("form");
    var input = form.querySelector('input[name="' + canvas.dataset.signature + '"]');
    var context = canvas.getContext("2d");
    var drawing = false, drawn = false;
    function resize() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = canvas.clientWidth * ratio;
      canvas.height = canvas.clientHeight * ratio;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5; context.lineCap = "round"; context.strokeStyle = "#000";
      drawn = false;
    }
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return [event.clientX - box.left, event.clientY - box.top];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true; canvas.setPointerCapture(event.pointerId);
      var p = point(event); context.beginPath(); context.moveTo(p[0], p[1]);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event); context.lineTo(p[0], p[1]); context.stroke(); drawn = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    var clear = form.querySelector("[data-signature-clear]");
    if (clear) { clear.addEventListener("click", function () { resize(); input.value = ""; }); }
    form.addEventListener("submit", function () { input.value = drawn ? canvas.toDataURL("image/png") : ""; });
    resize();
  }
  document.querySelectorAll("canvas[data-signature]").forEach(setUp);
})();
