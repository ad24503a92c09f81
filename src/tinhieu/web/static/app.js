/* tinhieu pages: a little vanilla JS on top of server-rendered HTML.
 * Data arrives in <script type="application/json"> islands and is read with JSON.parse.
 * Text from mentions is only ever written with textContent, never as HTML. */
(function () {
  "use strict";

  var csrf = document.body.getAttribute("data-csrf") || "";

  /** fetch() for the API from a page: JSON in and out, with the session's CSRF token. */
  function api(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var msg = (data && data.error && data.error.message) || ("HTTP " + r.status);
          var err = new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
          err.status = r.status; err.data = data;
          throw err;
        }
        return data;
      });
    });
  }

  function island(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function toSeconds(t) {
    // "2026-11-30" (a local day) or "2026-11-30T13:00:00" (a local hour): drawn as is
    var s = t.length === 10 ? t + "T00:00:00" : t;
    return Date.parse(s) / 1000;
  }

  var lang = document.documentElement.getAttribute("lang") || "vi";

  /** 1234567 → "1,2 Tr" (vi) or "1.2M" (en): axis labels that fit. */
  function compact(v) {
    if (v === null || v === undefined) return "";
    var a = Math.abs(v), units = lang === "vi" ? [[1e9, " tỷ"], [1e6, " tr"], [1e3, " N"]] : [[1e9, "B"], [1e6, "M"], [1e3, "k"]];
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0]) {
        var text = (v / units[i][0]).toFixed(a >= 10 * units[i][0] ? 0 : 1);
        if (lang === "vi") text = text.replace(".", ",");
        return text + units[i][1];
      }
    }
    var plain = (Math.round(v * 10) / 10).toString();
    return lang === "vi" ? plain.replace(".", ",") : plain;
  }

  function drawCharts() {
    if (typeof uPlot === "undefined") return;
    var boxes = document.querySelectorAll("[data-chart]");
    boxes.forEach(function (box) {
      var data = island(box.getAttribute("data-chart"));
      if (!data) return;
      var key = box.getAttribute("data-series");
      var xs = data.t.map(toSeconds);
      var ys = data[key].map(function (v) { return v === null ? null : Number(v); });
      var width = Math.max(260, Math.min(box.clientWidth || 600, 900));
      var opts = {
        width: width,
        height: 220,
        scales: { x: { time: true } },
        series: [
          {},
          {
            label: box.getAttribute("data-label") || key,
            stroke: key === "net_sentiment" ? "#8e44ad" : (key === "interactions" ? "#e67e22" : "#1f6feb"),
            width: 2,
            fill: key === "mentions" ? "rgba(31,111,235,0.08)" : undefined,
            spanGaps: false
          }
        ],
        axes: [{}, { size: 60, values: function (u, vals) { return vals.map(compact); } }],
        legend: { show: true }
      };
      box.textContent = "";
      var chart = new uPlot(opts, [xs, ys], box);
      box.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () {
        chart.setSize({ width: Math.max(260, Math.min(box.clientWidth || 600, 900)), height: 220 });
      });
    });
  }

  function bars() {
    document.querySelectorAll(".bar[data-pct]").forEach(function (el) {
      var pct = Math.max(0, Math.min(100, parseFloat(el.getAttribute("data-pct")) || 0));
      el.style.width = pct + "px";
    });
  }

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  /** Buttons and forms that call the API: data-api-method, data-api-url, data-api-body (JSON). */
  function apiButtons() {
    document.querySelectorAll("[data-api-url]").forEach(function (el) {
      var handler = function (ev) {
        ev.preventDefault();
        var body;
        if (el.tagName === "FORM") {
          body = {};
          new FormData(el).forEach(function (v, k) { if (k !== "csrf") body[k] = v; });
        } else if (el.getAttribute("data-api-body")) {
          body = JSON.parse(el.getAttribute("data-api-body"));
        }
        var status = document.getElementById(el.getAttribute("data-status") || "");
        api(el.getAttribute("data-api-method") || "POST", el.getAttribute("data-api-url"), body)
          .then(function () {
            if (el.getAttribute("data-reload") !== "0") window.location.reload();
            else if (status) status.textContent = "✓";
          })
          .catch(function (err) { if (status) status.textContent = err.message; else alert(err.message); });
      };
      el.addEventListener(el.tagName === "FORM" ? "submit" : "click", handler);
    });
  }

  window.tinhieu = { api: api, island: island };

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    bars();
    autosubmit();
    apiButtons();
  });
})();
