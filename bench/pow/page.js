// The benchmark page's solvers, each in a module worker of its own, one challenge at a time:
// the widget's (pkg/pow-worker/worker.js, driven in slices of about 100 ms as src/proof.rs
// drives it) and altcha-lib's (altcha-worker.js). Each resolves to {counter, millis}.
window.solveWithWidget = (challenge) => new Promise((resolve, reject) => {
  const worker = new Worker("/pkg/pow-worker/worker.js", { type: "module" });
  const text = JSON.stringify(challenge);
  let attempts = 1, asked = 0, start = 0;
  const ask = (from) => {
    asked = performance.now();
    worker.postMessage({ challenge: text, start: from, attempts });
  };
  worker.onerror = (event) => reject(new Error(event.message));
  worker.onmessage = ({ data }) => {
    if (data.ready) {
      start = performance.now();
      return ask(0);
    }
    const answer = JSON.parse(data.answer);
    if (answer.found) {
      worker.terminate();
      return resolve({ counter: answer.found.counter, millis: performance.now() - start });
    }
    if (answer.next === undefined) return reject(new Error(data.answer));
    const elapsed = performance.now() - asked;
    attempts = Math.max(1, Math.min(attempts * 4, elapsed > 0 ? Math.floor((attempts * 100) / elapsed) : attempts * 4));
    ask(answer.next);
  };
});

window.solveWithAltcha = (challenge) => new Promise((resolve, reject) => {
  const worker = new Worker("/bench/pow/altcha-worker.js", { type: "module" });
  worker.onerror = (event) => reject(new Error(event.message));
  worker.onmessage = ({ data }) => {
    worker.terminate();
    if (data.error) reject(new Error(data.error));
    else resolve(data);
  };
  worker.postMessage({ challenge });
});

// The same two on the page's thread, where CDP's CPU throttling applies (it leaves workers
// alone): the widget's solver as its fallback runs it (slices of about 10 ms, a task each),
// altcha-lib's solveChallenge as its widget runs it without workers.
const solverWasm = fetch("/pkg/pow-worker/pow_worker.wasm").then((response) => response.arrayBuffer());

window.solveWithWidgetOnPage = async (challenge) => {
  const { instance: { exports: solver } } = await WebAssembly.instantiate(await solverWasm);
  const bytes = new TextEncoder().encode(JSON.stringify(challenge));
  const at = solver.input(bytes.length);
  new Uint8Array(solver.memory.buffer, at, bytes.length).set(bytes);
  const start = performance.now();
  let next = 0, attempts = 1;
  for (;;) {
    const began = performance.now();
    const length = solver.search(bytes.length, next, attempts);
    const elapsed = performance.now() - began;
    const answer = JSON.parse(new TextDecoder().decode(new Uint8Array(solver.memory.buffer, solver.output(), length)));
    if (answer.found) return { counter: answer.found.counter, millis: performance.now() - start };
    next = answer.next;
    attempts = Math.max(1, Math.min(attempts * 4, elapsed > 0 ? Math.floor((attempts * 10) / elapsed) : attempts * 4));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
};

window.solveWithAltchaOnPage = async (challenge) => {
  const [{ solveChallenge }, sha, pbkdf2] = await Promise.all([import("/altcha/pow.js"), import("/altcha/algorithms/web/sha.js"), import("/altcha/algorithms/web/pbkdf2.js")]);
  const deriveKey = challenge.parameters.algorithm.startsWith("PBKDF2") ? pbkdf2.deriveKey : sha.deriveKey;
  const start = performance.now();
  const solution = await solveChallenge({ challenge, deriveKey, timeout: 0 });
  return { counter: solution.counter, millis: performance.now() - start };
};
