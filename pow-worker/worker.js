// The proof-of-work solver's Web Worker (a module worker, which search.js starts): says
// {ready: true}, then searches for the proof of the challenge it is posted (its JSON) with
// solve.js, in slices of about SLICE_MS, as nothing else runs on its thread, and answers
// {tried: n} as it goes, then {payload: "…"} (ALTCHA's payload) or {error: "why"}; or
// {failed: "why"} when the solver's wasm does not load here, which search.js then tries on
// the page's thread.
import { compile, solve } from "./solve.js";

const SLICE_MS = 100;
const message = (error) => String(error?.message ?? error);

onmessage = ({ data: challenge }) =>
  compile().then(
    () => solve(challenge, (tried) => postMessage({ tried }), undefined, SLICE_MS)
      .then((payload) => postMessage({ payload }), (error) => postMessage({ error: message(error) })),
    (error) => postMessage({ failed: message(error) }),
  );
postMessage({ ready: true });
