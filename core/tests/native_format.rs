//! The native format against the seed article: what decodes, what each broken field says,
//! and what a broken field costs: the section, the record it is in, or itself alone.

use article_widget_core::article::{Block, HeadingLevel, Inline};
use article_widget_core::error::{Expected, Found, LeftOut, Problem, Record, ShapeError, Warning};
use article_widget_core::json::Decoded;
use article_widget_core::native::{decode_article, decode_comment_page, decode_related};
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

/// The one warning of an answer that decoded.
fn warning<T: std::fmt::Debug>(result: Result<Decoded<T>, Problem>) -> Warning {
    match result {
        Ok(Decoded { warnings, .. }) if warnings.len() == 1 => warnings[0].clone(),
        other => panic!("expected one warning, got {other:?}"),
    }
}

/// What a broken field costs the reader.
#[derive(Debug)]
enum Cost {
    /// The whole section: the answer is refused.
    Section,
    /// The record at this pointer.
    Record(Record, &'static str),
    /// The value alone.
    Value,
}

/// Decodes `text` and checks that `problem` costs what `cost` says.
fn assert_costs<T: std::fmt::Debug>(result: Result<Decoded<T>, Problem>, problem: ShapeError, cost: &Cost) {
    let what = format!("{problem:?} costs {cost:?}");
    match cost {
        Cost::Section => assert_eq!(shape_error(result), problem, "{what}"),
        Cost::Record(record, path) => {
            let left_out = LeftOut::Record { record: *record, path: (*path).into() };
            assert_eq!(warning(result), Warning { problem, left_out }, "{what}");
        }
        Cost::Value => assert_eq!(warning(result), Warning { problem, left_out: LeftOut::Value }, "{what}"),
    }
}

#[test]
fn the_seed_article_decodes_completely() {
    let Decoded { value: article, warnings } = decode_article(SEED).unwrap();
    assert_eq!(warnings, []);
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
    let stories = decode_related(SEED_RELATED).unwrap().value;
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
    let decoded = decode_article(&article.to_string()).unwrap().value;
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
fn each_required_field_missing_names_its_path_and_costs_its_record_or_the_section() {
    use Cost::Section;
    let block = |path| Cost::Record(Record::Block, path);
    let required = [
        ("/id", Expected::NonBlankText, Section),
        ("/headline", Expected::NonBlankText, Section),
        ("/published", Expected::DateTime, Section),
        ("/body", Expected::List, Section),
        ("/authors/0/name", Expected::NonBlankText, Cost::Record(Record::Author, "/authors/0")),
        ("/hero/src", Expected::Url, Cost::Record(Record::Image, "/hero")),
        ("/body/0/type", Expected::BlockType, block("/body/0")),
        ("/body/0/content", Expected::Text, block("/body/0")),
        ("/body/3/content/1/href", Expected::Url, block("/body/3")),
        ("/body/3/content/1/content", Expected::Text, block("/body/3")),
        ("/body/5/content", Expected::Text, block("/body/5")),
        ("/body/8/level", Expected::HeadingLevel, block("/body/8")),
        ("/body/8/text", Expected::NonBlankText, block("/body/8")),
    ];
    for (pointer, expected, cost) in &required {
        let problem = ShapeError { path: (*pointer).into(), expected: *expected, found: Found::Missing };
        assert_costs(decode_article(&without(seed(), pointer)), problem, cost);
    }
    let related: Value = serde_json::from_str(SEED_RELATED).unwrap();
    for (pointer, expected, cost) in [
        ("/items", Expected::List, Section),
        ("/items/1/title", Expected::NonBlankText, Cost::Record(Record::RelatedStory, "/items/1")),
        ("/items/1/url", Expected::Url, Cost::Record(Record::RelatedStory, "/items/1")),
        ("/items/1/thumbnail/src", Expected::Url, Cost::Record(Record::Image, "/items/1/thumbnail")),
    ] {
        let problem = ShapeError { path: pointer.into(), expected, found: Found::Missing };
        assert_costs(decode_related(&without(related.clone(), pointer)), problem, &cost);
    }
}

#[test]
fn each_mistyped_or_invalid_field_names_its_path_what_was_found_and_what_it_costs() {
    use Cost::{Section, Value as Alone};
    let text = |t: &str| Found::Value(format!("\"{t}\""));
    let hero = Cost::Record(Record::Image, "/hero");
    let block = |path| Cost::Record(Record::Block, path);
    let cases = [
        ("/headline", json!(42), Expected::NonBlankText, Found::Number, Section),
        ("/headline", json!(" \n "), Expected::NonBlankText, text(""), Section),
        ("/kicker", json!(["Monde"]), Expected::Text, Found::List, Alone),
        ("/published", json!("yesterday"), Expected::DateTime, text("yesterday"), Section),
        ("/updated", json!(1728648300), Expected::DateTime, Found::Number, Alone),
        ("/authors", json!("Jean Delaunay"), Expected::List, Found::Text, Alone),
        ("/hero", json!(true), Expected::Object, Found::Boolean, hero),
        ("/hero/src", json!("javascript:alert(1)"), Expected::Url, text("javascript:alert(1)"), Cost::Record(Record::Image, "/hero")),
        ("/hero/width", json!(-3), Expected::PositiveInteger, Found::Number, Alone),
        ("/hero/height", json!(5_000_000_000u64), Expected::PositiveInteger, Found::Value("5000000000".into()), Alone),
        ("/body", json!({}), Expected::List, Found::Object, Section),
        ("/body/0", json!(null), Expected::Object, Found::Null, block("/body/0")),
        ("/body/0/type", json!("video"), Expected::BlockType, text("video"), block("/body/0")),
        ("/body/0/content", json!(7), Expected::Text, Found::Number, block("/body/0")),
        ("/body/3/content/1", json!(7), Expected::InlineType, Found::Number, block("/body/3")),
        ("/body/3/content/1/type", json!("marquee"), Expected::InlineType, text("marquee"), block("/body/3")),
        ("/body/3/content/1/href", json!("data:text/html,<script>"), Expected::Url, text("data:text/html,<script>"), block("/body/3")),
        ("/body/8/level", json!(1), Expected::HeadingLevel, Found::Value("1".into()), block("/body/8")),
        ("/body/8/level", json!("2"), Expected::HeadingLevel, text("2"), block("/body/8")),
    ];
    for (pointer, replacement, expected, found, cost) in &cases {
        let problem = ShapeError { path: (*pointer).into(), expected: *expected, found: found.clone() };
        assert_costs(decode_article(&with(seed(), pointer, replacement.clone())), problem, cost);
    }
}

#[test]
fn what_is_left_out_is_gone_and_the_rest_is_shown() {
    let whole = decode_article(SEED).unwrap().value;
    let article = decode_article(&with(seed(), "/body/3/content/1/href", json!("javascript:alert(1)"))).unwrap().value;
    assert_eq!(article.body.len(), whole.body.len() - 1);
    assert_eq!((&article.body[..3], &article.body[3..]), (&whole.body[..3], &whole.body[4..]));
    let article = decode_article(&with(seed(), "/hero/width", json!("wide"))).unwrap().value;
    assert_eq!(article.hero.as_ref().map(|hero| (hero.width, hero.height)), Some((None, Some(675))));
    let article = decode_article(&with(seed(), "/authors", json!([{"name": 7}, {"name": "Ana", "url": "javascript:x"}]))).unwrap();
    assert_eq!(article.value.authors.iter().map(|a| (a.name.as_str(), a.url.is_none())).collect::<Vec<_>>(), [("Ana", true)]);
    assert_eq!(
        article.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "at /authors/0/name: expected a non-empty text, found a number; the author at /authors/0 is left out",
            "at /authors/1/url: expected an http(s), mailto or relative address, found \"javascript:x\"; the value is left out",
        ]
    );
}

#[test]
fn a_body_whose_every_block_is_bad_fails_the_article_and_an_empty_one_does_not() {
    let article = |body: Value| json!({"id": "x", "headline": "H", "published": "2024-01-01T00:00:00Z", "body": body}).to_string();
    let error = shape_error(decode_article(&article(json!([{"type": "video"}, {"type": "paragraph"}]))));
    assert_eq!((error.path.as_str(), error.expected), ("/body/0/type", Expected::BlockType));
    assert_eq!(decode_article(&article(json!([]))).unwrap().value.body, []);
}

#[test]
fn a_comment_that_cannot_be_read_is_left_out_and_counted_and_a_bad_website_alone() {
    let comment = |id: &str, website: &str| {
        json!({"id": id, "parent": null, "author": "A", "website": website, "body": "b", "created": "2024-10-11T15:00:00Z", "status": "published"})
    };
    let mut undated = comment("2", "https://b.example");
    undated.as_object_mut().unwrap().remove("created");
    let page = json!({"total": 3, "comments": [comment("1", "javascript:alert(1)"), undated, comment("3", "https://c.example")], "next": 42});
    let Decoded { value: page, warnings } = decode_comment_page(&page.to_string()).unwrap();
    let shown: Vec<(&str, Option<&str>)> = page.comments.iter().map(|c| (c.id.as_str(), c.website.as_ref().map(|w| w.as_str()))).collect();
    assert_eq!(shown, [("1", None), ("3", Some("https://c.example"))]);
    assert_eq!((page.total, page.skipped, page.next), (3, 1, None));
    assert_eq!(
        warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "at /comments/0/website: expected an http(s), mailto or relative address, found \"javascript:alert(1)\"; the value is left out",
            "at /comments/1/created: expected an RFC 3339 date (2024-10-11T14:05:00+02:00), found nothing; the comment at /comments/1 is left out",
            "at /next: expected a text, found a number; the value is left out",
        ]
    );
    let error = shape_error(decode_comment_page(r#"{"total": 1, "comments": {}}"#));
    assert_eq!((error.path.as_str(), error.expected), ("/comments", Expected::List));
}

/// A page whose threads' replies were cut says, per thread, how many are left and where they
/// go on; a list the decoder cannot read costs only itself (the "show more replies" buttons).
#[test]
fn replies_cut_from_a_page_are_counted_per_thread_with_their_cursor() {
    let page = json!({"total": 10_003, "comments": [], "next": null, "more_replies": [
        {"root": "1", "count": 9_980, "cursor": "1728658800_41"},
        {"root": "7", "count": 3, "cursor": null}
    ]});
    let page = decode_comment_page(&page.to_string()).unwrap().value;
    let more: Vec<_> = page.more_replies.iter().map(|m| (m.root.as_str(), m.count, m.cursor.as_deref())).collect();
    assert_eq!(more, [("1", 9_980, Some("1728658800_41")), ("7", 3, None)]);
    assert!(decode_comment_page(r#"{"total": 0, "comments": []}"#).unwrap().value.more_replies.is_empty());

    let bad = json!({"total": 1, "comments": [], "more_replies": [{"root": "1", "count": -1}]});
    let Decoded { value: page, warnings } = decode_comment_page(&bad.to_string()).unwrap();
    assert!(page.more_replies.is_empty());
    assert_eq!(
        warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["at /more_replies/0/count: expected a non-negative integer, found a number; the value is left out"]
    );
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
    for (status, found) in [(json!("spam"), Found::Value("\"spam\"".into())), (json!(1), Found::Value("1".into()))] {
        let error = shape_error(decode_comment(&comment(status)));
        assert_eq!((error.path.as_str(), error.expected, error.found), ("/status", Expected::CommentStatus, found));
    }
}

#[test]
fn an_edited_comment_carries_its_time_and_a_deleted_one_is_a_placeholder_without_author() {
    use article_widget_core::comment::CommentStatus;
    use article_widget_core::native::decode_comment;
    let edited = json!({"id": "1", "parent": null, "author": "A", "body": "b", "created": "2024-10-11T15:00:00Z",
        "edited": "2024-10-11T15:09:30Z", "status": "published"});
    let comment = decode_comment(&edited.to_string()).unwrap();
    assert_eq!(comment.value.edited.map(|date| date.to_string()).as_deref(), Some("2024-10-11T15:09:30Z"));
    assert!(comment.warnings.is_empty());
    let never = decode_comment(&with(edited.clone(), "/edited", Value::Null)).unwrap();
    assert_eq!((never.value.edited, never.warnings.len()), (None, 0));
    // A bad time costs only itself.
    let bad = decode_comment(&with(edited, "/edited", json!("yesterday"))).unwrap();
    assert_eq!((bad.value.edited, bad.warnings.len()), (None, 1));
    let placeholder = json!({"id": "2", "parent": null, "author": "", "body": "", "website": null,
        "created": "2024-10-11T15:00:00Z", "edited": null, "status": "deleted"});
    let comment = decode_comment(&placeholder.to_string()).unwrap().value;
    assert_eq!((comment.status, comment.author.as_str(), comment.body.as_str()), (CommentStatus::Deleted, "", ""));
    // A post's answer carries its author's secret and until when it serves.
    use article_widget_core::native::decode_posted_comment;
    let posted = json!({"id": "3", "parent": null, "author": "A", "body": "b", "created": "2024-10-11T15:00:00Z",
        "edited": null, "status": "published", "secret": "ab12", "editable_until": "2024-10-11T15:15:00Z"});
    let ownership = decode_posted_comment(&posted.to_string()).unwrap().value.ownership.unwrap();
    assert_eq!((ownership.secret.as_str(), ownership.editable_until.to_string().as_str()), ("ab12", "2024-10-11T15:15:00Z"));
    let unsure = decode_posted_comment(&with(posted.clone(), "/editable_until", json!(15))).unwrap();
    assert_eq!((unsure.value.ownership, unsure.value.comment.id.as_str(), unsure.warnings.len()), (None, "3", 1));
    let plain = decode_posted_comment(&without(posted, "/secret")).unwrap();
    assert_eq!((plain.value.ownership, plain.warnings.len()), (None, 0));
    // Only a placeholder goes without its author.
    let error = shape_error(decode_comment(&with(placeholder, "/status", json!("published"))));
    assert_eq!((error.path.as_str(), error.expected), ("/author", Expected::NonBlankText));
}

/// The captcha answer of a server that asks for proof of work too (ALTCHA's format).
const CHALLENGE_WITH_POW: &str = r#"{"seed": "7", "expires": "2030-01-01T00:00:00Z", "signature": "ab",
    "pow": {"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "0", "nonce": "00", "salt": "01"}, "signature": "cd"}}"#;

#[test]
fn a_challenge_carries_the_proof_of_work_when_the_server_asks_for_it() {
    use article_widget_core::native::decode_challenge;
    let challenge = decode_challenge(CHALLENGE_WITH_POW).unwrap().value;
    let pow = challenge.pow.expect("the pow member");
    assert_eq!(pow.signature, "cd");
    assert_eq!(pow.task.key_prefix.nibbles(), &[0]);
    let without: Value = serde_json::from_str(CHALLENGE_WITH_POW).unwrap();
    assert_eq!(decode_challenge(&without_member(without, "pow")).unwrap().value.pow, None, "a server with proof of work off");
    let bad = with(serde_json::from_str(CHALLENGE_WITH_POW).unwrap(), "/pow/parameters/nonce", json!("0x"));
    assert_eq!(shape_error(decode_challenge(&bad)).path, "/pow/parameters/nonce");
    let bad = with(serde_json::from_str(CHALLENGE_WITH_POW).unwrap(), "/pow", json!("solve me"));
    assert_eq!(shape_error(decode_challenge(&bad)).path, "/pow");
}

fn without_member(value: Value, key: &str) -> String {
    without(value, &format!("/{key}"))
}

#[test]
fn the_proof_of_works_payload_is_a_top_level_altcha_member_of_the_post() {
    use article_widget_core::comment::{validate, CommentDraft};
    use article_widget_core::native::{decode_challenge, encode_new_comment};
    let challenge = decode_challenge(CHALLENGE_WITH_POW).unwrap().value;
    let draft = CommentDraft { name: "Marie".into(), email: "m@example.org".into(), website: String::new(), body: "Bonjour".into() };
    let comment = validate(&draft).unwrap();
    let body: Value = serde_json::from_str(&encode_new_comment(&comment, None, &challenge, "9", Some("eyJh"), false)).unwrap();
    assert_eq!(body["altcha"], json!("eyJh"));
    assert_eq!(body["captcha"]["answer"], json!("9"));
    let body: Value = serde_json::from_str(&encode_new_comment(&comment, None, &challenge, "9", None, false)).unwrap();
    assert!(body.get("altcha").is_none(), "no member without proof of work");
    assert!(body.get("notify").is_none(), "no member unless asked");
}

#[test]
fn a_challenge_says_whether_replies_can_be_notified_by_email_and_a_post_asks_for_it() {
    use article_widget_core::comment::{validate, CommentDraft};
    use article_widget_core::native::{decode_challenge, encode_new_comment};
    let member = |value: Value| {
        let mut challenge: Value = serde_json::from_str(CHALLENGE_WITH_POW).unwrap();
        challenge["notify"] = value;
        challenge.to_string()
    };
    let offered = member(json!(true));
    let challenge = decode_challenge(&offered).unwrap();
    assert!(challenge.value.notify && challenge.warnings.is_empty());
    assert!(!decode_challenge(CHALLENGE_WITH_POW).unwrap().value.notify, "absent: not offered");
    // Not a boolean: not offered, with a warning, and the challenge still serves.
    let bad = decode_challenge(&member(json!("yes"))).unwrap();
    assert!(!bad.value.notify && bad.value.pow.is_some());
    assert_eq!(bad.warnings.len(), 1);
    let draft = CommentDraft { name: "Marie".into(), email: "m@example.org".into(), website: String::new(), body: "Bonjour".into() };
    let comment = validate(&draft).unwrap();
    let body: Value = serde_json::from_str(&encode_new_comment(&comment, None, &challenge.value, "9", None, true)).unwrap();
    assert_eq!(body["notify"], json!(true));
}
