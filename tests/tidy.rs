//! Conventions the compiler cannot check, checked on the sources themselves.

use std::fs;
use std::path::Path;

/// A `class=` computed at render time goes through Yew's `Classes`, an ordered set whose
/// code costs the download 2.7 KB gzip (README, Figures): states are attributes instead
/// (`data-state`, `data-section`, `data-shape`, ARIA).
#[test]
fn every_class_in_the_views_is_a_literal() {
    let views = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/views");
    let mut computed = Vec::new();
    for entry in fs::read_dir(&views).expect("src/views") {
        let path = entry.expect("an entry of src/views").path();
        let source = fs::read_to_string(&path).expect("a view's source");
        for (index, line) in source.lines().enumerate() {
            if line.contains("class={") {
                computed.push(format!("{}:{}: {}", path.display(), index + 1, line.trim()));
            }
        }
    }
    assert!(computed.is_empty(), "computed classes; use a data attribute for the state:\n{}", computed.join("\n"));
}

/// The core's error types depend on no wording, so that `locale.rs`, which words them, and
/// `console.rs`, whose English texts take the locale's words, depend on them one way only
/// (ARCHITECTURE.md, Invariants): a use of `locale` in `error.rs` would close the cycle again.
#[test]
fn the_core_error_types_name_no_locale() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("core/src/error.rs");
    let source = fs::read_to_string(&path).expect("core/src/error.rs");
    let uses: Vec<String> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//") && line.contains("locale"))
        .map(|(index, line)| format!("{}:{}: {}", path.display(), index + 1, line.trim()))
        .collect();
    assert!(uses.is_empty(), "error.rs uses the locale; word errors in locale.rs or console.rs:\n{}", uses.join("\n"));
}
