// The moderation page (moderation/, built by scripts/site.sh into dist/moderation/) in a real
// browser, served by the reference server at /moderation/:
// - with the admin API answered in the browser by a fake that follows its contract
//   (Playwright's routes), the whole page with the keyboard alone, in French and in English,
//   and axe on each of its views;
// - against the reference server's own admin API, the whole journey: a comment held for its
//   links, a moderator created on the command line signs in and approves it, a reader sees it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";

import { AxeBuilder, launchBrowser, solve, startServer, watch } from "./harness.mjs";

const root = new URL("../../", import.meta.url).pathname;
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

async function open(path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  const seen = await watch(page);
  return { page, seen, context, goto: () => page.goto(server.url + path), close: () => context.close() };
}

/** axe's violations on the whole page, as "rule: targets" lines. */
async function axe(page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/**
 * What a page reported, but the browser's own line for each 401 answer: signed out at first,
 * a refused password. The app reports every other failure to the console as an error.
 */
const unexpected = (seen) => ({ ...seen, errors: seen.errors.filter((e) => !e.includes("status of 401 (Unauthorized)")) });

/** The focused element's id, and whether its focus is drawn. */
const focused = (page) => page.evaluate(() => {
  const element = document.activeElement;
  const style = element && getComputedStyle(element);
  return { id: element?.id, tag: element?.tagName, text: element?.textContent, outline: style ? style.outlineStyle : "" };
});

/** Presses Tab until `check(focused)` holds. */
async function tabTo(page, what, check) {
  for (let presses = 0; !check(await focused(page)); presses++) {
    assert.ok(presses < 40, `Tab reaches ${what}`);
    await page.keyboard.press("Tab");
  }
  assert.notEqual((await focused(page)).outline, "none", `${what} shows its focus`);
}

const COMMENT = {
  id: "12", article: "nouvel-ordre-mondial", parent: null, author: "Camille", email: "camille@example.fr",
  website: "https://camille.example", body: "<b>Trois</b> liens : https://a.example https://b.example https://c.example",
  created: "2026-12-07T14:00:00Z", edited: null, status: "pending", client_prefix: "2001:db8:1:2::/64", replies: 0, links: 3,
};

/**
 * The admin API of the contract, answered in the page's browser: one moderator, one held
 * comment, its bans, log and settings; a state that the page's requests change. Records
 * each request with its CSRF header.
 */
async function fakeAdmin(page) {
  const state = { signedIn: false, comments: [{ ...COMMENT }], bans: [], requests: [] };
  const counts = () => Object.fromEntries(["pending", "published", "rejected", "spam", "deleted"]
    .map((status) => [status, state.comments.filter((c) => c.status === status).length]));
  const json = (route, status, body) => route.fulfill({ status, contentType: "application/json", body: body === undefined ? "" : JSON.stringify(body) });
  await page.route("**/api/admin/**", async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const path = url.pathname.replace("/api/admin", "");
    const method = request.method();
    state.requests.push({ method, path: path + url.search, csrf: request.headers()["x-csrf-token"] });
    if (path === "/session" && method === "POST") {
      const { name, password } = request.postDataJSON();
      if (name !== "modo" || password !== "un mot de passe assez long") return json(route, 401, { error: { code: "bad_credentials", message: "wrong name or password" } });
      state.signedIn = true;
      return json(route, 200, { name: "modo", csrf: "t0k" });
    }
    if (!state.signedIn) return json(route, 401, { error: { code: "signed_out", message: "signed out" } });
    if (method !== "GET" && request.headers()["x-csrf-token"] !== "t0k") return json(route, 403, { error: { code: "csrf", message: "csrf" } });
    if (path === "/session") return method === "GET" ? json(route, 200, { name: "modo", csrf: "t0k" }) : (state.signedIn = false, json(route, 204));
    if (path === "/comments") {
      const status = url.searchParams.get("status") ?? "pending";
      const comments = state.comments.filter((c) => status === "all" || c.status === status);
      return json(route, 200, { counts: counts(), comments, next: null });
    }
    const item = path.match(/^\/comments\/([^/]+)(\/status)?$/);
    if (item) {
      const comment = state.comments.find((c) => c.id === decodeURIComponent(item[1]));
      if (!comment) return json(route, 404, { error: { code: "not_found", message: "no such comment" } });
      if (item[2]) comment.status = request.postDataJSON().status;
      else if (method === "PATCH") Object.assign(comment, request.postDataJSON(), { edited: "2026-12-07T15:00:00Z" });
      else if (method === "DELETE") return (Object.assign(comment, { status: "deleted", body: "" }), json(route, 204));
      return json(route, 200, comment);
    }
    if (path === "/bans" && method === "GET") return json(route, 200, { bans: state.bans });
    if (path === "/bans" && method === "POST") {
      const ban = { id: String(state.bans.length + 1), kind: "email", label: "c…@example.fr", until: null, reason: request.postDataJSON().reason ?? "", created: "2026-12-07T15:00:00Z", by: "modo" };
      state.bans.push(ban);
      return json(route, 201, ban);
    }
    if (path === "/audit") return json(route, 200, { entries: [{ id: "1", at: "2026-12-07T15:00:00Z", moderator: "modo", action: "approve", comment: "12", detail: "" }], next: null });
    if (path === "/settings") return json(route, 200, method === "PUT" ? request.postDataJSON() : { hold: "rules", max_links: 2, first_time_authors: false, words: [] });
    return json(route, 404, { error: { code: "not_found", message: "no such route" } });
  });
  return state;
}

