//! Arbitrary text through the safe-HTML converter: whatever comes in, the blocks hold no URL
//! that could run code and no formatting deeper than the views can walk (`checks::unsafe_block`),
//! and the converter neither panics nor overflows.
#![no_main]

use article_widget_core::checks::unsafe_block;
use article_widget_core::html::to_blocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Backends send UTF-8 JSON, so the converter only ever sees valid text; lossy decoding
    // keeps the bytes around an invalid sequence instead of wasting the input.
    let html = String::from_utf8_lossy(data);
    let blocks = to_blocks(&html);
    if let Some(problem) = unsafe_block(&blocks) {
        panic!("{problem}\ninput: {html:?}\nblocks: {blocks:?}");
    }
});
