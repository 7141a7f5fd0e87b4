// A commenter's own comment, in a real browser against the reference server: edited within
// the window, « modifié » after a reload, the buttons gone when the window ends (on
// Playwright's clock, never waited for), and an edit past the window refused by the server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { AxeBuilder, launchBrowser, solve, startServer, watch } from "./harness.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Opens the demo on `server` with Playwright's clock, and posts `body` as a reader would. */
async function post(server, body) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.clock.install();
  const seen = await watch(page);
  await page.goto(server.url + "/");
  const form = page.locator("article-widget form.aw-form");
  await form.locator("[name=captcha]").waitFor();
  await form.locator("[name=name]").fill("Autrice pressée");
  await form.locator("[name=email]").fill("autrice@example.fr");
  await form.locator("[name=body]").fill(body);
  await form.locator("[name=captcha]").fill(String(solve(await page.locator("article-widget label[for$=-captcha]").innerText())));
  await page.clock.fastForward(3_200);
  const answer = page.waitForResponse((response) => response.request().method() === "POST" && response.url().endsWith("/comments"));
  await form.locator("button[type=submit]").click();
  await page.locator("article-widget .aw-form__status[data-state=ok]").waitFor();
  const posted = await (await answer).json();
  return { page, seen, posted, comment: page.locator(`article-widget #aw-comment-${posted.id}`), close: () => context.close() };
}

test("a commenter edits within the window, sees « modifié » after a reload, and the buttons go when it ends", async () => {
  const server = await startServer();
  try {
    const { page, seen, comment, close } = await post(server, "Premier jet, avec une faute.");
    // The box stands in place of the text: the comment is found by its id.
    await comment.getByRole("button", { name: "Modifier votre commentaire" }).click();
    const box = comment.getByRole("textbox", { name: "Modifier votre commentaire" });
    assert.equal(await box.inputValue(), "Premier jet, avec une faute.");
    assert.equal(await box.evaluate((element) => element.getRootNode().activeElement === element), true, "the focus is in the box");
    const axe = async (what) => {
      const results = await new AxeBuilder({ page }).include("article-widget").analyze();
      assert.deepEqual(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe, ${what}`);
    };
    await axe("the edit box open");
    await box.fill("Premier jet, corrigé.");
    await comment.getByRole("button", { name: "Enregistrer" }).click();
    const edited = comment;
    await edited.locator(".aw-comment__edited").waitFor();
    assert.equal(await edited.locator(".aw-comment__body").innerText(), "Premier jet, corrigé.");

    await page.reload();
    await page.locator("article-widget .aw-comments").scrollIntoViewIfNeeded();
    await edited.locator(".aw-comment__edited").waitFor();
    assert.equal(await edited.locator(".aw-comment__edited").innerText(), "modifié");
    assert.match(await edited.locator(".aw-comment__edited").getAttribute("title"), /^Modifié le /);
    assert.equal(await edited.getByRole("button", { name: "Modifier votre commentaire" }).count(), 1, "still the reader's, still in time");
    await edited.getByRole("button", { name: "Supprimer votre commentaire" }).click();
    await edited.getByText("Supprimer ce commentaire ?").waitFor();
    await axe("a deletion asked for");
    await edited.getByRole("button", { name: "Annuler" }).click();

    await page.clock.fastForward(15 * 60 * 1000);
    await edited.locator(".aw-own").waitFor({ state: "detached" });
    assert.equal(await page.locator("article-widget .aw-own").count(), 0);
    assert.deepEqual(seen, { violations: [], errors: [] });
    await close();
  } finally {
    server.stop();
  }
});

test("past the window, the widget offers nothing and the server refuses an edit", async () => {
  // A window of no time at all: over as soon as the comment is posted (the server's clock
  // cannot be moved from here).
  const server = await startServer({ args: ["--edit-window-minutes", "0"] });
  try {
    const { page, posted, comment, close } = await post(server, "Trop tard pour changer.");
    await comment.waitFor();
    assert.equal(posted.editable_until, posted.created, "a window of no time");
    await comment.locator(".aw-own").waitFor({ state: "detached" }); // no Edit, no Delete
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("article-widget:own:")));
    assert.deepEqual(stored, [], "nothing kept for a window already over");
    const edit = (secret) => page.evaluate(async ({ id, secret }) => {
      const answer = await fetch(`/api/articles/nouvel-ordre-mondial/comments/${id}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ secret, body: "Changé quand même." }),
      });
      return { status: answer.status, code: (await answer.json()).error?.code };
    }, { id: posted.id, secret });
    assert.deepEqual(await edit(posted.secret), { status: 409, code: "edit_window_closed" });
    assert.deepEqual(await edit("0".repeat(64)), { status: 403, code: "secret_mismatch" });
    await close();
  } finally {
    server.stop();
  }
});
