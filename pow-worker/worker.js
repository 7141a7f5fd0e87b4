// The proof-of-work solver's Web Worker (a module worker): loads pow_worker.wasm from beside
// this file, says {ready: true} (or {failed: "why"}), then answers each
// {challenge, start, attempts} with one slice of the search: {answer: "<JSON>"}, as
// pow-worker/src/lib.rs describes. The widget (src/proof.rs) drives the slices.
//
// Where the page has WebCrypto (a secure context), PBKDF2 keys are derived by it: native
// code, which derives three times faster than the wasm (README, "Benchmarks"), with
// IN_FLIGHT derivations queued so that its thread never waits for this one; the wasm hands
// out the counters and checks each key.
const loaded = WebAssembly.instantiateStreaming(fetch(new URL("./pow_worker.wasm", import.meta.url)))
  .then(({ instance }) => instance.exports);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const subtle = globalThis.crypto?.subtle;
const IN_FLIGHT = 8;

loaded.then(
  () => postMessage({ ready: true }),
  (error) => postMessage({ failed: String(error?.message ?? error) }),
);

onmessage = async ({ data: { challenge, start, attempts } }) => {
  const solver = await loaded;
  const bytes = (at, length) => new Uint8Array(solver.memory.buffer, at, length);
  const output = (length) => decoder.decode(bytes(solver.output(), length));
  const text = encoder.encode(challenge);
  // The buffer first: making it may grow the memory, which detaches an older view of it.
  bytes(solver.input(text.length), text.length).set(text);
  let answer = output((subtle ? solver.delegate : solver.search)(text.length, start, attempts));
  const { pbkdf2 } = subtle ? JSON.parse(answer) : {};
  if (pbkdf2) {
    try {
      answer = output(await withWebCrypto(solver, bytes, pbkdf2));
    } catch (error) {
      answer = JSON.stringify({ error: `WebCrypto: ${error?.message ?? error}` });
    }
  }
  postMessage({ answer });
};

// The slice that lib.rs's delegate planned, its keys derived by WebCrypto: its answer's length.
async function withWebCrypto(solver, bytes, { salt, iterations, bits }) {
  const parameters = { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations };
  const keys = [];
  const next = () => {
    const length = solver.password();
    if (length < 0) return;
    const counter = solver.counter();
    const key = subtle.importKey("raw", bytes(solver.output(), length).slice(), "PBKDF2", false, ["deriveBits"])
      .then((password) => subtle.deriveBits(parameters, password, bits));
    keys.push(key.then((key) => [counter, new Uint8Array(key)]));
  };
  for (let i = 0; i < IN_FLIGHT; i++) next();
  for (;;) {
    const [counter, key] = await keys.shift();
    bytes(solver.key(key.length), key.length).set(key);
    const length = solver.check(counter, key.length);
    if (length) return length;
    next();
  }
}
