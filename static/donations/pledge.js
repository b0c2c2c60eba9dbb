// Progressive enhancement of the pledge form: the page works without it.
// 1. A filter box narrows the commune list. 2. Only the drop-off fields that apply show.
// 3. Choosing a province shows its communes at once (its button, "Show its communes", does it
// without JavaScript).
(function () {
  var province = document.getElementById("id_province");
  var pick = document.querySelector("button[name=pick_province]");
  if (province && pick) {
    pick.parentNode.hidden = true;  // (its paragraph: .button's display would beat `hidden`)
    province.addEventListener("change", function () { pick.click(); });
  }
  var select = document.getElementById("id_commune");
  var box = document.getElementById("commune-filter");
  if (select && box) {
    box.closest(".filter-field").hidden = false;
    var options = Array.prototype.slice.call(select.options);
    var fold = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase(); };
    box.addEventListener("input", function () {
      var q = fold(box.value.trim());
      var first = null;
      options.forEach(function (o) {
        var show = !o.value || !q || fold(o.text).indexOf(q) !== -1;
        o.hidden = !show;
        if (show && o.value && !first) { first = o; }
      });
      if (q && first) { select.value = first.value; }
    });
  }
  var radios = document.querySelectorAll("input[name=dropoff]");
  var hub = document.getElementById("field-hub");
  var pa = document.getElementById("field-pickup_address");
  var pw = document.getElementById("field-pickup_window");
  function sync() {
    var v = (document.querySelector("input[name=dropoff]:checked") || {}).value;
    if (hub) { hub.hidden = v === "pickup"; }
    if (pa) { pa.hidden = v !== "pickup"; }
    if (pw) { pw.hidden = v !== "pickup"; }
  }
  radios.forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
