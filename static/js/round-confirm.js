// Ask before a form with data-confirm is sent (opening, closing, reminding): these are
// actions that e-mail every municipality or lock their reports.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
