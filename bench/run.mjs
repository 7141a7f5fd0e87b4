// The widget against its floor, a static HTML page of the same content, in headless Chromium
// on loopback: bytes, time to the article (also with the CPU slowed 4×, and on a slow 4G
// network), the same for the page with the widget rendered by the server (and the takeover's
// layout shift and time to a usable comment form), long threads, a long thread sent in one
// answer and read through a mapping, and posting. Each run measures the widget and its floor
// one after the other, in turn (the first of one run goes last in the next), so that a ratio
// compares pages loaded under the same load of the machine. Static files are sent
// brotli-compressed, as a CDN would send them.
//
//   node bench/run.mjs      (scripts/bench.sh builds what it needs first)
//
// AW_BENCH_RUNS (default 5) runs per case; AW_BENCH_THREADS (default 100,1000,10000) the
// thread sizes; AW_BENCH_CASES (default all: bytes,article,ssr,threads,one-answer,posting)
// the cases to run. Prints Markdown tables and writes bench/results.json.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";

import { brotli } from "../scripts/precompress.mjs";
import { launchBrowser, solve, startServer } from "../tests/e2e/harness.mjs";
import { ARTICLE_RENDERED, COMMENTS_RENDERED, FORM_USABLE, layoutShift, memory, openPage, painted, paintsAndTasks, received, SLOW_4G, tasksSince, wasmCompilation } from "./probe.mjs";
import { ONE_ANSWER, oneAnswerUrl, prepareFolders, SEED_ARTICLE, seedThreads, threadArticle, WIDGET_PAGE_SIZE, writePages } from "./site.mjs";

const root = new URL("../", import.meta.url).pathname;
const RUNS = Number(process.env.AW_BENCH_RUNS ?? 5);
const CASES = ["bytes", "article", "ssr", "threads", "one-answer", "posting"];
const SELECTED = (process.env.AW_BENCH_CASES ?? CASES.join(",")).split(",").map((name) => name.trim());
for (const name of SELECTED) if (!CASES.includes(name)) throw new Error(`AW_BENCH_CASES: no case ${name} (cases: ${CASES.join(", ")})`);
const THREAD_SIZES = SELECTED.includes("threads") ? (process.env.AW_BENCH_THREADS ?? "100,1000,10000").split(",").map(Number) : [];
/** The goal for long threads: no main-thread task longer than this. */
const LONGEST_TASK_GOAL_MS = 200;
/** The goal for the server-rendered page: its headline and largest paint at most this many times the static page's. */
const SERVER_RENDERED_GOAL = 1.05;
process.env.AW_SERVER_BIN ??= join(root, "target/release/article-widget-server");

// --- statistics and printing -------------------------------------------------------------

function stats(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), runs: values };
}

const formats = {
  ms: (v) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`,
  bytes: (v) => Math.round(v).toLocaleString("en-US"),
  MB: (v) => `${(v / 1048576).toFixed(1)} MB`,
  count: (v) => String(Math.round(v)),
  ratio: (v) => `${v.toFixed(2)}×`,
  shift: (v) => (v === 0 ? "0" : v.toFixed(4)),
};

/** "median (min–max)", or the one value when every run agrees. */
function shown(s, unit) {
  if (!s) return "—";
  const f = formats[unit];
  return f(s.min) === f(s.max) ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

function table(title, header, rows) {
  const lines = [`\n### ${title}\n`, `| ${header.join(" | ")} |`, `| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  console.log(lines.join("\n"));
}

/**
 * Runs `measure(side)` for each of `sides` (by default the widget and its floor), in turn:
 * the order moves by one at each run, so that each side goes first as often as the others.
 */
async function inTurn(run, measure, sides = ["widget", "floor"]) {
  const shift = run % sides.length;
  const result = {};
  for (const side of [...sides.slice(shift), ...sides.slice(0, shift)]) result[side] = await measure(side);
  return result;
}

