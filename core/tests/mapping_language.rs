//! The mapping language case by case: what a mapping may say, what a wrong one is told,
//! and how values are read (dates, ids, nesting, paging, fallbacks).

use article_widget_core::comment::{CommentStatus, ValidComment};
use article_widget_core::error::{Expected, Found, LeftOut, Problem, Record, ShapeError, Warning};
use article_widget_core::mapping::Mapping;
use article_widget_core::thread;
use serde_json::{json, Value};

/// The smallest mapping, with `changes` merged in at the given JSON Pointers.
fn mapping_with(changes: &[(&str, Value)]) -> String {
    let mut mapping = json!({
        "article": {"fields": {"headline": "/title", "published": "/date", "body": "/text"}},
        "comments": {"fields": {"id": "/id", "body": "/text", "created": "/date"}},
    });
    for (pointer, value) in changes {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        mapping.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"))[key] = value.clone();
    }
    mapping.to_string()
}

fn parse(changes: &[(&str, Value)]) -> Mapping {
    Mapping::parse(&mapping_with(changes)).unwrap()
}

fn shape(path: &str, expected: Expected, found: Found) -> Problem {
    Problem::Shape(ShapeError { path: path.into(), expected, found })
}

fn quoted(text: &str) -> Found {
    Found::Value(format!("\"{text}\""))
}

/// A post whose body sends the proof of work's answer, with `challenge` as given.
fn post(challenge: Value) -> Value {
    json!({"url": "/c", "body": {"text": "{body}", "altcha": "{altcha}"}, "challenge": challenge})
}

