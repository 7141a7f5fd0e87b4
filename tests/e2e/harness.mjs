// What the end-to-end tests share: the reference server on a free loopback port with a
// fresh database, Debian's chromium driven by Playwright, and a reader's way of solving the
// captcha.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The npm packages live in the tools cache (scripts/setup.sh), not in the repository.
const require = createRequire(join(process.env.AW_NODE_MODULES ?? "", "/"));
export const { chromium } = require("playwright-core");
export const AxeBuilder = require("@axe-core/playwright").default;

const root = new URL("../../", import.meta.url).pathname;

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/**
 * Starts the server on the built widget (dist/) and the demo content, or on the folders
 * given, with a fresh database, no rate limits and no minimum time before a captcha's
 * answer (the server's own tests check it; the widget's minimum passes on Playwright's
 * clock, which cannot move the server's), and with the proof of work, which the widget
 * solves, unless `pow` is false: of `difficulty`, by default SHA-256 over 50,000 to 100,000
 * counters, tens of milliseconds for the widget, rather than the server's default, which
 * costs a reader's browser a second or so at each post. Resolves when it listens. `args`
 * are further command-line options.
 */
const QUICK_POW = ["--pow-algorithm", "SHA-256", "--pow-cost", "1", "--pow-counter-min", "50000", "--pow-counter-max", "100000"];

export async function startServer({ content = join(root, "www/demo-api/articles"), staticFolder = join(root, "dist"), pow = true, difficulty = QUICK_POW, args = [] } = {}) {
  const port = await freePort();
  const database = join(mkdtempSync(join(tmpdir(), "aw-e2e-")), "comments.sqlite3");
  const server = spawn(
    process.env.AW_SERVER_BIN ?? join(root, "target/debug/article-widget-server"),
    ["--listen", `127.0.0.1:${port}`, "--content", content, "--static", staticFolder,
      "--database", database, "--reads-per-minute", "0", "--posts-per-minute", "0", "--article-posts-per-minute", "0",
      "--captcha-min-seconds", "0", ...(pow ? difficulty : ["--pow", "off"]), ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve, reject) => {
    server.stdout.on("data", (chunk) => String(chunk).includes("listening on") && resolve());
    server.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    // unref: a pending timer would keep the test process alive for 20 s after its last test.
    setTimeout(() => reject(new Error("the server did not start within 20 s")), 20_000).unref();
  });
  return { url: `http://127.0.0.1:${port}`, database, stop: () => server.kill() };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** Records every CSP violation and console error of a page, from before its first script. */
export async function watch(page) {
  const seen = { violations: [], errors: [] };
  await page.exposeFunction("__reportViolation", (v) => seen.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => window.__reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on("console", (message) => message.type() === "error" && seen.errors.push(message.text()));
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  return seen;
}

// A reader reads numbers in words; this is an independent reading of the widget's question.
const FRENCH_UNITS = "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf".split(" ");
const ENGLISH_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(" ");
const FRENCH_TENS = { 2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante" };
const ENGLISH_TENS = { 2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety" };

function french(n) {
  if (n < 20) return FRENCH_UNITS[n];
  if (n < 70) { const u = n % 10; return FRENCH_TENS[Math.floor(n / 10)] + (u === 0 ? "" : u === 1 ? "-et-un" : "-" + FRENCH_UNITS[u]); }
  if (n < 80) return n === 71 ? "soixante-et-onze" : "soixante-" + FRENCH_UNITS[n - 60];
  return n === 80 ? "quatre-vingts" : "quatre-vingt-" + FRENCH_UNITS[n - 80];
}

function english(n) {
  if (n < 20) return ENGLISH_UNITS[n];
  const u = n % 10;
  return ENGLISH_TENS[Math.floor(n / 10)] + (u === 0 ? "" : "-" + ENGLISH_UNITS[u]);
}

const WORDS = new Map();
for (let n = 0; n < 100; n++) { WORDS.set(french(n), n); WORDS.set(english(n), n); }

/** The answer to a question such as "16 − huit =" or "7 × ? = vingt-et-un". */
export function solve(label) {
  const question = label.slice(label.lastIndexOf(":") + 1).trim();
  const [left, sign, right, , result] = question.split(/\s+/);
  const value = (term) => (/^\d+$/.test(term) ? Number(term) : WORDS.get(term));
  const apply = { "+": (a, b) => a + b, "−": (a, b) => a - b, "×": (a, b) => a * b };
  if (result === undefined) return apply[sign](value(left), value(right));
  const target = value(result);
  for (let b = 0; b < 100; b++) if (apply[sign](value(left), b) === target) return b;
  throw new Error(`cannot solve ${question}`);
}