/** Whether the longest task of every run kept within the goal. */
const goal = (longest) => (!longest ? "—" : longest.max > LONGEST_TASK_GOAL_MS ? `**fails** (${formats.ms(longest.max)})` : "passes");

/** The ratio of side `name` (the widget by default) to the floor, run by run. */
const ratios = (runs, metric, name = "widget") => stats(runs.map((r) => (r[name][metric] && r.floor[metric] ? r[name][metric] / r.floor[metric] : null)));
const side = (runs, name, metric) => stats(runs.map((r) => r[name][metric]));

// --- 1. bytes ----------------------------------------------------------------------------

function sizes(bytes) {
  return {
    raw: bytes.length,
    // gzip's own deflate, as scripts/size-check.sh measures: zlib's is about 2% larger.
    gzip: execFileSync("gzip", ["-9", "-c", "-n"], { input: bytes, maxBuffer: 1 << 30 }).length,
    brotli: brotli(bytes).length,
  };
}

const sum = (items) => items.reduce((total, item) => ({ raw: total.raw + item.raw, gzip: total.gzip + item.gzip, brotli: total.brotli + item.brotli }), { raw: 0, gzip: 0, brotli: 0 });

async function bytesCase(site, serverUrl) {
  const file = (path) => readFileSync(join(site, path));
  const api = async (path) => Buffer.from(await (await fetch(`${serverUrl}/api/${path}`)).arrayBuffer());
  const article = JSON.parse(await api(`articles/${SEED_ARTICLE}`));
  const related = JSON.parse(await api(`articles/${SEED_ARTICLE}/related`)).items;
  const images = [article.hero, ...article.body.filter((b) => b.type === "image"), ...related.map((r) => r.thumbnail)]
    .filter(Boolean).map((image) => sizes(file(image.src)));
  const code = ["pkg/article_widget_bg.wasm", "pkg/article_widget.js", "pkg/article-widget.js"].map((path) => sizes(file(path)));
  const rows = {
    "widget: `article_widget_bg.wasm` (stylesheet inside)": code[0],
    "widget: `article_widget.js` (bindings)": code[1],
    "widget: `article-widget.js` (element)": code[2],
    "widget: host page": sizes(file(`widget/${SEED_ARTICLE}.html`)),
    "widget: article JSON": sizes(await api(`articles/${SEED_ARTICLE}`)),
    "widget: related stories JSON": sizes(await api(`articles/${SEED_ARTICLE}/related`)),
    // The page as the server sends it, its include filled in; the server sends it uncompressed.
    "server-rendered: page with the fragment (article, related stories, first comments, form, style, answers, JSON-LD)":
      sizes(Buffer.from(await (await fetch(`${serverUrl}/ssr/${SEED_ARTICLE}.html`)).arrayBuffer())),
    "server-rendered: the widget's three files above": sum(code),
    "server-rendered: captcha JSON (asked at the takeover)": sizes(await api("captcha")),
    "static: page (article and related stories)": sizes(file(`static/${SEED_ARTICLE}.html`)),
    "static: stylesheet": sizes(file("static/widget.css")),
  };
  const total = (prefix) => sum(Object.entries(rows).filter(([name]) => name.startsWith(prefix)).map(([, s]) => s));
  const [widget, serverRendered, floor] = [total("widget"), total("server-rendered"), total("static")];
  const ratio = (side) => ({ raw: side.raw / floor.raw, gzip: side.gzip / floor.gzip, brotli: side.brotli / floor.brotli });
  rows["**widget total**"] = widget;
  rows["**server-rendered total**"] = serverRendered;
  rows["**static total**"] = floor;
  rows["**widget / static**"] = ratio(widget);
  rows["**server-rendered / static**"] = ratio(serverRendered);
  rows[`all three: ${images.length} images (the same files)`] = sum(images);
  table("Bytes — the seed article (compressed with gzip -9 and brotli 11; images are the same on every side and left out of the totals)",
    ["what", "raw", "gzip -9", "brotli"],
    Object.entries(rows).map(([name, s]) => [name, ...["raw", "gzip", "brotli"].map((k) => (name.includes("/") && name.startsWith("**") ? formats.ratio(s[k]) : formats.bytes(s[k])))]));
  return rows;
}

