// scripts/check-stack-first.mjs on the wasm of a real build (scripts/fixtures/tiny-widget,
// linked as rustc links the widget) and on copies with its layout changed: data in the low
// 1 KiB, or the stack above the data.
// Run: node --test scripts/
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SECTION, readS32, readU32, sections } from "./wasm-binary.mjs";

const SCRIPT = fileURLToPath(new URL("check-stack-first.mjs", import.meta.url));
const FIXTURE = readFileSync(fileURLToPath(new URL("fixtures/tiny-widget/built/article_widget_bg.wasm", import.meta.url)));
const I32_CONST = 0x41;

const check = (t, wasm) => {
  const dir = mkdtempSync(join(tmpdir(), "check-stack-first-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "build.wasm"), wasm);
  return spawnSync(process.execPath, [SCRIPT, join(dir, "build.wasm")], { encoding: "utf8" });
};

// Where the fixture's `i32.const` operands are: its one mutable global's initial value (the
// stack pointer) and its first data segment's offset, as { at, length, value }. Its globals
// are all i32 constants.
function constants(wasm) {
  const operand = (at) => {
    assert.equal(wasm[at], I32_CONST);
    const [value, end] = readS32(wasm, at + 1);
    return { at: at + 1, length: end - at - 1, value };
  };
  const found = {};
  for (const { id, start } of sections(wasm)) {
    if (id === SECTION.global) {
      let [count, p] = readU32(wasm, start);
      for (let i = 0; i < count; i++) {
        const mutable = wasm[p + 1] === 1;
        const initial = operand(p + 2);
        if (mutable) {
          assert.equal(found.stackPointer, undefined, "the fixture has one mutable global, the stack pointer");
          found.stackPointer = initial;
        }
        p = initial.at + initial.length + 1; // after the expression's `end`
      }
    } else if (id === SECTION.data) {
      const [, p] = readU32(wasm, start);
      const [flags, q] = readU32(wasm, p);
      assert.equal(flags, 0, "an active segment of memory 0");
      found.data = operand(q);
    }
  }
  return found;
}

// A copy of `wasm` with the operand at `place` set to `value`, in as many bytes as before
// (LEB128 allows padding), so that nothing else moves.
function patched(wasm, place, value) {
  const copy = Buffer.from(wasm);
  for (let i = 0; i < place.length; i++) {
    const last = i === place.length - 1;
    copy[place.at + i] = ((value >> (7 * i)) & 0x7f) | (last ? 0 : 0x80);
  }
  assert.equal(readS32(copy, place.at)[0], value);
  return copy;
}

// A copy of `wasm` with a name section naming global `index` `__stack_pointer`, as a build
// that keeps its names has (the package's, before wasm-opt).
function namingStackPointer(wasm, index) {
  const name = (text) => Buffer.concat([Buffer.from([text.length]), Buffer.from(text)]);
  const globalNames = Buffer.concat([Buffer.from([1, index]), name("__stack_pointer")]);
  const content = Buffer.concat([name("name"), Buffer.from([7, globalNames.length]), globalNames]);
  return Buffer.concat([wasm, Buffer.from([SECTION.custom, content.length]), content]);
}

test("the fixture's layout is stack-first: accepted", (t) => {
  const { stackPointer, data } = constants(FIXTURE);
  assert.ok(stackPointer.value <= data.value && data.value >= 1024, JSON.stringify({ stackPointer, data }));
  const run = check(t, FIXTURE);
  assert.equal(run.status, 0, run.stderr);
  // Its names are gone (wasm-opt drops them): the stack pointer is found by wasm-bindgen's rule.
  assert.match(run.stdout, new RegExp(`: the stack pointer starts at ${stackPointer.value}, the data at ${data.value}$`, "m"));
});

test("data in the low 1 KiB: refused", (t) => {
  const { data } = constants(FIXTURE);
  const run = check(t, patched(FIXTURE, data, 16));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /the data starts at 16, in the low 1024 bytes/);
});

test("the stack above the data: refused", (t) => {
  const { stackPointer, data } = constants(FIXTURE);
  const run = check(t, patched(FIXTURE, stackPointer, data.value + 16));
  assert.equal(run.status, 1);
  assert.match(run.stderr, new RegExp(`the stack starts at ${data.value + 16}, above the data \\(from ${data.value}\\)`));
});

test("the global named __stack_pointer is the stack pointer", (t) => {
  const { stackPointer, data } = constants(FIXTURE);
  const named = check(t, namingStackPointer(FIXTURE, 0));
  assert.equal(named.status, 0, named.stderr);
  assert.match(named.stdout, new RegExp(`: __stack_pointer starts at ${stackPointer.value}, the data at ${data.value}$`, "m"));
  // Named so, the fixture's first immutable global (an address above the data) is taken for
  // the stack pointer, and refused.
  const misnamed = check(t, namingStackPointer(FIXTURE, 1));
  assert.equal(misnamed.status, 1);
  assert.match(misnamed.stderr, /the stack starts at \d+, above the data/);
});
