/* thuvien display settings: apply a choice at once and remember it.
 *
 * Progressive enhancement only. Without this file the settings form posts to
 * /preferences, which sets the `thuvien_prefs` cookie and comes back to the page; the
 * server reads that cookie on every request and puts the classes on <html>. With it,
 * choosing a radio button changes the classes on <html> immediately, writes the same
 * cookie (same format: "size=150&contrast=high", defaults left out), keeps every
 * settings form on the page in step and says "saved" through the form's status region.
 * Saving with the button or going back to the defaults then needs no page load.
 */
(function () {
  "use strict";

  var COOKIE = "thuvien_prefs";
  var MAX_AGE = 365 * 24 * 3600;
  var PREFIX = "prefs-";
  // Each setting's values; the first is the default. Must match portal/preferences.py.
  var CHOICES = {
    size: ["100", "125", "150", "200"],
    contrast: ["auto", "high", "standard"],
    motion: ["auto", "reduce"],
    spacing: ["standard", "wide"]
  };
  var NAMES = ["size", "contrast", "motion", "spacing"];

  function defaults() {
    var prefs = {};
    NAMES.forEach(function (name) {
      prefs[name] = CHOICES[name][0];
    });
    return prefs;
  }

  function valid(name, value) {
    return CHOICES.hasOwnProperty(name) && CHOICES[name].indexOf(value) >= 0;
  }

  function readCookie() {
    var prefs = defaults();
    var parts = document.cookie ? document.cookie.split(/;\s*/) : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + "=") !== 0) continue;
      var value = parts[i].slice(COOKIE.length + 1).replace(/^"|"$/g, "");
      value.split("&").forEach(function (pair) {
        var cut = pair.indexOf("=");
        if (cut < 0) return;
        var name = pair.slice(0, cut);
        var chosen = pair.slice(cut + 1);
        if (valid(name, chosen)) prefs[name] = chosen;
      });
    }
    return prefs;
  }

  function cookieValue(prefs) {
    return NAMES.filter(function (name) {
      return prefs[name] !== CHOICES[name][0];
    })
      .map(function (name) {
        return name + "=" + prefs[name];
      })
      .join("&");
  }

  function writeCookie(prefs) {
    var value = cookieValue(prefs);
    var tail = "; path=/; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
    if (value) document.cookie = COOKIE + "=" + value + "; max-age=" + MAX_AGE + tail;
    else document.cookie = COOKIE + "=; max-age=0" + tail;
  }

  function apply(prefs) {
    var root = document.documentElement;
    var keep = [];
    for (var i = 0; i < root.classList.length; i++) {
      if (root.classList[i].indexOf(PREFIX) !== 0) keep.push(root.classList[i]);
    }
    NAMES.forEach(function (name) {
      if (prefs[name] !== CHOICES[name][0]) keep.push(PREFIX + name + "-" + prefs[name]);
    });
    root.className = keep.join(" ");
    if (!root.className) root.removeAttribute("class");
  }

  function forms() {
    return document.querySelectorAll("form[data-prefs-form]");
  }

  function fromForm(form) {
    var prefs = readCookie();
    NAMES.forEach(function (name) {
      var checked = form.querySelector('input[name="' + name + '"]:checked');
      if (checked && valid(name, checked.value)) prefs[name] = checked.value;
    });
    return prefs;
  }

  function showInForms(prefs) {
    var all = forms();
    for (var i = 0; i < all.length; i++) {
      NAMES.forEach(function (name) {
        var radios = all[i].querySelectorAll('input[name="' + name + '"]');
        for (var j = 0; j < radios.length; j++) radios[j].checked = radios[j].value === prefs[name];
      });
    }
  }

  function announce(form, text) {
    var status = form.querySelector("[data-prefs-status]");
    if (!status) return;
    // Emptied first, so saying the same words twice is still announced.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function choose(form, prefs, message) {
    apply(prefs);
    writeCookie(prefs);
    showInForms(prefs);
    announce(form, message);
  }

  function setup(form) {
    var saved = form.getAttribute("data-saved-text") || "";
    var reset = form.getAttribute("data-reset-text") || "";

    form.addEventListener("change", function (event) {
      if (event.target && event.target.type === "radio") choose(form, fromForm(form), saved);
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var wantsReset = event.submitter && event.submitter.hasAttribute("data-prefs-reset");
      if (wantsReset) choose(form, defaults(), reset);
      else choose(form, fromForm(form), saved);
    });
  }

  function start() {
    var all = forms();
    for (var i = 0; i < all.length; i++) setup(all[i]);
  }

  // A page shown again from the back-forward cache keeps its old classes: catch up.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      var prefs = readCookie();
      apply(prefs);
      showInForms(prefs);
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
