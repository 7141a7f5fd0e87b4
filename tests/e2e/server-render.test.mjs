// The server-rendered first paint in a real browser: the demo page with the widget the
// reference server renders into it, read with JavaScript off, and taken over in place by the
// wasm with JavaScript on.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { AxeBuilder, launchBrowser, solve, startServer, watch } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const HEADLINE = /Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat/;

/**
 * Opens the demo with its WebAssembly held back until `takeOver()`: what shows before is the
 * server's render alone. Records the page's requests, its console's warnings, and the layout
 * shifts from the takeover on, with what moved.
 */
async function openHeld(width) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const seen = await watch(page);
  const warnings = [];
  page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  const requests = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  await page.addInitScript(() => {
    window.layoutShifts = [];
    const describe = (node) => node ? `${node.nodeName}.${node.className ?? ""}` : "?";
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.layoutShifts.push({
          at: Math.round(entry.startTime),
          value: entry.value,
          moved: entry.sources.map((s) => `${describe(s.node)} ${JSON.stringify(s.previousRect)} -> ${JSON.stringify(s.currentRect)}`),
        });
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(server.url + "/");
  const widget = page.locator("article-widget");
  await widget.locator("h1").waitFor();
  const takeOver = async () => {
    // What the takeover moves, not what the page's own loading did before it.
    await page.evaluate(() => { window.layoutShifts = []; });
    release();
    // The widget runs once the form is no longer disabled and has its question.
    await widget.locator("form input[name=captcha]").waitFor();
  };
  return { page, widget, seen, warnings, requests, takeOver, close: () => context.close() };
}

test("with JavaScript off, the article, its related stories and its comments are in the page", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + "/");
  const widget = page.locator("article-widget");
  assert.match(await widget.locator("h1").innerText(), HEADLINE);
  assert.equal(await widget.locator(".aw-related__link").count(), 4);
  assert.ok(await widget.locator(".aw-comments__heading").isVisible());
  assert.equal(await widget.locator("form fieldset[disabled]").count(), 1, "the form takes nothing that would be lost");
  assert.equal(await widget.locator(".aw-form__noscript").innerText(), "Pour commenter, activez JavaScript.");
  const linkedData = JSON.parse(await page.locator("article-widget > script[type='application/ld+json']").textContent());
  assert.equal(linkedData["@type"], "NewsArticle");
  assert.match(linkedData.headline, HEADLINE);
  assert.equal(await page.locator("head meta[property='og:title']").count(), 1);
  await context.close();
});

/** A screenshot of `part` once it is in view and its images (lazy ones too) are decoded. */
async function shot(part) {
  await part.scrollIntoViewIfNeeded();
  await part.locator("img").evaluateAll((images) => Promise.all(images.map((image) => image.decode().catch(() => {}))));
  return part.screenshot();
}

for (const width of [375, 1280]) {
  test(`at ${width} px, the takeover asks for nothing shown, shifts nothing and changes no pixel`, async () => {
    const { page, widget, seen, requests, takeOver, close } = await openHeld(width);
    // A reader who already moved through the page keeps their place and their focus.
    await widget.locator(".aw-related__link").first().focus();
    const before = { article: await shot(widget.locator(".aw-article")), related: await shot(widget.locator(".aw-related")) };
    const headline = await widget.locator("h1").elementHandle();
    const place = await page.evaluate(() => window.scrollY);
    await takeOver();
    assert.equal(await page.evaluate(() => window.scrollY), place, "the scroll position is kept");
    const focused = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className);
    assert.equal(focused, "aw-related__link", "the focus stays where it was");
    const afterwards = { article: await shot(widget.locator(".aw-article")), related: await shot(widget.locator(".aw-related")) };
    assert.ok(before.article.equals(afterwards.article), "the article's pixels are the same");
    assert.ok(before.related.equals(afterwards.related), "the related stories' pixels are the same");
    assert.equal(await headline.evaluate((h) => h.isConnected), true, "the same element, taken over in place");
    const api = requests.filter((path) => path.startsWith("/api/"));
    assert.deepEqual(api, ["/api/captcha"], "only the question, which a page must not cache, is asked for");
    const shifts = await page.evaluate(() => window.layoutShifts);
    assert.deepEqual(shifts, [], "the takeover shifts no layout");
    assert.deepEqual(seen, { violations: [], errors: [] });
    await close();
  });
}

test("axe finds no violation before the takeover nor after it", async () => {
  const { page, takeOver, close } = await openHeld(1280);
  for (const moment of ["before", "after"]) {
    if (moment === "after") await takeOver();
    const results = await new AxeBuilder({ page }).include("article-widget").analyze();
    const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(summary, [], `axe, ${moment} the takeover`);
  }
  await close();
});

test("a reader posts a comment once the widget has taken over", async () => {
  const { page, widget, seen, takeOver, close } = await openHeld(1280);
  await page.clock.install();
  await takeOver();
  const form = widget.locator("form.aw-form").last();
  await form.locator("input[name=name]").fill("Lectrice du rendu serveur");
  await form.locator("input[name=email]").fill("rendu@example.fr");
  await form.locator("textarea[name=body]").fill("Posté après la reprise.");
  await form.locator("input[name=captcha]").fill(String(solve(await form.locator("label[for$=-captcha]").innerText())));
  await page.clock.fastForward(3_200);
  await form.locator("button[type=submit]").click();
  await widget.locator(".aw-form__status[data-state=ok]").waitFor();
  assert.equal(await widget.locator(".aw-comment", { hasText: "Posté après la reprise." }).count(), 1);
  assert.deepEqual(seen, { violations: [], errors: [] });
  await close();
});

test("markup altered on its way is rendered anew, and the console says why", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = await watch(page);
  const warnings = [];
  page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  const requests = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  // A proxy that drops the kicker from the page.
  await page.route(server.url + "/", async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('<p class="aw-kicker">Monde</p>', "");
    await route.fulfill({ response, body });
  });
  await page.goto(server.url + "/");
  const widget = page.locator("article-widget");
  await widget.locator("form input[name=captcha]").waitFor();
  assert.equal(await widget.locator(".aw-kicker").textContent(), "Monde", "rendered as the browser renders it");
  assert.match(await widget.locator("h1").innerText(), HEADLINE);
  assert.ok(warnings.some((w) => w.includes("altered on its way")), warnings.join("\n"));
  assert.deepEqual(requests.filter((path) => path.startsWith("/api/")), ["/api/captcha"], "the answers are used all the same");
  assert.deepEqual(seen, { violations: [], errors: [] });
  await context.close();
});
