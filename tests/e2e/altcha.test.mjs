// The proof of work against ALTCHA's own library (altcha-lib, the version scripts/setup.sh
// pins): its solver answers the reference server's challenges, for SHA-256 and PBKDF2, and
// the answer, sent as ALTCHA's widget sends it, posts a comment with a solved captcha (201);
// its verifySolution, given the two secrets the server derives from its captcha secret
// (server/README.md, "Proof of work"), accepts that answer: our signatures are altcha-lib's.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";

import { launchBrowser, solve, startServer } from "./harness.mjs";

const require = createRequire(join(process.env.AW_NODE_MODULES ?? "", "/"));
const altcha = await import(require.resolve("altcha-lib"));
const sha = await import(require.resolve("altcha-lib/algorithms/sha"));
const pbkdf2 = await import(require.resolve("altcha-lib/algorithms/pbkdf2"));

const CAPTCHA_SECRET = "altcha interoperability test secret";
/** The server's two secrets, as server/README.md documents them. */
const derived = (label) => createHmac("sha256", CAPTCHA_SECRET).update(label).digest("hex");
const SECRETS = {
  hmacSignatureSecret: derived("article-widget pow signature v1"),
  hmacKeySignatureSecret: derived("article-widget pow key signature v1"),
};

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A server with the proof of work on, small counters so that altcha-lib's solver is quick. */
function powServer(difficulty) {
  return startServer({ pow: true, difficulty, args: ["--captcha-secret", CAPTCHA_SECRET] });
}

/**
 * The answer to `challenge`'s math question, as a reader gives it: the widget shows the
 * question of that very challenge (its request for one answered with it), read as the other
 * end-to-end tests read it.
 */
async function answerOf(url, challenge) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route("**/api/captcha", (route) => route.fulfill({ json: challenge, headers: { "cache-control": "no-store" } }));
  await page.goto(url + "/");
  await page.locator("article-widget .aw-comments").first().scrollIntoViewIfNeeded();
  const label = await page.locator("article-widget label[for$=-captcha]").first().innerText();
  await context.close();
  return String(solve(label));
}

/** ALTCHA's widget's payload: base64 of the challenge as received and the solution. */
function payload(pow, solution) {
  return btoa(JSON.stringify({ challenge: { parameters: pow.parameters, signature: pow.signature }, solution }));
}

for (const [algorithm, deriveKey, options] of [
  ["SHA-256", sha.deriveKey, ["--pow-algorithm", "SHA-256", "--pow-cost", "1", "--pow-counter-min", "2000", "--pow-counter-max", "4000"]],
  ["PBKDF2/SHA-256", pbkdf2.deriveKey, ["--pow-algorithm", "PBKDF2/SHA-256", "--pow-cost", "50", "--pow-counter-min", "100", "--pow-counter-max", "300"]],
]) {
  test(`altcha-lib solves and verifies the server's ${algorithm} challenge, and the answer posts a comment`, async () => {
    const server = await powServer(options);
    try {
      const challenge = await (await fetch(server.url + "/api/captcha")).json();
      const { pow, ...captcha } = challenge;
      assert.equal(pow.parameters.algorithm, algorithm);
      assert.equal(pow.parameters.expiresAt, Date.parse(captcha.expires) / 1000, "the captcha's expiry");
      const solution = await altcha.solveChallenge({ challenge: pow, deriveKey });
      assert.ok(solution, "solved");
      const [least, most] = [Number(options.at(-3)), Number(options.at(-1))];
      assert.ok(solution.counter >= least && solution.counter <= most, `counter ${solution.counter}`);

      // (b) altcha-lib's own check, with the server's secrets: by the key signature, and by
      // deriving the key again (without the key's secret).
      const check = (secrets) => altcha.verifySolution({ challenge: pow, solution, deriveKey, ...secrets });
      assert.equal((await check(SECRETS)).verified, true);
      assert.equal((await check({ hmacSignatureSecret: SECRETS.hmacSignatureSecret })).verified, true);
      const forged = await check({ ...SECRETS, hmacSignatureSecret: derived("another label") });
      assert.equal(forged.invalidSignature, true);

      // (a) The comment, with the captcha answered and the proof of work in `altcha`.
      captcha.answer = await answerOf(server.url, challenge);
      const post = () => fetch(`${server.url}/api/articles/nouvel-ordre-mondial/comments`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `altcha-${crypto.randomUUID()}` },
        body: JSON.stringify({
          name: "ALTCHA", email: "altcha@example.org", website: "", body: `Résolu par altcha-lib (${algorithm}).`,
          captcha, altcha: payload(pow, solution),
        }),
      });
      const posted = await post();
      assert.equal(posted.status, 201, await posted.clone().text());
      assert.equal((await posted.json()).author, "ALTCHA");
      // The same answer again, under another key: used.
      const again = await post();
      assert.equal(again.status, 422);
      assert.deepEqual((await again.json()).error.code, "pow_replayed");
    } finally {
      server.stop();
    }
  });
}