// --- 2. time to the article --------------------------------------------------------------

/** The folders of the seed article's pages: the widget's, the one the server renders it into, the floor's. */
const ARTICLE_PAGES = { widget: "widget", ssr: "ssr", floor: "static" };

/**
 * Loopback as is; the CPU slowed 4× (a mid-range phone); and that phone on a slow mobile
 * network, where the bytes cost time.
 */
const CONDITIONS = [
  { key: "cpu1x", label: "", conditions: {} },
  { key: "cpu4x", label: ", CPU 4× slower", conditions: { cpuSlowdown: 4 } },
  { key: "slow4g", label: ", slow 4G and CPU 4× slower", conditions: { cpuSlowdown: 4, network: SLOW_4G } },
];

const TIME_METRICS = { articlePainted: "headline and first paragraph painted", fcp: "first contentful paint", lcp: "largest contentful paint", longestTask: "longest task" };

/** One load of the seed article's page of side `sideName` (`ARTICLE_PAGES`), until the network is idle. */
async function articleLoad(browser, serverUrl, sideName, conditions) {
  const serverRendered = sideName === "ssr";
  const { page, errors, close } = await openPage(browser, { ...conditions, serverRendered });
  await page.goto(`${serverUrl}/${ARTICLE_PAGES[sideName]}/${SEED_ARTICLE}.html`);
  const articlePainted = await painted(page, ARTICLE_RENDERED);
  // A server's render is taken over once the comment form is usable. The other pages show
  // no form at first: the static page has none, and the widget loads its comments lazily.
  const formUsable = serverRendered ? await painted(page, FORM_USABLE) : null;
  // The largest contentful paint may be the hero image, which arrives on its own.
  await page.waitForLoadState("networkidle");
  const paints = await paintsAndTasks(page);
  const shift = await layoutShift(page);
  const { bytes, htmlReceived } = await received(page);
  const compilation = await wasmCompilation(page);
  await close();
  return { articlePainted, formUsable, ...paints, layoutShift: shift, htmlReceived, bytes, compilation, errors };
}

/**
 * `RUNS` loads of each of `sides` in each of `CONDITIONS`, in turn, by condition, after one
 * load of each that is not counted (the first load of a page is slower: the server reads
 * its files, renders the fragment, and the browser starts its processes).
 */
async function articleRuns(browser, serverUrl, sides) {
  for (const name of sides) await articleLoad(browser, serverUrl, name, {});
  const byCondition = {};
  for (const { key, conditions } of CONDITIONS) {
    byCondition[key] = [];
    for (let run = 0; run < RUNS; run++) byCondition[key].push(await inTurn(run, (s) => articleLoad(browser, serverUrl, s, conditions), sides));
  }
  return byCondition;
}

async function articleCase(browser, serverUrl) {
  const results = {};
  const rows = [];
  const byCondition = await articleRuns(browser, serverUrl, ["widget", "floor"]);
  for (const { key, label: condition } of CONDITIONS) {
    const runs = byCondition[key];
    results[key] = {};
    for (const [metric, label] of Object.entries(TIME_METRICS)) {
      const entry = { widget: side(runs, "widget", metric), floor: side(runs, "floor", metric), ratio: ratios(runs, metric) };
      results[key][metric] = entry;
      rows.push([`${label}${condition}`, shown(entry.widget, "ms"), shown(entry.floor, "ms"), metric === "longestTask" ? "—" : shown(entry.ratio, "ratio")]);
    }
    results[key].compilation = runs[0].widget.compilation;
    results[key].consoleMessages = runs.flatMap((r) => r.widget.errors);
  }
  table(`Time to the article — from navigation start, ${RUNS} runs, median (min–max)`, ["", "widget", "static HTML", "widget / static"], rows);
  return results;
}

