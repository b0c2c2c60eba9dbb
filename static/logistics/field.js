// The field app (logistics/views/field.py; issue 16): handovers recorded where there is no signal.
// Plain script, no build step. A batch's pack and the handovers recorded from it live in this
// browser's IndexedDB; the service worker (/thuc-dia-sw.js) keeps this page and its files; the
// records sync by themselves when the network is back (and on "Sync now"), each once: the server
// knows each record by the client_id made here. Without JavaScript the page says so, and every
// handover can still be recorded online from its batch's page.
(function () {
  "use strict";
  var app = document.getElementById("field-app");
  var configNode = document.getElementById("field-config");
  if (!app || !configNode) return;
  var C = JSON.parse(configNode.textContent);
  var T = C.strings;
  var $ = function (id) { return document.getElementById(id); };
  $("field-nojs").hidden = true;
  app.hidden = false;

  function t(key, values) {
    return (T[key] || key).replace(/%\((\w+)\)s/g, function (_, name) {
      return values && values[name] != null ? String(values[name]) : "";
    });
  }
  function say(text) {
    var node = $("field-note");
    node.textContent = text;
    node.hidden = !text;
  }
  function when(iso) {
    var locale = C.lang === "vi" ? "vi-VN" : "en-GB";
    return new Date(iso).toLocaleString(locale, {
      day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
    });
  }
  if (!window.indexedDB) { say(t("no_storage")); return; }

  // --- storage: "packs" (one per batch) and "records" (one per handover, by client_id) -----------
  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open("noisong-field", 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          if (!d.objectStoreNames.contains("packs")) d.createObjectStore("packs", { keyPath: "batch_id" });
          if (!d.objectStoreNames.contains("records")) d.createObjectStore("records", { keyPath: "client_id" });
        };
        request.onsuccess = function () {
          request.result.onversionchange = function () { request.result.close(); };
          resolve(request.result);
        };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }
  function inStore(name, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(name, mode);
        var request = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function getAll(name) { return inStore(name, "readonly", function (s) { return s.getAll(); }); }
  function put(name, value) { return inStore(name, "readwrite", function (s) { return s.put(value); }); }
  function drop(name, key) { return inStore(name, "readwrite", function (s) { return s.delete(key); }); }

  var packs = [];
  var records = [];
  function mine() { return records.filter(function (r) { return r.user === C.user; }); }
  function keep(record) {
    records = records.filter(function (r) { return r.client_id !== record.client_id; }).concat([record]);
    return put("records", record);
  }

  // --- the pack of a batch ------------------------------------------------------------------
  function take(batchId) {
    say(t("taking", { batch: batchId }));
    var url = C.pack.replace("/0/", "/" + batchId + "/");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "Accept-Language": C.lang } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            var entry = { batch_id: data.batch.id, user: C.user, stored_at: new Date().toISOString(), pack: data };
            return put("packs", entry).then(function () {
              packs = packs.filter(function (p) { return p.batch_id !== entry.batch_id; }).concat([entry]);
              history.replaceState(null, "", location.pathname);
              say(t("taken", { batch: data.batch.id, phones: data.phones.length, expires: when(data.expires_at) }));
            });
          }
          if (response.status === 401 || response.status === 403) {
            return wipePacks().then(function () { say(t("sign_in_again")); });
          }
          var reason = (data.error && data.error.message) || "HTTP " + response.status;
          say(t("take_failed", { reason: reason }));
        });
      }, function () { /* no signal: the pack already on this device (if any) is used */ });
  }

  function wipePacks() {
    return inStore("packs", "readwrite", function (s) { return s.clear(); }).then(function () { packs = []; });
  }

  function expirePacks() {
    var now = Date.now();
    var work = [];
    packs = packs.filter(function (p) {
      var expired = Date.parse(p.pack.expires_at) <= now;
      if (p.user === C.user && !expired) return true;
      if (p.user === C.user) say(t("expired", { batch: p.batch_id }));
      work.push(drop("packs", p.batch_id));
      return false;
    });
    return Promise.all(work);
  }

  // Once a phone's record reached the server (made a handover, or was kept there), its household
  // leaves this device; a batch with nothing left to do is wiped.
  function settlePacks() {
    var work = [];
    packs = packs.filter(function (p) {
      var batchRecords = mine().filter(function (r) { return r.batch_id === p.batch_id; });
      var done = batchRecords.filter(function (r) { return r.status === "synced" || r.status === "conflict"; })
        .map(function (r) { return r.device; });
      if (!done.length) return true;
      var phones = p.pack.phones.filter(function (phone) { return done.indexOf(phone.code) === -1; });
      var open = batchRecords.some(function (r) { return r.status === "waiting" || r.status === "failed"; });
      if (!phones.length && !open) {
        work.push(drop("packs", p.batch_id));
        say(t("wiped", { batch: p.batch_id }));
        return false;
      }
      if (phones.length !== p.pack.phones.length) {
        var needed = phones.map(function (phone) { return phone.household; });
        p.pack.phones = phones;
        p.pack.households = p.pack.households.filter(function (h) { return needed.indexOf(h.id) !== -1; });
        work.push(put("packs", p));
      }
      return true;
    });
    return Promise.all(work);
  }

  function choices() {
    var taken = mine().map(function (r) { return r.device; });
    var list = [];
    packs.forEach(function (p) {
      p.pack.phones.forEach(function (phone) {
        if (taken.indexOf(phone.code) !== -1) return;
        var household = p.pack.households.filter(function (h) { return h.id === phone.household; })[0];
        if (household) list.push({ batch_id: p.batch_id, phone: phone, household: household });
      });
    });
    return list;
  }

  // --- the form -----------------------------------------------------------------------------
  var form = $("field-form");
  var select = $("f-phone");
  var photoBlob = null;
  var signature = signaturePad($("f-signature"), $("f-signature-clear"));

  function chosen() {
    var code = select.value;
    return choices().filter(function (c) { return c.phone.code === code; })[0] || null;
  }

  function showHousehold() {
    var choice = chosen();
    var household = choice ? choice.household : null;
    $("f-household").textContent = household ? t("household", { name: household.head_name, village: household.village || "—" }) : "";
    $("f-photo-field").hidden = !(household && household.photo_consent);
    $("f-no-photo").hidden = !(household && !household.photo_consent);
    $("f-no-photo").textContent = t("no_photo");
    $("f-photo-note").textContent = household && household.photo_consent ? t("photo_consented") : "";
    if (!(household && household.photo_consent)) { photoBlob = null; $("f-photo").value = ""; }
    $("f-override-field").hidden = true;
  }
  select.addEventListener("change", showHousehold);

  $("f-photo").addEventListener("change", function () {
    var file = this.files && this.files[0];
    photoBlob = null;
    if (!file) return;
    resize(file).then(function (blob) {
      photoBlob = blob;
      $("f-photo-note").textContent = t("photo_ready", { kb: Math.round(blob.size / 1024) });
    }, function () { $("f-photo-note").textContent = t("photo_failed"); });
  });

  // The photo is made smaller here, before it is stored: a re-encoded JPEG carries no location.
  function resize(file) {
    var MAX_SIDE = 1280;
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) { return blob ? resolve(blob) : reject(new Error("photo")); }, "image/jpeg", 0.8);
      });
    });
  }

  function signaturePad(canvas, clear) {
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
    }
    canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      drawn = true;
    });
    ["pointerup", "pointerleave"].forEach(function (name) { canvas.addEventListener(name, function () { drawing = false; }); });
    function reset() { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; }
    clear.addEventListener("click", reset);
    return {
      value: function () { return drawn ? canvas.toDataURL("image/png") : ""; },
      reset: reset,
    };
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function digits(value) { return String(value || "").replace(/[^0-9]/g, ""); }

  // The checks of the online form (logistics/services/delivery.py), made here against the pack.
  function check(choice) {
    var errors = [];
    var values = {
      received_by: $("f-received-by").value.trim(),
      relation: $("f-relation").value,
      recipient_cccd_last4: $("f-cccd").value.trim(),
      cccd_override_reason: "",
      training_given: $("f-training").checked,
      sim_iccid: digits($("f-iccid").value),
      sim_phone: $("f-sim-phone").value.trim(),
    };
    if (!choice) errors.push(t("need_phone"));
    if (!values.received_by) errors.push(t("need_received_by"));
    if (!/^\d{4}$/.test(values.recipient_cccd_last4)) errors.push(t("need_cccd"));
    else if (choice) {
      var household = choice.household;
      var rules = household.relation_rules;
      if (!rules.cccd_must_match || values.recipient_cccd_last4 !== household.cccd_last4) {
        if (!rules.override_with_reason) {
          errors.push(t("cccd_mismatch") + " " + t("cccd_only_coordinator"));
        } else {
          $("f-override-field").hidden = false;
          values.cccd_override_reason = $("f-override").value.trim();
          if (!values.cccd_override_reason) errors.push(t("cccd_mismatch") + " " + t("cccd_override"));
        }
      }
    }
    if (values.sim_iccid && (values.sim_iccid.length < 18 || values.sim_iccid.length > 22)) errors.push(t("bad_iccid"));
    if (values.sim_phone && !/^(?:\+?84|0)[35789]\d{8}$/.test(values.sim_phone.replace(/[\s.-]/g, ""))) errors.push(t("bad_phone"));
    values.sms_consent = Boolean(values.sim_phone) && $("f-sms-consent").checked;
    return { errors: errors, values: values };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var choice = chosen();
    var checked = check(choice);
    var box = $("f-errors");
    box.textContent = "";
    if (checked.errors.length) {
      checked.errors.forEach(function (message) {
        var p = document.createElement("p");
        p.textContent = message;
        box.appendChild(p);
      });
      return;
    }
    var record = checked.values;
    record.client_id = uuid();
    record.user = C.user;
    record.batch_id = choice.batch_id;
    record.device = choice.phone.code;
    record.household = choice.household.id;
    record.household_name = choice.household.head_name;
    record.signature = signature.value();
    record.photo = choice.household.photo_consent ? photoBlob : null;
    record.recorded_at = new Date().toISOString();
    record.status = "waiting";
    record.message = "";
    record.attempts = 0;
    keep(record).then(function () {
      form.reset();
      signature.reset();
      photoBlob = null;
      say(t("saved"));
      render();
      showHousehold();
      if (navigator.onLine) sync();
    });
  });

  // --- sync ---------------------------------------------------------------------------------
  var syncing = false;

  function csrf() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + C.csrf_cookie + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function sync() {
    if (syncing) return Promise.resolve();
    var queue = mine().filter(function (r) { return r.status === "waiting"; })
      .sort(function (a, b) { return a.recorded_at < b.recorded_at ? -1 : 1; });
    if (!queue.length) return settlePacks().then(render);
    syncing = true;
    render();
    var go = true;
    var chain = Promise.resolve();
    queue.forEach(function (record) {
      chain = chain.then(function () {
        if (!go) return null;
        return send(record).then(function (more) { go = more; });
      });
    });
    return chain.then(settlePacks).then(function () { syncing = false; render(); }, function (error) {
      syncing = false;
      say(String(error));
      render();
    });
  }

  function send(record) {
    var body = new FormData();
    ["client_id", "recorded_at", "device", "household", "received_by", "relation", "recipient_cccd_last4",
      "cccd_override_reason", "sim_iccid", "sim_phone"].forEach(function (name) { body.append(name, record[name] || ""); });
    body.append("batch", String(record.batch_id));
    body.append("training_given", record.training_given ? "true" : "false");
    body.append("sms_consent", record.sms_consent ? "true" : "false");
    if (record.signature) body.append("signature", record.signature);
    if (record.photo) body.append("photo", record.photo, "photo.jpg");
    var headers = { Accept: "application/json", "Accept-Language": C.lang, "X-CSRFToken": csrf() };
    return fetch(C.handovers, { method: "POST", body: body, credentials: "same-origin", headers: headers })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return answered(record, response.status, data);
        });
      }, function () {
        record.message = t("no_network");
        record.attempts += 1;
        return keep(record).then(function () { return false; });
      });
  }

  // What the server said about one record; true when the next record may be sent.
  function answered(record, status, data) {
    var error = (data && data.error) || {};
    if (status === 200 || status === 201) return settled(record, "synced", "", data);
    if (status === 409 && error.kept) return settled(record, "conflict", error.message, {});
    if (status === 401 || status === 403) {
      record.message = t("sign_in_again");
      return keep(record).then(function () { return false; });
    }
    if (status >= 500 || status === 429) {
      record.message = t("server_error", { status: status });
      record.attempts += 1;
      return keep(record).then(function () { return false; });
    }
    var details = [];
    Object.keys(error.fields || {}).forEach(function (name) { details = details.concat(error.fields[name]); });
    record.status = "failed";
    record.message = [error.message || "HTTP " + status].concat(details.filter(function (d) { return d !== error.message; })).join(" ");
    return keep(record).then(function () { return true; });
  }

  // A record the server has (as a handover, or kept as a conflict): its personal data leaves
  // this device; what remains says what happened to it.
  function settled(record, state, message, data) {
    var done = {
      client_id: record.client_id,
      user: record.user,
      batch_id: record.batch_id,
      device: record.device,
      recorded_at: record.recorded_at,
      status: state,
      message: message,
      synced_at: new Date().toISOString(),
      handover_id: data.id || null,
      warnings: (data.warnings || []).map(function (w) { return w.message; }),
    };
    return keep(done).then(function () { return true; });
  }

  function retry(record) {
    record.status = "waiting";
    record.message = "";
    keep(record).then(function () { render(); if (navigator.onLine) sync(); });
  }

  function discard(record) {
    if (!window.confirm(t("discard_confirm"))) return;
    records = records.filter(function (r) { return r.client_id !== record.client_id; });
    drop("records", record.client_id).then(render);
  }

  // --- what the page shows ------------------------------------------------------------------
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function render() {
    var online = navigator.onLine;
    var net = $("field-net");
    net.textContent = online ? t("online") : t("offline");
    net.className = online ? "net" : "net off";

    var batches = $("field-batches");
    batches.textContent = "";
    if (!packs.length) batches.appendChild(element("li", "muted", t("no_batches")));
    packs.forEach(function (p) {
      var b = p.pack.batch;
      var left = choices().filter(function (c) { return c.batch_id === p.batch_id; }).length;
      var li = element("li", "", "#" + b.id + " · " + b.hub + " → " + b.commune.name + " · " + b.planned_date);
      li.appendChild(element("br"));
      li.appendChild(element("span", "muted", t("phones_left", { left: left, phones: p.pack.phones.length, expires: when(p.pack.expires_at) })));
      batches.appendChild(li);
    });

    var current = select.value;
    select.textContent = "";
    select.appendChild(element("option", "", t("choose_phone"))).value = "";
    choices().forEach(function (c) {
      var option = element("option", "", c.phone.code + " · " + c.phone.model + " → " + c.household.head_name);
      option.value = c.phone.code;
      select.appendChild(option);
    });
    select.value = current;
    if (select.value !== current) showHousehold();
    form.hidden = select.options.length < 2; // nothing on this device to hand over

    var list = $("field-records");
    list.textContent = "";
    var own = mine().sort(function (a, b) { return a.recorded_at < b.recorded_at ? 1 : -1; });
    own.forEach(function (r) {
      var li = element("li", r.status);
      li.setAttribute("data-client-id", r.client_id);
      li.appendChild(element("span", "state", t("state_" + r.status)));
      li.appendChild(document.createTextNode(" " + r.device + (r.household_name ? " → " + r.household_name : "") + " · " + t("recorded", { at: when(r.recorded_at) })));
      if (r.message) li.appendChild(element("p", "", r.message));
      (r.warnings || []).forEach(function (w) { li.appendChild(element("p", "", w)); });
      if (r.status === "synced" && r.handover_id) {
        var link = element("a", "", t("handover_link"));
        link.href = C.handover.replace("/0/", "/" + r.handover_id + "/");
        li.appendChild(element("br"));
        li.appendChild(link);
      }
      if (r.status === "failed") {
        var again = element("button", "button secondary", t("retry"));
        again.type = "button";
        again.addEventListener("click", function () { retry(r); });
        var away = element("button", "button danger", t("discard"));
        away.type = "button";
        away.addEventListener("click", function () { discard(r); });
        li.appendChild(again);
        li.appendChild(away);
      }
      list.appendChild(li);
    });
    var waiting = own.filter(function (r) { return r.status === "waiting"; }).length;
    var failed = own.filter(function (r) { return r.status === "failed"; }).length;
    var counts = [waiting ? t("waiting", { n: waiting }) : t("nothing_waiting")];
    if (failed) counts.push(t("failed_count", { n: failed }));
    $("field-counts").textContent = counts.join(" · ");
    var button = $("field-sync");
    button.disabled = syncing;
    button.textContent = syncing ? t("syncing") : t("sync_now");
    app.setAttribute("data-waiting", String(waiting));
    app.setAttribute("data-syncing", syncing ? "1" : "0");
  }

  $("field-sync").addEventListener("click", function () { sync(); });
  window.addEventListener("online", function () { render(); sync(); });
  window.addEventListener("offline", render);
  setInterval(function () {
    if (navigator.onLine && !syncing && mine().some(function (r) { return r.status === "waiting"; })) sync();
  }, 60000);

  // Sign-out from this page: the batches leave this device (the worker does it too, from any
  // page); records not yet synced stay until their author signs in again.
  Array.prototype.forEach.call(document.querySelectorAll("form[action='" + C.logout + "']"), function (out) {
    out.addEventListener("submit", function (event) {
      var waiting = mine().filter(function (r) { return r.status === "waiting" || r.status === "failed"; }).length;
      if (waiting && !window.confirm(t("sign_out_confirm", { n: waiting }))) { event.preventDefault(); return; }
      if (out.getAttribute("data-wiped")) return;
      event.preventDefault();
      wipePacks().then(function () { out.setAttribute("data-wiped", "1"); out.submit(); }, function () { out.submit(); });
    });
  });

  function registerWorker(tries) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(C.sw, { scope: "/" }).catch(function () {
      // a weak network may lose the worker's script: try again (the page still works online)
      if (tries > 0) setTimeout(function () { registerWorker(tries - 1); }, 5000);
    });
  }
  registerWorker(5);

  Promise.all([getAll("packs"), getAll("records")]).then(function (found) {
    packs = found[0];
    records = found[1];
    return expirePacks();
  }).then(function () {
    render();
    var batch = new URLSearchParams(location.search).get("batch");
    return batch && /^\d+$/.test(batch) && navigator.onLine ? take(batch) : null;
  }).then(function () {
    render();
    app.setAttribute("data-ready", "1");
    if (navigator.onLine) return sync();
  }).catch(function (error) { say(String(error)); });
})();
