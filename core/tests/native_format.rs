//! The native format against the seed article: what decodes, and what each broken field says.

use article_widget_core::article::{Block, HeadingLevel, Inline};
use article_widget_core::error::{Expected, Found, Problem, ShapeError};
use article_widget_core::native::{decode_article, decode_related};
use serde_json::{json, Value};

const SEED: &str = include_str!("../../www/demo-api/articles/nouvel-ordre-mondial.json");
const SEED_RELATED: &str = include_str!("../../www/demo-api/articles/nouvel-ordre-mondial/related.json");

fn seed() -> Value {
    serde_json::from_str(SEED).unwrap()
}

/// The parent of a JSON Pointer and its last segment.
fn split(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').unwrap()
}

fn without(mut value: Value, pointer: &str) -> String {
    let (parent, key) = split(pointer);
    value.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(key).unwrap_or_else(|| panic!("{pointer}"));
    value.to_string()
}

fn with(mut value: Value, pointer: &str, replacement: Value) -> String {
    *value.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}")) = replacement;
    value.to_string()
}

fn shape_error(result: Result<impl std::fmt::Debug, Problem>) -> ShapeError {
    match result {
        Err(Problem::Shape(error)) => error,
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[test]
fn the_seed_article_decodes_completely() {
    let article = decode_article(SEED).unwrap();
    assert_eq!(article.id, "nouvel-ordre-mondial");
    assert_eq!(
        article.headline,
        "« Nouvel ordre mondial » ? Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat"
    );
    assert_eq!(article.kicker.as_deref(), Some("Monde"));
    assert_eq!(article.authors[0].name, "Jean Delaunay");
    assert_eq!(article.published.to_string(), "2024-10-11T14:05:00+02:00");
    assert!(article.updated.unwrap().unix_seconds() > article.published.unix_seconds());
    let hero = article.hero.unwrap();
    assert_eq!(
        hero.caption.as_deref(),
        Some("Iranian President Massoud Pezeshkian at a meeting with Vladimir Putin in Ashgabat, Turkmenistan")
    );
    assert_eq!((hero.width, hero.height), (Some(1200), Some(675)));
    assert!(article.body.iter().any(|b| matches!(b,
        Block::Heading { level: HeadingLevel::H2, text } if text == "Augmentation des tentatives d’assassinat et de sabotage")));
    assert!(article.body.iter().any(|b| matches!(b,
        Block::Quote { content, attribution: Some(_) } if Inline::plain_text(content).starts_with("«\u{a0}Nous avons"))));
    let link = article.body.iter().find_map(|b| match b {
        Block::Paragraph(inlines) => inlines.iter().find_map(|i| match i {
            Inline::Link { href, content } => Some((href.as_str().to_owned(), Inline::plain_text(content))),
            _ => None,
        }),
        _ => None,
    });
    assert_eq!(link, Some(("https://tass.com/".to_owned(), "Tass".to_owned())));
}

#[test]
fn the_seed_related_stories_decode() {
    let stories = decode_related(SEED_RELATED).unwrap();
    assert!(stories.len() >= 3);
    for story in &stories {
        assert!(story.url.as_str().starts_with("https://"), "{story:?}");
        assert!(story.published.is_some() && story.thumbnail.is_some(), "{story:?}");
    }
}

#[test]
fn every_inline_and_block_kind_decodes() {
    let article = json!({
        "id": "x", "headline": "H", "published": "2024-01-01T00:00:00Z",
        "body": [
            {"type": "paragraph", "content": ["a ", {"type": "strong", "content": [{"type": "emphasis", "content": "b"}]}, {"type": "text", "text": " c"}]},
            {"type": "heading", "level": 4, "text": "Sub"},
            {"type": "list", "ordered": true, "items": ["one", ["two ", {"type": "link", "href": "/x", "content": "three"}]]},
            {"type": "image", "src": "/i.png", "alt": "An image", "caption": "  ", "credit": "Agency"},
            {"type": "quote", "content": "Q"}
        ]
    });
    let decoded = decode_article(&article.to_string()).unwrap();
    assert!(decoded.authors.is_empty() && decoded.hero.is_none() && decoded.updated.is_none());
    let [paragraph, heading, list, image, quote] = decoded.body.as_slice() else { panic!("{:?}", decoded.body) };
    assert_eq!(
        paragraph,
        &Block::Paragraph(vec![
            Inline::Text("a ".into()),
            Inline::Strong(vec![Inline::Emphasis(vec![Inline::Text("b".into())])]),
            Inline::Text(" c".into()),
        ])
    );
    assert!(matches!(heading, Block::Heading { level: HeadingLevel::H4, .. }));
    assert!(matches!(list, Block::List { ordered: true, items } if items.len() == 2 && Inline::plain_text(&items[1]) == "two three"));
    assert!(matches!(image, Block::Image(i) if i.caption.is_none() && i.credit.as_deref() == Some("Agency")));
    assert!(matches!(quote, Block::Quote { attribution: None, .. }));
}

#[test]
fn each_required_field_missing_names_its_path() {
    let required = [
        ("/id", Expected::NonBlankText),
        ("/headline", Expected::NonBlankText),
        ("/published", Expected::DateTime),
        ("/body", Expected::List),
        ("/authors/0/name", Expected::NonBlankText),
        ("/hero/src", Expected::Url),
        ("/body/0/type", Expected::BlockType),
        ("/body/0/content", Expected::Text),
        ("/body/3/content/1/href", Expected::Url),
        ("/body/3/content/1/content", Expected::Text),
        ("/body/5/content", Expected::Text),
        ("/body/8/level", Expected::HeadingLevel),
        ("/body/8/text", Expected::NonBlankText),
    ];
    for (pointer, expected) in required {
        let error = shape_error(decode_article(&without(seed(), pointer)));
        assert_eq!(error, ShapeError { path: pointer.into(), expected, found: Found::Missing }, "{pointer}");
    }
    let related: Value = serde_json::from_str(SEED_RELATED).unwrap();
    for (pointer, expected) in [
        ("/items", Expected::List),
        ("/items/1/title", Expected::NonBlankText),
        ("/items/1/url", Expected::Url),
        ("/items/1/thumbnail/src", Expected::Url),
    ] {
        let error = shape_error(decode_related(&without(related.clone(), pointer)));
        assert_eq!(error, ShapeError { path: pointer.into(), expected, found: Found::Missing }, "{pointer}");
    }
}

#[test]
fn each_mistyped_or_invalid_field_names_its_path_and_what_was_found() {
    let text = |t: &str| Found::Value(format!("\"{t}\""));
    let cases = [
        ("/headline", json!(42), Expected::NonBlankText, Found::Number),
        ("/headline", json!(" \n "), Expected::NonBlankText, text("")),
        ("/kicker", json!(["Monde"]), Expected::Text, Found::List),
        ("/published", json!("yesterday"), Expected::DateTime, text("yesterday")),
        ("/updated", json!(1728648300), Expected::DateTime, Found::Number),
        ("/authors", json!("Jean Delaunay"), Expected::List, Found::Text),
        ("/hero", json!(true), Expected::Object, Found::Boolean),
        ("/hero/src", json!("javascript:alert(1)"), Expected::Url, text("javascript:alert(1)")),
        ("/hero/width", json!(-3), Expected::PositiveInteger, Found::Number),
        ("/hero/height", json!(5_000_000_000u64), Expected::PositiveInteger, Found::Value("5000000000".into())),
        ("/body", json!({}), Expected::List, Found::Object),
        ("/body/0", json!(null), Expected::Object, Found::Null),
        ("/body/0/type", json!("video"), Expected::BlockType, text("video")),
        ("/body/0/content", json!(7), Expected::Text, Found::Number),
        ("/body/3/content/1", json!(7), Expected::InlineType, Found::Number),
        ("/body/3/content/1/type", json!("marquee"), Expected::InlineType, text("marquee")),
        ("/body/3/content/1/href", json!("data:text/html,<script>"), Expected::Url, text("data:text/html,<script>")),
        ("/body/8/level", json!(1), Expected::HeadingLevel, Found::Value("1".into())),
        ("/body/8/level", json!("2"), Expected::HeadingLevel, text("2")),
    ];
    for (pointer, replacement, expected, found) in cases {
        let error = shape_error(decode_article(&with(seed(), pointer, replacement.clone())));
        assert_eq!(error, ShapeError { path: pointer.into(), expected, found }, "{pointer} = {replacement}");
    }
}

#[test]
fn a_body_that_is_not_json_is_located() {
    let truncated = &SEED[..SEED.len() / 2];
    match decode_article(truncated) {
        Err(Problem::Syntax { line, column, detail }) => {
            assert_eq!(line, truncated.lines().count());
            assert!(column > 0 && !detail.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(decode_article("<!doctype html><title>404</title>"), Err(Problem::Syntax { line: 1, column: 1, .. })));
    let error = shape_error(decode_article("[]"));
    assert_eq!((error.path.as_str(), error.expected, error.found), ("/", Expected::Object, Found::List));
}

/// The documented schema carries the seed article and its related stories as examples:
/// they must stay the very files that the demo serves and that decode.
#[test]
fn the_schema_examples_are_the_seed_files() {
    let schema: Value = serde_json::from_str(include_str!("../../docs/article.schema.json")).unwrap();
    assert_eq!(schema["examples"][0], seed());
    let related: Value = serde_json::from_str(SEED_RELATED).unwrap();
    assert_eq!(schema["$defs"]["related"]["examples"][0], related);
    for name in schema["required"].as_array().unwrap() {
        let pointer = format!("/{}", name.as_str().unwrap());
        let error = shape_error(decode_article(&without(seed(), &pointer)));
        assert_eq!(error.path, pointer, "the schema requires {name} and so must the decoder");
    }
}

#[test]
fn a_comment_of_unknown_status_is_refused_with_its_path() {
    use article_widget_core::native::decode_comment;
    let comment = |status: Value| {
        json!({"id": "1", "parent": null, "author": "A", "body": "b", "created": "2024-10-11T15:00:00Z", "status": status})
            .to_string()
    };
    assert!(decode_comment(&comment(json!("pending"))).is_ok());
    for (status, found) in [(json!("deleted"), Found::Value("\"deleted\"".into())), (json!(1), Found::Value("1".into()))] {
        let error = shape_error(decode_comment(&comment(status)));
        assert_eq!((error.path.as_str(), error.expected, error.found), ("/status", Expected::CommentStatus, found));
    }
}
