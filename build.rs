//! Minifies the widget's stylesheet for the wasm, which carries it: comments and the
//! whitespace that CSS ignores go (12.9 KB -> 10.7 KB raw, 0.6 KB gzip less). Only
//! whitespace next to `{`, `}`, `;`, `,` and after `:` is removed, never inside quotes, so
//! selectors (`.a .b`, `a:hover`) and values (`calc(a + b)`) keep their meaning;
//! `tests/stylesheet.rs` holds the result to that.

use std::path::Path;

fn main() {
    let source = "www/widget.css";
    println!("cargo::rerun-if-changed={source}");
    let css = std::fs::read_to_string(source).expect("www/widget.css is readable");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("widget.min.css");
    std::fs::write(out, minify(&css)).expect("OUT_DIR is writable");
}

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == c {
                        break;
                    }
                }
            }
            '{' | '}' | ';' | ',' => {
                pending_space = false;
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            ':' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                // After a colon in a declaration; a selector never has a space there.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            c => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out.trim().to_owned()
}

/// Writes the space that whitespace before `next` stood for, unless it can go.
fn flush_space(out: &mut String, pending_space: &mut bool, next: char) {
    if std::mem::take(pending_space) && !out.is_empty() && !out.ends_with(['{', '}', ';', ',']) && !matches!(next, '{' | '}' | ';' | ',') {
        out.push(' ');
    }
}