// --- 3. the widget rendered by the server ------------------------------------------------

/** Whether the ratios of the runs keep within `limit`: by their median, and how many runs do. */
function within(ratio, limit) {
  if (!ratio) return "—";
  const kept = ratio.runs.filter((r) => r !== null && r <= limit).length;
  return `${ratio.median <= limit ? "met" : "**not met**"} (median ${formats.ratio(ratio.median)}; ${kept} of ${ratio.runs.length} runs within)`;
}

/** The bytes a page received, but for its images (the same files on every side). */
const withoutImages = ({ images, ...rest }) => Object.values(rest).reduce((total, bytes) => total + bytes, 0);

/**
 * The seed article's page with the widget rendered by the server into it, against the
 * static page (its floor) and the page that renders the widget in the browser, the three in
 * turn in each run: time to the article, layout shift from navigation start to the network
 * idle (the takeover included), the time until the comment form is usable, and the bytes
 * each page received.
 */
async function ssrCase(browser, serverUrl) {
  const results = {};
  const rows = [];
  const byCondition = await articleRuns(browser, serverUrl, ["floor", "ssr", "widget"]);
  for (const { key, label: condition } of CONDITIONS) {
    const runs = byCondition[key];
    const entry = (metric) => ({
      floor: side(runs, "floor", metric), ssr: side(runs, "ssr", metric), widget: side(runs, "widget", metric),
      ssrRatio: ratios(runs, metric, "ssr"), widgetRatio: ratios(runs, metric, "widget"),
    });
    const result = Object.fromEntries([...Object.keys(TIME_METRICS), "layoutShift", "htmlReceived"].map((metric) => [metric, entry(metric)]));
    result.formUsable = side(runs, "ssr", "formUsable");
    result.firstPaintToForm = stats(runs.map((r) => r.ssr.formUsable - r.ssr.fcp));
    result.bytes = Object.fromEntries(["floor", "ssr", "widget"].map((name) => [name, {
      ...Object.fromEntries(Object.keys(runs[0][name].bytes).map((kind) => [kind, stats(runs.map((r) => r[name].bytes[kind]))])),
      total: stats(runs.map((r) => withoutImages(r[name].bytes))),
    }]));
    result.consoleMessages = runs.flatMap((r) => [...r.ssr.errors, ...r.widget.errors, ...r.floor.errors]);
    results[key] = result;
    const row = (label, e, unit, ratio = true) => [`${label}${condition}`, shown(e.floor, unit), shown(e.ssr, unit),
      ratio ? shown(e.ssrRatio, "ratio") : "—", shown(e.widget, unit), ratio ? shown(e.widgetRatio, "ratio") : "—"];
    rows.push(row("page's HTML received (its last byte)", result.htmlReceived, "ms", false));
    for (const [metric, label] of Object.entries(TIME_METRICS)) rows.push(row(label, result[metric], "ms", metric !== "longestTask"));
    rows.push([`headline ≤ ${SERVER_RENDERED_GOAL}× static${condition}`, "", "", within(result.articlePainted.ssrRatio, SERVER_RENDERED_GOAL), "", ""]);
    rows.push([`largest contentful paint ≤ ${SERVER_RENDERED_GOAL}× static${condition}`, "", "", within(result.lcp.ssrRatio, SERVER_RENDERED_GOAL), "", ""]);
    rows.push(row("layout shift, to the network idle (the takeover included)", result.layoutShift, "shift", false));
    rows.push([`comment form usable (painted)${condition}`, "—", shown(result.formUsable, "ms"), "", "—", ""]);
    rows.push([`first contentful paint to form usable${condition}`, "—", shown(result.firstPaintToForm, "ms"), "", "—", ""]);
  }
  table(`The widget rendered by the server — from navigation start, ${RUNS} runs, the three pages in turn, median (min–max)`,
    ["", "static HTML", "server-rendered", "server-rendered / static", "rendered in the browser", "browser-rendered / static"], rows);
  const kinds = { html: "HTML", code: "JS and wasm", json: "JSON", css: "stylesheet", total: "**total**", images: "images (left out of the total)" };
  const bytes = results.cpu1x.bytes;
  table("Bytes each page received — Resource Timing's encoded body sizes, as the reference server sends them (static files brotli, the page with an include uncompressed)",
    ["", "static HTML", "server-rendered", "rendered in the browser"],
    Object.entries(kinds).map(([kind, label]) => [label, ...["floor", "ssr", "widget"].map((name) => shown(bytes[name][kind], "bytes"))]));
  return results;
}

