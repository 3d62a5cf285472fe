/* thuvien's audiobook player: the native <audio> element, progressively enhanced.
 *
 * Without this script the page still works: the browser's own controls play the book
 * and every chapter link opens the audio at its start (a media fragment, #t=…). With
 * it, the native controls give way to labelled buttons (play/pause, skip 15 s and 1 min,
 * chapters, speed, volume), chapter links play in place, the reader's place is kept
 * (this browser; and the account, for a logged-in reader, so it follows them to
 * another device) and bookmarks can be added, listed, used and deleted.
 *
 * Announcements go to one polite live region, once per action or chapter change;
 * the running clock is never announced. Keyboard shortcuts work only while the focus
 * is inside the player. All words come from the page (#player-data), in its language.
 * No framework, nothing fetched from elsewhere.
 */
(function () {
  "use strict";

  var root = document.getElementById("player");
  var dataElement = document.getElementById("player-data");
  if (!root || !dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);
  var audio = document.getElementById("player-audio");
  var text = data.text;
  var files = data.files;
  var chapters = data.chapters;
  var speeds = data.speeds;
  var csrf = root.getAttribute("data-csrf");
  var storeKey = "thuvien.audio." + data.record;
  var SAVE_EVERY = 15; // seconds of listening between saves of the place
  var RESUME_MIN = 3; // a place closer than this to the start or end is not offered

  var $ = function (id) { return document.getElementById(id); };
  var playButton = $("player-play");
  var timeText = $("player-time");
  var chapterText = $("player-chapter");
  var status = $("player-status");
  var speedOutput = $("player-speed");
  var volume = $("player-volume");
  var chapterLinks = Array.prototype.slice.call(document.querySelectorAll(".chapter__link"));

  var fileIndex = 0;
  var speedIndex = speeds.indexOf(1);
  var currentChapter = 0;
  var lastSaved = -1;
  var saveFailedSaid = false;
  var pendingSeek = null; // {at, play} while another file loads
  var quietPlay = false;

  // --- words ----------------------------------------------------------------------

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) {
      return values[name] === undefined ? "" : String(values[name]);
    }).replace(/%%/g, "%");
  }

  // A message naming a chapter, its title marked with the book's language when that is
  // not the page's (WCAG 3.1.2: an English voice would mangle "Chương 1"): a fragment.
  function withTitle(template, values) {
    var out = document.createDocumentFragment();
    template.split("%(title)s").forEach(function (part, i) {
      if (i > 0) {
        var title = document.createTextNode(values.title === undefined ? "" : String(values.title));
        if (data.titleLang) {
          var span = document.createElement("span");
          span.lang = data.titleLang;
          span.appendChild(title);
          title = span;
        }
        out.appendChild(title);
      }
      out.appendChild(document.createTextNode(fill(part, values)));
    });
    return out;
  }

  // An element's content: a string, or a fragment from `withTitle`.
  function show(element, content) {
    element.textContent = "";
    if (typeof content === "string") { element.textContent = content; } else { element.appendChild(content); }
  }

  function clock(seconds) {
    var total = Math.max(0, Math.round(seconds || 0));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function speedText(value) {
    return String(value).replace(".", document.documentElement.lang === "vi" ? "," : ".");
  }

  var clearTimer = null;
  function announce(message) {
    // Emptied first, so the same words said twice are announced twice.
    status.textContent = "";
    window.clearTimeout(clearTimer);
    window.setTimeout(function () { show(status, message); }, 50);
    clearTimer = window.setTimeout(function () { status.textContent = ""; }, 8000);
  }

  // --- the book's timeline -----------------------------------------------------------

  function position() {
    var f = files[fileIndex];
    return (f ? f.offset : 0) + (audio.currentTime || 0);
  }

  function locate(seconds) {
    for (var i = files.length - 1; i >= 0; i--) {
      if (seconds >= files[i].offset - 0.001) {
        return { index: i, at: Math.min(Math.max(0, seconds - files[i].offset), files[i].duration || Infinity) };
      }
    }
    return { index: 0, at: 0 };
  }

  function chapterAt(seconds) {
    var found = 0;
    for (var i = 0; i < chapters.length; i++) {
      if (chapters[i].start <= seconds + 0.25) { found = i; }
    }
    return chapters.length ? found : -1;
  }

  function seekTo(seconds, play) {
    seconds = Math.max(0, Math.min(seconds, data.duration || seconds));
    var where = locate(seconds);
    if (where.index !== fileIndex || !audio.currentSrc) {
      fileIndex = where.index;
      pendingSeek = { at: where.at, play: play };
      audio.src = files[fileIndex].url;
      audio.playbackRate = speeds[speedIndex];
      audio.load();
      return;
    }
    audio.currentTime = where.at;
    if (play && audio.paused) { start(true); }
  }

  audio.addEventListener("loadedmetadata", function () {
    audio.playbackRate = speeds[speedIndex];
    if (pendingSeek) {
      var seek = pendingSeek;
      pendingSeek = null;
      audio.currentTime = seek.at;
      if (seek.play) { start(true); }
    }
    update();
  });

  // quiet: the caller announces something better than "Playing" (a chapter, a bookmark).
  function start(quiet) {
    quietPlay = Boolean(quiet);
    var promise = audio.play();
    if (promise && promise.catch) {
      promise.catch(function () { /* refused (autoplay policy): the button stays "Play" */ });
    }
  }

  function toggle() {
    if (audio.paused) { start(); } else { audio.pause(); }
  }

  function skip(seconds) {
    var target = Math.max(0, Math.min(position() + seconds, data.duration));
    seekTo(target, !audio.paused);
    announce(fill(text.at, { time: clock(target), total: clock(data.duration) }));
  }

  function goToChapter(number, play) {
    var chapter = chapters[number - 1];
    if (!chapter) { return; }
    currentChapter = number - 1;
    seekTo(chapter.start, play);
    markChapter();
    announce(withTitle(text.jumped, { time: clock(chapter.start), number: chapter.number, title: chapter.title }));
  }

  function stepChapter(step) {
    var here = chapterAt(position());
    var target = here + step;
    // "Previous" a few seconds into a chapter goes back to its start, as players do.
    if (step < 0 && here >= 0 && position() - chapters[here].start > 3) { target = here; }
    if (target < 0 || target >= chapters.length) { return; }
    goToChapter(target + 1, !audio.paused);
  }

  // --- showing where we are --------------------------------------------------------

  function markChapter() {
    chapterLinks.forEach(function (link) {
      if (Number(link.getAttribute("data-chapter")) === currentChapter + 1) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var chapter = chapters[currentChapter];
    show(chapterText, chapter
      ? withTitle(text.chapter, { number: chapter.number, count: chapters.length, title: chapter.title })
      : "");
  }

  function update() {
    var here = position();
    timeText.textContent = clock(here) + " / " + clock(data.duration);
    var index = chapterAt(here);
    if (index !== -1 && index !== currentChapter) {
      currentChapter = index;
      markChapter();
      if (!audio.paused && !audio.seeking) {
        var c = chapters[index];
        announce(fill(text.chapter, { number: c.number, count: chapters.length, title: c.title }));
      }
    }
  }

  audio.addEventListener("timeupdate", function () {
    update();
    if (!audio.paused && Math.abs(position() - lastSaved) >= SAVE_EVERY) { save(); }
  });
  audio.addEventListener("play", function () {
    playButton.textContent = text.pause;
    root.setAttribute("data-state", "playing");
    if (!quietPlay) { announce(text.playing); }
    quietPlay = false;
  });
  audio.addEventListener("pause", function () {
    if (pendingSeek) { return; } // between two files of the book: not a pause
    playButton.textContent = text.play;
    root.setAttribute("data-state", "paused");
    if (!audio.ended) { announce(text.paused); }
    save();
  });
  audio.addEventListener("seeked", function () { update(); if (audio.paused) { save(); } });
  audio.addEventListener("ended", function () {
    if (fileIndex + 1 < files.length) {
      seekTo(files[fileIndex + 1].offset, true);
      return;
    }
    playButton.textContent = text.play;
    root.setAttribute("data-state", "ended");
    announce(text.ended);
    save();
  });
  audio.addEventListener("error", function () {
    if (audio.error) { announce(text.loadFailed); }
  });

  // --- speed and volume ------------------------------------------------------------------

  function setSpeed(index, say) {
    var limit = index < 0 ? "slowest" : index >= speeds.length ? "fastest" : "";
    speedIndex = Math.max(0, Math.min(speeds.length - 1, index));
    var value = speeds[speedIndex];
    audio.playbackRate = value;
    audio.defaultPlaybackRate = value;
    speedOutput.textContent = speedText(value) + "×";
    root.setAttribute("data-speed", String(value));
    try { localStorage.setItem("thuvien.audio.speed", String(value)); } catch (e) { /* private mode */ }
    if (say) { announce(fill(text[limit] || text.speed, { speed: speedText(value) })); }
  }

  function setVolume(percent, say) {
    percent = Math.max(0, Math.min(100, Math.round(percent / 5) * 5));
    audio.volume = percent / 100;
    volume.value = String(percent);
    volume.setAttribute("aria-valuetext", percent + "%");
    if (say) { announce(fill(text.volume, { volume: percent })); }
  }

  // --- the reader's place ------------------------------------------------------------------

  function readLocal(key, fallback) {
    try {
      var value = localStorage.getItem(key);
      return value ? JSON.parse(value) : fallback;
    } catch (e) { return fallback; }
  }

  function writeLocal(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private */ }
  }

  function request(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
      keepalive: method !== "GET"
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.status === 204 ? null : response.json();
    });
  }

  function save() {
    var here = Math.round(position() * 1000) / 1000;
    lastSaved = here;
    root.setAttribute("data-saved", String(here));
    writeLocal(storeKey + ".position", { position: here, at: new Date().toISOString() });
    if (!data.server) { return; }
    request("PUT", data.positionUrl, { position: here }).catch(function () {
      if (!saveFailedSaid) { saveFailedSaid = true; announce(text.saveFailed); }
    });
  }

  function resume() {
    var local = readLocal(storeKey + ".position", null);
    var fromServer = data.server
      ? request("GET", data.positionUrl).catch(function () { return null; })
      : Promise.resolve(null);
    return fromServer.then(function (server) {
      var best = local;
      if (server && server.position !== null) {
        if (!best || !best.at || (server.updated_at && server.updated_at > best.at)) {
          best = { position: server.position, at: server.updated_at };
        }
      }
      if (!best || best.position < RESUME_MIN || best.position > data.duration - RESUME_MIN) { return; }
      lastSaved = best.position;
      seekTo(best.position, false);
      var index = chapterAt(best.position);
      currentChapter = Math.max(0, index);
      markChapter();
      var chapter = chapters[currentChapter] || { number: "", title: "" };
      var said = { time: clock(best.position), number: chapter.number, title: chapter.title };
      show($("player-resume-text"), withTitle(text.resumed, said));
      $("player-resume").hidden = false;
      timeText.textContent = clock(best.position) + " / " + clock(data.duration);
      root.setAttribute("data-resumed", String(best.position));
      announce(withTitle(text.resumed, said));
    });
  }

  window.addEventListener("pagehide", function () { if (position() > 0) { save(); } });

  // --- bookmarks ------------------------------------------------------------------------------

  var bookmarkList = $("bookmark-list");
  var bookmarkEmpty = $("bookmark-empty");
  var bookmarkLabel = $("bookmark-label");
  var bookmarkAdd = $("bookmark-add");
  var marks = [];

  var bookmarks = data.server ? {
    list: function () {
      return request("GET", data.bookmarksUrl).then(function (body) { return body.bookmarks; });
    },
    add: function (seconds, label) {
      return request("POST", data.bookmarksUrl, { position: seconds, label: label });
    },
    remove: function (id) { return request("DELETE", data.bookmarksUrl + "/" + id); }
  } : {
    list: function () { return Promise.resolve(readLocal(storeKey + ".bookmarks", [])); },
    add: function (seconds, label) {
      var all = readLocal(storeKey + ".bookmarks", []);
      var mark = { id: Date.now(), position: seconds, label: label, created_at: new Date().toISOString() };
      all.push(mark);
      writeLocal(storeKey + ".bookmarks", all);
      return Promise.resolve(mark);
    },
    remove: function (id) {
      var all = readLocal(storeKey + ".bookmarks", []).filter(function (m) { return m.id !== id; });
      writeLocal(storeKey + ".bookmarks", all);
      return Promise.resolve(null);
    }
  };

  function markName(mark) {
    return mark.label || fill(text.bookmarkLabel, { time: clock(mark.position) });
  }

  // An unnamed bookmark is named after its chapter, which says more than a time.
  function defaultLabel(seconds) {
    var chapter = chapters[chapterAt(seconds)];
    return chapter ? chapter.title : "";
  }

  function renderMarks(focusIndex) {
    marks.sort(function (a, b) { return a.position - b.position; });
    bookmarkList.textContent = "";
    marks.forEach(function (mark) {
      var item = document.createElement("li");
      item.className = "bookmark";
      var jump = document.createElement("button");
      jump.type = "button";
      jump.className = "link-button bookmark__jump";
      jump.textContent = fill(text.jumpTo, { label: markName(mark), time: clock(mark.position) });
      jump.addEventListener("click", function () {
        seekTo(mark.position, true);
        announce(fill(text.at, { time: clock(mark.position), total: clock(data.duration) }));
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary bookmark__delete";
      remove.textContent = fill(text["delete"], { label: markName(mark) });
      remove.addEventListener("click", function () { deleteMark(mark); });
      item.appendChild(jump);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(remove);
      bookmarkList.appendChild(item);
    });
    bookmarkEmpty.hidden = marks.length > 0;
    if (focusIndex !== undefined) {
      var buttons = bookmarkList.querySelectorAll(".bookmark__jump");
      (buttons[Math.min(focusIndex, buttons.length - 1)] || bookmarkAdd).focus();
    }
  }

  function addMark() {
    var seconds = Math.round(position() * 1000) / 1000;
    var label = bookmarkLabel.value.trim().slice(0, 200) || defaultLabel(seconds);
    bookmarks.add(seconds, label).then(function (mark) {
      marks.push(mark);
      bookmarkLabel.value = "";
      renderMarks();
      announce(fill(text.bookmarkAdded, { time: clock(seconds) }));
    }).catch(function () { announce(text.bookmarkFailed); });
  }

  function deleteMark(mark) {
    var index = marks.indexOf(mark);
    bookmarks.remove(mark.id).then(function () {
      marks = marks.filter(function (m) { return m !== mark; });
      renderMarks(index);
      announce(fill(text.bookmarkDeleted, { label: markName(mark) }));
    }).catch(function () { announce(text.bookmarkFailed); });
  }

  // --- keyboard shortcuts (only while the focus is inside the player) ----------------------------

  root.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var onRange = target && target.type === "range";
    var handled = true;
    switch (event.key) {
      case "k": case "K": toggle(); break;
      case "ArrowLeft": if (onRange) { handled = false; } else { skip(event.shiftKey ? -60 : -15); } break;
      case "ArrowRight": if (onRange) { handled = false; } else { skip(event.shiftKey ? 60 : 15); } break;
      case "ArrowUp": if (onRange) { handled = false; } else { setVolume(Number(volume.value) + 10, true); } break;
      case "ArrowDown": if (onRange) { handled = false; } else { setVolume(Number(volume.value) - 10, true); } break;
      case "<": case ",": setSpeed(speedIndex - 1, true); break;
      case ">": case ".": setSpeed(speedIndex + 1, true); break;
      case "n": case "N": stepChapter(1); break;
      case "p": case "P": stepChapter(-1); break;
      case "b": case "B": addMark(); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  // --- wiring -------------------------------------------------------------------------------------

  playButton.addEventListener("click", toggle);
  Array.prototype.forEach.call(root.querySelectorAll("[data-skip]"), function (button) {
    button.addEventListener("click", function () { skip(Number(button.getAttribute("data-skip"))); });
  });
  Array.prototype.forEach.call(root.querySelectorAll("[data-step-chapter]"), function (button) {
    button.addEventListener("click", function () {
      stepChapter(Number(button.getAttribute("data-step-chapter")));
    });
  });
  $("player-slower").addEventListener("click", function () { setSpeed(speedIndex - 1, true); });
  $("player-faster").addEventListener("click", function () { setSpeed(speedIndex + 1, true); });
  volume.addEventListener("input", function () { setVolume(Number(volume.value), false); });
  $("player-start-over").addEventListener("click", function () {
    seekTo(0, false);
    currentChapter = 0;
    markChapter();
    $("player-resume").hidden = true;
    playButton.focus();
    announce(fill(text.at, { time: clock(0), total: clock(data.duration) }));
  });
  chapterLinks.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var number = Number(link.getAttribute("data-chapter"));
      if (number) {
        goToChapter(number, true);
      } else { // a part: its first chapter
        seekTo(Number(link.getAttribute("data-start")), true);
      }
    });
  });
  bookmarkAdd.addEventListener("click", addMark);

  // Enhanced from here on: the labelled controls replace the native ones.
  audio.controls = false;
  audio.preload = "metadata";
  $("player-controls").hidden = false;
  $("bookmarks").hidden = false;
  setSpeed(Math.max(0, speeds.indexOf(Number(readLocal("thuvien.audio.speed", 1)))), false);
  setVolume(100, false);
  markChapter();
  root.setAttribute("data-state", "paused");
  resume().then(function () { root.setAttribute("data-ready", "true"); });
  bookmarks.list().then(function (list) {
    marks = list || [];
    renderMarks();
  }).catch(function () { marks = []; renderMarks(); });
})();
