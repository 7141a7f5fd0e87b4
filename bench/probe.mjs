// What a benchmark page records about itself, installed before its first script: when each
// mark was followed by a painted frame, the long tasks, the largest contentful paint, the
// layout shifts, and how the WebAssembly module was compiled. Times are milliseconds since
// navigation start.

import { ARTICLE_RENDERED, COMMENTS_RENDERED } from "./static-page.mjs";

export { ARTICLE_RENDERED, COMMENTS_RENDERED };

/**
 * The mark the probe sets once the widget's comment form is usable: its fieldset no longer
 * disabled (a server's render keeps it disabled until the widget has taken over) and the
 * captcha's question in it.
 */
export const FORM_USABLE = "bench:form-usable";

/**
 * Runs in the page, before anything else. `declared`: the page holds a server's render, whose
 * shadow root the HTML parser attaches (a declarative shadow root), not `attachShadow`.
 */
function instrument({ articleMark, formMark, declared }) {
  const bench = { painted: {}, longTasks: [], lcp: null, layoutShifts: [], wasm: [] };
  window.__bench = bench;
  // A mark is set once the DOM holds the content; the first task after the next animation
  // frame runs once that frame is painted.
  const mark = performance.mark.bind(performance);
  performance.mark = (name, options) => {
    const entry = mark(name, options);
    requestAnimationFrame(() => setTimeout(() => (bench.painted[name] ??= []).push(performance.now())));
    return entry;
  };
  // The widget sets its article mark from an effect, which Yew runs after a frame once a
  // render outlasted its time slice (at 4× slower CPU, 100 to 200 ms after the headline was
  // painted): the probe watches the widget's shadow roots and sets the mark itself as soon
  // as the headline and the first paragraph are in the DOM, as the static page does once
  // they are parsed. The widget's own mark then comes second and is not counted. It also
  // marks the moment the comment form is usable, which no static page has.
  const usable = (root) => {
    const form = root.querySelector("form.aw-form");
    return form && !form.querySelector("fieldset[disabled]") && form.querySelector("input[name=captcha]");
  };
  const watch = (root) => {
    const awaited = new Map([
      [articleMark, () => root.querySelector(".aw-headline") && root.querySelector(".aw-body > p")],
      [formMark, () => usable(root)],
    ]);
    const check = () => {
      for (const [name, reached] of awaited) {
        if (!reached()) continue;
        awaited.delete(name);
        performance.mark(name);
      }
      if (awaited.size === 0) watcher.disconnect();
    };
    const watcher = new MutationObserver(check);
    watcher.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled"] });
    check();
  };
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    watch(root);
    return root;
  };
  // A declarative shadow root is attached by the HTML parser, and fills as the page is
  // parsed: its host is looked for at each change of the light DOM (mutation callbacks run
  // before the parser lets the page paint), and at each frame once it is there, until its
  // root is attached. Only on such pages, as watching a whole document's parsing would slow
  // the static pages of long threads.
  if (declared) {
    let found = false;
    const find = () => {
      const host = document.querySelector("article-widget");
      if (found || !host) return;
      if (!host.shadowRoot) return requestAnimationFrame(find);
      found = true;
      hosts.disconnect();
      watch(host.shadowRoot);
    };
    const hosts = new MutationObserver(find);
    hosts.observe(document, { childList: true, subtree: true });
  }
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) bench.longTasks.push({ start: task.startTime, duration: task.duration });
  }).observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.lcp = entry.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.layoutShifts.push({ start: entry.startTime, value: entry.value, afterInput: entry.hadRecentInput });
  }).observe({ type: "layout-shift", buffered: true });
  // wasm-bindgen compiles with instantiateStreaming when the response says application/wasm
  // and falls back to instantiate (after buffering the whole file) otherwise.
  for (const name of ["instantiateStreaming", "instantiate", "compileStreaming", "compile"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      bench.wasm.push(name);
      const result = original.apply(this, args);
      // The linear memory, whose size the JS heap does not include.
      result.then((output) => { bench.memory = output?.instance?.exports?.memory ?? bench.memory; }, () => {});
      return result;
    };
  }
}

