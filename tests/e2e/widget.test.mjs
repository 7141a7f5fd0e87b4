// Whole journeys in a real browser (Debian's chromium through Playwright) against the
// reference server: the demo, the publisher's hostile page (and with workers refused, a
// comment's proof of work searched for on the page's thread), a keyboard-only comment,
// accessibility in both themes, a single-page app mounting and unmounting, and the
// package's entry when settings change while a build loads.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { AxeBuilder, launchBrowser, solve, startServer, watch } from "./harness.mjs";
import { startReplay } from "./replay.mjs";
import { precompress } from "../../scripts/precompress.mjs";

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

/**
 * Opens `path` in a fresh context with `options`; with `clock`, the page's time is
 * Playwright's, which flows as usual until a test moves it on (`page.clock.fastForward`).
 */
async function open(path, { clock = false, ...options } = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  if (clock) await page.clock.install();
  const seen = await watch(page);
  // Which WebAssembly files the page downloads: the package has two builds.
  const wasm = [];
  page.on("request", (request) => request.url().endsWith(".wasm") && wasm.push(new URL(request.url()).pathname));
  await page.goto(server.url + path);
  return { page, seen, wasm, close: () => context.close() };
}

/** The properties a page's CSS could change by inheritance or by matching too widely. */
const PROPERTIES = ["font-family", "font-size", "font-weight", "color", "line-height", "letter-spacing", "text-transform",
  "display", "margin-top", "padding-top", "border-top-style", "background-color", "width"];
const ELEMENTS = [".aw-widget", ".aw-kicker", "h1", ".aw-standfirst", ".aw-byline", ".aw-article > .aw-figure img", ".aw-body p",
  "blockquote", ".aw-related__link", ".aw-comments__heading", "form input[name=name]", "form button[type=submit]"];

async function computedStyles(widget) {
  const styles = {};
  for (const selector of ELEMENTS) {
    styles[selector] = await widget.locator(selector).first().evaluate((element, properties) => {
      const style = getComputedStyle(element);
      return Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
    }, PROPERTIES);
  }
  return styles;
}

test("the standalone demo shows the seed article, its related stories and its comments", async () => {
  const { page, seen, close } = await open("/");
  const widget = page.locator("article-widget");
  await widget.locator("h1").waitFor();
  assert.match(await widget.locator("h1").innerText(), /Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat/);
  assert.equal(await widget.locator(".aw-related__link").count(), 4);
  await widget.locator(".aw-comments").scrollIntoViewIfNeeded();
  await widget.locator(".aw-thread .aw-comment").first().waitFor();
  assert.match(await widget.locator(".aw-comments__heading").innerText(), /^\d+ commentaires?$/);
  assert.deepEqual(seen, { violations: [], errors: [] });
  await close();
});

test("the demo's widget arrives in the page's HTML, readable before its WebAssembly runs", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // No wasm at all: what shows is the server's render alone (SSI of /fragment).
    await page.route("**/*.wasm", (route) => route.abort());
    await page.goto(server.url + "/");
    const widget = page.locator("article-widget");
    assert.match(await widget.locator("h1").innerText(), /Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat/);
    assert.equal(await widget.locator(".aw-related__link").count(), 4);
    assert.equal(await widget.locator("form fieldset[disabled]").count(), 1, "the form waits for the widget");
  } finally {
    await context.close();
  }
});

test("the demo served brotli-compressed, as scripts/demo.sh serves it, still compiles while it downloads", async () => {
  const site = join(mkdtempSync(join(tmpdir(), "aw-e2e-")), "dist");
  cpSync(new URL("../../dist", import.meta.url).pathname, site, { recursive: true });
  precompress(site);
  const compressed = await startServer({ staticFolder: site });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const seen = await watch(page);
    await page.addInitScript(() => {
      const streaming = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = (...args) => ((window.compiledWhileDownloading = true), streaming(...args));
    });
    const wasm = page.waitForResponse((response) => response.url().endsWith(".wasm"));
    await page.goto(compressed.url + "/");
    const headers = await (await wasm).allHeaders();
    assert.equal(headers["content-encoding"], "br");
    assert.equal(headers["content-type"], "application/wasm");
    await page.locator("article-widget h1").waitFor();
    assert.equal(await page.evaluate(() => window.compiledWhileDownloading), true);
    assert.deepEqual(seen, { violations: [], errors: [] });
  } finally {
    await context.close();
    compressed.stop();
  }
});