#[test]
fn mapping_errors_name_the_mapping_key() {
    let cases: Vec<(Vec<(&str, Value)>, Problem)> = vec![
        (vec![("/article/fields/headlin", json!("/t"))], shape("/article/fields/headlin", Expected::KnownKey, quoted("headlin"))),
        (vec![("/artcle", json!({}))], shape("/artcle", Expected::KnownKey, quoted("artcle"))),
        (vec![("/article/fields/headline", json!("title"))], shape("/article/fields/headline", Expected::JsonPointer, quoted("title"))),
        (vec![("/article/fields/headline", json!(3))], shape("/article/fields/headline", Expected::FieldSpec, Found::Number)),
        (vec![("/article/fields/headline", json!([]))], shape("/article/fields/headline", Expected::FieldSpec, Found::List)),
        (vec![("/article/fields/headline", json!({"html": true}))], shape("/article/fields/headline/at", Expected::JsonPointer, Found::Missing)),
        (
            vec![("/article/fields/headline", json!({"at": "/t", "date": "rfc3339"}))],
            shape("/article/fields/headline/date", Expected::KnownKey, quoted("date")),
        ),
        (
            vec![("/article/fields/published", json!([{"at": "/d", "date": "unix"}]))],
            shape("/article/fields/published/0/date", Expected::DateFormat, quoted("unix")),
        ),
        (vec![("/article/fields/body", Value::Null)], shape("/article/fields/body", Expected::FieldSpec, Found::Null)),
        (vec![("/article/root", json!("items"))], shape("/article/root", Expected::JsonPointer, quoted("items"))),
        (vec![("/article/fields/authors", json!({"list": "/a"}))], shape("/article/fields/authors/name", Expected::FieldSpec, Found::Missing)),
        (vec![("/comments/paging", json!({}))], shape("/comments/paging", Expected::PagingRule, Found::Object)),
        (
            vec![("/comments/paging", json!({"page_count": "/p", "next_cursor": "/c"}))],
            shape("/comments/paging", Expected::PagingRule, Found::Object),
        ),
        (vec![("/comments/total", json!({"head": "X-Total"}))], shape("/comments/total/head", Expected::KnownKey, quoted("head"))),
        (
            vec![("/comments/post", json!({"url": "/c", "body": {"author": {"name": "{nmae}"}}}))],
            shape("/comments/post/body/author/name", Expected::Placeholder, quoted("{nmae}")),
        ),
        (vec![("/values", json!({"order": {"newest": 1}}))], shape("/values/order/newest", Expected::Text, Found::Number)),
        (vec![("/error", json!({"message": "/m"}))], shape("/error/code", Expected::FieldSpec, Found::Missing)),
        (vec![("/article/url", json!([]))], shape("/article/url", Expected::FieldSpec, Found::List)),
        (vec![("/article/url", json!(["/a", 2]))], shape("/article/url/1", Expected::Text, Found::Number)),
        (vec![("/article/provides", json!({"id": "id"}))], shape("/article/provides/id", Expected::JsonPointer, quoted("id"))),
        (vec![("/article/provides", json!(["/id"]))], shape("/article/provides", Expected::Object, Found::List)),
        (vec![("/article/fields/published", json!({"local": "/date"}))], shape("/article/fields/published/utc", Expected::JsonPointer, Found::Missing)),
        (vec![("/article/fields/published", json!({"utc": "/date_gmt"}))], shape("/article/fields/published/local", Expected::JsonPointer, Found::Missing)),
        (
            vec![("/article/fields/published", json!({"local": "/date", "utc": "/date_gmt", "date": "naive_utc"}))],
            shape("/article/fields/published/date", Expected::KnownKey, quoted("date")),
        ),
        (
            vec![("/article/fields/headline", json!({"local": "/date", "utc": "/date_gmt"}))],
            shape("/article/fields/headline/local", Expected::KnownKey, quoted("local")),
        ),
        // A proof of work's challenge, and where its answer goes.
        (vec![("/comments/post", post(json!("/altcha")))], shape("/comments/post/challenge", Expected::Object, Found::Text)),
        (vec![("/comments/post", post(json!({"at": "/pow"})))], shape("/comments/post/challenge/url", Expected::Text, Found::Missing)),
        (vec![("/comments/post", post(json!({"url": []})))], shape("/comments/post/challenge/url", Expected::FieldSpec, Found::List)),
        (vec![("/comments/post", post(json!({"url": "/c", "at": "pow"})))], shape("/comments/post/challenge/at", Expected::JsonPointer, quoted("pow"))),
        (
            vec![("/comments/post", post(json!({"url": "/c", "header": "X-Altcha"})))],
            shape("/comments/post/challenge/header", Expected::KnownKey, quoted("header")),
        ),
        (
            vec![("/comments/post", post(json!({"url": "/c", "refused": "pow_expired"})))],
            shape("/comments/post/challenge/refused", Expected::List, Found::Text),
        ),
        (vec![("/comments/post", post(json!({"url": "/c", "refused": [""]})))], shape("/comments/post/challenge/refused/0", Expected::NonBlankText, quoted(""))),
        (
            vec![("/comments/post", json!({"url": "/c", "body": {"text": "{body}"}, "challenge": {"url": "/c"}}))],
            shape("/comments/post/challenge", Expected::AltchaPlaceholder, Found::Object),
        ),
        (
            vec![("/comments/post", json!({"url": "/c", "body": {"altcha": "{altcha}"}}))],
            shape("/comments/post/body/altcha", Expected::Placeholder, quoted("{altcha}")),
        ),
        (
            vec![("/comments/post", json!({"url": "/c", "body": {}, "headers": {"X-Name": "{name}"}}))],
            shape("/comments/post/headers/X-Name", Expected::Placeholder, quoted("{name}")),
        ),
        (
            vec![("/comments/post", json!({"url": "/c", "body": {}, "headers": {"X-Key": 3}}))],
            shape("/comments/post/headers/X-Key", Expected::Text, Found::Number),
        ),
        (
            vec![("/comments/post", json!({"url": "/c", "body": {}, "headers": ["X-Key"]}))],
            shape("/comments/post/headers", Expected::Object, Found::List),
        ),
        (
            vec![("/comments/post", json!({"url": "/c", "form": true, "body": ["{name}"]}))],
            shape("/comments/post/body", Expected::Object, Found::List),
        ),
        (vec![("/comments/post", json!({"url": "/c", "body": {}, "form": "yes"}))], shape("/comments/post/form", Expected::Boolean, Found::Text)),
    ];
    for (changes, expected) in cases {
        assert_eq!(Mapping::parse(&mapping_with(&changes)), Err(expected), "{changes:?}");
    }
    assert!(matches!(Mapping::parse("{\"article\": "), Err(Problem::Syntax { line: 1, .. })));
    assert_eq!(Mapping::parse("[]"), Err(shape("/", Expected::Object, Found::List)));
}

