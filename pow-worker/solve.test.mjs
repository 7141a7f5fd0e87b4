// solve.js in node, on the solver's built wasm (scripts/pow-worker.sh, pkg/pow-worker/) and
// node's WebCrypto: answers to altcha-lib's own challenges that altcha-lib's verifySolution
// accepts, progress every quarter of a second at most, an abort that ends the search and its
// reports, a challenge the solver cannot read named, and each slice cut to its time. The
// browser tests (tests/web.rs) run it in the worker and on the page's thread.
// Run: node --test pow-worker/ (after scripts/pow-worker.sh; altcha-lib from scripts/setup.sh)
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";

// fetch, which node has not for files: the solver's wasm from the package's folder.
const WASM = new URL("../pkg/pow-worker/pow_worker.wasm", import.meta.url);
globalThis.fetch = async (url) => {
  assert.equal(new URL(url).pathname.split("/").pop(), "pow_worker.wasm");
  return new Response(await readFile(WASM), { headers: { "Content-Type": "application/wasm" } });
};
const { nextAttempts, solve } = await import("./solve.js");

const require = createRequire(join(process.env.AW_NODE_MODULES, "noop.js"));
const altcha = await import(require.resolve("altcha-lib"));
const algorithms = {
  "SHA-256": await import(require.resolve("altcha-lib/algorithms/sha")),
  "PBKDF2/SHA-256": await import(require.resolve("altcha-lib/algorithms/pbkdf2")),
};
const SECRET = "solve.test";

// altcha-lib's challenge whose answer is `counter`, and its JSON as the widget hands it over.
async function challenge(algorithm, cost, counter) {
  const made = await altcha.createChallenge({
    algorithm, cost, counter, deriveKey: algorithms[algorithm].deriveKey, hmacSignatureSecret: SECRET, expiresAt: 4102444800,
  });
  return { made, text: JSON.stringify({ parameters: made.parameters, signature: made.signature }) };
}

const decoded = (payload) => JSON.parse(Buffer.from(payload, "base64").toString());

for (const [algorithm, cost, counter] of [["SHA-256", 1, 3000], ["PBKDF2/SHA-256", 100, 60]]) {
  test(`${algorithm}: the payload answers altcha-lib's challenge, and altcha-lib accepts it`, async () => {
    const { made, text } = await challenge(algorithm, cost, counter);
    const payload = decoded(await solve(text, () => {}));
    assert.deepEqual(payload.challenge, JSON.parse(text), "the challenge as received");
    assert.equal(payload.solution.counter, counter);
    assert.ok(Number.isInteger(payload.solution.time));
    const verified = await altcha.verifySolution({
      challenge: made, solution: payload.solution, deriveKey: algorithms[algorithm].deriveKey, hmacSignatureSecret: SECRET,
    });
    assert.equal(verified.verified, true, JSON.stringify(verified));
  });
}

test("progress is reported every quarter of a second at most, counting up", async () => {
  // About a second of search here: a report or more on a machine a few times faster.
  const { text } = await challenge("SHA-256", 1, 2_500_000);
  const reports = [];
  await solve(text, (tried) => reports.push([performance.now(), tried]));
  assert.ok(reports.length > 0, "a search of a second or so reports");
  for (let i = 1; i < reports.length; i++) {
    assert.ok(reports[i][0] - reports[i - 1][0] >= 250, JSON.stringify(reports));
    assert.ok(reports[i][1] > reports[i - 1][1], JSON.stringify(reports));
  }
});

for (const algorithm of ["SHA-256", "PBKDF2/SHA-256"]) {
  // A search that goes on after its abort fails by its time limit.
  test(`${algorithm}: an abort ends the search, with no report after it`, { timeout: 10_000 }, async () => {
    // A key that starts with 48 zero bits: never found within the test.
    const text = JSON.stringify({
      parameters: { algorithm, cost: 10, keyLength: 16, keyPrefix: "000000000000", nonce: "0123456789abcdef", salt: "a1" },
      signature: "s",
    });
    const controller = new AbortController();
    let reportsAfter = 0;
    const search = solve(text, () => {
      if (controller.signal.aborted) reportsAfter++;
      controller.abort();
    }, controller.signal);
    await assert.rejects(search, { name: "AbortError" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reportsAfter, 0);
  });
}

test("a challenge the solver cannot read is refused with the solver's reason", async () => {
  const text = JSON.stringify({ parameters: { algorithm: "MD5", cost: 1, keyPrefix: "00", nonce: "00", salt: "01" }, signature: "s" });
  await assert.rejects(solve(text, () => {}), /algorithm/);
});

test("each slice is cut to its time and grows at most fourfold", () => {
  assert.equal(nextAttempts(1, 0.1, 16), 4, "one counter in 0.1 ms: only fourfold");
  assert.equal(nextAttempts(4, 0.4, 16), 16);
  assert.equal(nextAttempts(16, 8, 16), 32, "16 counters took 8 ms: 32 take the target's 16");
  assert.equal(nextAttempts(32, 64, 16), 8, "a slice slower than planned (a busy machine) shrinks the next");
  assert.equal(nextAttempts(8, 0, 16), 32, "a slice timed at nothing (a coarse clock) grows fourfold");
  assert.equal(nextAttempts(1, 1_000, 10), 1, "never below one counter");
  assert.equal(nextAttempts(2 ** 31, 0, 10), 2 ** 32 - 1, "never past the last counter");
});
