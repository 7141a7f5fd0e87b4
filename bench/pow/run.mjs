// The proof of work's solve time in headless Chromium: the widget's solver (its own wasm, run
// by its solve.js, pkg/pow-worker/) against altcha-lib's browser solver (solveChallenge with
// altcha-lib/algorithms/web/sha and .../web/pbkdf2, WebCrypto), each in a module worker, on
// the same challenges that altcha-lib's createChallenge makes in node with known counters,
// with the CPU as is and slowed 4× (CDP Emulation.setCPUThrottlingRate, which slows the
// page's thread and not workers: so each solver runs in a worker and on the page's thread). Prints a table of
// medians and min–max. Expects pkg/pow-worker/ (scripts/pow-worker.sh) and the tools of
// scripts/setup.sh.
//   AW_BENCH_RUNS=5   runs per challenge and solver
//   AW_BENCH_POW=SHA-256:1:50000,PBKDF2/SHA-256:1000:100   the challenges (algorithm:cost:counter)
//   AW_BENCH_PLACES=worker   only the worker (or "page's thread"); AW_BENCH_RATES=4   only the slowed CPU
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../../tests/e2e/harness.mjs";

const RUNS = Number(process.env.AW_BENCH_RUNS ?? 5);
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(join(process.env.AW_NODE_MODULES, "noop.js"));
const lib = await import(require.resolve("altcha-lib"));
const sha = await import(require.resolve("altcha-lib/algorithms/sha"));
const pbkdf2 = await import(require.resolve("altcha-lib/algorithms/pbkdf2"));
// The ES modules a browser imports (require.resolve gives the CommonJS build).
const altchaDist = dirname(require.resolve("altcha-lib")).replace(/\/cjs\//, "/esm/");

// Deterministic challenges: the answer is the given counter (its key's first half is the
// prefix). AW_BENCH_POW picks others: "ALGORITHM:COST:COUNTER,…".
const defaultCases = "SHA-256:1:5000,SHA-256:1:50000,SHA-256:1:200000,PBKDF2/SHA-256:1000:100,PBKDF2/SHA-256:1000:1000";
const cases = (process.env.AW_BENCH_POW ?? defaultCases).split(",").map((spec) => {
  const [algorithm, cost, counter] = spec.split(":");
  const number = (n) => Number(n).toLocaleString("en");
  const name = algorithm === "SHA-256" && cost === "1"
    ? `SHA-256, ${number(counter)} counters`
    : `${algorithm} cost ${number(cost)}, ${number(counter)} counters`;
  const deriveKey = algorithm === "SHA-256" ? sha.deriveKey : pbkdf2.deriveKey;
  return { name, algorithm, cost: Number(cost), counter: Number(counter), deriveKey };
});
for (const c of cases) {
  const { deriveKey, name, ...options } = c;
  c.challenge = await lib.createChallenge({ ...options, deriveKey, hmacSignatureSecret: "bench", expiresAt: 4102444800 });
}

const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
const server = createServer(async (request, response) => {
  const path = new URL(request.url, "http://x").pathname;
  const file = path === "/" ? null : path.startsWith("/altcha/") ? join(altchaDist, path.slice(8)) : join(root, path);
  try {
    const body = file ? await readFile(file) : `<!doctype html><title>proof of work</title><script type="module" src="/bench/pow/page.js"></script>`;
    response.writeHead(200, { "Content-Type": file ? types[extname(file)] ?? "application/octet-stream" : "text/html" });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(Number(process.env.AW_BENCH_PORT ?? 0), "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return { median: sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, min: sorted[0], max: sorted.at(-1) };
};
const ms = (s) => `${Math.round(s.median)} ms (${Math.round(s.min)}–${Math.round(s.max)})`;

const browser = await launchBrowser();
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await page.goto(origin);
await page.waitForFunction(() => window.solveWithWidget && window.solveWithAltcha);
const rows = [];
const places = [
  { name: "worker", widget: "solveWithWidget", altcha: "solveWithAltcha" },
  { name: "page's thread", widget: "solveWithWidgetOnPage", altcha: "solveWithAltchaOnPage" },
].filter((place) => !process.env.AW_BENCH_PLACES || process.env.AW_BENCH_PLACES.split(",").includes(place.name));
const rates = (process.env.AW_BENCH_RATES ?? "1,4").split(",").map(Number);
for (const place of places) {
  for (const rate of rates) {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    for (const c of cases) {
      const times = { widget: [], altcha: [] };
      for (let run = 0; run < RUNS; run++) {
        // The two in turn, so that the machine's load weighs on both alike.
        for (const solver of ["widget", "altcha"]) {
          const { counter, millis } = await page.evaluate(([fn, challenge]) => window[fn](challenge), [place[solver], c.challenge]);
          if (counter !== c.counter) throw new Error(`${solver} found ${counter}, not ${c.counter}, for ${c.name}`);
          times[solver].push(millis);
        }
      }
      const [widget, altcha] = [summary(times.widget), summary(times.altcha)];
      rows.push([place.name, rate === 1 ? "as is" : "4× slower", c.name, ms(widget), ms(altcha), `${(altcha.median / widget.median).toFixed(2)}×`]);
    }
  }
}
await browser.close();
server.close();
console.log(`| where | CPU | challenge | widget's solver | altcha-lib (WebCrypto) | altcha-lib / widget |`);
console.log(`| --- | --- | --- | ---: | ---: | ---: |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(`\n${RUNS} runs each, median (min–max), in a module worker of each solver's own or on the page's thread; Chromium ${browser.version()}`);
