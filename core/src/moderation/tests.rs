//! The moderation API's shapes, decoded from the contract's own examples, every required
//! field's absence and every bad value named by its JSON Pointer, and the bodies the app sends.

use serde_json::{json, Value as Json};

use super::*;
use crate::error::Found;

/// The contract's `AdminComment` example.
fn comment_json() -> Json {
    json!({"id": "12", "article": "nouvel-ordre-mondial", "parent": "3", "author": "Camille", "email": "camille@example.fr",
        "website": "https://camille.example", "body": "Voir https://a.example et https://b.example", "created": "2026-12-07T14:00:00Z",
        "edited": null, "status": "pending", "client_prefix": "2001:db8:1:2::/64", "replies": 0, "links": 3})
}

fn list_json(comment: Json) -> Json {
    json!({"counts": {"pending": 1, "published": 40, "rejected": 2, "spam": 7, "deleted": 0}, "comments": [comment], "next": "c2"})
}

fn ban_json() -> Json {
    json!({"id": "4", "kind": "email", "label": "c…@example.fr", "until": null, "reason": "insultes", "created": "2026-12-07T14:00:00Z", "by": "alice"})
}

fn entry_json() -> Json {
    json!({"id": "9", "at": "2026-12-07T14:00:00Z", "moderator": "alice", "action": "approve", "comment": "12", "detail": ""})
}

fn settings_json() -> Json {
    json!({"hold": "rules", "max_links": 2, "first_time_authors": false, "words": []})
}

/// The JSON Pointer and what was found, of a decoder's refusal.
fn refusal<T: std::fmt::Debug>(result: std::result::Result<T, Problem>) -> (String, Found) {
    match result {
        Err(Problem::Shape(ShapeError { path, found, .. })) => (path, found),
        other => panic!("expected a shape error, got {other:?}"),
    }
}

fn at(year: i32, month: u8, day: u8, hour: u8) -> DateTime {
    DateTime::parse_rfc3339(&format!("{year}-{month:02}-{day:02}T{hour:02}:00:00Z")).unwrap()
}

#[test]
fn the_queue_is_read_as_the_contract_writes_it() {
    let list = decode_comment_list(&list_json(comment_json()).to_string()).unwrap();
    assert_eq!(list.counts, Counts::new(1, 40, 2, 7, 0));
    assert_eq!(list.counts.total(), 50);
    assert_eq!(list.next.as_deref(), Some("c2"));
    assert_eq!(
        list.comments,
        [AdminComment {
            id: "12".into(),
            article: "nouvel-ordre-mondial".into(),
            parent: Some("3".into()),
            author: "Camille".into(),
            email: "camille@example.fr".into(),
            website: Some("https://camille.example".into()),
            body: "Voir https://a.example et https://b.example".into(),
            created: at(2026, 12, 7, 14),
            edited: None,
            status: Status::Pending,
            client_prefix: Some("2001:db8:1:2::/64".into()),
            replies: 0,
            links: 3,
        }]
    );
    let last_page = json!({"counts": {"pending": 0, "published": 0, "rejected": 0, "spam": 0, "deleted": 0}, "comments": [], "next": null});
    assert_eq!(decode_comment_list(&last_page.to_string()).unwrap().next, None);
}

#[test]
fn every_required_field_of_a_comment_is_named_when_missing() {
    let required = ["id", "article", "author", "email", "body", "created", "status", "replies", "links"];
    for field in required {
        let mut comment = comment_json();
        comment.as_object_mut().unwrap().remove(field);
        let (path, found) = refusal(decode_comment_list(&list_json(comment).to_string()));
        assert_eq!((path.as_str(), found), (format!("/comments/0/{field}").as_str(), Found::Missing), "{field}");
    }
    // The optional ones may be absent or null.
    for field in ["parent", "website", "edited", "client_prefix"] {
        let mut comment = comment_json();
        comment.as_object_mut().unwrap().remove(field);
        assert!(decode_comment(&comment.to_string()).is_ok(), "{field}");
    }
}

