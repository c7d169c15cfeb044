// Tierline live boards: the server says "changed" on an event stream (live/streams.py) and the
// board or wall refreshes at once, through the same htmx request as its poll. The poll stays
// as the fallback: while the stream is open it is held back (one still goes every few minutes,
// for the turn of the day); when the stream drops the screen polls at the board's interval
// until the stream is back. A "refused" event (a revoked display link) stops the stream and
// lets the poll show the refusal. Loaded as a static file (the CSP allows no inline script).
//
// Browsers keep at most six connections per site over HTTP/1.1, so only walls and boards
// stream, and a tab left in the background closes its stream after a minute.
(function () {
  "use strict";

  const anchor = document.querySelector("[data-live-events]");
  if (!anchor || !window.EventSource || !window.htmx) return;
  const url = anchor.dataset.liveEvents;
  const targetId = anchor.dataset.liveTarget;
  const SLOW_POLL_MS = 300000; // while streaming, a poll still goes this often
  const HIDDEN_CLOSE_MS = 60000;
  const RETRY_MS = 30000; // after a refused or failed stream (503, network), try again

  let source = null;
  let open = false; // the stream is up: polls are held back
  let everOpen = false;
  let clean = false; // the server ended the stream on time ("bye"): nothing was missed
  let stopped = false; // refused: no more streaming on this page
  let live = false; // the next request of the target is ours
  let force = false; // … and must not be answered 304 (the change may be a badge only)
  let again = false; // a change came while a refresh was on its way
  let inFlight = false;
  let lastRefresh = Date.now();
  let beatMs = 15000;
  let watchdog = null;
  let retryTimer = null;
  let hiddenTimer = null;

  function state(name) {
    anchor.dataset.liveState = name; // "open", "polling" or "refused", for people and tests
  }

  function target() {
    return document.getElementById(targetId);
  }

  function refresh(forced, tries) {
    const el = target();
    if (!el) return;
    if (inFlight) {
      again = true;
      return;
    }
    live = true;
    force = forced;
    window.htmx.trigger(el, "live-changed");
    // htmx starts the request at once (htmx:beforeRequest, below, takes `live`). Just after a
    // swap the new element may not listen yet and the trigger falls on nothing: try again
    // shortly rather than lose the change (for five seconds at most).
    if (live) {
      live = false;
      if ((tries || 0) < 50) window.setTimeout(() => refresh(forced, (tries || 0) + 1), 100);
    }
  }

  function arm() {
    window.clearTimeout(watchdog);
    // Two heartbeats missed: the connection is dead even if nobody said so.
    watchdog = window.setTimeout(reconnect, beatMs * 2.5 + 5000);
  }

  function close() {
    window.clearTimeout(watchdog);
    if (source) source.close();
    source = null;
    open = false;
    state("polling");
  }

  function reconnect() {
    close();
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(connect, 1000);
  }

  function connect() {
    window.clearTimeout(retryTimer);
    if (stopped || document.hidden) return;
    close();
    source = new EventSource(url);
    source.addEventListener("ready", (event) => {
      const seconds = Number(event.data);
      if (seconds > 0) beatMs = seconds * 1000;
      const missed = everOpen; // changes may have come while the stream was down
      const forced = !clean; // … a badge-only one is seen only without If-None-Match
      clean = false;
      open = true;
      everOpen = true;
      state("open");
      arm();
      if (missed) refresh(forced);
    });
    source.addEventListener("ping", arm);
    source.addEventListener("bye", () => {
      clean = true;
    });
    source.addEventListener("changed", () => {
      arm();
      refresh(true);
    });
    source.addEventListener("refused", () => {
      stopped = true;
      close();
      state("refused");
      refresh(false); // the answer is the refusal, shown where the board was
    });
    source.onerror = () => {
      open = false; // poll meanwhile
      state("polling");
      if (source && source.readyState === EventSource.CLOSED) {
        close();
        retryTimer = window.setTimeout(connect, RETRY_MS + Math.random() * 5000);
      }
    };
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt || elt.id !== targetId) return;
    const ours = live;
    live = false;
    if (event.defaultPrevented) {
      // Someone is dragging or typing on the board: try again shortly.
      if (ours) window.setTimeout(() => refresh(true), 2000);
      return;
    }
    const polled = !ours && !(event.detail.requestConfig || {}).triggeringEvent;
    if (polled && open && Date.now() - lastRefresh < SLOW_POLL_MS) {
      event.preventDefault(); // the stream will say when something changes
      return;
    }
    inFlight = true;
    lastRefresh = Date.now();
    // Not htmx:afterRequest: the swap has taken the element out of the page by then, and
    // events on it no longer reach the document.
    const done = () => {
      inFlight = false;
      if (again) {
        again = false;
        refresh(true);
      }
    };
    if (event.detail.xhr) event.detail.xhr.addEventListener("loadend", done);
    else done();
  });

  document.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    if (force && elt && elt.id === targetId) {
      delete event.detail.headers["If-None-Match"];
      force = false;
    }
  });

  document.addEventListener("visibilitychange", () => {
    window.clearTimeout(hiddenTimer);
    if (document.hidden) {
      hiddenTimer = window.setTimeout(close, HIDDEN_CLOSE_MS);
    } else if (!source && !stopped) {
      connect();
      refresh(true);
    }
  });

  connect();
})();
