// Ask before a form with data-confirm is sent (opening, closing, reminding; publishing an
// agenda, cancelling a meeting, renewing a calendar link): actions that e-mail many people,
// lock their reports or cut off a calendar subscription.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