// --- 4. long threads ---------------------------------------------------------------------

/** Clicks "show more" until the thread is whole; times each page from click to paint. */
function showEverything(page) {
  return page.evaluate(async (mark) => {
    const root = document.querySelector("article-widget").shadowRoot;
    const start = performance.now();
    let pages = 0;
    let slowestPage = 0;
    for (let button = root.querySelector(".aw-more button"); button; button = root.querySelector(".aw-more button")) {
      const before = window.__bench.painted[mark].length;
      const clicked = performance.now();
      button.click();
      while (window.__bench.painted[mark].length === before) {
        if (root.querySelector(".aw-more__error")) throw new Error(root.querySelector(".aw-more__error").textContent);
        if (performance.now() - clicked > 60_000) throw new Error("a page of comments took more than a minute");
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      slowestPage = Math.max(slowestPage, window.__bench.painted[mark].at(-1) - clicked);
      pages += 1;
    }
    return { start, pages, everything: performance.now() - start, slowestPage, shown: root.querySelectorAll(".aw-comment").length };
  }, COMMENTS_RENDERED);
}

/** The page of article `id` with its thread, for the widget or its floor. */
async function threadLoad(browser, serverUrl, sideName, id) {
  const { page, cdp, errors, close } = await openPage(browser);
  if (sideName === "widget") {
    await page.goto(`${serverUrl}/widget/${id}.html`);
    const firstPage = await painted(page, COMMENTS_RENDERED);
    await page.waitForTimeout(300); // lets a task that started with the paint be reported
    const tasks = await paintsAndTasks(page);
    const shownFirst = await page.evaluate(() => document.querySelector("article-widget").shadowRoot.querySelectorAll(".aw-comment").length);
    const afterFirst = await memory(page, cdp);
    const expanded = await showEverything(page);
    await page.waitForTimeout(300);
    const expandTasks = await tasksSince(page, expanded.start);
    const afterAll = await memory(page, cdp);
    await close();
    return {
      firstPage, everythingShown: firstPage, shown: shownFirst, ...tasks, ...afterFirst, errors,
      expand: { ...expanded, ...expandTasks, ...afterAll },
    };
  }
  await page.goto(`${serverUrl}/static/${id}.html`);
  const firstPage = await painted(page, COMMENTS_RENDERED);
  const everythingShown = await painted(page, COMMENTS_RENDERED, 2);
  await page.waitForTimeout(300);
  const tasks = await paintsAndTasks(page);
  const shownAll = await page.evaluate(() => document.querySelectorAll(".aw-comment").length);
  const afterAll = await memory(page, cdp);
  await close();
  return { firstPage, everythingShown, shown: shownAll, ...tasks, ...afterAll, errors };
}

async function threadCase(browser, serverUrl, site) {
  const results = {};
  const rows = [];
  const expandRows = [];
  for (const size of THREAD_SIZES) {
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await inTurn(run, (s) => threadLoad(browser, serverUrl, s, threadArticle(size))));
    const firstJson = Buffer.from(await (await fetch(`${serverUrl}/api/articles/${threadArticle(size)}/comments?order=oldest&limit=${WIDGET_PAGE_SIZE}`)).arrayBuffer());
    const entry = threadEntry(runs, firstJson, readFileSync(join(site, "static", `${threadArticle(size)}.html`)));
    results[size] = entry;
    const label = `${size.toLocaleString("en-US")} comments`;
    rows.push(...threadRows(label, entry, `first page painted (${WIDGET_PAGE_SIZE} threads)`, "first page JSON"));
    expandRows.push(expandRow(label, entry));
  }
  table(`Long threads (a third replies), comments loaded with the article — ${RUNS} runs, median (min–max); the static page holds the whole thread`,
    ["", "widget", "static HTML", "widget / static"], rows);
  table(`Long threads: the widget after "show more" until the whole thread is shown (from the first click, each page ${WIDGET_PAGE_SIZE} threads)`,
    EXPAND_HEADER, expandRows);
  return results;
}

