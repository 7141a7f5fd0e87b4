//! The stylesheet the wasm carries is `www/widget.css` minified by `build.rs`: only comments
//! and whitespace that CSS ignores may differ.

const SOURCE: &str = include_str!("../www/widget.css");
const MINIFIED: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

/// The text without comments, and with every whitespace run as one space.
fn normalized(css: &str) -> String {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        text.push(' ');
        rest = rest[start..].split_once("*/").map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn only_comments_and_whitespace_go() {
    assert!(!MINIFIED.contains("/*"));
    assert!(MINIFIED.len() < SOURCE.len() * 9 / 10, "{} of {}", MINIFIED.len(), SOURCE.len());
    let without_spaces = |css: &str| css.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(without_spaces(MINIFIED), without_spaces(&normalized(SOURCE)));
}

#[test]
fn spaces_that_carry_meaning_stay() {
    let source = normalized(SOURCE);
    // Every space between two words (descendant selectors, `a + b` in calc(), font names,
    // shorthand values) is kept: each run of such words appears as it was.
    for words in source.split(['{', '}', ';', ',', ':']).map(str::trim).filter(|w| w.contains(' ')) {
        assert!(MINIFIED.contains(words), "{words:?} lost its spaces");
    }
    assert!(MINIFIED.contains("calc(1.5 * var(--aw-unit))"));
    assert!(MINIFIED.contains("\"Times New Roman\""));
}