test("the moderation page works with the keyboard alone, and axe finds no violation on any of its views", async () => {
  const { page, seen, goto, close } = await open("/moderation/", { locale: "fr-FR" });
  const admin = await fakeAdmin(page);
  await goto();
  assert.equal(await page.title(), "Modération des commentaires");
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  await page.locator("#mod-name").waitFor();
  assert.deepEqual(await axe(page), [], "axe, the sign-in form");

  await tabTo(page, "the name field", (f) => f.id === "mod-name");
  await page.keyboard.type("modo");
  await page.keyboard.press("Tab");
  await page.keyboard.type("pas le bon");
  await page.keyboard.press("Enter");
  await page.locator("#mod-sign-in-error", { hasText: "Nom ou mot de passe incorrect." }).waitFor();
  assert.equal((await focused(page)).id, "mod-sign-in-error", "focus goes to the error");
  assert.deepEqual(await axe(page), [], "axe, a refused sign-in");
  await tabTo(page, "the password field", (f) => f.id === "mod-password");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("un mot de passe assez long");
  await page.keyboard.press("Enter");

  const comment = page.locator("#mod-comment-12");
  await comment.waitFor();
  assert.equal((await focused(page)).id, "mod-heading", "focus goes to the queue's heading");
  assert.equal(await comment.locator(".mod-body b").count(), 0, "the author's markup is text");
  assert.match(await comment.locator(".mod-body").innerText(), /^<b>Trois<\/b> liens/);
  assert.equal(await page.locator("button[data-status=pending]").innerText(), "En attente (1)");
  assert.deepEqual(await axe(page), [], "axe, the queue");

  for (const [action, check] of [["edit", "#mod-open-form[name=author]"], ["ban", "#mod-open-form[name=kind]"], ["delete", "button#mod-open-form"]]) {
    await tabTo(page, `the ${action} button`, (f) => f.tag === "BUTTON" && f.id === "" && f.text === { edit: "Modifier", ban: "Bannir", delete: "Supprimer" }[action]);
    await page.keyboard.press("Enter");
    await page.locator(check).waitFor();
    assert.equal((await focused(page)).id, "mod-open-form", `the ${action} form takes focus`);
    assert.deepEqual(await axe(page), [], `axe, the ${action} form`);
    await tabTo(page, "Cancel", (f) => f.text === "Annuler");
    await page.keyboard.press("Enter");
    assert.equal((await focused(page)).id, "mod-comment-12", "focus goes back to the comment");
  }

  await tabTo(page, "the approve button", (f) => f.text === "Approuver");
  await page.keyboard.press("Enter");
  await page.locator("#mod-notice", { hasText: "Commentaire de Camille approuvé." }).waitFor();
  assert.equal((await focused(page)).id, "mod-notice", "focus goes to the result");
  assert.equal(await page.locator("#mod-notice").getAttribute("role"), "status");
  assert.equal(await page.locator("button[data-status=pending]").innerText(), "En attente (0)");
  assert.equal(await page.locator("button[data-status=published]").innerText(), "Publiés (1)");
  const approve = admin.requests.find((r) => r.method === "POST" && r.path === "/comments/12/status");
  assert.equal(approve?.csrf, "t0k", "the action carries the session's token");
  assert.deepEqual(await axe(page), [], "axe, after an action");

  for (const section of ["Bannissements", "Journal", "Réglages"]) {
    await tabTo(page, section, (f) => f.text === section);
    await page.keyboard.press("Enter");
    await page.locator("h2#mod-heading", { hasText: section }).waitFor();
    await page.locator(".mod-loading").waitFor({ state: "detached" });
    assert.equal((await focused(page)).id, "mod-heading", `focus goes to ${section}`);
    assert.deepEqual(await axe(page), [], `axe, ${section}`);
  }
  await tabTo(page, "Save", (f) => f.text === "Enregistrer");
  await page.keyboard.press("Enter");
  await page.locator("#mod-notice", { hasText: "Réglages enregistrés." }).waitFor();

  await tabTo(page, "the sign-out", (f) => f.text === "Se déconnecter");
  await page.keyboard.press("Enter");
  await page.locator("#mod-name").waitFor();
  assert.equal(admin.requests.at(-1).method, "DELETE");
  assert.deepEqual(unexpected(seen), { violations: [], errors: [] });
  await close();
});