#[test]
fn a_bad_value_is_named_with_its_place_and_what_was_found() {
    let cases = [
        ("status", json!("archived"), Found::Value("\"archived\"".into())),
        ("created", json!("yesterday"), Found::Value("\"yesterday\"".into())),
        ("edited", json!(12), Found::Number),
        ("links", json!(-1), Found::Number),
        ("replies", json!("2"), Found::Text),
        ("id", json!(" "), Found::Value("\"\"".into())),
        ("website", json!(true), Found::Boolean),
    ];
    for (field, value, expected) in cases {
        let mut comment = comment_json();
        comment[field] = value;
        let (path, found) = refusal(decode_comment(&comment.to_string()));
        assert_eq!((path, found), (format!("/{field}"), expected), "{field}");
    }
    for status in Status::ALL {
        let mut comment = comment_json();
        comment["status"] = json!(status.code());
        assert_eq!(decode_comment(&comment.to_string()).unwrap().status, status);
    }
}

#[test]
fn every_count_is_needed() {
    for status in Status::ALL {
        let mut list = list_json(comment_json());
        list["counts"].as_object_mut().unwrap().remove(status.code());
        assert_eq!(refusal(decode_comment_list(&list.to_string())), (format!("/counts/{}", status.code()), Found::Missing));
    }
    let no_comments = json!({"counts": {"pending": 0, "published": 0, "rejected": 0, "spam": 0, "deleted": 0}});
    assert_eq!(refusal(decode_comment_list(&no_comments.to_string())), ("/comments".into(), Found::Missing));
    assert!(matches!(decode_comment_list("<!doctype html>"), Err(Problem::Syntax { .. })));
}

