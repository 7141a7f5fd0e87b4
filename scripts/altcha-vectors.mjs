// Writes core/tests/fixtures/altcha-vectors.json: challenges that altcha-lib (the version
// scripts/setup.sh pins) creates, each with the counter and key of its answer, as its own
// solver finds them. The core's solver must find the same (core/src/pow/solve.rs).
//   node scripts/altcha-vectors.mjs
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(join(process.env.AW_NODE_MODULES, "noop.js"));
const lib = await import(require.resolve("altcha-lib"));
const sha = await import(require.resolve("altcha-lib/algorithms/sha"));
const pbkdf2 = await import(require.resolve("altcha-lib/algorithms/pbkdf2"));

const cases = [
  // Deterministic, as altcha-lib's README creates them: the prefix is half the key at a known counter.
  { algorithm: "SHA-256", cost: 1, counter: 37, deriveKey: sha.deriveKey },
  { algorithm: "SHA-256", cost: 5, counter: 12, keyLength: 16, deriveKey: sha.deriveKey },
  { algorithm: "PBKDF2/SHA-256", cost: 50, counter: 9, deriveKey: pbkdf2.deriveKey },
  { algorithm: "PBKDF2/SHA-256", cost: 20, counter: 4, keyLength: 48, deriveKey: pbkdf2.deriveKey },
  // A prefix chosen by the server, even and odd: the first counter that matches.
  { algorithm: "SHA-256", cost: 2, keyPrefix: "00", deriveKey: sha.deriveKey },
  { algorithm: "PBKDF2/SHA-256", cost: 10, keyPrefix: "a", deriveKey: pbkdf2.deriveKey },
];

const vectors = [];
for (const { deriveKey, ...options } of cases) {
  const challenge = await lib.createChallenge({ ...options, deriveKey, hmacSignatureSecret: "vectors", expiresAt: 4102444800 });
  const solution = await lib.solveChallenge({ challenge, deriveKey });
  vectors.push({ challenge, counter: solution.counter, derivedKey: solution.derivedKey });
}
const file = new URL("../core/tests/fixtures/altcha-vectors.json", import.meta.url);
writeFileSync(file, JSON.stringify(vectors, null, 1) + "\n");
const { version } = JSON.parse(readFileSync(join(process.env.AW_NODE_MODULES, "altcha-lib/package.json"), "utf8"));
console.log(`altcha-lib ${version}: ${vectors.length} vectors`);
