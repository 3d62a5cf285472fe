/* thuvien search pages: title/author suggestions for the search box.
 *
 * Progressive enhancement only: without this file the search box is a plain input in a
 * GET form. With it, the input becomes a WAI-ARIA APG combobox with a list popup
 * (aria-autocomplete="list", manual selection): typing shows up to 8 titles and authors;
 * Down/Up move through them (aria-activedescendant, focus stays in the input), Enter or a
 * click takes one and searches for it, Escape closes the list (a second Escape clears the
 * box), Tab leaves. The suggestions endpoint answers plain strings (titles and authors
 * alike), so they are not grouped or labelled by kind.
 * The number of suggestions is announced through a polite live region.
 */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 200;
  var counter = 0;

  function setup(wrapper) {
    var input = wrapper.querySelector('input[type="search"]');
    var url = wrapper.getAttribute("data-suggest-url");
    if (!input || !url || !window.fetch) return;

    counter += 1;
    var listId = "suggest-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", wrapper.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    wrapper.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null;
    var controller = null;
    var active = -1;
    var lastAsked = "";

    function options() {
      return list.querySelectorAll('[role="option"]');
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options().length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) return;
      if (index < 0) index = items.length - 1;
      if (index >= items.length) index = 0;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }

    // Taking a suggestion searches for it (VuFind, Blacklight): the reader chose what to
    // find, a second Enter would only repeat that. requestSubmit keeps the form's own
    // submit handling (and validation); submit() is the fallback for older browsers.
    function choose(item) {
      input.value = item.textContent;
      close();
      var form = input.form;
      if (!form) {
        input.focus();
        return;
      }
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }

    function announce(count) {
      var text = "";
      if (count === 1) text = wrapper.getAttribute("data-suggest-count-one") || "";
      else if (count > 1)
        text = (wrapper.getAttribute("data-suggest-count-many") || "").replace("{n}", String(count));
      status.textContent = text;
    }

    function render(values) {
      list.textContent = "";
      values.forEach(function (value, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.className = "suggest-list__option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = value.text;
        // mousedown, not click: it fires before the input's blur closes the list
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(item);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (values.length && document.activeElement === input) open();
      else close();
      announce(values.length);
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < MIN_CHARS) {
        render([]);
        lastAsked = "";
        return;
      }
      if (text === lastAsked) return;
      lastAsked = text;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var target = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(target, { headers: { Accept: "application/json" }, signal: controller && controller.signal })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (body) {
          if (input.value.trim() === text) render((body && body.suggestions) || []);
        })
        .catch(function () {
          /* suggestions are a convenience: on any failure the box just stays a box */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!options().length) return;
          event.preventDefault();
          if (!expanded) open();
          if (!event.altKey) highlight(active + 1); // Alt+Down only opens the list
          break;
        case "ArrowUp":
          if (!options().length) return;
          event.preventDefault();
          if (!expanded) open();
          highlight(active - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault(); // take the suggestion and search for it
            choose(options()[active]);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            render([]);
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  function start() {
    var boxes = document.querySelectorAll(".query-box__input[data-suggest-url]");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
