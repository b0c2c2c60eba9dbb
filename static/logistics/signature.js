// Progressive enhancement: a drawn signature goes into the hidden "signature" field as a PNG
// data URL. Without JavaScript the canvas stays hidden and the form still works.
(function () {
  var field = document.getElementById("signature-field");
  var canvas = document.getElementById("signature-pad");
  var input = document.querySelector("input[name=signature]");
  if (!field || !canvas || !input || !canvas.getContext) return;
  field.hidden = false;
  var ctx = canvas.getContext("2d");
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  var drawing = false, drawn = false;
  function point(e) {
    var r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
  }
  canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); });
  canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = point(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; });
  ["pointerup", "pointerleave"].forEach(function (n) { canvas.addEventListener(n, function () { drawing = false; }); });
  document.getElementById("signature-clear").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; input.value = ""; });
  canvas.closest("form").addEventListener("submit", function () { if (drawn) input.value = canvas.toDataURL("image/png"); });
})();