#[test]
fn dates_in_every_format() {
    let cases = [
        ("auto", json!("2024-10-11T14:05:00+02:00"), Ok("2024-10-11T14:05:00+02:00")),
        ("auto", json!("2024-10-11T12:05:00"), Ok("2024-10-11T12:05:00Z")),
        ("auto", json!(1_728_648_300), Ok("2024-10-11T12:05:00Z")),
        ("auto", json!(1_728_648_300_123_u64), Ok("2024-10-11T12:05:00Z")),
        ("auto", json!(1_728_648_300.9), Ok("2024-10-11T12:05:00Z")),
        ("auto", json!("1728648300"), Ok("2024-10-11T12:05:00Z")),
        ("auto", json!("yesterday"), Err((Expected::DateTime, quoted("yesterday")))),
        ("auto", json!(true), Err((Expected::DateTime, Found::Boolean))),
        ("rfc3339", json!("2024-10-11T12:05:00Z"), Ok("2024-10-11T12:05:00Z")),
        ("rfc3339", json!("2024-10-11T12:05:00"), Err((Expected::DateTime, quoted("2024-10-11T12:05:00")))),
        ("rfc3339", json!(1_728_648_300), Err((Expected::DateTime, Found::Value("1728648300".into())))),
        ("naive_utc", json!("2024-10-11T12:05:00"), Ok("2024-10-11T12:05:00Z")),
        ("naive_utc", json!("2024-10-11T14:05:00+02:00"), Ok("2024-10-11T14:05:00+02:00")),
        ("unix_seconds", json!(0), Ok("1970-01-01T00:00:00Z")),
        ("unix_seconds", json!(-86_400), Ok("1969-12-31T00:00:00Z")),
        ("unix_seconds", json!(1e300), Ok("9999-12-31T23:59:59Z")),
        ("unix_ms", json!(1_728_648_300_000_u64), Ok("2024-10-11T12:05:00Z")),
        ("unix_ms", json!("2024-10-11"), Err((Expected::UnixTime, quoted("2024-10-11")))),
        ("unix_seconds", json!("NaN"), Err((Expected::UnixTime, quoted("NaN")))),
    ];
    for (format, value, expected) in cases {
        let mapping = parse(&[("/article/fields/published", json!({"at": "/date", "date": format}))]);
        let body = json!({"title": "T", "date": value, "text": ""}).to_string();
        let result = mapping.decode_article(&body, &[]).map(|article| article.value.published.to_string());
        let expected = expected.map(str::to_owned).map_err(|(e, found)| shape("/date", e, found));
        assert_eq!(result, expected, "{format} {value}");
    }
}

/// A date written as local time and as UTC time is at the offset between them, the site's;
/// it is present when both are, so that a list can fall back to another source.
#[test]
fn a_local_time_with_its_utc_time_is_at_the_sites_offset() {
    let mapping = parse(&[
        ("/article/fields/published", json!({"local": "/date", "utc": "/date_gmt"})),
        ("/article/fields/updated", json!([{"local": "/modified", "utc": "/modified_gmt"}, "/updated"])),
    ]);
    let decode = |dates: Value| {
        let mut body = json!({"title": "T", "text": ""});
        body.as_object_mut().unwrap().extend(dates.as_object().unwrap().clone());
        mapping.decode_article(&body.to_string(), &[]).map(|a| (a.value.published.to_string(), a.value.updated.map(|u| u.to_string())))
    };
    let dates = |local: &str, utc: &str| json!({"date": local, "date_gmt": utc});
    let shown = |published: &str, updated: Option<&str>| Ok((published.to_owned(), updated.map(str::to_owned)));

    assert_eq!(decode(dates("2024-10-11T14:05:00", "2024-10-11T12:05:00")), shown("2024-10-11T14:05:00+02:00", None));
    assert_eq!(decode(dates("2024-12-03T09:30:00.25", "2024-12-03T08:30:00.25Z")), shown("2024-12-03T09:30:00+01:00", None));
    let both = json!({"date": "2024-10-11T14:05:00", "date_gmt": "2024-10-11T12:05:00",
        "modified": "2024-12-03T09:30:00", "modified_gmt": "2024-12-03T08:30:00", "updated": "2024-12-04T00:00:00Z"});
    assert_eq!(decode(both.clone()), shown("2024-10-11T14:05:00+02:00", Some("2024-12-03T09:30:00+01:00")));
    // Half of the pair is no date: the next source, or else the half that is missing.
    let mut half = both;
    half["modified_gmt"] = Value::Null;
    assert_eq!(decode(half.clone()), shown("2024-10-11T14:05:00+02:00", Some("2024-12-04T00:00:00Z")));
    half["date_gmt"] = Value::Null;
    assert_eq!(decode(half.clone()), Err(shape("/date_gmt", Expected::DateTime, Found::Null)));
    half.as_object_mut().unwrap().remove("date");
    assert_eq!(decode(half), Err(shape("/date", Expected::LocalDateTime, Found::Missing)));
    // Wrong values name their pointer.
    let cases = [
        (dates("14:05", "2024-10-11T12:05:00"), shape("/date", Expected::LocalDateTime, quoted("14:05"))),
        (json!({"date": 1_728_655_500, "date_gmt": "2024-10-11T12:05:00"}), shape("/date", Expected::LocalDateTime, Found::Value("1728655500".into()))),
        (dates("2024-10-11T14:05:00Z", "2024-10-11T12:05:00"), shape("/date", Expected::LocalDateTime, quoted("2024-10-11T14:05:00Z"))),
        (dates("2024-10-11T14:05:00", "noon"), shape("/date_gmt", Expected::DateTime, quoted("noon"))),
        (dates("2024-10-11T14:05:30", "2024-10-11T12:05:00"), shape("/date", Expected::LocalDateTime, quoted("2024-10-11T14:05:30"))),
    ];
    for (body, expected) in cases {
        assert_eq!(decode(body.clone()), Err(expected), "{body}");
    }
}