#[test]
fn a_session_has_its_name_and_token() {
    let session = decode_session(r#"{"name": "alice", "csrf": "t0k"}"#).unwrap();
    assert_eq!(session, Session { name: "alice".into(), csrf: "t0k".into() });
    assert_eq!(refusal(decode_session(r#"{"name": "alice"}"#)), ("/csrf".into(), Found::Missing));
    assert_eq!(refusal(decode_session(r#"{"csrf": "t"}"#)), ("/name".into(), Found::Missing));
}

#[test]
fn bans_are_read_and_each_field_named() {
    let bans = decode_bans(&json!({"bans": [ban_json(), {"id": "5", "kind": "prefix", "label": "2001:db8:1:2::/64",
        "until": "2027-01-01T00:00:00Z", "reason": "", "created": "2026-12-07T14:00:00Z", "by": "bob"}]}).to_string())
    .unwrap();
    assert_eq!(bans[0], Ban {
        id: "4".into(),
        kind: BanKind::Email,
        label: "c…@example.fr".into(),
        until: None,
        reason: "insultes".into(),
        created: at(2026, 12, 7, 14),
        by: "alice".into(),
    });
    assert_eq!((bans[1].kind, bans[1].until), (BanKind::Prefix, Some(at(2027, 1, 1, 0))));
    for field in ["id", "kind", "label", "created", "by"] {
        let mut ban = ban_json();
        ban.as_object_mut().unwrap().remove(field);
        assert_eq!(refusal(decode_ban(&ban.to_string())), (format!("/{field}"), Found::Missing), "{field}");
    }
    let mut ban = ban_json();
    ban["kind"] = json!("ip");
    assert_eq!(refusal(decode_bans(&json!({"bans": [ban]}).to_string())), ("/bans/0/kind".into(), Found::Value("\"ip\"".into())));
}

#[test]
fn the_audit_log_is_read_and_each_field_named() {
    let page = decode_audit(&json!({"entries": [entry_json()], "next": null}).to_string()).unwrap();
    assert_eq!(page.entries[0], AuditEntry {
        id: "9".into(),
        at: at(2026, 12, 7, 14),
        moderator: "alice".into(),
        action: AuditAction::Approve,
        comment: Some("12".into()),
        detail: String::new(),
    });
    for action in AuditAction::ALL {
        let mut entry = entry_json();
        entry["action"] = json!(action.code());
        assert_eq!(decode_audit(&json!({"entries": [entry]}).to_string()).unwrap().entries[0].action, action);
    }
    for field in ["id", "at", "moderator", "action"] {
        let mut entry = entry_json();
        entry.as_object_mut().unwrap().remove(field);
        let page = json!({"entries": [entry], "next": null});
        assert_eq!(refusal(decode_audit(&page.to_string())), (format!("/entries/0/{field}"), Found::Missing), "{field}");
    }
}

#[test]
fn settings_are_read_and_each_field_named() {
    let default = Settings { hold: Hold::Rules, max_links: Some(2), first_time_authors: false, words: vec![] };
    assert_eq!(decode_settings(&settings_json().to_string()).unwrap(), default);
    let strict = json!({"hold": "all", "max_links": null, "first_time_authors": true, "words": ["casino", "viagra"]});
    let strict = decode_settings(&strict.to_string()).unwrap();
    assert_eq!(strict, Settings { hold: Hold::All, max_links: None, first_time_authors: true, words: vec!["casino".into(), "viagra".into()] });
    let cases = [
        ("hold", json!("some"), Found::Value("\"some\"".into())),
        ("max_links", json!(-2), Found::Number),
        ("first_time_authors", json!("yes"), Found::Text),
        ("words", json!("casino"), Found::Text),
    ];
    for (field, value, expected) in cases {
        let mut settings = settings_json();
        settings[field] = value;
        assert_eq!(refusal(decode_settings(&settings.to_string())), (format!("/{field}"), expected), "{field}");
    }
    let mut settings = settings_json();
    settings["words"] = json!(["casino", 3]);
    assert_eq!(refusal(decode_settings(&settings.to_string())).0, "/words/1");
}

#[test]
fn settings_written_read_back_the_same() {
    let settings = Settings { hold: Hold::None, max_links: None, first_time_authors: true, words: vec!["a\"b".into()] };
    let written: Json = serde_json::from_str(&encode_settings(&settings)).unwrap();
    assert_eq!(written, json!({"hold": "none", "max_links": null, "first_time_authors": true, "words": ["a\"b"]}));
    assert_eq!(decode_settings(&encode_settings(&settings)).unwrap(), settings);
}

#[test]
fn request_bodies_are_the_contracts() {
    let body = |text: String| serde_json::from_str::<Json>(&text).unwrap();
    assert_eq!(body(encode_sign_in("alice", "p\"ss")), json!({"name": "alice", "password": "p\"ss"}));
    assert_eq!(body(encode_status(Status::Published)), json!({"status": "published"}));
    assert_eq!(body(encode_edit("Camille", " ", "Texte")), json!({"author": "Camille", "website": null, "body": "Texte"}));
    assert_eq!(body(encode_edit("Camille", "https://c.example", "T")), json!({"author": "Camille", "website": "https://c.example", "body": "T"}));
    let ban = |target, until: Option<&str>| encode_ban(&NewBan { target, until: until.map(str::to_owned), reason: " spam ".into() });
    assert_eq!(
        body(ban(BanTarget::Comment { kind: BanKind::Prefix, id: "12".into() }, None)),
        json!({"kind": "prefix", "comment": "12", "until": null, "reason": "spam"})
    );
    assert_eq!(
        body(ban(BanTarget::Email(" x@y.z ".into()), Some("2027-01-01T00:00:00Z"))),
        json!({"kind": "email", "email": "x@y.z", "until": "2027-01-01T00:00:00Z", "reason": "spam"})
    );
    assert_eq!(body(ban(BanTarget::Prefix("2001:db8::/48".into()), None))["prefix"], json!("2001:db8::/48"));
}

#[test]
fn the_queue_url_carries_only_the_searches_given() {
    assert_eq!(CommentQuery::default().url(API_ROOT), "/api/admin/comments?status=pending");
    let query = CommentQuery {
        status: StatusFilter::All,
        text: " été & co ".into(),
        author: String::new(),
        article: "nouvel-ordre-mondial".into(),
        before: Some("c/2".into()),
    };
    assert_eq!(query.url(API_ROOT), "/api/admin/comments?status=all&q=%C3%A9t%C3%A9%20%26%20co&article=nouvel-ordre-mondial&before=c%2F2");
    assert_eq!(item_url(API_ROOT, "comments", "1/../x"), "/api/admin/comments/1%2F..%2Fx");
    assert_eq!(audit_url(API_ROOT, None), "/api/admin/audit");
    assert_eq!(audit_url(API_ROOT, Some("9")), "/api/admin/audit?before=9");
}

#[test]
fn counts_follow_a_comment_that_moves() {
    let mut counts = Counts::new(1, 0, 0, 0, 0);
    counts.moved(Status::Pending, Status::Published);
    assert_eq!(counts, Counts::new(0, 1, 0, 0, 0));
    counts.moved(Status::Pending, Status::Spam);
    assert_eq!(counts, Counts::new(0, 1, 0, 1, 0), "never below zero");
    assert!(StatusFilter::All.admits(Status::Spam) && !StatusFilter::default().admits(Status::Spam));
}
