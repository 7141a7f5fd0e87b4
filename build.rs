//! Minifies the widget's stylesheet for the wasm, which carries it: comments and the
//! whitespace that CSS ignores go (12.9 KB -> 10.7 KB raw, 0.6 KB gzip less). Only
//! whitespace next to `{`, `}`, `;`, `,` and after `:` is removed, never inside quotes, so
//! selectors (`.a .b`, `a:hover`) and values (`calc(a + b)`) keep their meaning;
//! `tests/stylesheet.rs` holds the result to that.
//!
//! Also names the code that renders (`render_id.txt`): a server-rendered widget carries the
//! name of the code that rendered it, and the browser takes it over only when its own is the
//! same (`src/prerender.rs`).

use std::path::Path;

fn main() {
    let source = "www/widget.css";
    println!("cargo::rerun-if-changed={source}");
    let css = std::fs::read_to_string(source).expect("www/widget.css is readable");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("widget.min.css");
    std::fs::write(out, minify(&css)).expect("OUT_DIR is writable");
    let render_id = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("render_id.txt");
    std::fs::write(render_id, format!("{}-{:016x}", env!("CARGO_PKG_VERSION"), render_sources_digest())).expect("OUT_DIR is writable");
}

/// A digest (FNV-1a) of everything a render depends on: the widget's and the core's sources,
/// the stylesheet, and the locked versions of Yew and the rest. Any change of them may
/// change the markup, so it changes the digest; a change elsewhere (the server) does not.
fn render_sources_digest() -> u64 {
    let mut files = vec![Path::new("Cargo.lock").to_path_buf(), Path::new("www/widget.css").to_path_buf()];
    for folder in ["src", "core/src"] {
        println!("cargo::rerun-if-changed={folder}");
        collect_files(Path::new(folder), &mut files);
    }
    println!("cargo::rerun-if-changed=Cargo.lock");
    files.sort();
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let bytes = std::fs::read(&file).expect("a source file is readable");
        for &byte in file.to_string_lossy().as_bytes().iter().chain(&bytes) {
            digest = (digest ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    digest
}

fn collect_files(folder: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("a source folder is readable") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
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
