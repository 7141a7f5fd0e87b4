//! A commenter's own comment over HTTP: the secret its post answers, its edit and its
//! deletion within the window, and the placeholders a thread keeps for deleted comments.

mod common;

use std::time::Duration;

use article_widget_core::native;
use common::{key, Site, TestServer, COMMENTS, SEEDED};
use serde_json::{json, Value};

fn start(site: &Site) -> TestServer {
    site.start(&[("--captcha", "off")])
}

/// Posts a comment (a reply to `parent`), and returns its answer.
fn post(server: &TestServer, body: &str, parent: Option<&str>) -> Value {
    let comment = json!({"name": "Zoé", "email": "zoe@example.org", "body": body, "parent": parent});
    let reply = server.post(COMMENTS, &key(), &comment.to_string());
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()
}

fn edit(server: &TestServer, id: &Value, secret: &str, body: &str) -> common::Reply {
    let request = json!({"secret": secret, "body": body}).to_string();
    server.request("PATCH", &format!("{COMMENTS}/{}", id.as_str().unwrap()), &[("content-type", "application/json")], &request)
}

fn delete(server: &TestServer, id: &Value, secret: Option<&str>) -> common::Reply {
    let headers: Vec<(&str, &str)> = secret.map(|secret| ("x-comment-secret", secret)).into_iter().collect();
    server.request("DELETE", &format!("{COMMENTS}/{}", id.as_str().unwrap()), &headers, "")
}

fn secret(posted: &Value) -> &str {
    posted["secret"].as_str().unwrap()
}

/// The page's comments, as (id, status, author).
fn listed(server: &TestServer) -> Vec<(String, String, String)> {
    let page = server.comments("limit=100");
    let comments = page["comments"].as_array().unwrap().iter();
    comments.map(|c| (c["id"].as_str().unwrap().into(), c["status"].as_str().unwrap().into(), c["author"].as_str().unwrap().into())).collect()
}

#[test]
fn a_post_answers_a_secret_which_a_retry_answers_again_and_only_its_hash_is_stored() {
    let site = Site::new();
    let server = start(&site);
    let comment = json!({"name": "Zoé", "email": "zoe@example.org", "body": "Premier jet."}).to_string();
    let idempotency_key = key();
    let first = server.post(COMMENTS, &idempotency_key, &comment);
    assert_eq!(first.status, 201);
    let posted = first.json();
    let secret = secret(&posted).to_owned();
    assert!(secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()), "32 bytes in hex: {secret}");
    let created = posted["created"].as_str().unwrap();
    let until = article_widget_core::datetime::DateTime::parse_rfc3339(posted["editable_until"].as_str().unwrap()).unwrap();
    let created = article_widget_core::datetime::DateTime::parse_rfc3339(created).unwrap();
    assert_eq!(until.unix_seconds() - created.unix_seconds(), 15 * 60, "15 minutes by default");
    assert_eq!(posted["edited"], Value::Null);

    let replay = server.post(COMMENTS, &idempotency_key, &comment);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json()["secret"], secret, "a lost answer loses nothing");
    assert_ne!(secret, self::secret(&post(&server, "Un autre.", None)));

    server.stop();
    let id: i64 = posted["id"].as_str().unwrap().parse().unwrap();
    let row = site.sql().row("SELECT secret_hash FROM comments WHERE id = $1", &[id.into()]);
    let stored = row[0].text();
    assert_eq!(stored, article_widget_server::author_secret::hash(&secret));
    assert!(!stored.contains(&secret));
}

