// Keyboard first: "/" or F2 jumps to the page's search box; a form submits once.
document.addEventListener("keydown", (event) => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || "");
  if ((event.key === "/" && !typing) || event.key === "F2") {
    const box = document.querySelector("[data-search]");
    if (box) { event.preventDefault(); box.focus(); box.select?.(); }
  }
});
// A double click or a second Enter must not send a form twice (the server refuses a second
// dossier anyway, through the form's idempotency key).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitted) { event.preventDefault(); return; }
  if (form.matches("[data-once]")) {
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach((b) => { b.disabled = true; });
  }
});
// A choice that shows another view at once (the branch dashboard's branch), without an
// inline handler, which the Content-Security-Policy forbids.
document.addEventListener("change", (event) => {
  if (event.target.matches?.("select[data-autosubmit]")) event.target.form?.submit();
});
