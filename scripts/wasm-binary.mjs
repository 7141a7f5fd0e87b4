// Reading the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/), as
// much as the package's scripts need: LEB128 numbers, names and the module's sections. `bytes`
// is a Buffer, as readFileSync gives.

export const SECTION = { custom: 0, import: 2, global: 6, export: 7, data: 11 };

// The LEB128 number at `at`: [its bits, how many, its last byte, the offset after it].
function readLeb128(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, shift, byte, at];
}

// An unsigned LEB128 number of at most 32 bits: [value, the offset after it].
export function readU32(bytes, at) {
  const [value, , , next] = readLeb128(bytes, at);
  return [value >>> 0, next];
}

// A signed one (an `i32.const`'s operand), its sign extended from its last byte.
export function readS32(bytes, at) {
  const [value, shift, last, next] = readLeb128(bytes, at);
  return [(shift < 32 && last & 0x40 ? value | (-1 << shift) : value) | 0, next];
}

export function readName(bytes, at) {
  const [length, start] = readU32(bytes, at);
  return [bytes.subarray(start, start + length).toString("utf8"), start + length];
}

// An import's description (function, table, memory or global) at `at`: [its kind, the offset
// after it].
export function skipImportDescription(bytes, at) {
  const kind = bytes[at++];
  const limits = () => {
    const flags = bytes[at++];
    [, at] = readU32(bytes, at);
    if (flags & 1) [, at] = readU32(bytes, at);
  };
  if (kind === 0) [, at] = readU32(bytes, at);
  else if (kind === 1) { at++; limits(); }
  else if (kind === 2) limits();
  else if (kind === 3) at += 2;
  else throw new Error(`import description of unknown kind ${kind}`);
  return [kind, at];
}

// The module's sections in order: { id, at (its first byte), start and end (of its content) }.
export function sections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error("not a WebAssembly module");
  const found = [];
  let at = 8;
  while (at < bytes.length) {
    const [size, start] = readU32(bytes, at + 1);
    found.push({ id: bytes[at], at, start, end: start + size });
    at = start + size;
  }
  return found;
}