#[test]
fn an_author_edits_their_comment_with_its_secret_and_nobody_else_can() {
    let site = Site::new();
    let server = start(&site);
    let mine = post(&server, "Premier jet.", None);
    let theirs = post(&server, "Un autre avis.", None);
    server.clock.advance(Duration::from_secs(60));

    let reply = edit(&server, &mine["id"], secret(&mine), "  Version corrigée.\nDeux lignes.  ");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let edited = native::decode_comment(&reply.body).unwrap().value;
    assert_eq!(edited.body, "Version corrigée.\nDeux lignes.");
    assert_eq!(edited.edited.unwrap().unix_seconds() - edited.created.unix_seconds(), 60);
    let page = server.comments("limit=100");
    let shown = page["comments"].as_array().unwrap().iter().find(|c| c["id"] == mine["id"]).unwrap().clone();
    assert_eq!((shown["body"].as_str(), shown["edited"].is_string()), (Some("Version corrigée.\nDeux lignes."), true));

    // Another comment's secret, none, or a made-up one.
    edit(&server, &mine["id"], secret(&theirs), "Piraté.").error(403, "secret_mismatch");
    edit(&server, &mine["id"], &"0".repeat(64), "Piraté.").error(403, "secret_mismatch");
    delete(&server, &mine["id"], Some(secret(&theirs))).error(403, "secret_mismatch");
    delete(&server, &mine["id"], None).error(403, "secret_mismatch");
    // The seed's comments have no secret at all.
    edit(&server, &json!("1"), secret(&mine), "Piraté.").error(403, "secret_mismatch");
    // The body is checked as a post's.
    let error = edit(&server, &mine["id"], secret(&mine), " \u{200b} ").error(400, "invalid_field");
    assert_eq!(error["field"], "body");
    edit(&server, &mine["id"], secret(&mine), &"x".repeat(10_001)).error(400, "invalid_field");
    edit(&server, &json!("999999"), secret(&mine), "Ailleurs.").error(404, "not_found");
    let elsewhere = format!("/api/articles/inconnu/comments/{}", mine["id"].as_str().unwrap());
    let request = json!({"secret": secret(&mine), "body": "Ailleurs."}).to_string();
    server.request("PATCH", &elsewhere, &[("content-type", "application/json")], &request).error(404, "not_found");
    let bare = server.request("PATCH", &format!("{COMMENTS}/{}", mine["id"].as_str().unwrap()), &[("content-type", "application/json")], "{}");
    bare.error(400, "invalid_json");
}

#[test]
fn the_window_closes_after_fifteen_minutes_or_its_setting() {
    let site = Site::new();
    let server = start(&site);
    let posted = post(&server, "Premier jet.", None);
    server.clock.advance(Duration::from_secs(15 * 60 - 1));
    assert_eq!(edit(&server, &posted["id"], secret(&posted), "Juste à temps.").status, 200);
    server.clock.advance(Duration::from_secs(1));
    edit(&server, &posted["id"], secret(&posted), "Trop tard.").error(409, "edit_window_closed");
    delete(&server, &posted["id"], Some(secret(&posted))).error(409, "edit_window_closed");
    server.stop();

    let server = site.start(&[("--captcha", "off"), ("--edit-window-minutes", "2")]);
    let posted = post(&server, "Premier jet.", None);
    assert_eq!(posted["editable_until"].as_str().map(str::len), Some(20));
    server.clock.advance(Duration::from_secs(120));
    delete(&server, &posted["id"], Some(secret(&posted))).error(409, "edit_window_closed");
}

