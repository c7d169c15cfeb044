// Tierline wall screen: nothing hidden. The server renders every card of every column; this
// measures, per column, what fits the TV and shrinks, then pages, the cards so that each one
// is on screen at least once a minute. Loaded as a static file (the CSP allows no inline
// script); works on the real boxes, so a long title or a column of badges is accounted for.
//
// The rule, per column, worked out again at every load, refresh (htmx swap) and resize:
//  1. normal cards, when they all fit;
//  2. else compact cards (title on one line, key badges on the next) at the scales in SCALES,
//     largest first: the first that fits every card wins, without paging. The last scale is
//     the smallest readable size (titles .72rem, badges .6rem: 17 and 14 px on a 1920-wide
//     screen; see huddles.css);
//  3. else page the smallest compact cards, a page every 10 s, while that makes at most
//     6 pages (6 × 10 s: every card on screen at least once a minute);
//  4. else compact further: dense cards (title and key badges on one line, about twice the
//     rows per page), a page every 10 s while that makes at most 6 pages;
//  5. else dense pages, each shown for 60 s / pages (not under 5 s), so up to 12 pages still
//     show every card once a minute. Beyond that (hundreds of open cards in one column) the
//     minute cannot be kept readably: a round takes pages × 5 s, and the header says "n / m".
// Pages turn on the clock (page = floor(now / interval) mod pages), not from the last
// refresh: a board that changes every few seconds is re-rendered that often, and restarting
// at page 1 each time would keep the later pages off the screen. After a refresh the pages
// are cut again from the new cards, so a newly logged card comes round within the same round.
(function () {
  "use strict";

  const PAGE_MS = 10000;
  const ROUND_MS = 60000; // every card on screen at least this often
  const MIN_PAGE_MS = 5000;
  const SCALES = ["100", "88", "76"]; // compact steps, see [data-scale] in huddles.css
  const TOLERANCE = 0.5; // px: sub-pixel rounding of the boxes

  let plans = [];

  function cardsOf(list) {
    return Array.from(list.querySelectorAll(":scope > [data-idea]"));
  }

  function setFit(column, fit, scale) {
    column.dataset.fit = fit;
    if (scale) column.dataset.scale = scale;
    else delete column.dataset.scale;
  }

  // Every card inside the list's box (the list clips what overflows).
  function allFit(list, cards) {
    if (!cards.length) return true;
    const bottom = list.getBoundingClientRect().bottom;
    return cards[cards.length - 1].getBoundingClientRect().bottom <= bottom + TOLERANCE;
  }

  // Cuts the cards, laid out one under the other, into runs that each fit the list's height:
  // shown alone (the others hidden), a run starts at the top of the list.
  function paginate(list, cards) {
    const box = list.getBoundingClientRect();
    const pages = [];
    let page = [];
    let top = 0;
    cards.forEach((card) => {
      const r = card.getBoundingClientRect();
      if (page.length && r.bottom - top > box.height + TOLERANCE) {
        pages.push(page);
        page = [];
      }
      if (!page.length) top = r.top;
      page.push(card);
    });
    if (page.length) pages.push(page);
    return pages;
  }

  function plan(column) {
    const list = column.querySelector("[data-wall-cards]");
    if (!list) return null;
    const cards = cardsOf(list);
    cards.forEach((card) => card.classList.remove("is-off-page"));
    const single = { column, pages: [cards], interval: 0, shown: -1 };
    setFit(column, "normal");
    if (allFit(list, cards)) return single;
    for (const scale of SCALES) {
      setFit(column, "compact", scale);
      if (allFit(list, cards)) return single;
    }
    let pages = paginate(list, cards);
    if (pages.length * PAGE_MS <= ROUND_MS) {
      return { column, pages, interval: PAGE_MS, shown: -1 };
    }
    setFit(column, "dense", SCALES[SCALES.length - 1]);
    if (allFit(list, cards)) return single;
    pages = paginate(list, cards);
    const interval = pages.length * PAGE_MS <= ROUND_MS ? PAGE_MS
      : Math.max(MIN_PAGE_MS, Math.floor(ROUND_MS / pages.length));
    return { column, pages, interval, shown: -1 };
  }

  function show(p, now) {
    const indicator = p.column.querySelector("[data-wall-page]");
    const count = p.pages.length;
    p.column.dataset.pages = String(count);
    if (count < 2) {
      if (indicator) indicator.hidden = true;
      return;
    }
    const index = Math.floor(now / p.interval) % count;
    if (index === p.shown) return;
    p.shown = index;
    p.pages.forEach((page, i) => {
      page.forEach((card) => card.classList.toggle("is-off-page", i !== index));
    });
    p.column.dataset.page = String(index + 1);
    if (indicator) {
      indicator.textContent = (index + 1) + " / " + count;
      indicator.title = "Page " + (index + 1) + " of " + count + ", turning every " +
        Math.round(p.interval / 1000) + " s";
      indicator.hidden = false;
    }
  }

  function fitAll() {
    const now = Date.now();
    plans = Array.from(document.querySelectorAll("[data-wall-column]"))
      .map(plan).filter(Boolean);
    plans.forEach((p) => show(p, now));
  }

  // Without a huddle yet, "new" means logged in the last 24 hours: nothing on the server
  // changes when a card stops being new, so the marker is dropped here.
  function expireNew(now) {
    let changed = false;
    document.querySelectorAll(".wall-card[data-new-until]").forEach((card) => {
      const until = Number(card.dataset.newUntil) * 1000; // seconds since the epoch
      if (Number.isNaN(until) || until > now) return;
      card.removeAttribute("data-new-until");
      card.classList.remove("is-new");
      const marker = card.querySelector("[data-testid=new-marker]");
      if (marker) marker.remove();
      changed = true;
    });
    return changed;
  }

  function tick() {
    const now = Date.now();
    if (expireNew(now)) {
      fitAll();
      return;
    }
    plans.forEach((p) => show(p, now));
  }

  function refit() {
    if (!document.querySelector("[data-wall]")) return;
    expireNew(Date.now());
    fitAll();
  }

  // A refresh swaps the whole board: cut the pages again from the new cards.
  document.addEventListener("htmx:afterSwap", refit);
  window.addEventListener("resize", refit);
  window.addEventListener("load", refit);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refit);
  else refit();
  window.setInterval(tick, 1000);
})();
