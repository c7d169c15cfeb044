// Tierline's small amount of JavaScript: the phone menu and confirmations. htmx does the rest.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (toggle) {
    const nav = document.getElementById(toggle.getAttribute("aria-controls"));
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  }
  const details = event.target.closest("[data-confirm]");
  if (details && !window.confirm(details.dataset.confirm)) {
    event.preventDefault();
  }
});
