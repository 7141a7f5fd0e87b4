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