/** The figures of a thread's runs, widget and floor; `json` is what the widget downloads for its first screen. */
function threadEntry(runs, json, staticHtml) {
  const entry = {
    firstPage: { widget: side(runs, "widget", "firstPage"), floor: side(runs, "floor", "firstPage"), ratio: ratios(runs, "firstPage") },
    everythingShown: { widget: side(runs, "widget", "everythingShown"), floor: side(runs, "floor", "everythingShown") },
    shown: { widget: side(runs, "widget", "shown"), floor: side(runs, "floor", "shown") },
    longestTask: { widget: side(runs, "widget", "longestTask"), floor: side(runs, "floor", "longestTask") },
    longTaskCount: { widget: side(runs, "widget", "longTaskCount"), floor: side(runs, "floor", "longTaskCount") },
    jsHeap: { widget: side(runs, "widget", "jsHeap"), floor: side(runs, "floor", "jsHeap") },
    wasmMemory: { widget: side(runs, "widget", "wasmMemory") },
    domNodes: { widget: side(runs, "widget", "domNodes"), floor: side(runs, "floor", "domNodes") },
    bytes: { firstPageJson: sizes(json), staticPage: sizes(staticHtml) },
    expand: Object.fromEntries(["pages", "everything", "slowestPage", "shown", "longestTask", "longTaskCount", "jsHeap", "wasmMemory", "domNodes"]
      .map((metric) => [metric, stats(runs.map((r) => r.widget.expand[metric]))])),
    consoleMessages: runs.flatMap((r) => [...r.widget.errors, ...r.floor.errors]),
  };
  entry.goal = { firstPage: goal(entry.longestTask.widget), everything: goal(entry.expand.longestTask), static: goal(entry.longestTask.floor) };
  return entry;
}

/** The rows of a thread's table; `first` names its first screen, `json` what it downloads for it. */
function threadRows(label, entry, first, json) {
  return [
    [`${label}: comments shown`, shown(entry.shown.widget, "count"), shown(entry.shown.floor, "count"), ""],
    [`${label}: ${first}`, shown(entry.firstPage.widget, "ms"), shown(entry.firstPage.floor, "ms"), shown(entry.firstPage.ratio, "ratio")],
    [`${label}: everything it shows, painted`, shown(entry.everythingShown.widget, "ms"), shown(entry.everythingShown.floor, "ms"), ""],
    [`${label}: longest task`, shown(entry.longestTask.widget, "ms"), shown(entry.longestTask.floor, "ms"), ""],
    [`${label}: long tasks (over 50 ms)`, shown(entry.longTaskCount.widget, "count"), shown(entry.longTaskCount.floor, "count"), ""],
    [`${label}: every task ≤ ${LONGEST_TASK_GOAL_MS} ms in every run`, goal(entry.longestTask.widget), goal(entry.longestTask.floor), ""],
    [`${label}: JS heap after GC`, shown(entry.jsHeap.widget, "MB"), shown(entry.jsHeap.floor, "MB"), ""],
    [`${label}: wasm memory`, shown(entry.wasmMemory.widget, "MB"), "—", ""],
    [`${label}: DOM nodes`, shown(entry.domNodes.widget, "count"), shown(entry.domNodes.floor, "count"), ""],
    [`${label}: bytes (brotli): ${json} / static page`, formats.bytes(entry.bytes.firstPageJson.brotli), formats.bytes(entry.bytes.staticPage.brotli), ""],
  ];
}

