// Shortens the names through which a wasm-bindgen build's .wasm and its JS bindings meet.
//
// wasm-bindgen names each import after the JS function it wraps plus a 16-digit hash
// (`__wbg_then_656f253a5dd7d8ea`), its import module after the bindings' file, and its
// closure shims after their Rust types, hash included. Hashes do not compress: the names cost
// about 4 KB gzip across the two files for nothing a reader uses. This renames them to one or
// two letters in both files, and fails, changing nothing, unless each name is found where
// expected: once as an import object key, or as exports the bindings call.
//
// Usage: node scripts/shorten-names.mjs DIR  (DIR holds article_widget_bg.wasm and article_widget.js)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SECTION, readName, readU32, sections, skipImportDescription } from "./wasm-binary.mjs";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/shorten-names.mjs DIR");
  process.exit(2);
}
const wasmPath = join(dir, "article_widget_bg.wasm");
const jsPath = join(dir, "article_widget.js");
const IMPORT_MODULE = "./article_widget_bg.js";
const SHORT_MODULE = "a";

function fail(message) {
  console.error(`shorten-names: ${message}`);
  process.exit(1);
}

// Writing the binary format: LEB128 numbers and names.
function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

const name = (text) => {
  const encoded = Buffer.from(text, "utf8");
  return Buffer.concat([u32(encoded.length), encoded]);
};

// Short names in order: a, b, …, Z, aa, ab, … (keys and properties, where even a keyword
// would do).
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
function shortName(index) {
  let text = "";
  do {
    text = LETTERS[index % LETTERS.length] + text;
    index = Math.floor(index / LETTERS.length) - 1;
  } while (index >= 0);
  return text;
}

const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, "utf8");
const renamedImports = new Map(); // old name -> new name
const renamedExports = new Map();
const output = [wasm.subarray(0, 8)];
for (const { id, at, start, end } of sections(wasm)) {
  if (id === SECTION.import) {
    let [count, p] = readU32(wasm, start);
    const body = [u32(count)];
    for (let i = 0; i < count; i++) {
      let module, field;
      [module, p] = readName(wasm, p);
      [field, p] = readName(wasm, p);
      const descriptionStart = p;
      [, p] = skipImportDescription(wasm, p);
      const description = wasm.subarray(descriptionStart, p);
      if (module === IMPORT_MODULE) {
        const short = shortName(renamedImports.size);
        renamedImports.set(field, short);
        body.push(name(SHORT_MODULE), name(short), description);
      } else {
        body.push(name(module), name(field), description);
      }
    }
    const content = Buffer.concat(body);
    output.push(Buffer.from([id]), u32(content.length), content);
  } else if (id === SECTION.export) {
    let [count, p] = readU32(wasm, start);
    const body = [u32(count)];
    for (let i = 0; i < count; i++) {
      let field;
      [field, p] = readName(wasm, p);
      const kind = wasm[p++];
      let index;
      [index, p] = readU32(wasm, p);
      // Only the closure shims carry a hash (wasm-bindgen's crate hash, in hex without its
      // leading zeros: up to 16 digits); the others (`mount`, `memory`, …) are short and some
      // are also words of the bindings' own API.
      const short = /^wasm_bindgen_[0-9a-f]{1,16}_/.test(field) ? `_${shortName(renamedExports.size)}` : null;
      if (short) renamedExports.set(field, short);
      body.push(name(short ?? field), Buffer.from([kind]), u32(index));
    }
    const content = Buffer.concat(body);
    output.push(Buffer.from([id]), u32(content.length), content);
  } else {
    output.push(wasm.subarray(at, end));
  }
}

// The bindings: each import is a key of the imports object (`name:function(…){…}`), the
// module is the key of the object that holds them, and each shim export is read as `X.name`.
const occurrences = (text, pattern) => (text.match(pattern) ?? []).length;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
if (occurrences(js, new RegExp(`"${escape(IMPORT_MODULE)}":`, "g")) !== 1) fail(`the import module "${IMPORT_MODULE}" is not once a key in ${jsPath}`);
js = js.replace(`"${IMPORT_MODULE}":`, `${SHORT_MODULE}:`);
for (const [old, short] of renamedImports) {
  const key = new RegExp(`(?<![\\w$])${escape(old)}:`, "g");
  if (occurrences(js, key) !== 1 || occurrences(js, new RegExp(`(?<![\\w$])${escape(old)}(?![\\w$])`, "g")) !== 1) {
    fail(`the import ${old} is not once a key of the imports object in ${jsPath}`);
  }
  js = js.replace(key, `${short}:`);
}
for (const [old, short] of renamedExports) {
  const use = new RegExp(`\\.${escape(old)}(?![\\w$])`, "g");
  if (occurrences(js, use) === 0 || occurrences(js, new RegExp(escape(old), "g")) !== occurrences(js, use)) {
    fail(`the export ${old} is not only read as a property in ${jsPath}`);
  }
  js = js.replace(use, `.${short}`);
}

writeFileSync(wasmPath, Buffer.concat(output));
writeFileSync(jsPath, js);
console.log(`[shorten-names] ${dir}: ${renamedImports.size} imports and ${renamedExports.size} exports renamed`);