test("the moderation page speaks English to a browser that asks for it", async () => {
  const { page, goto, close } = await open("/moderation/", { locale: "en-GB" });
  await fakeAdmin(page);
  await goto();
  await page.locator("#mod-name").waitFor();
  assert.equal(await page.title(), "Comment moderation");
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  assert.equal(await page.locator(".mod-sign-in button[type=submit]").innerText(), "Sign in");
  assert.deepEqual(await axe(page), []);
  await close();
  // French for any language it does not speak.
  const german = await open("/moderation/", { locale: "de-DE" });
  await fakeAdmin(german.page);
  await german.goto();
  await german.page.locator("#mod-name").waitFor();
  assert.equal(await german.page.locator("html").getAttribute("lang"), "fr");
  await german.close();
});

/** `article-widget-server moderator add NAME` on the test server's database, the password on stdin. */
function addModerator(name, password) {
  return new Promise((resolve, reject) => {
    const command = spawn(process.env.AW_SERVER_BIN ?? join(root, "target/debug/article-widget-server"),
      ["moderator", "add", name, "--database", server.database], { stdio: ["pipe", "inherit", "inherit"] });
    command.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`moderator add exited with ${code}`))));
    command.stdin.end(`${password}\n`);
  });
}

test("a comment held for its links is approved by a moderator, then a reader sees it", async () => {
  await addModerator("modo", "un mot de passe assez long");

  // A reader posts a comment with three links: the default rules hold it.
  const body = `Trois liens ${Date.now()} : https://a.example https://b.example https://c.example`;
  const reader = await open("/", { locale: "fr-FR" });
  await reader.page.clock.install();
  await reader.goto();
  const widget = reader.page.locator("article-widget");
  await widget.locator(".aw-comments").scrollIntoViewIfNeeded();
  await widget.locator("form input[name=name]").fill("Lectrice aux liens");
  await widget.locator("form input[name=email]").fill("liens@example.fr");
  await widget.locator("form textarea[name=body]").fill(body);
  const label = await widget.locator("label[for$=-captcha]").innerText();
  await widget.locator("input[name=captcha]").fill(String(solve(label)));
  await reader.page.clock.fastForward(3_200);
  await widget.locator("button[type=submit]").click();
  await widget.locator(".aw-form__status[data-state=ok]", { hasText: "en attente de modération" }).waitFor();
  await reader.close();

  // The moderator signs in with the keyboard and approves it.
  const { page, seen, goto, close } = await open("/moderation/", { locale: "fr-FR" });
  await goto();
  await page.locator("#mod-name").waitFor();
  assert.deepEqual(await axe(page), [], "axe, the sign-in form");
  await page.locator("#mod-name").focus();
  await page.keyboard.type("modo");
  await page.keyboard.press("Tab");
  await page.keyboard.type("un mot de passe assez long");
  await page.keyboard.press("Enter");
  const held = page.locator(".mod-comment", { hasText: body });
  await held.waitFor();
  assert.match(await held.locator(".mod-facts").innerText(), /Liens\s*3/);
  assert.deepEqual(await axe(page), [], "axe, the queue");
  await held.locator("button[data-action=published]").focus();
  await page.keyboard.press("Enter");
  await page.locator("#mod-notice", { hasText: "approuvé" }).waitFor();
  assert.equal((await focused(page)).id, "mod-notice");
  assert.equal(await page.locator(".mod-comment", { hasText: body }).count(), 0, "no longer held");
  assert.deepEqual(await axe(page), [], "axe, after approving");
  assert.deepEqual(unexpected(seen), { violations: [], errors: [] });
  await close();

  // Another reader sees it.
  const later = await open("/");
  await later.goto();
  await later.page.locator("article-widget .aw-comments").scrollIntoViewIfNeeded();
  await later.page.locator("article-widget .aw-comment", { hasText: body }).waitFor();
  await later.close();
});
