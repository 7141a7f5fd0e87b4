// The publisher's own script: a dark-mode switch and a log of what the widgets announce.
const toggle = document.getElementById("theme-toggle");
toggle.addEventListener("click", () => {
  const dark = toggle.getAttribute("aria-pressed") !== "true";
  toggle.setAttribute("aria-pressed", String(dark));
  for (const widget of document.querySelectorAll("article-widget")) {
    widget.setAttribute("theme", dark ? "dark" : "light");
  }
});

const log = document.getElementById("event-log");
for (const name of ["article-widget:ready", "article-widget:comment-posted"]) {
  document.addEventListener(name, (event) => {
    const item = document.createElement("li");
    const article = event.target.getAttribute("article");
    item.textContent = `${name} — ${article}${event.detail ? " " + JSON.stringify(event.detail) : ""}`;
    log.append(item);
  });
}
