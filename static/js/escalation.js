// Escalation pages: let htmx show a refused action (400 / 403 / 409) in place — the server
// answers with the row or preview carrying the message — instead of dropping the response.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if ([400, 403, 409].includes(status) && source && source.closest("[data-esc], #escalate-form")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
