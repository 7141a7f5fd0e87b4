//! The widget's XSS invariant as code, for the tests that hold the safe-HTML converter and
//! the views to it: `tests/xss.rs` scans the markup the views render on a server, and the
//! `safe_html` fuzz target (`fuzz/`) walks the blocks the converter makes of arbitrary input.
//! Built only with the `checks` feature, which only tests enable: the widget never ships it.

use crate::article::{Block, Inline};
use crate::html::MAX_INLINE_DEPTH;

/// What must never reach a page: elements that run or load code, event handler attributes,
/// styles, and `href` or `src` URLs that are not web or mail addresses. Reads server-rendered
/// markup, whose attribute values are always double-quoted with their quotes escaped.
pub fn script_capable(markup: &str) -> Option<String> {
    const ELEMENTS: [&str; 15] = [
        "script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form", "input", "body",
        "template", "noscript",
    ];
    for tag in markup.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name = tag.split([' ', '/']).next().unwrap_or_default().to_ascii_lowercase();
        if ELEMENTS.contains(&name.as_str()) {
            return Some(format!("element <{name}>"));
        }
        let mut rest = tag[name.len()..].trim_start();
        while !rest.is_empty() && rest != "/" {
            let end = rest.find(['=', ' ']).unwrap_or(rest.len());
            let attribute = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            let value = if let Some(quoted) = rest.strip_prefix("=\"") {
                let close = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(close + 1..).unwrap_or_default();
                quoted[..close].to_owned()
            } else if let Some(bare) = rest.strip_prefix('=') {
                let close = bare.find(' ').unwrap_or(bare.len());
                rest = &bare[close..];
                bare[..close].to_owned()
            } else {
                String::new()
            };
            rest = rest.trim_start();
            if attribute.starts_with("on") || ["style", "srcdoc", "action", "formaction"].contains(&attribute.as_str()) {
                return Some(format!("attribute {attribute} in <{tag}>"));
            }
            if ["href", "src"].contains(&attribute.as_str()) && script_url(&value) {
                return Some(format!("{attribute}=\"{value}\""));
            }
        }
    }
    None
}

/// Whether a URL in `href` or `src` could run or load code: it has a scheme, and not http,
/// https or mailto. Written apart from `SafeUrl`, which it checks, and stricter than browsers
/// read URLs: every whitespace and control character is dropped, not only tabs, newlines
/// and those at either end, and any scheme-like prefix counts as a scheme.
pub fn script_url(url: &str) -> bool {
    let seen: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    match seen.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))) {
        Some(end) if end > 0 && seen[end..].starts_with(':') => {
            !matches!(seen[..end].to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        }
        _ => false,
    }
}

/// What in the converter's blocks could become script-capable or break the views: a link
/// or image URL that [`script_url`] refuses, or formatting nested deeper than the converter
/// allows (the views walk it recursively). The rest of the model is text, which the views
/// only ever put in text nodes and attribute values (`tests/xss.rs` checks them).
pub fn unsafe_block(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|block| match block {
        Block::Paragraph(content) | Block::Quote { content, .. } => unsafe_inline(content, 0),
        Block::List { items, .. } => items.iter().find_map(|item| unsafe_inline(item, 0)),
        Block::Image(image) => script_url(image.src.as_str()).then(|| format!("image src {:?}", image.src.as_str())),
        Block::Heading { .. } => None,
    })
}

fn unsafe_inline(content: &[Inline], depth: usize) -> Option<String> {
    if depth > MAX_INLINE_DEPTH {
        return Some(format!("formatting nested {depth} deep"));
    }
    content.iter().find_map(|inline| match inline {
        Inline::Text(_) => None,
        Inline::Emphasis(inner) | Inline::Strong(inner) => unsafe_inline(inner, depth + 1),
        Inline::Link { href, .. } if script_url(href.as_str()) => Some(format!("link href {:?}", href.as_str())),
        Inline::Link { content, .. } => unsafe_inline(content, depth + 1),
    })
}
