// altcha-lib's own browser solver (solveChallenge with its WebCrypto key derivations,
// altcha-lib/algorithms/web/*), in a module worker as the proof-of-work benchmark runs the
// widget's solver: answers {challenge} with {counter, millis}, or {error}.
const loaded = Promise.all([import("/altcha/pow.js"), import("/altcha/algorithms/web/sha.js"), import("/altcha/algorithms/web/pbkdf2.js")]);

onmessage = async ({ data: { challenge } }) => {
  try {
    const [{ solveChallenge }, sha, pbkdf2] = await loaded;
    const deriveKey = challenge.parameters.algorithm.startsWith("PBKDF2") ? pbkdf2.deriveKey : sha.deriveKey;
    const start = performance.now();
    const solution = await solveChallenge({ challenge, deriveKey, timeout: 0 });
    postMessage({ counter: solution.counter, millis: performance.now() - start });
  } catch (error) {
    postMessage({ error: String(error?.stack ?? error) });
  }
};