const EXPAND_HEADER = ["thread", "pages", "whole thread shown", "slowest page, click to paint", "longest task", "long tasks",
  `every task ≤ ${LONGEST_TASK_GOAL_MS} ms`, "JS heap after GC", "wasm memory", "DOM nodes"];

function expandRow(label, entry) {
  const e = entry.expand;
  return [label, shown(e.pages, "count"), shown(e.everything, "ms"), shown(e.slowestPage, "ms"), shown(e.longestTask, "ms"),
    shown(e.longTaskCount, "count"), goal(e.longestTask), shown(e.jsHeap, "MB"), shown(e.wasmMemory, "MB"), shown(e.domNodes, "count")];
}

// --- 5. a long thread in one answer ------------------------------------------------------

/**
 * Every comment of a 5,000-comment thread in one answer, nested, read through the page's
 * own mapping (bench/site.mjs): the widget must render it in slices, so that no task
 * exceeds the goal, whatever the backend's paging.
 */
async function oneAnswerCase(browser, serverUrl, site) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await inTurn(run, (s) => threadLoad(browser, serverUrl, s, ONE_ANSWER.article)));
  const answer = Buffer.from(await (await fetch(oneAnswerUrl(serverUrl), { headers: { "accept-encoding": "identity" } })).arrayBuffer());
  const entry = threadEntry(runs, answer, readFileSync(join(site, "static", `${ONE_ANSWER.article}.html`)));
  const label = `${ONE_ANSWER.size.toLocaleString("en-US")} comments in one answer`;
  table(`A long thread in one answer (a third replies, nested), read through a mapping, comments loaded with the article — ${RUNS} runs, median (min–max); the static page holds the whole thread`,
    ["", "widget", "static HTML", "widget / static"], threadRows(label, entry, `first screen painted`, "the one answer"));
  table(`A long thread in one answer: the widget after "show more" until the whole thread is shown (from the first click)`, EXPAND_HEADER, [expandRow(label, entry)]);
  return entry;
}

// --- 6. posting --------------------------------------------------------------------------

async function postOnce(browser, serverUrl, run) {
  const { page, errors, close } = await openPage(browser);
  await page.goto(`${serverUrl}/widget/${SEED_ARTICLE}.html`);
  const form = page.locator("article-widget form");
  await form.scrollIntoViewIfNeeded();
  await form.locator("input[name=captcha]").waitFor();
  await form.locator("input[name=name]").fill("Lecteur pressé");
  await form.locator("input[name=email]").fill("mesure@example.org");
  const text = `Mesure n° ${run} du temps de publication (${Date.now()}).`;
  await form.locator("textarea[name=body]").fill(text);
  await form.locator("input[name=captcha]").fill(String(solve(await form.locator("label[for$=-captcha]").innerText())));
  await page.waitForTimeout(3_200); // the widget refuses a post sent less than 3 s after its question
  const timing = await page.evaluate(async (text) => {
    const root = document.querySelector("article-widget").shadowRoot;
    const start = performance.now();
    root.querySelector("form button[type=submit]").click();
    await new Promise((resolve, reject) => {
      const check = () => {
        if ([...root.querySelectorAll(".aw-comment__body")].some((body) => body.textContent.includes(text))) requestAnimationFrame(() => setTimeout(resolve));
        else if (performance.now() - start > 20_000) reject(new Error(`the comment was not shown: ${root.querySelector(".aw-form__status")?.textContent}`));
        else requestAnimationFrame(check);
      };
      check();
    });
    const shown = performance.now() - start;
    const post = performance.getEntriesByType("resource").find((entry) => entry.startTime >= start && new URL(entry.name).pathname.endsWith("/comments") && !new URL(entry.name).search);
    return { shown, request: post ? post.responseEnd - post.startTime : null };
  }, text);
  await close();
  return { ...timing, errors };
}