test("a reader writes and posts a comment with the keyboard alone", async () => {
  const { page, seen, close } = await open("/", { clock: true });
  await page.locator("article-widget h1").waitFor();
  const focused = () => page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    const style = element && getComputedStyle(element);
    return {
      name: element?.getAttribute("name"),
      className: element?.className,
      tag: element?.tagName,
      outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : "",
    };
  });
  for (let presses = 0; (await focused()).name !== "name"; presses++) {
    assert.ok(presses < 60, "Tab reaches the name field");
    await page.keyboard.press("Tab");
  }
  assert.equal((await focused()).outline, "solid 3px", "the focused field shows it");
  await page.keyboard.type("Lectrice au clavier");
  await page.keyboard.press("Tab");
  assert.equal((await focused()).name, "email");
  await page.keyboard.type("clavier@example.fr");
  await page.keyboard.press("Tab");
  assert.equal((await focused()).name, "website");
  await page.keyboard.press("Tab");
  assert.equal((await focused()).name, "body");
  await page.keyboard.type("Écrit sans souris.\nDeuxième ligne.");
  await page.keyboard.press("Tab");
  assert.equal((await focused()).name, "captcha");
  assert.equal((await focused()).outline, "solid 3px");
  const label = await page.locator("article-widget label[for$=-captcha]").innerText();
  await page.keyboard.type(String(solve(label)));
  await page.clock.fastForward(3_200); // people take a few seconds; the widget refuses robots' haste
  await page.keyboard.press("Enter");

  const status = page.locator("article-widget .aw-form__status[data-state=ok]");
  await status.waitFor();
  assert.equal(await status.innerText(), "Merci ! Votre commentaire est publié.");
  assert.match((await focused()).className, /aw-form__status/, "focus moves to the confirmation");
  const posted = page.locator("article-widget .aw-comment", { hasText: "Écrit sans souris." });
  assert.equal(await posted.locator(".aw-comment__author").innerText(), "Lectrice au clavier");
  assert.equal(await posted.locator(".aw-comment__body br").count(), 1);

  await page.reload();
  await page.locator("article-widget .aw-comments").scrollIntoViewIfNeeded();
  const after = page.locator("article-widget .aw-comment", { hasText: "Écrit sans souris." });
  await after.waitFor();
  assert.equal(await after.count(), 1, "the comment is there after a reload, once");
  assert.deepEqual(seen, { violations: [], errors: [] });
  await close();
});

test("on a publisher's hostile page with a strict CSP, both widgets look as they do alone", async () => {
  const alone = await open("/");
  await alone.page.locator("article-widget .aw-comments__heading").scrollIntoViewIfNeeded();
  await alone.page.locator("article-widget form input[name=name]").waitFor();
  const expected = await computedStyles(alone.page.locator("article-widget"));
  await alone.close();

  const { page, seen, wasm, close } = await open("/publisher/");
  const french = page.locator("article-widget[lang=fr]");
  const english = page.locator("article-widget[lang=en]");
  await french.locator("h1").waitFor();
  await english.locator("h1").waitFor();
  assert.match(await english.locator("h1").innerText(), /^Central Asia’s leaders gather in Ashgabat/);
  assert.equal(await english.locator(".aw-byline").innerText(), "By Amelia Hart and Jean Delaunay");
  for (const widget of [french, english]) {
    await widget.locator(".aw-comments").scrollIntoViewIfNeeded();
    await widget.locator("form input[name=name]").waitFor();
  }
  assert.deepEqual(await computedStyles(french), expected, "the page's CSS reaches nothing inside");
  // The widget's CSS reaches nothing outside: the page's own paragraphs keep its rules.
  assert.equal(await page.locator(".brand").evaluate((e) => getComputedStyle(e).fontFamily.includes("Impact")), true);
  assert.deepEqual(seen, { violations: [], errors: [] }, "no CSP violation, no error");
  assert.deepEqual(wasm, ["/pkg/article_widget_bg.wasm"], "the build for the widget's own API, once for both widgets");
  await close();
});

