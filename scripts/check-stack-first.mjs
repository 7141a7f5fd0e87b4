// Fails unless a build's wasm has its stack first in memory: the stack pointer starts at or
// below the lowest data segment, and the data lies at 1024 or above.
//
// `wasm-opt --low-memory-unused` (scripts/release-options.sh) assumes that the program never
// reaches the low 1 KiB of memory, and folds added constants into load and store offsets on
// that ground. That holds because rustc links wasm32 with `--stack-first`: the stack grows
// down from its start towards 0, the data and then the heap lie above it, so only a stack
// within 1 KiB of overflowing reaches that low. With the data at the bottom instead (linker
// options, another target), the folding would be wrong without a word: hence this check on the
// build itself, before wasm-opt.
//
// The stack pointer is the global named `__stack_pointer` when the build keeps its names, or
// else found as wasm-bindgen finds it: the one mutable i32 global defined with a nonzero value.
//
// Usage: node scripts/check-stack-first.mjs FILE.wasm
import { readFileSync } from "node:fs";
import { SECTION, readName, readS32, readU32, sections, skipImportDescription } from "./wasm-binary.mjs";

const LOW_MEMORY = 1024;
const I32 = 0x7f;
const END = 0x0b;
const I32_CONST = 0x41;

const path = process.argv[2];
if (!path) {
  console.error("usage: node scripts/check-stack-first.mjs FILE.wasm");
  process.exit(2);
}

function fail(message) {
  console.error(`check-stack-first: ${path}: ${message}`);
  process.exit(1);
}

// A constant expression at `at`: [its value when it is a lone `i32.const`, else null; the
// offset after it]. Its instructions: constants, `global.get`, `ref.null`, `ref.func` and the
// extended constants' arithmetic.
function readConstant(bytes, at) {
  const start = at;
  const skipLeb = () => { while (bytes[at++] & 0x80); };
  for (let opcode = bytes[at++]; opcode !== END; opcode = bytes[at++]) {
    if ([I32_CONST, 0x42, 0x23, 0xd2].includes(opcode)) skipLeb();
    else if (opcode === 0x43) at += 4;
    else if (opcode === 0x44) at += 8;
    else if (opcode === 0xd0) at += 1;
    else if (![0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(opcode)) fail(`unknown instruction ${opcode} in a constant expression at byte ${start}`);
  }
  if (bytes[start] !== I32_CONST) return [null, at];
  const [value, next] = readS32(bytes, start + 1);
  return [next === at - 1 ? value : null, at];
}

const wasm = readFileSync(path);
let importedGlobals = 0;
const globals = []; // the module's own, in index order after the imported ones
const dataOffsets = [];
const globalNames = new Map();
for (const { id, start, end } of sections(wasm)) {
  if (id === SECTION.import) {
    let [count, p] = readU32(wasm, start);
    for (let i = 0; i < count; i++) {
      let field, kind;
      [, p] = readName(wasm, p);
      [field, p] = readName(wasm, p);
      [kind, p] = skipImportDescription(wasm, p);
      if (kind === 3 && field === "__stack_pointer") fail("the stack pointer is imported: where the stack lies is not this module's");
      if (kind === 3) importedGlobals++;
    }
  } else if (id === SECTION.global) {
    let [count, p] = readU32(wasm, start);
    for (let i = 0; i < count; i++) {
      const type = wasm[p], mutable = wasm[p + 1] === 1;
      let value;
      [value, p] = readConstant(wasm, p + 2);
      globals.push({ index: importedGlobals + i, mutableI32: mutable && type === I32, value });
    }
  } else if (id === SECTION.data) {
    let [count, p] = readU32(wasm, start);
    for (let i = 0; i < count; i++) {
      let flags, offset, length;
      [flags, p] = readU32(wasm, p);
      if (flags === 1) fail(`data segment ${i} is passive: where it goes is decided at run time`);
      if (flags === 2) [, p] = readU32(wasm, p);
      [offset, p] = readConstant(wasm, p);
      if (offset === null) fail(`data segment ${i} is not placed by a constant`);
      [length, p] = readU32(wasm, p);
      p += length;
      dataOffsets.push(offset >>> 0);
    }
  } else if (id === SECTION.custom) {
    let [section, p] = readName(wasm, start);
    if (section !== "name") continue;
    while (p < end) {
      const subsection = wasm[p];
      let size;
      [size, p] = readU32(wasm, p + 1);
      if (subsection === 7) {
        let [count, q] = readU32(wasm, p);
        for (let i = 0; i < count; i++) {
          let index, global;
          [index, q] = readU32(wasm, q);
          [global, q] = readName(wasm, q);
          globalNames.set(global, index);
        }
      }
      p += size;
    }
  }
}

const named = globals.find((global) => global.index === globalNames.get("__stack_pointer"));
const candidates = named ? [named] : globals.filter((global) => global.mutableI32 && global.value !== null && global.value !== 0);
if (candidates.length !== 1) fail(`${candidates.length} globals could be the stack pointer; expected one`);
if (candidates[0].value === null) fail("the stack pointer does not start at a constant");
const stackPointer = candidates[0].value >>> 0;
if (dataOffsets.length === 0) fail("no data segment");
const dataStart = Math.min(...dataOffsets);
if (dataStart < LOW_MEMORY) fail(`the data starts at ${dataStart}, in the low ${LOW_MEMORY} bytes that wasm-opt --low-memory-unused assumes unused`);
if (stackPointer > dataStart) fail(`the stack starts at ${stackPointer}, above the data (from ${dataStart}): the stack is not first in memory`);
const found = named ? "__stack_pointer" : "the stack pointer";
console.log(`[check-stack-first] ${path}: ${found} starts at ${stackPointer}, the data at ${dataStart}`);
