// Ideas pages: a friendly early warning for files over the size limit, and focus on the
// first field of an edit form that htmx swaps in. Everything works without it.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.files.length) return;
  const form = input.closest("[data-max-bytes]");
  const limit = form ? Number(form.dataset.maxBytes) : 0;
  const file = input.files[0];
  if (limit && file.size > limit) {
    input.setCustomValidity(`This file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${Math.round(limit / 1048576)} MB.`);
    input.reportValidity();
  } else {
    input.setCustomValidity("");
  }
});

document.addEventListener("htmx:afterSwap", () => {
  const form = document.querySelector("form.edit-form");
  if (form && !form.contains(document.activeElement)) {
    const first = form.querySelector("input[type=text], textarea");
    if (first) first.focus();
  }
});

// Forms marked data-swap-errors (quick time entry) show a refused entry (400 / 403) in place:
// the server answers with the panel carrying the message.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if ([400, 403].includes(status) && source && source.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Speak up safely: choosing a safety or people category on the quick form suggests raising the
// item without a name (a hint; the box is never ticked for the person).
function showAnonymousHint(form) {
  const hint = form.querySelector("[data-anonymous-hint]");
  if (!hint) return;
  const suggested = hint.dataset.categories.split(",");
  const chosen = form.querySelector("input[name=category]:checked");
  const box = form.querySelector("input[name=anonymous]");
  hint.hidden = !(chosen && suggested.includes(chosen.value)) || (box && box.checked);
}

document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("form");
  if (form && ["category", "anonymous"].includes(event.target.name)) showAnonymousHint(form);
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-testid=quick-form]").forEach(showAnonymousHint);
});
