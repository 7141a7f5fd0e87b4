//! What the benchmarks share: the demo article in a content folder, and how rounds are summed up.

use std::io;
use std::path::Path;

pub const ARTICLE: &str = "nouvel-ordre-mondial";

/// Copies the demo article and its related stories into `content`.
pub fn demo_content(content: &Path) -> io::Result<()> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/demo-api/articles");
    std::fs::create_dir_all(content.join(ARTICLE))?;
    for file in [format!("{ARTICLE}.json"), format!("{ARTICLE}/related.json")] {
        std::fs::copy(demo.join(&file), content.join(&file))?;
    }
    Ok(())
}

/// The middle value, and the lowest and highest.
pub fn median_and_spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    let median = if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] };
    (median, values[0], values[values.len() - 1])
}
