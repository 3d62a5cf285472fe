/* The scan viewer on record pages: OpenSeadragon over the pages' IIIF image services.
 *
 * Without script (or without OpenSeadragon) the page list stays what it is: thumbnails
 * linking to each page's largest allowed image. With it, the viewer appears above the
 * list, the list's links open their page in the viewer, and every control is a labelled
 * button (labels come translated from the page). In the view itself OpenSeadragon's
 * keys work (arrows pan, + and - zoom, 0 home); Page Up / Page Down change the page.
 */
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("scan-viewer");
    if (!root || typeof window.OpenSeadragon !== "function") return;
    var pages = JSON.parse(root.getAttribute("data-pages") || "[]");
    if (!pages.length) return;
    var status = document.getElementById("scan-viewer-status");
    var links = Array.prototype.slice.call(document.querySelectorAll(".scan-pages__link"));
    var pageOf = root.getAttribute("data-page-of") || "{label}";
    var current = 0;
    var rotation = 0;
    root.hidden = false;

    var viewer = window.OpenSeadragon({
      id: "scan-viewer-canvas",
      // A preview (`whole`) is its one largest allowed image; full access, the deep zoom.
      tileSources: pages.map(function (p) { return p.whole ? { type: "image", url: p.image } : p.info; }),
      sequenceMode: true,
      showNavigationControl: false,
      showSequenceControl: false,
      showRotationControl: false,
      preserveViewport: false,
      visibilityRatio: 0.5,
      minZoomImageRatio: 0.8,
      maxZoomPixelRatio: 2,
      animationTime: 0.6,
      crossOriginPolicy: false
    });

    // The focusable view: a named application, so screen readers pass its keys through.
    var canvas = viewer.canvas;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-label", root.getAttribute("data-canvas-label") || "");
    canvas.setAttribute("aria-describedby", "scan-viewer-help scan-viewer-status");

    function describe(index) {
      return pageOf
        .replace("{label}", pages[index].label)
        .replace("{number}", String(index + 1))
        .replace("{total}", String(pages.length));
    }

    function showPage(index) {
      current = index;
      rotation = 0;
      status.textContent = describe(index);
      links.forEach(function (link, i) {
        if (i === index) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      });
      button("previous").disabled = index === 0;
      button("next").disabled = index === pages.length - 1;
      root.setAttribute("data-current-page", String(index));
    }

    function button(action) {
      return root.querySelector('[data-action="' + action + '"]');
    }

    function goTo(index) {
      if (index < 0 || index >= pages.length || index === current) return;
      viewer.goToPage(index);
    }

    viewer.addHandler("page", function (event) { showPage(event.page); });
    viewer.addHandler("open", function () {
      root.setAttribute("data-opened", String(current));
    });

    var actions = {
      previous: function () { goTo(current - 1); },
      next: function () { goTo(current + 1); },
      "zoom-in": function () { viewer.viewport.zoomBy(1.5); viewer.viewport.applyConstraints(); },
      "zoom-out": function () { viewer.viewport.zoomBy(1 / 1.5); viewer.viewport.applyConstraints(); },
      home: function () { viewer.viewport.goHome(); },
      rotate: function () {
        rotation = (rotation + 90) % 360;
        viewer.viewport.setRotation(rotation);
      },
      fullscreen: function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else if (root.requestFullscreen) root.requestFullscreen();
      }
    };
    root.querySelectorAll("[data-action]").forEach(function (control) {
      control.addEventListener("click", function () {
        actions[control.getAttribute("data-action")]();
      });
    });
    document.addEventListener("fullscreenchange", function () {
      button("fullscreen").setAttribute("aria-pressed", String(document.fullscreenElement === root));
    });

    // Page Up / Page Down anywhere in the viewer change the page.
    root.addEventListener("keydown", function (event) {
      if (event.key === "PageDown") { goTo(current + 1); event.preventDefault(); }
      else if (event.key === "PageUp") { goTo(current - 1); event.preventDefault(); }
    });

    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        goTo(Number(link.getAttribute("data-page")));
        root.scrollIntoView({ block: "nearest" });
      });
    });

    showPage(0);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
