// The proof-of-work solver's Web Worker (a module worker): loads pow_worker.wasm from beside
// this file, says {ready: true} (or {failed: "why"}), then answers each
// {challenge, start, attempts} with one slice of the search: {answer: "<JSON>"}, as
// pow-worker/src/lib.rs describes. The widget (src/proof.rs) drives the slices.
const loaded = WebAssembly.instantiateStreaming(fetch(new URL("./pow_worker.wasm", import.meta.url)))
  .then(({ instance }) => instance.exports);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

loaded.then(
  () => postMessage({ ready: true }),
  (error) => postMessage({ failed: String(error?.message ?? error) }),
);

onmessage = async ({ data: { challenge, start, attempts } }) => {
  const solver = await loaded;
  const bytes = encoder.encode(challenge);
  // The buffer first: making it may grow the memory, which detaches an older view of it.
  const at = solver.input(bytes.length);
  new Uint8Array(solver.memory.buffer, at, bytes.length).set(bytes);
  const length = solver.search(bytes.length, start, attempts);
  postMessage({ answer: decoder.decode(new Uint8Array(solver.memory.buffer, solver.output(), length)) });
};
