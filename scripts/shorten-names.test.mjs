// scripts/shorten-names.mjs on a real wasm-bindgen build of a tiny crate
// (scripts/fixtures/tiny-widget, through the package's steps before the names' shortening):
// every hashed name shortened in both files, the pair still working together, and a refusal
// that changes nothing when a name is not exactly where the bindings use it.
// Run: node --test scripts/
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SECTION, readName, readU32, sections, skipImportDescription } from "./wasm-binary.mjs";

const SCRIPT = fileURLToPath(new URL("shorten-names.mjs", import.meta.url));
const FIXTURE = fileURLToPath(new URL("fixtures/tiny-widget/built", import.meta.url));
const HASHED = /_[0-9a-f]{12,16}(?![0-9a-zA-Z])/;

// A copy of the fixture, its bindings changed by `edit(js)` if given, removed after the test.
function fixtureCopy(t, edit = (js) => js) {
  const dir = mkdtempSync(join(tmpdir(), "shorten-names-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(FIXTURE, dir, { recursive: true });
  const js = join(dir, "article_widget.js");
  writeFileSync(js, edit(readFileSync(js, "utf8")));
  return dir;
}

const shorten = (dir) => spawnSync(process.execPath, [SCRIPT, dir], { encoding: "utf8" });

// The wasm's imports ([module, field]) and export names.
function wasmInterface(wasm) {
  const imports = [], exports = [];
  for (const { id, start } of sections(wasm)) {
    if (id !== SECTION.import && id !== SECTION.export) continue;
    let [count, p] = readU32(wasm, start);
    for (let i = 0; i < count; i++) {
      let module, field;
      if (id === SECTION.import) {
        [module, p] = readName(wasm, p);
        [field, p] = readName(wasm, p);
        [, p] = skipImportDescription(wasm, p);
        imports.push([module, field]);
      } else {
        [field, p] = readName(wasm, p);
        [, p] = readU32(wasm, p + 1);
        exports.push(field);
      }
    }
  }
  return { imports, exports };
}

const files = (dir) => ["article_widget_bg.wasm", "article_widget.js"].map((file) => readFileSync(join(dir, file)));

test("the fixture has hashed names to shorten: imports and a closure's shim", () => {
  const { imports, exports } = wasmInterface(readFileSync(join(FIXTURE, "article_widget_bg.wasm")));
  assert.ok(imports.filter(([, field]) => HASHED.test(field)).length >= 2, JSON.stringify(imports));
  assert.ok(exports.some((name) => name.startsWith("wasm_bindgen_") && HASHED.test(name)), JSON.stringify(exports));
});

test("every hashed name is shortened in both files, and the pair still works", async (t) => {
  const dir = fixtureCopy(t);
  const run = shorten(dir);
  assert.equal(run.status, 0, run.stderr);
  const [wasm, js] = files(dir);
  const { imports, exports } = wasmInterface(wasm);
  assert.deepEqual([...new Set(imports.map(([module]) => module))], ["a"]);
  for (const [, field] of imports) assert.match(field, /^[a-zA-Z]{1,2}$/);
  for (const name of exports) assert.doesNotMatch(name, HASHED);
  assert.doesNotMatch(js.toString(), HASHED);
  assert.match(run.stdout, new RegExp(`${imports.length} imports and 1 exports renamed`));

  // Instantiated from the shortened files: a name the two files no longer share would fail
  // to link (imports) or to call (the closure's shim).
  const reports = [];
  globalThis.fixtureReport = (text) => reports.push(text);
  globalThis.fixtureLater = (callback) => callback(7);
  const bindings = await import(pathToFileURL(join(dir, "article_widget.js")));
  bindings.initSync({ module: wasm });
  bindings.greet("fixture");
  assert.deepEqual(reports, ["hello, fixture", "called with 7"]);
});

// Each case changes the fixture's bindings so that a name is not where the script expects it.
const importName = (js) => js.match(/__wbg_fixtureReport_[0-9a-f]+/)[0];
const shimName = (js) => js.match(/wasm_bindgen_[0-9a-f]+_[\w$]*/)[0];
const refusals = [
  ["an import missing from the imports object", (js) => js.replace(`${importName(js)}:`, "renamed:"), /the import __wbg_fixtureReport_\w+ is not once a key/],
  ["an import named twice", (js) => `${js}\nconsole.log("${importName(js)}");`, /the import __wbg_fixtureReport_\w+ is not once a key/],
  ["a shim export read other than as a property", (js) => js.replace(`.${shimName(js)}`, `["${shimName(js)}"]`), /the export wasm_bindgen_\w+ is not only read as a property/],
  ["the import module not a key", (js) => js.replace('"./article_widget_bg.js":', '"./elsewhere.js":'), /the import module "\.\/article_widget_bg\.js" is not once a key/],
];
for (const [what, edit, message] of refusals) {
  test(`refuses, changing nothing: ${what}`, (t) => {
    const dir = fixtureCopy(t, edit);
    const before = files(dir);
    const run = shorten(dir);
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stderr, message);
    assert.deepEqual(files(dir), before);
  });
}