test("on a publisher's page whose policy refuses workers, the proof of work is searched for on the page's thread and the comment posts", async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    await page.clock.install();
    const seen = await watch(page);
    const warnings = [];
    page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
    // The publisher's own policy, workers refused.
    await page.route("**/publisher/", async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace("default-src 'self';", "default-src 'self'; worker-src 'none';");
      assert.match(body, /worker-src 'none'/);
      await route.fulfill({ response, body });
    });
    await page.goto(server.url + "/publisher/");
    const widget = page.locator("article-widget[lang=fr]");
    await widget.locator(".aw-comments").scrollIntoViewIfNeeded();
    const form = widget.locator("form");
    await form.locator("input[name=name]").fill("Lectrice sans worker");
    await form.locator("input[name=email]").fill("sans-worker@example.fr");
    await form.locator("textarea[name=body]").fill("Cherché sur le fil de la page.");
    const label = await widget.locator("label[for$=-captcha]").innerText();
    await form.locator("input[name=captcha]").fill(String(solve(label)));
    await page.clock.fastForward(3_200); // the widget refuses robots' haste
    await form.locator("button[type=submit]").click();
    await widget.locator(".aw-form__status[data-state=ok]").waitFor();
    assert.ok(warnings.some((warning) => warning.startsWith("article widget: the proof of work is searched for on the page's thread, as no worker could run it")),
      warnings.join("\n"));
    assert.ok(seen.violations.length > 0 && seen.violations.every((violation) => violation.startsWith("worker-src")), seen.violations.join("\n"));
    // The browser's own report of each worker refused (the post's search, and the next
    // question's), and no other error.
    const others = seen.errors.filter((error) => !/^Creating a worker from .* violates the following Content Security Policy directive: "worker-src 'none'"/.test(error));
    assert.deepEqual(others, []);
  } finally {
    await context.close();
  }
});

test("axe finds no accessibility violation in the widget, in light and in dark", async () => {
  const { page, close } = await open("/publisher/");
  const widgets = page.locator("article-widget");
  for (const index of [0, 1]) {
    await widgets.nth(index).locator("h1").waitFor();
    await widgets.nth(index).locator(".aw-comments").scrollIntoViewIfNeeded();
    await widgets.nth(index).locator("form input[name=captcha]").waitFor();
  }
  const colours = async () => ({
    background: await widgets.first().locator(".aw-widget").evaluate((e) => getComputedStyle(e).backgroundColor),
    kicker: await widgets.first().locator(".aw-kicker").evaluate((e) => getComputedStyle(e).color),
  });
  for (const theme of ["light", "dark"]) {
    if (theme === "dark") {
      await page.locator("#theme-toggle").click();
      assert.equal(await widgets.first().getAttribute("theme"), "dark");
      assert.deepEqual(await colours(), { background: "rgb(22, 24, 28)", kicker: "rgb(242, 139, 130)" }, "dark at run time");
    } else {
      assert.deepEqual(await colours(), { background: "rgb(255, 255, 255)", kicker: "rgb(179, 38, 30)" });
    }
    const results = await new AxeBuilder({ page }).include("article-widget").analyze();
    const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(summary, [], `axe, ${theme} theme`);
  }
  await close();
});

