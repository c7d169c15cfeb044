// Tierline boards: native drag and drop, conditional polling, the move/SQDC dialog and the
// clocks. Loaded as a static file (the CSP allows no inline script). htmx does the requests.
(function () {
  "use strict";

  let dragging = null;

  function dialog() {
    return document.getElementById("board-dialog");
  }

  // A poll must not pull the board from under someone who is dragging, choosing a move or
  // typing in the dialog.
  function boardBusy() {
    if (dragging) return true;
    const d = dialog();
    if (d && d.open) return true;
    const active = document.activeElement;
    const board = document.getElementById("board");
    return Boolean(board && active && board.contains(active) &&
      /^(SELECT|INPUT|TEXTAREA|BUTTON)$/.test(active.tagName));
  }

  // Conditional requests: a fragment carries its version as data-etag; polls send it back
  // and an unchanged board answers 304 without a body.
  document.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    if (event.detail.verb === "get" && elt && elt.dataset && elt.dataset.etag) {
      event.detail.headers["If-None-Match"] = elt.dataset.etag;
    }
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.id === "board" && event.detail.requestConfig &&
        event.detail.requestConfig.verb === "get" && boardBusy()) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status === 304) {
      // htmx would swap the empty body in: keep what is on screen.
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      return;
    }
    if (xhr.status >= 400 && xhr.getResponseHeader("X-Tierline-Fragment")) {
      // A refused move (409: the card is shown in its true place), a form with errors, or a
      // wall screen whose display link was revoked: the answer is meant to be shown.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    const d = dialog();
    if (d && target && target.id === "dialog-body") {
      if (!d.open) d.showModal();
      const field = d.querySelector("textarea, input:not([type=hidden]), select");
      if (field) field.focus();
    }
    startTimers();
  });

  document.addEventListener("dialog-close", () => {
    const d = dialog();
    if (d && d.open) d.close();
  });

  // Moves answered with the board close the dialog too.
  document.addEventListener("htmx:afterSettle", (event) => {
    const d = dialog();
    if (d && d.open && event.target && event.target.id === "board") d.close();
  });

  document.addEventListener("click", (event) => {
    const close = event.target.closest("[data-dialog-close]");
    const d = dialog();
    if (close && d && d.open && d.contains(close)) {
      event.preventDefault();
      d.close();
    }
  });

  document.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  // ------------------------------------------------------------------ drag and drop
  function dropZone(node) {
    return node && node.closest ? node.closest("[data-drop-status], [data-drop-escalate]") : null;
  }

  function clearZones() {
    document.querySelectorAll(".drop-ok").forEach((z) => z.classList.remove("drop-ok"));
  }

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest ? event.target.closest(".card[draggable=true]") : null;
    if (!card) return;
    dragging = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.idea);
  });

  document.addEventListener("dragend", () => {
    if (dragging) dragging.classList.remove("is-dragging");
    dragging = null;
    clearZones();
  });

  document.addEventListener("dragover", (event) => {
    const zone = dropZone(event.target);
    if (!dragging || !zone) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("drop-ok")) {
      clearZones();
      zone.classList.add("drop-ok");
    }
  });

  document.addEventListener("drop", (event) => {
    const zone = dropZone(event.target);
    const card = dragging;
    if (!card || !zone) return;
    event.preventDefault();
    clearZones();
    card.classList.remove("is-dragging");
    dragging = null;
    if (zone.hasAttribute("data-drop-escalate")) {
      // The Waiting column means "escalated": that is a request to another team, made on
      // the escalation page.
      const escalate = card.querySelector("[data-testid=escalate]");
      if (escalate) window.location.assign(escalate.href);
      return;
    }
    const to = zone.dataset.dropStatus;
    const board = document.getElementById("board");
    if (!to || !board || to === card.dataset.status) return;
    window.htmx.ajax("POST", board.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { idea: card.dataset.idea, version: card.dataset.version, to: to },
    });
  });

  // ------------------------------------------------------------------ clocks
  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function tick() {
    const now = new Date();
    document.querySelectorAll("[data-clock=time]").forEach((el) => {
      el.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes());
    });
    document.querySelectorAll("[data-clock=date]").forEach((el) => {
      el.textContent = now.toLocaleDateString("en-GB", {
        weekday: "long", day: "numeric", month: "long", year: "numeric",
      });
    });
    document.querySelectorAll("[data-elapsed-since]").forEach((el) => {
      const since = Date.parse(el.dataset.elapsedSince);
      if (Number.isNaN(since)) return;
      const seconds = Math.max(0, Math.floor((now - since) / 1000));
      el.textContent = Math.floor(seconds / 60) + " min " + pad(seconds % 60) + " s";
    });
  }

  function startTimers() {
    tick();
  }

  document.addEventListener("DOMContentLoaded", startTimers);
  window.setInterval(tick, 1000);
})();