#[test]
fn fallbacks_take_the_first_present_source() {
    let mapping = parse(&[("/article/fields/headline", json!(["/title", {"at": "/name", "html": true}]))]);
    let decode = |body: Value| mapping.decode_article(&body.to_string(), &[]).map(|a| a.value.headline);
    assert_eq!(decode(json!({"title": "First", "name": "Second", "date": "2024-10-11T12:05:00Z", "text": ""})), Ok("First".into()));
    assert_eq!(decode(json!({"title": null, "name": "&lt;b&gt;", "date": "2024-10-11T12:05:00Z", "text": ""})), Ok("<b>".into()));
    // When none is present, the first is the one reported missing.
    assert_eq!(
        decode(json!({"date": "2024-10-11T12:05:00Z", "text": ""})),
        Err(shape("/title", Expected::NonBlankText, Found::Missing))
    );
}

#[test]
fn nested_replies_become_flat_comments_with_parents() {
    let mapping = parse(&[
        ("/comments/list", json!("/data")),
        ("/comments/replies", json!("/replies")),
        ("/comments/fields/author", json!("/user/name")),
        ("/comments/fields/parent", json!({"at": "/reply_to", "none": [0, ""]})),
        ("/comments/total", json!("/meta/count")),
        ("/comments/paging", json!({"next_cursor": "/meta/next"})),
    ]);
    let comment = |id: u64, replies: Value| json!({"id": id, "text": format!("c{id}"), "date": 1_728_648_300, "user": {"name": "N"}, "reply_to": 0, "replies": replies});
    let body = json!({
        "data": [comment(1, json!([comment(2, json!([comment(3, Value::Null)])), comment(4, json!([]))])), comment(5, Value::Null)],
        "meta": {"count": "5", "next": "eyJpZCI6NX0="},
    });
    let page = mapping.decode_comment_page(&body.to_string(), &[], None).unwrap().unwrap().value;
    let outline: Vec<(&str, Option<&str>)> = page.comments.iter().map(|c| (c.id.as_str(), c.parent.as_deref())).collect();
    assert_eq!(outline, [("1", None), ("2", Some("1")), ("3", Some("2")), ("4", Some("1")), ("5", None)]);
    assert_eq!((page.total, page.next.as_deref()), (5, Some("eyJpZCI6NX0=")));
    assert_eq!(
        mapping.comments_url("https://api.example", &[("id", "a")], page.next.as_deref()),
        Some("https://api.example".to_owned())
    );

    // A nested comment that cannot be read is left out; its replies are still shown, and the
    // thread puts them among the top-level comments, as any reply whose parent it lacks.
    let mut undated = comment(2, json!([comment(3, Value::Null)]));
    undated.as_object_mut().unwrap().remove("date");
    let body = json!({"data": [comment(1, json!([undated, comment(4, json!([]))]))]});
    let decoded = mapping.decode_comment_page(&body.to_string(), &[], None).unwrap().unwrap();
    let outline: Vec<(&str, Option<&str>)> = decoded.value.comments.iter().map(|c| (c.id.as_str(), c.parent.as_deref())).collect();
    assert_eq!(outline, [("1", None), ("3", None), ("4", Some("1"))]);
    assert_eq!((decoded.value.skipped, decoded.warnings.len()), (1, 1));
    let tops: Vec<&str> = thread::build(&decoded.value.comments).iter().map(|t| t.comment.id.as_str()).collect();
    assert_eq!(tops, ["1", "3"]);

    // As deep as the JSON parser allows, each reply answers the one it is in.
    let mut deep = Value::Null;
    for id in (0..40).rev() {
        deep = json!([comment(id, deep)]);
    }
    let page = mapping.decode_comment_page(&json!({"data": deep}).to_string(), &[], None).unwrap().unwrap().value;
    assert_eq!(page.comments.len(), 40);
    assert!(page.comments.windows(2).all(|pair| pair[1].parent.as_deref() == Some(pair[0].id.as_str())));
}

