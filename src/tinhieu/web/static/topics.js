/* The topic editor: live query validation while typing, a preview of what the query
 * matches, and a confirmation before deleting. Mention text from the server is only
 * ever written with textContent (matches wrapped in <mark> elements), never as HTML. */
(function () {
  "use strict";

  var lang = document.documentElement.getAttribute("lang") || "vi";
  var locale = lang === "en" ? "en-US" : "vi-VN";

  function words() {
    var el = document.getElementById("topic-i18n");
    return el ? JSON.parse(el.textContent) : {};
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }

  function api(method, url, body) {
    if (window.tinhieu && window.tinhieu.api) return window.tinhieu.api(method, url, body);
    return Promise.reject(new Error("app.js not loaded"));
  }

  function setup() {
    var box = document.getElementById("topic-query");
    if (!box) return;
    var w = words();
    var status = document.getElementById("query-status");
    var message = document.getElementById("query-message");
    var caret = document.getElementById("query-caret");
    var timer = null;
    var seq = 0;

    function show(kind, text, caretText) {
      status.classList.remove("valid", "invalid", "pending");
      if (kind) status.classList.add(kind);
      message.textContent = text || "";
      if (caretText) { caret.textContent = caretText; caret.hidden = false; }
      else { caret.textContent = ""; caret.hidden = true; }
      box.setAttribute("aria-invalid", kind === "invalid" ? "true" : "false");
    }

    function showError(err) {
      show("invalid", err.message, err.caret);
    }

    function validate() {
      var q = box.value;
      var mine = ++seq;
      if (!q.trim()) { show("invalid", w.empty); return; }
      show("pending", w.checking);
      api("GET", "/api/v1/query/validate?lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q))
        .then(function (r) {
          if (mine !== seq) return;  // a newer keystroke is being checked
          if (r.valid) show("valid", w.valid + " " + r.explain);
          else showError(r.error);
        })
        .catch(function (err) { if (mine === seq) show("invalid", w.failed + " " + err.message); });
    }

    box.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(validate, 300);
    });

    var button = document.getElementById("preview-btn");
    var section = document.getElementById("preview");
    var count = document.getElementById("preview-count");
    var list = document.getElementById("preview-list");
    var chartBox = document.getElementById("preview-chart");
    var chart = null;

    function drawChart(daily) {
      if (typeof uPlot === "undefined") return;
      var xs = daily.t.map(function (d) { return Date.parse(d + "T00:00:00") / 1000; });
      var width = Math.max(260, Math.min(chartBox.clientWidth || 600, 900));
      if (chart) chart.destroy();
      chartBox.textContent = "";
      chart = new uPlot({
        width: width,
        height: 180,
        scales: { x: { time: true } },
        series: [{}, { label: w.mentions, stroke: "#1f6feb", width: 2, fill: "rgba(31,111,235,0.08)" }],
        axes: [{}, { size: 50 }],
        legend: { show: true }
      }, [xs, daily.mentions], chartBox);
      chartBox.setAttribute("data-drawn", "1");
    }

    function example(e) {
      var li = document.createElement("li");
      var head = document.createElement("div");
      head.className = "meta";
      var when = e.created_at ? new Date(e.created_at).toLocaleString(locale) : "";
      head.textContent = [e.platform, e.kind || "", when, e.author_name || "?"].filter(Boolean).join(" · ");
      li.appendChild(head);
      var body = document.createElement("p");
      body.className = "text";
      (e.pieces || []).forEach(function (p) {
        if (p.mark) {
          var m = document.createElement("mark");
          m.textContent = p.text;
          body.appendChild(m);
        } else {
          body.appendChild(document.createTextNode(p.text));
        }
      });
      li.appendChild(body);
      if (e.url && /^https?:\/\//i.test(e.url)) {
        var a = document.createElement("a");
        a.href = e.url;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        a.textContent = e.url;
        a.className = "small";
        li.appendChild(a);
      }
      return li;
    }

    if (button) {
      button.addEventListener("click", function () {
        var q = box.value;
        if (!q.trim()) { show("invalid", w.empty); return; }
        section.hidden = false;
        count.textContent = w.loading;
        list.textContent = "";
        api("POST", "/api/v1/query/preview", { query: q, days: 30 })
          .then(function (r) {
            count.textContent = fill(w.count, {
              count: Number(r.count).toLocaleString(locale),
              days: r.days, first: r.first_day, last: r.last_day
            });
            count.setAttribute("data-count", String(r.count));
            drawChart(r.daily);
            if (!r.examples.length) {
              var li = document.createElement("li");
              li.className = "empty";
              li.textContent = w.none;
              list.appendChild(li);
            }
            r.examples.forEach(function (e) { list.appendChild(example(e)); });
          })
          .catch(function (err) {
            count.textContent = "";
            section.hidden = true;
            var d = err.data && err.data.error;
            if (d && typeof d.position === "number") showError(d);
            else show("invalid", w.failed + " " + err.message);
          });
      });
    }
  }

  function confirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setup();
    confirms();
  });
})();
