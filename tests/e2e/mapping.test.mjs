// The mapping language's proof of work against the real reference server: the widget, told
// the server's own API by a mapping (core/mappings/reference-server.json) rather than
// natively, fetches the server's challenge from /api/captcha, solves it, and posts with its
// answer in `altcha`; a proof the server refuses brings a new challenge, solved anew.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { launchBrowser, solve, startServer, watch } from "./harness.mjs";

const MAPPING = JSON.parse(readFileSync(new URL("../../core/mappings/reference-server.json", import.meta.url), "utf8"));
const ARTICLE = "ashgabat-summit-central-asia";

let server;
let browser;

before(async () => {
  // The proof of work on, as startServer has it; the server's own signed question off, as
  // a mapping cannot answer it (docs/mapping.md, "Proof of work").
  server = await startServer({ args: ["--captcha", "off"] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test("a mapping of the reference server's API, proof of work included, posts a comment", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  const seen = await watch(page);
  const posts = [];
  page.on("request", (request) => request.method() === "POST" && posts.push(request));
  // The first post's answer is spoilt on its way, as an expired or used one would be refused.
  let spoil = true;
  await page.route(`**/api/articles/${ARTICLE}/comments`, async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !spoil) return route.continue();
    spoil = false;
    const body = JSON.parse(request.postData());
    body.altcha = btoa(JSON.stringify({ ...JSON.parse(atob(body.altcha)), solution: { counter: 0, derivedKey: "00", time: 1 } }));
    return route.continue({ postData: JSON.stringify(body) });
  });
  await page.goto(server.url + "/");
  await page.evaluate(async ({ backend, mapping, article }) => {
    document.querySelector("article-widget").remove();
    const { mount } = await import("/pkg/article-widget.js");
    const element = document.createElement("div");
    element.id = "mapped";
    document.querySelector("main").append(element);
    await mount(element, { article, mapping, backend, lang: "en", comments: "eager" });
  }, { backend: server.url, mapping: MAPPING, article: ARTICLE });

  const widget = page.locator("#mapped");
  await widget.locator("h1").waitFor();
  await widget.locator("input[name=name]").fill("Mapped reader");
  await widget.locator("input[name=email]").fill("mapped@example.org");
  await widget.locator("textarea[name=body]").fill("Posted through a mapping, with its proof of work.");
  const answer = async () => {
    const label = await widget.locator("label[for$=-captcha]").innerText();
    await widget.locator("input[name=captcha]").fill(String(solve(label)));
  };
  await answer();
  await page.clock.fastForward(3_200);
  await widget.locator("button[type=submit]").click();
  // Refused for its proof: the widget asks a new question with a new challenge.
  await widget.locator(".aw-form__status[data-state=error]").waitFor();
  assert.equal(posts.length, 1);
  await answer();
  await page.clock.fastForward(3_200);
  await widget.locator("button[type=submit]").click();
  await widget.locator(".aw-form__status[data-state=ok]").waitFor();

  assert.equal(posts.length, 2);
  const [refused, accepted] = posts;
  assert.equal((await refused.response()).status(), 422);
  assert.equal((await (await refused.response()).json()).error.code, "pow_invalid");
  assert.equal((await accepted.response()).status(), 201);
  const sent = JSON.parse(accepted.postData());
  assert.deepEqual(Object.keys(sent).sort(), ["altcha", "body", "email", "name"]);
  const payload = JSON.parse(atob(sent.altcha));
  assert.deepEqual(Object.keys(payload.solution).sort(), ["counter", "derivedKey", "time"], "ALTCHA's payload");
  assert.notEqual(payload.challenge.signature, JSON.parse(atob(JSON.parse(refused.postData()).altcha)).challenge.signature,
    "the second post answers a new challenge");
  assert.match(await accepted.headerValue("idempotency-key"), /^[A-Za-z0-9_-]{22}$/);
  assert.equal(await refused.headerValue("idempotency-key"), await accepted.headerValue("idempotency-key"), "the same text, the same key");

  const stored = await (await fetch(`${server.url}/api/articles/${ARTICLE}/comments?order=newest`)).json();
  assert.equal(stored.comments.filter((c) => c.author === "Mapped reader").length, 1, "stored once");
  await widget.locator(".aw-comment", { hasText: "Posted through a mapping" }).waitFor();
  // The refusal is told to the console, by the browser and the widget; nothing else is.
  assert.deepEqual(seen, { violations: [], errors: [
    "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)",
    "article widget: captcha refused: expired, used or unsigned challenge",
  ] });
  await context.close();
});
