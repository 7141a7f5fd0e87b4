// Where the widget searches for a proof of work (src/proof.rs imports this module from the
// solver's folder): in a module Web Worker (worker.js, beside this file), so that typing never
// waits for it; or, when no worker can run it (a Content-Security-Policy without worker-src
// for it, the package served from another origin than the page, a worker that fails to load
// or in which the solver does not load), on the page's thread, with solve.js, in slices of
// about 10 ms with a pause between them. The console says why the page's thread searches.
const workerUrl = new URL("./worker.js", import.meta.url);

/**
 * Searches for the proof of work that `challenge` asks for (its JSON, `{"parameters": {…},
 * "signature": "…"}`, as the server sent it); `onProgress(tried)` hears how many counters
 * were tried. Resolves to ALTCHA's payload; rejects with why no search could be made, or
 * when `signal` aborts it (with its reason, and no progress reported after it).
 */
export function search(challenge, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const onPage = (why) => {
      console.warn(`article widget: the proof of work is searched for on the page's thread, as no worker could run it: ${why}`);
      import("./solve.js").then(({ solve }) => solve(challenge, onProgress, signal)).then(resolve, reject);
    };
    let worker;
    try {
      signal.throwIfAborted();
      worker = new Worker(workerUrl, { type: "module" });
    } catch (error) {
      return signal.aborted ? reject(signal.reason) : onPage(error?.message ?? error);
    }
    const end = () => {
      // Unhooked first: a message already queued is not heard.
      worker.onmessage = worker.onerror = null;
      worker.terminate();
      signal.removeEventListener("abort", aborted);
    };
    const aborted = () => {
      end();
      reject(signal.reason);
    };
    signal.addEventListener("abort", aborted);
    // A worker that could not load (refused by the page's policy, not found) or that failed.
    worker.onerror = (event) => {
      end();
      onPage(event.message || `${workerUrl} could not run`);
    };
    worker.onmessage = ({ data }) => {
      // Posted once the worker is ready: a message posted before its module had loaded was
      // lost, in Chromium on a cross-origin isolated page.
      if (data.ready) return worker.postMessage(challenge);
      if (data.tried !== undefined) return onProgress(data.tried);
      end();
      if (data.failed !== undefined) onPage(data.failed);
      else if (data.payload !== undefined) resolve(data.payload);
      else reject(new Error(data.error));
    };
  });
}
