//! The core's hot paths, timed natively so that regressions show without a browser:
//! `cargo bench -p article-widget-core` prints a time per case.

use std::hint::black_box;

use article_widget_core::captcha::Puzzle;
use article_widget_core::comment::{Comment, CommentStatus};
use article_widget_core::datetime::DateTime;
use article_widget_core::json::{self, Value};
use article_widget_core::locale::Locale;
use article_widget_core::mapping::Mapping;
use article_widget_core::{html, native, thread};
use criterion::{criterion_group, criterion_main, Criterion};

const SEED: &str = include_str!("../../www/demo-api/articles/nouvel-ordre-mondial.json");
const WORDPRESS_POST: &str = include_str!("../tests/fixtures/wordpress_post.json");

/// `count` comments, a third of them replies to an earlier one, as a thread's page brings them.
fn comments(count: usize) -> Vec<Comment> {
    let created = DateTime::parse_rfc3339("2024-10-11T15:00:00Z").unwrap();
    (0..count)
        .map(|i| Comment {
            id: i.to_string(),
            parent: (i % 3 == 2).then(|| (i / 2).to_string()),
            author: format!("Reader {i}"),
            website: None,
            body: "Un commentaire, avec un lien https://example.org/source et deux lignes.\nFin.".into(),
            created,
            edited: None,
            status: CommentStatus::Published,
        })
        .collect()
}

/// The native API's page of these comments, as the server writes it.
fn comment_page(comments: &[Comment]) -> String {
    let comment = |c: &Comment| {
        Value::object([
            ("id", Value::from(c.id.as_str())),
            ("parent", Value::from(c.parent.as_deref())),
            ("author", Value::from(c.author.as_str())),
            ("body", Value::from(c.body.as_str())),
            ("created", Value::from(c.created.to_string())),
            ("status", Value::from(c.status.code())),
        ])
    };
    let page = [("total", Value::from(comments.len() as u64)), ("comments", Value::Array(comments.iter().map(comment).collect()))];
    Value::object(page).to_string()
}

fn hot_paths(c: &mut Criterion) {
    c.bench_function("captcha: 1,000 puzzles and questions", |b| {
        b.iter(|| (0..1_000u64).map(|seed| Puzzle::from_seed(black_box(seed)).question(Locale::Fr).len()).sum::<usize>())
    });
    c.bench_function("native: decode the seed article", |b| b.iter(|| native::decode_article(black_box(SEED)).unwrap()));
    let body: String = serde_json::from_str::<serde_json::Value>(WORDPRESS_POST).unwrap()["content"]["rendered"]
        .as_str()
        .unwrap()
        .repeat(20);
    c.bench_function("html: convert 20 WordPress post bodies", |b| b.iter(|| html::to_blocks(black_box(&body)).len()));
    let wordpress = Mapping::builtin("wordpress").unwrap();
    c.bench_function("mapping: decode a WordPress post", |b| {
        b.iter(|| wordpress.decode_article(black_box(WORDPRESS_POST), &[("id", "4127")]).unwrap())
    });
    // The widget's own JSON reader, and serde_json's on the same text for reference.
    let page = comment_page(&comments(1_000));
    c.bench_function("json: read a page of 1,000 comments", |b| b.iter(|| json::parse(black_box(&page)).unwrap()));
    c.bench_function("json: the same with serde_json", |b| b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&page)).unwrap()));
    c.bench_function("native: decode a page of 1,000 comments", |b| {
        b.iter(|| native::decode_comment_page(black_box(&page)).unwrap().value.comments.len())
    });
    for count in [1_000, 10_000] {
        let thread_of = comments(count);
        c.bench_function(&format!("thread: build {count} comments"), |b| b.iter(|| thread::build(black_box(&thread_of)).len()));
    }
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
