// Groups `twiggy top --format csv` of the widget's wasm by the part of the widget each item
// serves, and prints a Markdown table of their shares (scripts/size-report.sh).
// A function belongs to the first part whose rule matches its name (crate paths, generics
// included): the views' html! code is compiled into Yew's generic functions, so a name that
// mentions the views counts for them before Yew.
import { readFileSync } from "node:fs";

const PARTS = [
  ["data: the texts of both locales, the stylesheet, number-word tables, Yew's event names", (name) => name.startsWith("data segment")],
  ["the views: components, their `html!` code (compiled into Yew's generic `view`), their hooks and effects", (name) => name.includes("article_widget::views")],
  ["the core's JSON reader and the decoders' list readers", (name) => name.includes("article_widget_core::json")],
  ["the widget's backend, embedding, configuration, state and platform", (name, first) => name.includes("article_widget::") && ["article_widget", "core", "alloc", "yew", "std", "hashbrown"].includes(first)],
  ["the core's model, captcha, locales, validation, threads and native decoders", (name) => name.includes("article_widget_core::")],
  ["Yew itself and its crates (virtual DOM, scheduler, event delegation, hashbrown)", (_, first) => ["yew", "implicit_clone", "indexmap", "hashbrown", "tracing", "tracing_core", "slab", "futures_util", "futures_channel"].includes(first)],
  ["Rust's standard library and the allocator (Talc; formatting, strings, iterators)", (_, first) => ["core", "alloc", "std", "talc", "__rustc", "compiler_builtins"].includes(first)],
  ["wasm-bindgen, js-sys, web-sys and gloo glue (imports, exports, shims)", () => true],
];

// Crate disambiguators (`yew[2d4f714c41b54569]`) make names unique but say nothing here.
const HASH = /\[[0-9a-f]{1,16}\]/g;
const rows = readFileSync(process.argv[2], "utf8").trim().split("\n").slice(1);
const sizes = new Map(PARTS.map(([part]) => [part, 0]));
for (const row of rows) {
  // Name,ShallowSize,ShallowSizePercent: the name is quoted when it holds commas.
  const match = row.match(/^(?:"((?:[^"]|"")*)"|([^,]*)),(\d+),/);
  if (!match) throw new Error(`a twiggy row this script cannot read: ${row}`);
  const raw = (match[1] ?? match[2]).replaceAll('""', '"');
  if (/"function names" subsection|"data names" subsection|"local names" subsection/.test(raw)) continue;
  const first = raw.match(/([a-z_][a-z0-9_]*)\[[0-9a-f]{1,16}\]/)?.[1];
  const name = raw.replace(HASH, "");
  const [part] = PARTS.find(([, rule]) => rule(name, first));
  sizes.set(part, sizes.get(part) + Number(match[3]));
}
const total = [...sizes.values()].reduce((a, b) => a + b, 0);
console.log("| part | bytes (raw, names stripped) | share of the wasm |\n| --- | ---: | ---: |");
for (const [part, size] of [...sizes].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${part} | ${size.toLocaleString("en")} | ${Math.round((100 * size) / total)} % |`);
}
console.log(`| **total** | **${total.toLocaleString("en")}** | |`);
