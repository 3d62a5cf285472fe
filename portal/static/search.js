/* thuvien search pages: title/author suggestions for the search box.
 *
 * Progressive enhancement only: without this file the search box is a plain input in a
 * GET form. With it, the input becomes a WAI-ARIA APG combobox with a grouped listbox
 * popup (aria-autocomplete="list", manual selection): typing shows up to 8 suggestions
 * from /suggest, which answers {text, kind} with kind "title" or "author", best first.
 * They are shown in two groups, titles then authors (role="group" labelled by a
 * role="presentation" heading; the labels come from the wrapper's data-suggest-group-*
 * attributes, translated by the template), best first within each group.
 * Down/Up move through all options in visual order, across groups
 * (aria-activedescendant, focus stays in the input); Enter or a click takes one and
 * searches at once: a title for its text, an author as author:"<name>", so the reader
 * gets that author's works rather than a keyword search. Escape closes the list (a
 * second Escape clears the box), Tab leaves. The number of suggestions is announced
 * through a polite live region.
 *
 * Results pages: the filters' "Filter results" disclosure is closed at load when it sits
 * above the hits (one column), and left open beside them (see foldFilters).
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
    var list = document.createElement("div");
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
    // An author is searched as a phrase in the author field (as the results page's author
    // links do); quotes inside a name would end the phrase, so they become spaces.
    function queryFor(item) {
      var text = item.getAttribute("data-text") || item.textContent;
      if (item.getAttribute("data-kind") !== "author") return text;
      var name = text.replace(/"/g, " ").replace(/\s+/g, " ").trim();
      return name ? 'author:"' + name + '"' : text;
    }

    function choose(item) {
      input.value = queryFor(item);
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

    var GROUPS = [
      { kind: "title", label: wrapper.getAttribute("data-suggest-group-title") || "" },
      { kind: "author", label: wrapper.getAttribute("data-suggest-group-author") || "" },
    ];

    function option(value, index) {
      var item = document.createElement("li");
      item.id = listId + "-" + index;
      item.className = "suggest-list__option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("data-kind", value.kind === "author" ? "author" : "title");
      item.setAttribute("data-text", value.text);
      item.textContent = value.text;
      if (value.lang) { item.lang = value.lang; }
      // mousedown, not click: it fires before the input's blur closes the list
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(item);
      });
      return item;
    }

    // Options are numbered in visual order (titles, then authors), so Down/Up and the ids
    // follow what the reader sees; an unknown kind is shown as a title.
    function render(values) {
      list.textContent = "";
      var index = 0;
      GROUPS.forEach(function (group) {
        var members = values.filter(function (value) {
          return (value.kind === "author" ? "author" : "title") === group.kind;
        });
        if (!members.length) return;
        var box = document.createElement("ul");
        box.className = "suggest-list__group";
        box.setAttribute("role", "group");
        var headingId = listId + "-" + group.kind;
        box.setAttribute("aria-labelledby", headingId);
        var heading = document.createElement("li");
        heading.id = headingId;
        heading.className = "suggest-list__heading";
        heading.setAttribute("role", "presentation");
        heading.textContent = group.label;
        box.appendChild(heading);
        members.forEach(function (value) {
          box.appendChild(option(value, index));
          index += 1;
        });
        list.appendChild(box);
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

  // Results pages in one column (a narrow screen, or large text): the filters sit above the
  // hits as a "Filter results" disclosure, open in the HTML so they work without this
  // script; closed here, so the first hit is near the top and not after every facet.
  // Beside the hits (two columns) they stay open.
  // Closed by us on one column; opened again by us if the page becomes two columns (a
  // tablet turned, a window widened), unless the reader has opened or closed it since.
  function foldFilters() {
    var filters = document.getElementById("filters");
    var main = document.getElementById("results-main");
    if (!filters || !main || !filters.open || !main.querySelector(".hit-list")) return;
    if (main.getBoundingClientRect().top < filters.getBoundingClientRect().bottom - 1) return;
    var ours = 1; // toggle events still to come from our own changes
    var folded = true;
    filters.addEventListener("toggle", function () {
      if (ours > 0) ours -= 1;
      else folded = false; // the reader's choice from now on
    });
    filters.open = false;
    window.addEventListener("resize", function () {
      if (!folded) return;
      if (main.getBoundingClientRect().left >= filters.getBoundingClientRect().right - 1) {
        folded = false;
        ours += 1;
        filters.open = true;
      }
    });
  }

  // Each filter group's own "Apply filters" button waits, hidden, until something in that
  // group changes; then it is the next stop after the changed control.
  function groupButtons() {
    var groups = document.querySelectorAll("fieldset.facet");
    for (var i = 0; i < groups.length; i++) {
      var button = groups[i].querySelector(".facet__apply");
      if (!button) continue;
      button.hidden = true;
      groups[i].addEventListener("change", function () {
        this.querySelector(".facet__apply").hidden = false;
      });
      groups[i].addEventListener("input", function () {
        this.querySelector(".facet__apply").hidden = false;
      });
    }
  }

  function start() {
    var boxes = document.querySelectorAll(".query-box__input[data-suggest-url]");
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
    groupButtons();
    foldFilters();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