test("a single-page app mounts, updates and unmounts, leaving no request behind", async () => {
  const { page, seen, close } = await open("/publisher/");
  // The comments never answer: their request stays on its way until the widget goes.
  const aborted = [];
  await page.route("**/api/articles/*/comments*", () => {});
  page.on("requestfailed", (request) => aborted.push(`${request.url()} ${request.failure()?.errorText}`));
  const inFlight = await page.evaluate(async () => {
    const { mount } = await import("/pkg/article-widget.js");
    const element = document.createElement("div");
    element.id = "spa";
    document.querySelector("main").append(element);
    window.spa = await mount(element, { article: "nouvel-ordre-mondial", comments: "eager" });
    await new Promise((resolve) => document.addEventListener("article-widget:ready", resolve, { once: true }));
    return window.spa.requestsInFlight;
  });
  assert.ok(inFlight >= 1, `the comments request is on its way (${inFlight})`);

  await page.evaluate(() => window.spa.update({ article: "ashgabat-summit-central-asia", lang: "en", comments: "eager" }));
  const spa = page.locator("#spa");
  await spa.locator("h1", { hasText: "Central Asia’s leaders" }).waitFor();
  assert.equal(await spa.locator("h1").count(), 1);
  assert.equal(await spa.locator("text=Moscou et Téhéran ont signé").count(), 0, "nothing of the previous article remains");

  // The second article's comments are on their way until the unmount aborts them.
  const commentsAborted = page.waitForEvent("requestfailed", (request) => request.url().includes("/ashgabat-summit-central-asia/comments"));
  await page.evaluate(async () => {
    window.spa.unmount();
    // The aborted request's end is handled in microtasks: by the next task, anything the
    // widget would report is in the console.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  assert.equal((await commentsAborted).failure()?.errorText, "net::ERR_ABORTED");
  assert.ok(aborted.some((line) => line.includes("/nouvel-ordre-mondial/comments") && line.includes("ERR_ABORTED")),
    `the update aborted the first article's comments: ${aborted.join("\n")}`);
  // Yew removes the widget's nodes on its next run.
  await page.waitForFunction(() => document.querySelector("#spa").shadowRoot.firstElementChild.childElementCount === 0);
  assert.deepEqual(seen.violations, []);
  assert.deepEqual(seen.errors, [], "requests the widget cancels itself are no failures to report");
  await close();
});

test("screenshots at 375 and 1280 px, light and dark, for people to look at", async () => {
  const folder = new URL("../../test-artifacts/screenshots/", import.meta.url).pathname;
  mkdirSync(folder, { recursive: true });
  for (const width of [375, 1280]) {
    for (const theme of ["light", "dark"]) {
      const { page, close } = await open("/", { viewport: { width, height: 900 }, colorScheme: theme });
      const widget = page.locator("article-widget");
      await widget.evaluate((host, theme) => host.setAttribute("theme", theme), theme);
      await widget.locator("h1").waitFor();
      await widget.locator(".aw-comments").scrollIntoViewIfNeeded();
      await widget.locator("form input[name=captcha]").waitFor();
      await page.evaluate(() => document.fonts.ready);
      const path = `${folder}widget-${width}-${theme}.png`;
      await widget.screenshot({ path, animations: "disabled" });
      const box = await widget.locator(".aw-widget").boundingBox();
      assert.ok(box.width <= width, `the widget fits ${width} px (${box.width})`);
      await close();
    }
  }
});

test("fifty mounts and unmounts in a single-page app leave no listeners or nodes behind", async () => {
  // The standalone page: the publisher's page logs every event it hears into its own DOM.
  const { page, close } = await open("/");
  const cdp = await page.context().newCDPSession(page);
  const counters = async () => {
    // Yew removes an unmounted widget's nodes on its next scheduler run: once it has.
    await page.waitForFunction(() => window.host.shadowRoot.firstElementChild.childElementCount === 0);
    await cdp.send("HeapProfiler.collectGarbage");
    const { nodes, jsEventListeners } = await cdp.send("Memory.getDOMCounters");
    return { nodes, jsEventListeners };
  };
  await page.evaluate(async () => {
    window.widgets = await import("/pkg/article-widget.js");
    window.host = document.createElement("div");
    document.querySelector("main").append(window.host);
  });
  const cycles = (count) => page.evaluate(async (count) => {
    for (let i = 0; i < count; i++) {
      const article = i % 2 ? "ashgabat-summit-central-asia" : "nouvel-ordre-mondial";
      const ready = new Promise((resolve) => window.host.addEventListener("article-widget:ready", resolve, { once: true }));
      const handle = await window.widgets.mount(window.host, { article, comments: "eager" });
      await ready;
      handle.unmount();
    }
  }, count);
  await cycles(10);
  const before = await counters();
  await cycles(40);
  const afterwards = await counters();
  console.log(`DOM counters after 10 cycles ${JSON.stringify(before)}, after 50 ${JSON.stringify(afterwards)}`);
  assert.ok(afterwards.jsEventListeners - before.jsEventListeners <= 5, "listeners do not grow");
  assert.ok(afterwards.nodes - before.nodes <= 100, "nodes do not grow");
  await close();
});

test("a WordPress site and a JSON Feed, by their mappings alone, on another origin", async (t) => {
  const login = JSON.stringify({ code: "rest_comment_login_required", message: "Sorry, you must be logged in to comment.", data: { status: 401 } });
  const replay = await startReplay([[409, "wordpress_error_duplicate.json"], [401, login], [201, "wordpress_comment_created.json"]]);
  // Stopped even when an assertion fails: a replay left listening keeps the test run alive.
  t.after(() => replay.stop());
  const { page, seen, wasm, close } = await open("/", { clock: true });
  await page.evaluate(async (backend) => {
    // The demo's own widget out of the way: the package would take that <article-widget> over
    // with its build for the widget's own API, which this test says is not loaded.
    document.querySelector("article-widget").remove();
    const { mount } = await import("/pkg/article-widget.js");
    for (const [id, config] of [
      // By slug, as in the post's address: the answer gives the numeric id the comments need.
      ["wordpress", { article: "putin-pezeshkian-ashgabat", mapping: "wordpress", backend, lang: "en", comments: "eager" }],
      ["feed", { article: "4120", mapping: "jsonfeed", backend: backend + "/feed.json", lang: "en" }],
    ]) {
      const element = document.createElement("div");
      element.id = id;
      document.querySelector("main").append(element);
      await mount(element, config);
    }
  }, replay.url);

  const wordpress = page.locator("#wordpress");
  await wordpress.locator("h1").waitFor();
  assert.equal(await wordpress.locator("h1").innerText(), "“New world order”? Putin and Pezeshkian meet in Ashgabat – Analysis");
  assert.equal(await wordpress.locator(".aw-article script").count(), 0);
  await wordpress.locator(".aw-thread .aw-comment").first().waitFor();
  assert.equal(await wordpress.locator(".aw-comments__heading").innerText(), "2 comments");
  assert.equal(await wordpress.locator(".aw-thread--replies .aw-comment").count(), 1);
  assert.ok(replay.asked.some((url) => url.startsWith("/wp-json/wp/v2/comments?post=4127&")), "comments by the post's id");
  assert.ok(replay.asked.some((url) => url.startsWith("/wp-json/wp/v2/posts?categories=3&tags=12%2C15&tax_relation=OR&exclude=4127&")),
    "related posts by the post's category or tags");
  assert.equal(replay.asked.filter((url) => url.includes("slug=")).length, 1, "one request for the post");

  // Posting: WordPress refuses twice, in its words, then holds the comment for moderation.
  await wordpress.locator("input[name=name]").fill("Reader");
  await wordpress.locator("input[name=email]").fill("reader@example.org");
  await wordpress.locator("textarea[name=body]").fill("Thanks for the analysis.");
  const answer = async () => {
    const label = await wordpress.locator("label[for$=-captcha]").innerText();
    await wordpress.locator("input[name=captcha]").fill(String(solve(label)));
  };
  await answer();
  await page.clock.fastForward(3_200);
  const status = wordpress.locator(".aw-form__status");
  await wordpress.locator("button[type=submit]").click();
  await wordpress.locator(".aw-form__status[data-state=error]", { hasText: "Duplicate comment detected" }).waitFor();
  assert.match(await status.innerText(), /Duplicate comment detected; it looks as though you’ve already said that! Your text is kept\./);
  await wordpress.locator("button[type=submit]").click();
  await wordpress.locator(".aw-form__status[data-state=error]", { hasText: "logged in" }).waitFor();
  await wordpress.locator("button[type=submit]").click();
  await wordpress.locator(".aw-form__status[data-state=ok]").waitFor();
  assert.match(await status.innerText(), /awaiting moderation/);
  assert.deepEqual(
    Object.keys(replay.received[0]).sort(),
    ["author_email", "author_name", "content", "post"],
    "the body WordPress expects for an anonymous top-level comment",
  );
  assert.equal(replay.received[0].post, 4127);

  assert.ok(wasm.includes("/pkg/mappings/article_widget_bg.wasm"), "widgets with a mapping load the build that has them");
  assert.ok(!wasm.includes("/pkg/article_widget_bg.wasm"), "and not the other");

  const feed = page.locator("#feed");
  await feed.locator("h1").waitFor();
  assert.equal(await feed.locator("h1").innerText(), "BRICS summit: what to expect in Kazan");
  assert.ok((await feed.locator(".aw-related__link").count()) >= 1, "the feed's other items are the related stories");
  assert.equal(replay.asked.filter((url) => url === "/feed.json").length, 1, "the article and its related stories read one download of the feed");

  // A single-page app switching a widget from the widget's own API to a mapping: the other
  // build takes the element over, and nothing of the first widget remains.
  await page.evaluate(async () => {
    const { mount } = await import("/pkg/article-widget.js");
    const element = document.createElement("div");
    element.id = "switched";
    document.querySelector("main").append(element);
    const shown = new Promise((resolve) => element.addEventListener("article-widget:ready", resolve, { once: true }));
    window.switching = await mount(element, { article: "nouvel-ordre-mondial", lang: "fr" });
    await shown;
  });
  // Once nothing is on its way (an aborted request is reported in the console).
  await page.locator("#switched .aw-related__link").first().waitFor();
  await page.evaluate(async (backend) => {
    await window.switching.update({ article: "4120", mapping: "jsonfeed", backend: backend + "/feed.json", lang: "en" });
  }, replay.url);
  await page.locator("#switched h1", { hasText: "BRICS summit" }).waitFor();
  assert.equal(await page.locator("#switched h1").count(), 1, "one article shown");
  assert.ok(wasm.includes("/pkg/article_widget_bg.wasm"), "the widget's own API had its build");
  assert.deepEqual(seen.violations, []);
  // The widget reports the two refusals to the integrator, in the console, and nothing else;
  // the browser logs the two refused requests, and the recorded responses' images (on their
  // sites' hosts), which cannot load here.
  const reported = seen.errors.filter((e) => e.startsWith("article widget:"));
  assert.deepEqual(reported, [
    "article widget: refused with status 409: comment_duplicate: Duplicate comment detected; it looks as though you’ve already said that!",
    "article widget: refused with status 401: rest_comment_login_required: Sorry, you must be logged in to comment.",
  ]);
  const logged = seen.errors.filter((e) => !reported.includes(e));
  assert.ok(logged.every((e) => /status of 40[19]/.test(e) || e.includes("ERR_NAME_NOT_RESOLVED")), logged.join("\n"));
  await close();
});

// The package's entry under races: attributes and calls that come while a build loads, or
// after a mount failed, are met with the widget they describe, and nothing else.

/**
 * Inserts an `<article-widget>` with `attributes` in the standalone page's <main> (the
 * package's entry loaded), then sets `later`, in the same task.
 */
async function insertElement(page, id, attributes, later = {}) {
  await page.evaluate(async ([id, attributes, later]) => {
    await import("/pkg/article-widget.js");
    const element = document.createElement("article-widget");
    element.id = id;
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    document.querySelector("main").append(element);
    for (const [name, value] of Object.entries(later)) element.setAttribute(name, value);
  }, [id, attributes, later]);
  return page.locator(`#${id}`);
}

test("an <article-widget> whose mount failed mounts once its attributes are right", async () => {
  const { page, seen, close } = await open("/");
  const element = await insertElement(page, "late-article", { lang: "fr" });
  await element.filter({ hasText: "the setting `article` is required" }).waitFor();
  await element.evaluate((element) => element.setAttribute("article", "nouvel-ordre-mondial"));
  await element.locator("h1").waitFor();
  assert.equal(await element.evaluate((element) => element.textContent), "", "the failed mount's message is gone");
  assert.deepEqual(seen.errors, ["article widget: the setting `article` is required and was not given"], "the failure, once");
  await close();
});

test("an <article-widget> given its mapping just after it was inserted loads the build that reads it", async (t) => {
  const replay = await startReplay([]);
  t.after(() => replay.stop());
  const { page, seen, wasm, close } = await open("/");
  const attributes = { article: "4120", backend: replay.url + "/feed.json", lang: "en" };
  const element = await insertElement(page, "late-mapping", attributes, { mapping: "jsonfeed" });
  await element.locator("h1", { hasText: "BRICS summit" }).waitFor();
  assert.ok(wasm.includes("/pkg/mappings/article_widget_bg.wasm"), wasm.join(", "));
  assert.deepEqual(seen.errors.filter((e) => e.startsWith("article widget:") || e.includes("mapping")), []);
  await close();
});

test("an <article-widget> whose build failed to download loads it again at its next change", async (t) => {
  const replay = await startReplay([]);
  t.after(() => replay.stop());
  const { page, seen, close } = await open("/");
  const failing = "**/pkg/mappings/article_widget_bg.wasm";
  await page.route(failing, (route) => route.abort("connectionreset"));
  const attributes = { article: "4120", backend: replay.url + "/feed.json", lang: "en", mapping: "jsonfeed" };
  const reported = page.waitForEvent("console", (message) => message.type() === "error" && message.text().includes("could not be loaded"));
  const element = await insertElement(page, "unloaded-build", attributes);
  await reported;
  assert.ok(seen.errors.some((e) => e.includes("/pkg/mappings/article_widget_bg.wasm could not be loaded")), seen.errors.join("\n"));
  await page.unroute(failing);
  await element.evaluate((element) => element.setAttribute("lang", "fr"));
  await element.locator("h1", { hasText: "BRICS summit" }).waitFor();
  await close();
});

test("a single-page app's last call wins over an update still loading the other build", async () => {
  const { page, seen, close } = await open("/");
  const left = await page.evaluate(async () => {
    const { mount } = await import("/pkg/article-widget.js");
    const mounted = async (config) => {
      const element = document.createElement("div");
      document.querySelector("main").append(element);
      const ready = new Promise((resolve) => element.addEventListener("article-widget:ready", resolve, { once: true }));
      const handle = await mount(element, config);
      await ready;
      return { element, handle };
    };
    // Yew renders a mounted widget in microtasks: by the next task, it would be there.
    const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
    // A mapping needs the other build, not loaded yet: the unmount comes while it loads.
    const feed = { article: "4120", mapping: "jsonfeed", backend: "/never-asked/feed.json", lang: "en" };
    const unmounted = await mounted({ article: "nouvel-ordre-mondial", lang: "fr" });
    const updating = unmounted.handle.update(feed);
    unmounted.handle.unmount();
    await updating;
    await unmounted.handle.update({ article: "nouvel-ordre-mondial", lang: "fr" });
    await nextTask();
    // Two updates in a row: the first loads the other build, the second comes back to this one.
    const updated = await mounted({ article: "nouvel-ordre-mondial", lang: "fr" });
    await Promise.all([updated.handle.update(feed), updated.handle.update({ article: "ashgabat-summit-central-asia", lang: "en" })]);
    await nextTask();
    const widgets = ({ element }) => [...element.shadowRoot.querySelectorAll(".aw-widget")].map((widget) => widget.lang);
    return {
      unmounted: { widgets: widgets(unmounted), requestsInFlight: unmounted.handle.requestsInFlight },
      updated: widgets(updated),
    };
  });
  assert.deepEqual(left.unmounted, { widgets: [], requestsInFlight: 0 }, "after an unmount, nothing mounts again");
  assert.deepEqual(left.updated, ["en"], "the second update's widget alone");
  assert.deepEqual(seen.errors, []);
  await close();
});