#[test]
fn comment_data_errors_are_located_and_cost_the_comment_or_the_section() {
    let mapping = parse(&[("/comments/list", json!("/items"))]);
    assert_eq!(mapping.decode_comment_page(r#"{"items": {}}"#, &[], None), Some(Err(shape("/items", Expected::List, Found::Object))));
    let cases = [
        (json!({"text": "t", "date": 0}), "/items/0/id", Expected::Identifier, Found::Missing),
        (json!({"id": 1.5, "text": "t", "date": 0}), "/items/0/id", Expected::Identifier, Found::Value("1.5".into())),
        (json!({"id": " ", "text": "t", "date": 0}), "/items/0/id", Expected::Identifier, quoted(" ")),
        (json!({"id": 1, "text": "t"}), "/items/0/date", Expected::DateTime, Found::Missing),
        (json!({"id": 1, "text": ["t"], "date": 0}), "/items/0/text", Expected::Text, Found::List),
        (json!("a comment"), "/items/0", Expected::Object, Found::Text),
    ];
    let good = json!({"id": 2, "text": "t", "date": 0});
    for (bad, path, expected, found) in cases {
        let body = json!({"items": [bad, good]});
        let decoded = mapping.decode_comment_page(&body.to_string(), &[], None).unwrap().unwrap();
        let ids: Vec<&str> = decoded.value.comments.iter().map(|c| c.id.as_str()).collect();
        assert_eq!((ids, decoded.value.skipped, decoded.value.total), (vec!["2"], 1, 2), "{body}");
        let problem = ShapeError { path: path.into(), expected, found };
        let left_out = LeftOut::Record { record: Record::Comment, path: "/items/0".into() };
        assert_eq!(decoded.warnings, [Warning { problem, left_out }], "{body}");
    }
}

/// Isso marks a comment held for moderation with `mode: 2`, and WordPress with `"hold"`:
/// `pending`, `none` and `equals` take any scalar, numbers compared by value.
#[test]
fn statuses_ids_and_matches_may_be_numbers() {
    let mapping = parse(&[
        ("/comments/list", json!("/replies")),
        ("/comments/fields/status", json!({"at": "/mode", "pending": [2, "hold", true]})),
        ("/comments/fields/parent", json!({"at": "/parent", "none": [0, null, false]})),
        ("/related", json!({"list": "/items", "exclude": {"at": "/mode", "equals": 4}, "fields": {"title": "/title", "url": "/url"}})),
    ]);
    let comment = |id: u64, mode: Value, parent: Value| json!({"id": id, "text": "t", "date": 0, "mode": mode, "parent": parent});
    let body = json!({"replies": [
        comment(1, json!(1), json!(0)), comment(2, json!(2), json!(1)), comment(3, json!(2.0), json!(0.0)),
        comment(4, json!("hold"), json!(false)), comment(5, json!("2"), json!(null)), comment(6, json!(true), json!("0")),
    ]});
    let page = mapping.decode_comment_page(&body.to_string(), &[], None).unwrap().unwrap().value;
    let outline: Vec<(&str, Option<&str>, CommentStatus)> = page.comments.iter().map(|c| (c.id.as_str(), c.parent.as_deref(), c.status)).collect();
    use CommentStatus::{Pending, Published};
    assert_eq!(
        outline,
        [("1", None, Published), ("2", Some("1"), Pending), ("3", None, Pending), ("4", None, Pending), ("5", None, Published), ("6", Some("0"), Pending)],
        "the text \"2\" is not the number 2, nor \"0\" the number 0"
    );
    let items = json!({"items": [{"title": "Kept", "url": "/a", "mode": 1}, {"title": "Gone", "url": "/b", "mode": 4.0}, {"title": "Text", "url": "/c", "mode": "4"}]});
    let related = mapping.decode_related(&items.to_string(), &[]).unwrap().unwrap().value;
    assert_eq!(related.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), ["Kept", "Text"]);
    let related = json!({"list": "/items", "exclude": {"at": "/mode", "equals": {"mode": 4}}, "fields": {"title": "/title", "url": "/url"}});
    let cases = [
        ("/comments/fields/status", json!({"at": "/mode", "pending": [[2]]}), "/comments/fields/status/pending/0", Found::List),
        ("/comments/fields/parent", json!({"at": "/parent", "none": [{}]}), "/comments/fields/parent/none/0", Found::Object),
        ("/related", related, "/related/exclude/equals", Found::Object),
    ];
    for (pointer, value, path, found) in cases {
        assert_eq!(Mapping::parse(&mapping_with(&[(pointer, value)])), Err(shape(path, Expected::Scalar, found)));
    }
}

/// Isso writes a comment's last change in `modified` (Unix seconds, or null) and keeps a
/// deleted comment with replies as `mode: 4`: `edited` and `deleted` show them.
#[test]
fn an_edited_time_and_deleted_placeholders_are_read_by_their_fields() {
    let mapping = parse(&[
        ("/comments/list", json!("/replies")),
        ("/comments/fields/status", json!({"at": "/mode", "pending": [2], "deleted": [4]})),
        ("/comments/fields/edited", json!({"at": "/modified", "date": "unix_seconds"})),
    ]);
    let comment = |id: u64, mode: u64, modified: Value| json!({"id": id, "text": "t", "date": 0, "mode": mode, "modified": modified});
    let body = json!({"replies": [comment(1, 1, json!(1_796_613_700.5)), comment(2, 4, json!(null)), comment(3, 2, json!("soon"))]});
    let decoded = mapping.decode_comment_page(&body.to_string(), &[], None).unwrap().unwrap();
    let outline: Vec<(&str, CommentStatus, Option<i64>)> =
        decoded.value.comments.iter().map(|c| (c.id.as_str(), c.status, c.edited.map(|d| d.unix_seconds()))).collect();
    assert_eq!(
        outline,
        [("1", CommentStatus::Published, Some(1_796_613_700)), ("2", CommentStatus::Deleted, None), ("3", CommentStatus::Pending, None)]
    );
    assert_eq!(decoded.warnings.len(), 1, "a time that cannot be read costs only itself");
}

#[test]
fn body_templates_fill_placeholders_and_leave_absent_ones_out() {
    let mapping = parse(&[(
        "/comments/post",
        json!({"url": "/c", "response": "/data", "body": {
            "data": {"type": "comment", "who": ["{name}", "{website}"], "text": "{body}", "in_reply_to": "{parent:number}", "thread": "{article}", "literal": "{not a placeholder", "n": 3}
        }}),
    )]);
    let comment = ValidComment { name: "Zoé".into(), email: "z@example.org".into(), website: None, body: "Line 1\n\"quoted\"".into() };
    let encoded: Value = serde_json::from_str(&mapping.encode_new_comment(&comment, Some("abc"), &[("id", "42")]).unwrap()).unwrap();
    assert_eq!(
        encoded,
        json!({"data": {"type": "comment", "who": ["Zoé"], "text": "Line 1\n\"quoted\"", "in_reply_to": "abc", "thread": "42", "literal": "{not a placeholder", "n": 3}})
    );
    let reply: Value = serde_json::from_str(&mapping.encode_new_comment(&comment, Some("17"), &[]).unwrap()).unwrap();
    assert_eq!((reply["data"]["in_reply_to"].clone(), reply["data"].get("thread")), (json!(17), None));
    let stored = mapping.decode_posted_comment(&json!({"data": {"id": "c9", "text": "x", "date": "2024-10-11T12:05:00Z"}}).to_string());
    assert_eq!(stored.unwrap().unwrap().value.id, "c9");
    assert_eq!(parse(&[]).encode_new_comment(&comment, None, &[]), None);
}

#[test]
fn a_post_answers_the_proof_of_work_its_challenge_asks_for() {
    let mapping = parse(&[(
        "/comments/post",
        json!({"url": "/articles/{id}/comments",
            "challenge": {"url": ["/captcha?for={id}", "/captcha"], "at": "/pow", "refused": ["pow_expired", "wp_die"]},
            "headers": {"Idempotency-Key": "{idempotency_key}", "X-Altcha": "{altcha}", "X-Fixed": "1"},
            "body": {"text": "{body}", "altcha": "{altcha}"}}),
    )]);
    assert_eq!(mapping.challenge_url("https://api.example", &[("id", "a b")]).as_deref(), Some("https://api.example/captcha?for=a%20b"));
    assert_eq!(mapping.challenge_url("https://api.example", &[]).as_deref(), Some("https://api.example/captcha"));
    assert_eq!(parse(&[]).challenge_url("https://api.example", &[]), None, "no challenge asked for");

    let parameters = json!({"algorithm": "SHA-256", "cost": 1, "keyPrefix": "0a", "nonce": "00ff", "salt": "01", "expiresAt": 1});
    let answer = json!({"seed": "7", "pow": {"parameters": parameters, "signature": "ab"}}).to_string();
    let challenge = mapping.decode_challenge(&answer).unwrap().unwrap().value;
    assert_eq!((challenge.parameters.to_string(), challenge.signature.as_str()), (parameters.to_string(), "ab"));
    let whole = parse(&[("/comments/post", post(json!({"url": "/c"})))]);
    assert!(whole.decode_challenge(&json!({"parameters": parameters, "signature": "ab"}).to_string()).unwrap().is_ok(), "at \"\": the whole answer");
    let bad = json!({"pow": {"parameters": {"algorithm": "SHA-256", "cost": 0, "keyPrefix": "0a", "nonce": "00", "salt": "01"}, "signature": "ab"}});
    assert_eq!(
        mapping.decode_challenge(&bad.to_string()).unwrap().map(|decoded| decoded.value),
        Err(shape("/pow/parameters/cost", Expected::PositiveInteger, Found::Number))
    );
    assert_eq!(mapping.decode_challenge("{}").unwrap().map(|decoded| decoded.value), Err(shape("/pow", Expected::Object, Found::Missing)));

    let comment = ValidComment { name: "Zoé".into(), email: "z@example.org".into(), website: None, body: "Bonjour".into() };
    let values = [("id", "42"), ("altcha", "eyJj"), ("idempotency_key", "k1")];
    let body: Value = serde_json::from_str(&mapping.encode_new_comment(&comment, None, &values).unwrap()).unwrap();
    assert_eq!(body, json!({"text": "Bonjour", "altcha": "eyJj"}));
    let header = |name: &str, value: &str| (name.to_owned(), value.to_owned());
    let headers = |values: &[(&str, &str)]| mapping.new_comment_request(&comment, None, values).unwrap().0;
    assert_eq!(
        headers(&values),
        [header("Content-Type", "application/json"), header("Idempotency-Key", "k1"), header("X-Altcha", "eyJj"), header("X-Fixed", "1")]
    );
    assert_eq!(headers(&[("id", "42")]), [header("Content-Type", "application/json"), header("X-Fixed", "1")]);
    assert!(mapping.refuses_proof("wp_die") && mapping.refuses_proof("pow_expired") && !mapping.refuses_proof("comment_duplicate"));
    assert!(!parse(&[]).refuses_proof("wp_die"));
}

#[test]
fn a_form_body_sends_its_fields_percent_encoded() {
    let mapping = parse(&[(
        "/comments/post",
        json!({"url": "/c", "form": true, "challenge": {"url": "/altcha"},
            "body": {"post": "{article}", "author_name": "{name}", "content": "{body}", "author_url": "{website}", "parent": "{parent:number}", "n": 3, "nested": [1, "{name}"], "altcha": "{altcha}"}}),
    )]);
    let comment = ValidComment { name: "Zoé & co".into(), email: "z@example.org".into(), website: None, body: "a=b+c\n".into() };
    let body = mapping.encode_new_comment(&comment, Some("7"), &[("id", "42"), ("altcha", "eyJ+/=")]).unwrap();
    // In the template's order (here serde_json's, by name), the absent website left out.
    // A nested value goes as its JSON text.
    assert_eq!(body, "altcha=eyJ%2B%2F%3D&author_name=Zo%C3%A9%20%26%20co&content=a%3Db%2Bc%0A&n=3&nested=%5B1%2C%22Zo%C3%A9%20%26%20co%22%5D&parent=7&post=42");
    let headers = mapping.new_comment_request(&comment, None, &[]).unwrap().0;
    assert_eq!(headers, [("Content-Type".to_owned(), "application/x-www-form-urlencoded".to_owned())]);
}

#[test]
fn urls_join_the_base_and_translate_values() {
    let cases = [
        ("", "https://api.example/feed.json", "https://api.example/feed.json"),
        ("/posts/{id}", "https://api.example/", "https://api.example/posts/a%20b"),
        ("posts/{id}", "https://api.example/v1", "https://api.example/v1/posts/a%20b"),
        ("?id={id}", "https://api.example/one", "https://api.example/one?id=a%20b"),
        ("?id={id}", "https://api.example/one?key=k", "https://api.example/one?key=k&id=a%20b"),
        ("https://other.example/{id}", "https://api.example", "https://other.example/a%20b"),
        ("//cdn.example/{id}", "https://api.example", "//cdn.example/a%20b"),
        ("/posts/{id}", "", "/posts/a%20b"),
    ];
    for (template, base, expected) in cases {
        let mapping = parse(&[("/article/url", json!(template))]);
        assert_eq!(mapping.article_url(base, &[("id", "a b")]), expected, "{template} {base}");
    }
    let mapping = parse(&[
        ("/values", json!({"order": {"newest": "-created"}})),
        ("/comments/url", json!("/c?sort={order}&page={page}")),
        ("/comments/list", json!("/data")),
        ("/comments/paging", json!({"page_count": ["/meta/pages", {"header": "X-Pages"}]})),
    ]);
    assert_eq!(mapping.comments_url("", &[("order", "newest")], None).as_deref(), Some("/c?sort=-created&page=1"));
    assert_eq!(mapping.comments_url("", &[("order", "oldest")], Some("4")).as_deref(), Some("/c?sort=oldest&page=4"));
    let page = |body: Value, headers: &[(String, String)]| mapping.decode_comment_page(&body.to_string(), headers, Some("1")).unwrap().unwrap().value.next;
    assert_eq!(page(json!({"data": [], "meta": {"pages": 3}}), &[]), Some("2".into()));
    assert_eq!(page(json!({"data": []}), &[("x-pages".into(), "2".into())]), Some("2".into()));
    assert_eq!(page(json!({"data": [], "meta": {"pages": 1}}), &[]), None);
}

#[test]
fn the_first_template_with_every_value_is_used_and_the_article_provides_values() {
    let mapping = parse(&[
        ("/article/url", json!(["/posts?slug={slug}", "/posts/{id}"])),
        ("/article/fields/id", json!("/id")),
        ("/article/provides", json!({"id": "/id", "topics": "/topics", "missing": "/nowhere"})),
        ("/comments/url", json!(["/comments?post={id}&topics={topics}", "/comments?post={id}"])),
    ]);
    assert!(mapping.needs_article_values() && !parse(&[]).needs_article_values());
    assert_eq!(mapping.article_url("", &[("id", "a-b"), ("slug", "a-b")]), "/posts?slug=a-b");
    assert_eq!(mapping.article_url("", &[("id", "12")]), "/posts/12");
    // None complete: the last, whose unfilled placeholder shows what was missing.
    assert_eq!(mapping.comments_url("", &[], None).as_deref(), Some("/comments?post={id}"));

    let body = json!([{"id": 12, "title": "T", "date": "2024-10-11T12:05:00Z", "text": "x", "topics": [3, "b", 7]}]);
    let (article, provided) = mapping.decode_article_and_values(&body.to_string(), &[("slug", "a-b")]).unwrap().value;
    assert_eq!((article.id.as_str(), provided), ("12", vec![("id".into(), "12".into()), ("topics".into(), "3,b,7".into())]));
    assert_eq!(mapping.comments_url("", &[("id", "12"), ("topics", "3,b,7")], None).as_deref(), Some("/comments?post=12&topics=3%2Cb%2C7"));

    // A bad id is left out: the article's id is then the setting's, and it provides none.
    let wrong = json!({"id": {"n": 1}, "title": "T", "date": "2024-10-11T12:05:00Z", "text": "x"});
    let decoded = mapping.decode_article_and_values(&wrong.to_string(), &[("id", "a-b")]).unwrap();
    let (article, provided) = decoded.value;
    assert_eq!((article.id.as_str(), provided), ("a-b", vec![]));
    let problem = ShapeError { path: "/id".into(), expected: Expected::Identifier, found: Found::Object };
    assert_eq!(decoded.warnings, [Warning { problem: problem.clone(), left_out: LeftOut::Value }, Warning { problem, left_out: LeftOut::Value }]);
}
