// The search for a proof of work, one module for both places it runs: the solver's Web
// Worker (worker.js), and the page's thread when no worker can run it (search.js imports it
// there). It runs pow_worker.wasm, from beside this file, as pow-worker/src/lib.rs describes:
// a slice of counters at a time, each cut to a target time, with a pause between slices in
// which the thread answers (on the page: typing, rendering).
//
// Where the page has WebCrypto (a secure context), PBKDF2 keys are derived by it: native
// code, three to four times faster than the wasm (README, "Benchmarks"), with IN_FLIGHT
// derivations queued so that its thread never waits for this one; the wasm hands out the
// counters and checks each key. Such a slice holds the calling thread only for those calls,
// so it lasts DERIVED_SLICE_MS whatever the caller's target, and tries DERIVED_SLICE_MIN
// counters at least, the first slice of a search aside.
const solverUrl = new URL("./pow_worker.wasm", import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const subtle = globalThis.crypto?.subtle;
const IN_FLIGHT = 8;
const DERIVED_SLICE_MS = 100;
// A slice WebCrypto derives tries this many counters at least: at a slice's end the keys in
// flight run out, and the next slice's first ones start only once it is planned.
const DERIVED_SLICE_MIN = 4 * IN_FLIGHT;
// The fewest milliseconds between two progress reports, each of which renders the form.
const PROGRESS_EVERY_MS = 250;
const LAST_COUNTER = 2 ** 32 - 1;

let compiled;

/** The solver's wasm, compiled once for every search (each instantiates it anew). */
export function compile() {
  compiled ??= fetch(solverUrl)
    .then(async (response) => {
      if (!response.ok) throw new Error(`HTTP status ${response.status}`);
      return WebAssembly.compile(await response.arrayBuffer());
    })
    .catch((error) => {
      // Not kept: the next search downloads it again.
      compiled = undefined;
      throw new Error(`${solverUrl}: ${error?.message ?? error}`);
    });
  return compiled;
}

/**
 * Searches for the proof of work that `challenge` asks for (its JSON, `{"parameters": {…},
 * "signature": "…"}`, as the server sent it), in slices of about `sliceMs` of this thread's
 * time; `onProgress(tried)` hears how many counters were tried, every quarter of a second at
 * most. Resolves to ALTCHA's payload; rejects with why no search could be made, or when
 * `signal` aborts it (with its reason, and no progress reported after it).
 */
export async function solve(challenge, onProgress, signal, sliceMs = 10) {
  signal?.throwIfAborted();
  // An instance of its own: searches on one page may overlap, and each keeps its state there.
  const { exports: solver } = await WebAssembly.instantiate(await compile());
  const bytes = (at, length) => new Uint8Array(solver.memory.buffer, at, length);
  const output = (length) => decoder.decode(bytes(solver.output(), length));
  const text = encoder.encode(challenge);
  // The buffer first: making it may grow the memory, which detaches an older view of it.
  bytes(solver.input(text.length), text.length).set(text);
  const started = performance.now();
  let reported = started, next = 0, attempts = 1;
  for (;;) {
    signal?.throwIfAborted();
    const began = performance.now();
    let answer = JSON.parse(output((subtle ? solver.delegate : solver.search)(text.length, next, attempts)));
    const derived = answer.pbkdf2 !== undefined;
    if (derived) {
      answer = JSON.parse(output(await withWebCrypto(solver, bytes, answer.pbkdf2, signal)));
      signal?.throwIfAborted();
    }
    const now = performance.now();
    if (answer.found) return payload(challenge, answer.found, Math.round(now - started));
    if (answer.next === undefined) throw new Error(answer.error ?? "no counter answers the challenge");
    attempts = derived
      ? Math.max(nextAttempts(attempts, now - began, DERIVED_SLICE_MS), DERIVED_SLICE_MIN)
      : nextAttempts(attempts, now - began, sliceMs);
    next = answer.next;
    if (now - reported >= PROGRESS_EVERY_MS) {
      reported = now;
      onProgress(next);
    }
    await pause();
  }
}

/**
 * ALTCHA's payload, as its widget sends it (and as the core's Challenge::payload writes it):
 * the challenge as received and the solution, `{counter, derivedKey}` with the search's
 * time, as JSON in base64.
 */
function payload(challenge, { counter, derivedKey }, time) {
  const json = `{"challenge":${challenge},"solution":${JSON.stringify({ counter, derivedKey, time })}}`;
  return btoa(String.fromCharCode(...encoder.encode(json)));
}

/**
 * How many counters the next slice tries, after `attempts` took `elapsed` ms: scaled to
 * `target` ms, growing at most fourfold a slice, so that a slice timed at nothing (a
 * clock's coarse tick) grows, but never at once past the target. The first slice tries one
 * counter: a costly derivation (PBKDF2 with many iterations) is timed before a slice grows.
 */
export function nextAttempts(attempts, elapsed, target) {
  const scaled = elapsed > 0 ? (attempts * target) / elapsed : Infinity;
  return Math.floor(Math.max(1, Math.min(scaled, attempts * 4, LAST_COUNTER)));
}

// A task of its own, which the thread runs after what waits (input, rendering): a message on
// a channel of its own, as a timer of 0 ms would wait 4 ms once nested (the HTML standard's
// clamping), and scheduler.yield() is not in every browser.
function pause() {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

// The slice that lib.rs's delegate planned, its keys derived by WebCrypto: its answer's length.
async function withWebCrypto(solver, bytes, { salt, iterations, bits }, signal) {
  const parameters = { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations };
  const keys = [];
  const next = () => {
    const length = solver.password();
    if (length < 0) return;
    const counter = solver.counter();
    const key = subtle.importKey("raw", bytes(solver.output(), length).slice(), "PBKDF2", false, ["deriveBits"])
      .then((password) => subtle.deriveBits(parameters, password, bits))
      .then((key) => [counter, new Uint8Array(key)]);
    // A derivation left in flight when the search ends fails unheard.
    key.catch(() => {});
    keys.push(key);
  };
  for (let i = 0; i < IN_FLIGHT; i++) next();
  for (;;) {
    let counter, key;
    try {
      [counter, key] = await keys.shift();
    } catch (error) {
      throw new Error(`WebCrypto: ${error?.message ?? error}`);
    }
    signal?.throwIfAborted();
    bytes(solver.key(key.length), key.length).set(key);
    const length = solver.check(counter, key.length);
    if (length) return length;
    next();
  }
}
