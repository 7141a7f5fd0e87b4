// The benchmark page's solvers, one challenge at a time: the widget's (pkg/pow-worker/: its
// worker.js, in a module worker as the widget starts it, and its solve.js on the page's
// thread, as the widget's fallback imports it) and altcha-lib's (altcha-worker.js, and its
// solveChallenge on the page). Each resolves to {counter, millis}; the widget's millis are
// its payload's time, from its first slice to the answer.
const solved = (payload) => JSON.parse(atob(payload)).solution;

window.solveWithWidget = (challenge) => new Promise((resolve, reject) => {
  const worker = new Worker("/pkg/pow-worker/worker.js", { type: "module" });
  worker.onerror = (event) => reject(new Error(event.message));
  worker.onmessage = ({ data }) => {
    if (data.ready) return worker.postMessage(JSON.stringify(challenge));
    if (data.tried !== undefined) return;
    worker.terminate();
    if (data.payload === undefined) return reject(new Error(data.error ?? data.failed));
    const { counter, time } = solved(data.payload);
    resolve({ counter, millis: time });
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
// alone): the widget's solve.js as its fallback runs it (slices of about 10 ms, a task each;
// PBKDF2 keys derived by WebCrypto), altcha-lib's solveChallenge as its widget runs it
// without workers.
window.solveWithWidgetOnPage = async (challenge) => {
  const { solve } = await import("/pkg/pow-worker/solve.js");
  const { counter, time } = solved(await solve(JSON.stringify(challenge), () => {}));
  return { counter, millis: time };
};

window.solveWithAltchaOnPage = async (challenge) => {
  const [{ solveChallenge }, sha, pbkdf2] = await Promise.all([import("/altcha/pow.js"), import("/altcha/algorithms/web/sha.js"), import("/altcha/algorithms/web/pbkdf2.js")]);
  const deriveKey = challenge.parameters.algorithm.startsWith("PBKDF2") ? pbkdf2.deriveKey : sha.deriveKey;
  const start = performance.now();
  const solution = await solveChallenge({ challenge, deriveKey, timeout: 0 });
  return { counter: solution.counter, millis: performance.now() - start };
};