async function postingCase(browser, serverUrl) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) runs.push(await postOnce(browser, serverUrl, run));
  const result = { shown: stats(runs.map((r) => r.shown)), request: stats(runs.map((r) => r.request)),
    ratio: stats(runs.map((r) => (r.request ? r.shown / r.request : null))), consoleMessages: runs.flatMap((r) => r.errors) };
  table(`Posting a comment — reference server on loopback, ${RUNS} runs, median (min–max)`, ["", "widget", "floor: its POST request alone", "widget / floor"],
    [["submit to comment painted", shown(result.shown, "ms"), shown(result.request, "ms"), shown(result.ratio, "ratio")]]);
  return result;
}

// --- the machine and the run --------------------------------------------------------------

function machine(browserVersion) {
  const model = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model;
  return { cpus: Number(execFileSync("nproc").toString().trim()), model, chromium: browserVersion, node: process.version };
}

/** The machine's load averages over 1, 5 and 15 minutes, as `uptime` prints them. */
const load = () => loadavg().map((average) => average.toFixed(2)).join(", ");

const oneAnswer = SELECTED.includes("one-answer");
const folders = prepareFolders(THREAD_SIZES, oneAnswer);
const server = await startServer({ content: folders.content, staticFolder: folders.site });
const browser = await launchBrowser();
try {
  seedThreads(server.database, THREAD_SIZES, oneAnswer);
  await writePages(folders.site, server.url, THREAD_SIZES, oneAnswer);
  const wasmHead = (await fetch(`${server.url}/pkg/article_widget_bg.wasm`, { method: "HEAD", headers: { "accept-encoding": "br, gzip" } })).headers;
  const [wasmType, wasmEncoding] = [wasmHead.get("content-type"), wasmHead.get("content-encoding") ?? "no compression"];
  const results = { machine: machine(browser.version()), runs: RUNS, cases: SELECTED, date: new Date().toISOString(), loadBefore: load() };
  console.log(`Machine: ${results.machine.cpus} CPUs, ${results.machine.model}; Chromium ${results.machine.chromium}; ${RUNS} runs per case; load average ${results.loadBefore}`);
  if (SELECTED.includes("bytes")) results.bytes = await bytesCase(folders.site, server.url);
  if (SELECTED.includes("article")) {
    results.article = await articleCase(browser, server.url);
    results.wasm = { contentType: wasmType, contentEncoding: wasmEncoding, compiledWith: results.article.cpu1x.compilation };
    console.log(`\nWebAssembly: served as ${wasmType} (${wasmEncoding}); compiled with ${results.wasm.compiledWith.join(", ") || "nothing recorded"}`);
  }
  if (SELECTED.includes("ssr")) results.ssr = await ssrCase(browser, server.url);
  if (SELECTED.includes("threads")) results.threads = await threadCase(browser, server.url, folders.site);
  if (oneAnswer) results.oneAnswer = await oneAnswerCase(browser, server.url, folders.site);
  if (SELECTED.includes("posting")) results.posting = await postingCase(browser, server.url);
  const messages = [...Object.values(results.article ?? {}).flatMap((c) => c.consoleMessages),
    ...Object.values(results.ssr ?? {}).flatMap((c) => c.consoleMessages),
    ...Object.values(results.threads ?? {}).flatMap((t) => t.consoleMessages), ...(results.oneAnswer?.consoleMessages ?? []),
    ...(results.posting?.consoleMessages ?? [])];
  console.log(`\nConsole errors and warnings: ${messages.length ? [...new Set(messages)].join(" / ") : "none"}`);
  results.loadAfter = load();
  console.log(`Load average at the end: ${results.loadAfter}`);
  writeFileSync(join(root, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
  console.log("\nwritten to bench/results.json");
} finally {
  await browser.close();
  server.stop();
}
