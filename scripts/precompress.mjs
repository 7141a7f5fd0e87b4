// Writes a brotli (quality 11) and a gzip (level 9) sibling beside each text or wasm file of
// a folder, recursively: `app.wasm` gets `app.wasm.br` and `app.wasm.gz`. The reference server
// sends a sibling to a browser that accepts it, as a CDN in front of a publisher's site would
// (server/src/api.rs). Used by scripts/demo.sh and the benchmarks (bench/site.mjs).
//   node scripts/precompress.mjs FOLDER...
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(wasm|js|mjs|css|html|svg|json)$/;

/** Brotli at its best quality, as the package's size figures are taken. */
export const brotli = (bytes) =>
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });

/** Compresses every compressible file under `folder`; returns how many files it did. */
export function precompress(folder) {
  let count = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = readFileSync(path);
    writeFileSync(`${path}.br`, brotli(bytes));
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    count++;
  }
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const folder of process.argv.slice(2)) console.log(`[precompress] ${folder}: ${precompress(folder)} files`);
}
