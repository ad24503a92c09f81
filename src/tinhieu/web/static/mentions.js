/* Mentions explorer and mention page: corrections in place.
 * Each correction form also works without JS (a POST with the CSRF token, then back);
 * with JS it calls POST /api/v1/corrections through window.tinhieu.api and redraws the
 * mention's labels. Text is only ever written with textContent. */
(function () {
  "use strict";

  function labels() {
    var el = document.getElementById("mentions-labels");
    return el ? JSON.parse(el.textContent) : {};
  }

  function name(map, key) {
    return (map && Object.prototype.hasOwnProperty.call(map, key)) ? map[key] : key;
  }

  function redraw(article, mention, L) {
    var sentiment = article.querySelector("[data-label=sentiment]");
    if (sentiment) {
      var s = mention.sentiment || "unanalysed";
      sentiment.textContent = name(L.sentiment, s);
      sentiment.className = "label sentiment s-" + s + " corrected";
    }
    var spam = article.querySelector("[data-label=spam]");
    if (spam) {
      var kind = mention.spam || "none";
      spam.textContent = kind === "none" ? "" : String(L.spam_badge || "{label}").replace("{label}", name(L.spam, kind));
      spam.className = "label spam-badge corrected" + (kind === "none" ? " hidden" : "");
    }
    var aspects = article.querySelector("[data-label=aspects]");
    if (aspects) {
      aspects.textContent = "";
      (mention.aspects || []).forEach(function (a) {
        var chip = document.createElement("span");
        chip.className = "chip corrected pol-" + String(a.polarity).replace(/[^a-z]/g, "");
        chip.textContent = name(L.aspect, a.aspect) + ": " + name(L.polarity, a.polarity);
        aspects.appendChild(chip);
      });
    }
  }

  function bodyOf(form) {
    var field = form.getAttribute("data-field");
    var body = {
      platform: form.elements.namedItem("platform").value,
      source_id: form.elements.namedItem("source_id").value,
      field: field
    };
    if (field === "aspects") {
      body.value = [];
      Array.prototype.forEach.call(form.querySelectorAll("select[name^='aspect.']"), function (sel) {
        if (sel.value) body.value.push({ aspect: sel.name.slice("aspect.".length), polarity: sel.value });
      });
    } else {
      body.value = form.elements.namedItem("value").value;
    }
    return body;
  }

  function wire(form, L) {
    form.addEventListener("submit", function (ev) {
      if (!window.tinhieu || !window.tinhieu.api) return; // the plain form post still works
      ev.preventDefault();
      var status = form.querySelector(".status");
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      if (status) status.textContent = "…";
      window.tinhieu.api("POST", "/api/v1/corrections", bodyOf(form))
        .then(function (res) {
          var article = form.closest("[data-mention]");
          if (article && res && res.mention) redraw(article, res.mention, L);
          if (status) status.textContent = L.saved || "✓";
          form.setAttribute("data-saved", "1");
        })
        .catch(function (err) {
          if (status) status.textContent = String(L.failed || "{error}").replace("{error}", err.message);
        })
        .then(function () { if (button) button.disabled = false; });
    });
  }

  /** Search links without the empty filters (the form would send every field). */
  function tidySearch(form) {
    var defaultLimit = form.getAttribute("data-default-limit");
    form.addEventListener("submit", function (ev) {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== "" && !(key === "limit" && value === defaultLimit)) params.append(key, value);
      });
      ev.preventDefault();
      var query = params.toString();
      window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var L = labels();
    document.querySelectorAll("form.mention-search").forEach(tidySearch);
    document.querySelectorAll("form.correct-form").forEach(function (form) { wire(form, L); });
  });
})();
