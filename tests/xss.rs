//! Hostile HTML from a backend, through the safe-HTML converter and the views, rendered on a
//! server: whatever comes in, the page gets no script-capable construct. The vectors
//! (`checks::VECTORS`, which the server's fragment tests share too) follow
//! OWASP's XSS filter-evasion cheat sheet; a small mutation fuzzer then recombines them.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use article_widget::core::article::Article;
use article_widget::core::datetime::DateTime;
use article_widget::core::html;
use article_widget::core::locale::Locale;
use article_widget::views::{ArticleView, ArticleViewProps};
use article_widget::core::article::{Block, Inline};
use article_widget_core::checks::{script_capable, script_url, unsafe_block, VECTORS};
use yew::LocalServerRenderer;

fn render(html_body: &str) -> String {
    let article = Rc::new(Article {
        id: "x".into(),
        lang: None,
        kicker: None,
        headline: "H".into(),
        standfirst: None,
        authors: Vec::new(),
        published: DateTime::parse_rfc3339("2024-10-11T14:05:00+02:00").unwrap(),
        updated: None,
        hero: None,
        body: html::to_blocks(html_body),
    });
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(
        LocalServerRenderer::<ArticleView>::with_props(ArticleViewProps { article, locale: Locale::En })
            .hydratable(false)
            .render(),
    )
}

#[test]
fn every_owasp_vector_renders_without_a_script_capable_construct() {
    for vector in VECTORS {
        let rendered = render(vector);
        assert_eq!(script_capable(&rendered), None, "{vector}\n→ {rendered}");
        assert_eq!(unsafe_block(&html::to_blocks(vector)), None, "{vector}");
    }
    // The checker itself catches what it must (a test that could not fail proves nothing).
    assert!(script_capable("<p><img src=x onerror=alert(1)></p>").is_some());
    assert!(script_capable("<a href=\"javascript:alert(1)\">x</a>").is_some());
    assert!(script_capable("<p>&lt;script&gt;</p>").is_none());
    assert!(script_capable("<a href=\"javasc&lt;form action=\">x</a>").is_none(), "a relative URL with odd characters");
    for url in ["javascript:alert(1)", " Java\tScript:alert(1)", "java\u{0}script:x", "data:text/html,x", "vbscript:x", "file:///etc"] {
        assert!(script_url(url), "{url:?}");
    }
    for url in ["https://example.org/a:b", "HTTP://example.org", "mailto:a@example.org", "/a:b", "a/b:c", "?q=a:b", "#a", ""] {
        assert!(!script_url(url), "{url:?}");
    }
    let nested = |depth| (0..depth).fold(vec![Inline::Text("x".into())], |inner, _| vec![Inline::Emphasis(inner)]);
    assert_eq!(unsafe_block(&[Block::Paragraph(nested(html::MAX_INLINE_DEPTH))]), None);
    assert!(unsafe_block(&[Block::Paragraph(nested(html::MAX_INLINE_DEPTH + 1))]).is_some());
}

#[test]
fn recombined_vectors_never_yield_one_either() {
    // A small mutation fuzzer, deterministic: splices, truncations and doublings of the
    // vectors, 3,000 documents.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    for _ in 0..3_000 {
        let mut document = String::new();
        for _ in 0..1 + next(4) {
            let vector = VECTORS[next(VECTORS.len())];
            let cut = vector.char_indices().map(|(i, _)| i).nth(next(vector.chars().count().max(1))).unwrap_or(0);
            match next(3) {
                0 => document.push_str(&vector[..cut]),
                1 => document.push_str(&vector[cut..]),
                _ => document.push_str(vector),
            }
        }
        let rendered = render(&document);
        assert_eq!(script_capable(&rendered), None, "{document}\n→ {rendered}");
    }
}
