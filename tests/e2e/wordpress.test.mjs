// The widget against a real WordPress (scripts/wordpress.sh: Debian's package on MariaDB,
// served by PHP), by its built-in mapping alone, from another origin: the article and its
// related posts, two pages of comments, and a comment posted through WordPress's REST API.
// The widget's requests are those recorded in core/tests/fixtures/wordpress-real/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { launchBrowser, solve, startServer, watch } from "./harness.mjs";

const root = new URL("../../", import.meta.url).pathname;
const recorded = JSON.parse(readFileSync(join(root, "core/tests/fixtures/wordpress-real/requests.json"), "utf8"));
const seedArticle = JSON.parse(readFileSync(join(root, "www/demo-api/articles/nouvel-ordre-mondial.json"), "utf8"));
// The posts of scripts/wordpress/seed.php.
const ARTICLE = { id: 4127, slug: "nouvel-ordre-mondial" };
const WINTER = { id: 4100 };

let wordpress;
let server;
let browser;

before(async () => {
  // Installs and starts the site, or finds it running; prints its URL.
  wordpress = execFileSync(join(root, "scripts/wordpress.sh"), ["start"], { encoding: "utf8", timeout: 600_000 }).trim();
  // The page is served from another origin than WordPress's, with the npm package (pkg/).
  const site = mkdtempSync(join(tmpdir(), "aw-e2e-wordpress-"));
  cpSync(join(root, "pkg"), join(site, "pkg"), { recursive: true });
  writeFileSync(join(site, "index.html"), `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>WordPress</title><link rel="icon" href="data:,">
<script type="module" src="/pkg/article-widget.js"></script></head>
<body><main></main></body></html>`);
  server = await startServer({ staticFolder: site });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** A page with one widget on the WordPress site; `asked` collects its REST API requests. */
async function open(attributes, { clock = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  // With `clock`, the page's time is Playwright's, which flows as usual until the test moves it.
  if (clock) await page.clock.install();
  const seen = await watch(page);
  const asked = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === wordpress && url.pathname.startsWith("/wp-json/")) asked.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  await page.goto(server.url + "/");
  await page.evaluate(([backend, attributes]) => {
    const widget = document.createElement("article-widget");
    for (const [name, value] of Object.entries({ mapping: "wordpress", backend, lang: "fr", ...attributes })) widget.setAttribute(name, value);
    document.querySelector("main").append(widget);
  }, [wordpress, attributes]);
  return { page, widget: page.locator("article-widget"), seen, asked, close: () => context.close() };
}

/** The number of published comments WordPress counts for a post. */
async function publishedComments(post) {
  const response = await fetch(`${wordpress}/wp-json/wp/v2/comments?post=${post}&per_page=1`);
  return Number(response.headers.get("X-WP-Total"));
}

/** The widget's GETs are among the recorded ones, so the fixtures answer what it asks. */
function assertRecorded(asked) {
  const urls = new Set(recorded.requests.filter((r) => r.request.method === "GET").map((r) => `GET ${r.request.url}`));
  const unrecorded = asked.filter((request) => request.startsWith("GET ") && !urls.has(request));
  assert.deepEqual(unrecorded, [], "requests missing from core/tests/fixtures/wordpress-real/ (scripts/wordpress.sh record)");
}

test("a real WordPress's post by its slug, with its featured image, author, category and related posts", async () => {
  const { page, widget, seen, asked, close } = await open({ article: ARTICLE.slug });
  await widget.locator("h1").waitFor();
  assert.equal(await widget.locator("h1").innerText(), seedArticle.headline);
  assert.equal(await widget.locator(".aw-kicker").textContent(), "Monde");
  assert.equal(await widget.locator(".aw-byline").innerText(), "Par Jean Delaunay");
  assert.match(await widget.locator(".aw-standfirst").innerText(), /^Moscou et Téhéran ont signé un accord/);
  assert.equal(await widget.locator(".aw-body blockquote").count(), 1);
  const hero = widget.locator(".aw-article > .aw-figure img");
  assert.equal(await hero.getAttribute("src"), `${wordpress}/wp-content/uploads/2024/10/achgabat-hero.jpg`);
  await page.waitForFunction((img) => img.complete && img.naturalWidth === 1200, await hero.elementHandle());
  await widget.locator(".aw-related__link").first().waitFor();
  assert.deepEqual(await widget.locator(".aw-related__link").allInnerTexts(), [
    "Liban : l’armée israélienne étend ses opérations terrestres dans le sud du pays",
    "Drones iraniens en Ukraine : Kyiv réclame de nouvelles sanctions contre Téhéran",
    "Achgabat prépare le forum de l’Asie centrale",
  ]);
  assert.equal(asked.filter((request) => request.includes("slug=")).length, 1, "one request for the post");
  assertRecorded(asked);
  assert.deepEqual(seen, { violations: [], errors: [] });
  await close();
});

test("a real WordPress's comments, two pages of them, and a comment posted through its REST API", async () => {
  const { page, widget, seen, asked, close } = await open({ article: String(WINTER.id), comments: "eager" }, { clock: true });
  const total = await publishedComments(WINTER.id);
  assert.ok(total >= 101, `the winter post's 101 comments, and those posted since (${total})`);
  await widget.locator(".aw-thread .aw-comment").first().waitFor();
  assert.equal(await widget.locator(".aw-comments__heading").innerText(), `${total} commentaires`);
  // The widget shows WordPress's first page of 100 a slice of 20 threads at a time: "show more"
  // reveals the comments it has, and asks WordPress for the next page only once they are shown.
  assert.equal(await widget.locator(".aw-comment").count(), 20, "the first slice of WordPress's first page");
  const pagesAsked = () => asked.filter((request) => request.startsWith("GET /wp-json/wp/v2/comments")).length;
  assert.equal(pagesAsked(), 1);
  for (let shown = 20; shown < total; ) {
    await widget.locator(".aw-more button").click();
    shown = Math.min(total, shown + 20);
    await widget.locator(".aw-comment").nth(shown - 1).waitFor();
    if (shown <= 100) assert.equal(pagesAsked(), 1, `${shown} comments shown from the first page`);
  }
  assert.equal(await widget.locator(".aw-comment").count(), total, "every page");
  assert.equal(await widget.locator(".aw-more").count(), 0, "and no more");

  // Posting: anonymous, through the REST API, published at once (no moderation on this site).
  const text = `Publié depuis le widget, ${new Date().toISOString()}.`;
  await widget.locator("input[name=name]").fill("Lectrice du widget");
  await widget.locator("input[name=email]").fill("lectrice.widget@example.org");
  await widget.locator("input[name=website]").fill("https://lectrice.example.org/");
  await widget.locator("textarea[name=body]").fill(text);
  await widget.locator("input[name=captcha]").fill(String(solve(await widget.locator("label[for$=-captcha]").innerText())));
  await page.clock.fastForward(3_200); // people take a few seconds; the widget refuses robots' haste
  await widget.locator("button[type=submit]").click();
  const status = widget.locator(".aw-form__status[data-state=ok]");
  await status.waitFor();
  assert.equal(await status.innerText(), "Merci ! Votre commentaire est publié.");
  const shown = widget.locator(".aw-comment", { hasText: text });
  assert.equal(await shown.locator(".aw-comment__author").getAttribute("href"), "https://lectrice.example.org/");

  const stored = await (await fetch(`${wordpress}/wp-json/wp/v2/comments?post=${WINTER.id}&search=${encodeURIComponent(text)}`)).json();
  assert.deepEqual(stored.map((c) => [c.author_name, c.author_url, c.status, c.parent]),
    [["Lectrice du widget", "https://lectrice.example.org/", "approved", 0]], "WordPress has it, published");
  assert.equal(await publishedComments(WINTER.id), total + 1);
  assert.ok(asked.includes("POST /wp-json/wp/v2/comments"), asked.join("\n"));
  assertRecorded(asked);
  assert.deepEqual(seen, { violations: [], errors: [] }, "the preflight and the post cross origins");
  await close();
});

// WordPress returns author_url "javascript:alert(document.domain)" as an importer stored it:
// the comment is shown without its link, and the others with it.
test("an imported comment whose website is a javascript: URL leaves the comments shown", async () => {
  const { widget, seen, close } = await open({ article: ARTICLE.slug, comments: "eager" });
  await widget.locator(".aw-thread .aw-comment, .aw-error[data-section=comments]").first().waitFor();
  assert.deepEqual(await widget.locator(".aw-error").allInnerTexts(), [], "no section failed");
  assert.equal(await widget.locator(".aw-comments__heading").innerText(), `${await publishedComments(ARTICLE.id)} commentaires`);
  const imported = widget.locator(".aw-comment", { hasText: "Commentaire repris de l’ancien site." });
  assert.equal(await imported.locator(".aw-comment__author").innerText(), "Lecteur importé");
  assert.equal(await imported.locator(".aw-comment__author").getAttribute("href"), null, "the author without the link");
  assert.equal(await widget.locator("a[href^='javascript:' i]").count(), 0);
  assert.deepEqual(seen.violations, []);
  await close();
});

// The times are the site's own, whatever the reader's zone: the mapping reads WordPress's local
// times with their UTC ones (docs/mapping.md, "Time zones").
test("times are the site's own: a post published at 14:05 in Paris reads 14 h 05", async () => {
  const summer = await open({ article: ARTICLE.slug });
  await summer.widget.locator("h1").waitFor();
  assert.equal(await summer.widget.locator(".aw-dates__published time").innerText(), "11 octobre 2024 à 14 h 05");
  assert.equal(await summer.widget.locator(".aw-dates__updated time").innerText(), "11 octobre 2024 à 16 h 42");
  await summer.close();
  // In winter, Paris is at UTC+1; its first comment was written at 10:01 there.
  const winter = await open({ article: String(WINTER.id), comments: "eager" });
  await winter.widget.locator(".aw-thread .aw-comment").first().waitFor();
  assert.equal(await winter.widget.locator(".aw-dates__published time").innerText(), "15 janvier 2024 à 9 h 30");
  assert.equal(await winter.widget.locator(".aw-comment__date").first().getAttribute("title"), "15 janvier 2024 à 10 h 01");
  await winter.close();
});