/**
 * DevTools' "Slow 4G" preset: 1.6 Mbps down and 750 kbps up at 90 %, and 562.5 ms added to
 * each request (its 150 ms round trip times 3.75, as DevTools throttles per request, not per
 * packet). With the CPU slowed 4×, it is Lighthouse's mobile profile.
 */
export const SLOW_4G = { latency: 562.5, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };

/**
 * A fresh context and page with the probe, and a CDP session; CPU slowed `cpuSlowdown`
 * times, and the network throttled to `network` (such as `SLOW_4G`) when given;
 * `serverRendered` for a page that holds a server's render of the widget.
 */
export async function openPage(browser, { cpuSlowdown = 1, network = null, serverRendered = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(instrument, { articleMark: ARTICLE_RENDERED, formMark: FORM_USABLE, declared: serverRendered });
  const cdp = await context.newCDPSession(page);
  if (cpuSlowdown !== 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuSlowdown });
  if (network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, ...network });
  }
  const errors = [];
  page.on("console", (message) => ["error", "warning"].includes(message.type()) && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(String(error)));
  return { page, cdp, errors, close: () => context.close() };
}

/** Resolves with the time the `count`-th paint after `name` happened (1 for the first). */
export function painted(page, name, count = 1) {
  return page.waitForFunction(([name, count]) => window.__bench.painted[name]?.[count - 1], [name, count], { timeout: 120_000, polling: 50 })
    .then((handle) => handle.jsonValue());
}

/** First and largest contentful paint, and the long tasks so far. */
export function paintsAndTasks(page) {
  return page.evaluate(() => {
    const { longTasks, lcp } = window.__bench;
    return {
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
      lcp,
      longTaskCount: longTasks.length,
      longestTask: Math.max(0, ...longTasks.map((task) => task.duration)),
    };
  });
}

/**
 * The layout shifts' scores summed, from navigation start to now (Chromium's cumulative
 * layout shift, in one session window), leaving out those that followed the reader's input.
 */
export function layoutShift(page) {
  return page.evaluate(() => window.__bench.layoutShifts.filter((shift) => !shift.afterInput).reduce((total, shift) => total + shift.value, 0));
}

/**
 * What the page has received so far, by kind (Resource Timing's encoded body sizes: the bytes
 * as sent, compressed or not), and when its HTML's last byte came (its end, not its first
 * byte, which DevTools' network throttling does not delay).
 */
export function received(page) {
  return page.evaluate(() => {
    const bytes = { html: 0, code: 0, json: 0, css: 0, images: 0 };
    const kind = (entry) => {
      if (entry.entryType === "navigation") return "html";
      const path = new URL(entry.name).pathname;
      if (/\.(m?js|wasm)$/.test(path)) return "code";
      if (/\.css$/.test(path)) return "css";
      if (/\.(svg|png|jpe?g|gif|webp|avif)$/.test(path)) return "images";
      return "json";
    };
    const [navigation] = performance.getEntriesByType("navigation");
    for (const entry of [navigation, ...performance.getEntriesByType("resource")]) bytes[kind(entry)] += entry.encodedBodySize;
    return { bytes, htmlReceived: navigation.responseEnd };
  });
}

/** Long tasks that started after `from`. */
export function tasksSince(page, from) {
  return page.evaluate((from) => {
    const tasks = window.__bench.longTasks.filter((task) => task.start >= from);
    return { longTaskCount: tasks.length, longestTask: Math.max(0, ...tasks.map((task) => task.duration)) };
  }, from);
}

/** Memory once garbage is collected: the JS heap, the wasm linear memory, the DOM nodes. */
export async function memory(page, cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const { nodes } = await cdp.send("Memory.getDOMCounters");
  const wasmMemory = await page.evaluate(() => window.__bench.memory?.buffer.byteLength ?? 0);
  return { jsHeap: usedSize, wasmMemory, domNodes: nodes };
}

/** How the page compiled WebAssembly: the WebAssembly functions it called, in order. */
export function wasmCompilation(page) {
  return page.evaluate(() => window.__bench.wasm);
}
