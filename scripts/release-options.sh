# The options of the widget's release build for the npm package, sourced by
# scripts/package.sh (which builds it) and scripts/size-report.sh (which dissects it).
#
# The standard library is rebuilt for size with panics that abort at once (no message
# formatting): 17 KB gzip less (README "Size"). `Debug` formatting and panic locations are
# compiled out (6 KB gzip less): the widget's messages never use `{:?}`. These are unstable
# options of the stable toolchain pinned in rust-toolchain.toml, enabled by RUSTC_BOOTSTRAP
# for this build only; tests run the usual std.
#
# Reference types are off: with them on, wasm-bindgen passes JS objects through a table
# of externrefs, whose shims cost 1.2 KB gzip more than its JS-side heap of objects.
#
# Generic instances are not shared between crates (-Zshare-generics=no). rustc shares them
# by default when optimising for size, exporting each instance from the crate that first
# made it; the exported copies then survive LTO beside the inlined ones (8.8 KB gzip more).
RELEASE_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Ctarget-feature=-reference-types -Zshare-generics=no"
RELEASE_CARGO_OPTIONS=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
# The WebAssembly features rustc emits, which wasm-opt must be told of.
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
# wasm-opt's options beside -Oz:
# - what it may assume of the widget's memory. The stack comes first in it (rustc links with
#   --stack-first: the stack grows down from 1 MiB, the data lies above), so addresses below
#   1 KiB are reached only by a stack a whisker from overflowing; wasm-opt may then fold
#   small added constants into load and store offsets (0.9 KB gzip less). package.sh checks
#   that layout on each build before wasm-opt (scripts/check-stack-first.mjs);
# - a function called from one place only is inlined there only when small. Inlined whole,
#   such functions made the views' functions huge, with locals past the one-byte indices,
#   and the wasm 3.7 KB gzip larger though 2.9 KB smaller raw (any limit from 5 to 30 does
#   as well).
WASM_OPT_OPTIONS=(--low-memory-unused --one-caller-inline-max-function-size=20)