#[test]
fn a_reply_closes_the_edit_and_a_deleted_comment_with_replies_stays_as_a_placeholder() {
    let site = Site::new();
    let server = start(&site);
    let answered = post(&server, "Une question ?", None);
    let reply = post(&server, "Une réponse.", answered["id"].as_str());
    let alone = post(&server, "Sans réponse.", None);
    let total = SEEDED + 3;
    assert_eq!(server.total(), total);

    edit(&server, &answered["id"], secret(&answered), "Une autre question ?").error(409, "has_replies");
    assert_eq!(delete(&server, &answered["id"], Some(secret(&answered))).status, 204);
    assert_eq!(delete(&server, &alone["id"], Some(secret(&alone))).status, 204);
    delete(&server, &alone["id"], Some(secret(&alone))).error(404, "not_found");
    edit(&server, &alone["id"], secret(&alone), "Revenu.").error(404, "not_found");

    let listed = listed(&server);
    let id = |posted: &Value| posted["id"].as_str().unwrap().to_owned();
    assert!(listed.contains(&(id(&answered), "deleted".into(), String::new())), "kept for its reply: {listed:?}");
    assert!(listed.contains(&(id(&reply), "published".into(), "Zoé".into())));
    assert!(listed.iter().all(|(listed, ..)| *listed != id(&alone)), "nothing to keep it for");
    let page = server.comments("limit=100");
    let placeholder = page["comments"].as_array().unwrap().iter().find(|c| c["id"] == answered["id"]).unwrap();
    assert_eq!((&placeholder["body"], &placeholder["website"]), (&json!(""), &Value::Null));
    assert_eq!(page["total"], total - 2, "placeholders are not counted");
    let published = listed.iter().filter(|(_, status, _)| status == "published").count() as u64;
    assert_eq!(page["total"], published);
    // The reply, deleted in turn, takes the placeholder with it.
    assert_eq!(delete(&server, &reply["id"], Some(secret(&reply))).status, 204);
    assert!(listed_ids(&server).iter().all(|listed| *listed != id(&answered) && *listed != id(&reply)));
}

fn listed_ids(server: &TestServer) -> Vec<String> {
    listed(server).into_iter().map(|(id, ..)| id).collect()
}

/// Placeholders below placeholders: the thread walks through them to their published
/// replies, on its page and in the replies endpoint, and counts only the published ones.
#[test]
fn a_thread_walks_through_placeholders_to_their_replies() {
    let site = Site::new();
    let server = start(&site);
    let root = post(&server, "Racine.", None);
    let middle = post(&server, "Milieu.", root["id"].as_str());
    let leaf = post(&server, "Feuille.", middle["id"].as_str());
    for deleted in [&root, &middle] {
        assert_eq!(delete(&server, &deleted["id"], Some(secret(deleted))).status, 204);
    }
    let ids = listed_ids(&server);
    for kept in [&root, &middle, &leaf] {
        assert!(ids.contains(&kept["id"].as_str().unwrap().to_owned()), "{ids:?}");
    }
    assert_eq!(server.total(), SEEDED + 1);
    let replies = server.get(&format!("{COMMENTS}/{}/replies", root["id"].as_str().unwrap()));
    native::decode_comment_page(&replies.body).unwrap();
    let replies = replies.json();
    let statuses: Vec<&str> = replies["comments"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!((statuses, &replies["total"]), (vec!["deleted", "published"], &json!(1)));
}

#[test]
fn edits_and_deletions_count_against_the_clients_posts() {
    let site = Site::new();
    let server = site.start(&[("--captcha", "off"), ("--posts-per-minute", "2")]);
    let posted = post(&server, "Premier jet.", None);
    assert_eq!(edit(&server, &posted["id"], secret(&posted), "Deuxième.").status, 200);
    edit(&server, &posted["id"], secret(&posted), "Troisième.").error(429, "rate_limited");
    delete(&server, &posted["id"], Some(secret(&posted))).error(429, "rate_limited");
}

/// The article's fragments, kept a while, are forgotten after an edit or a deletion, as
/// after a post: the next one shows the change.
#[test]
fn an_edit_and_a_deletion_drop_the_articles_fragments() {
    let site = Site::new();
    let server = start(&site);
    let fragment = || {
        let reply = server.get("/fragment?article=nouvel-ordre-mondial&comments=eager");
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body
    };
    let posted = post(&server, "Premier jet.", None);
    assert!(fragment().contains("Premier jet."));
    assert_eq!(edit(&server, &posted["id"], secret(&posted), "Version corrigée.").status, 200);
    let edited = fragment();
    assert!(edited.contains("Version corrigée.") && !edited.contains("Premier jet."));
    assert_eq!(delete(&server, &posted["id"], Some(secret(&posted))).status, 204);
    assert!(!fragment().contains("Version corrigée."));
}
