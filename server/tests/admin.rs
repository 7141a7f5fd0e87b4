//! The admin API over HTTP (`/api/admin/`): sessions and their CSRF tokens, the sign-in's
//! limits, comments moderated (and what readers then see), bans, search, the audit log and
//! the held-comment rules.

use std::time::Duration;

use serde_json::{json, Value};

mod common;

use common::admin::*;
use common::*;

const FAST: (&str, &str) = ("--captcha-min-seconds", "0");
const FRAGMENT: &str = "/fragment?article=nouvel-ordre-mondial&comments=eager";

/// Every route but signing in, and whether it changes something.
const ROUTES: [(&str, &str, bool); 12] = [
    ("GET", "/api/admin/session", false),
    ("DELETE", "/api/admin/session", true),
    ("GET", "/api/admin/comments", false),
    ("POST", "/api/admin/comments/3/status", true),
    ("PATCH", "/api/admin/comments/3", true),
    ("DELETE", "/api/admin/comments/3", true),
    ("GET", "/api/admin/bans", false),
    ("POST", "/api/admin/bans", true),
    ("DELETE", "/api/admin/bans/1", true),
    ("GET", "/api/admin/audit", false),
    ("GET", "/api/admin/settings", false),
    ("PUT", "/api/admin/settings", true),
];

/// A valid body for each route that takes one, so that only the session or the token is
/// missing.
fn body_of(method: &str, path: &str) -> Value {
    match (method, path) {
        ("POST", "/api/admin/comments/3/status") => json!({ "status": "spam" }),
        ("PATCH", _) => json!({ "body": "Changé." }),
        ("POST", "/api/admin/bans") => json!({ "kind": "prefix", "prefix": "192.0.2.0/24" }),
        ("PUT", _) => json!({ "hold": "all", "max_links": null, "first_time_authors": false, "words": [] }),
        _ => Value::Null,
    }
}

/// Posts a comment by `email` with its captcha answered; the reply.
fn post_as(server: &TestServer, name: &str, email: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
    let request = json!({ "name": name, "email": email, "body": body, "captcha": answered(server.fresh_challenge()) });
    let key = key();
    let headers = [&[("content-type", "application/json"), ("idempotency-key", key.as_str())], headers].concat();
    server.request("POST", COMMENTS, &headers, &request.to_string())
}

fn posted(reply: &Reply, status: &str) -> String {
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.json()["status"], status, "{}", reply.body);
    reply.json()["id"].as_str().unwrap().to_owned()
}

fn public_ids(server: &TestServer) -> Vec<String> {
    let page = server.comments("limit=100");
    page["comments"].as_array().unwrap().iter().map(|comment| comment["id"].as_str().unwrap().to_owned()).collect()
}

const THREE_LINKS: &str = "Voir https://a.example, https://b.example et https://c.example.";

#[test]
fn every_route_but_signing_in_needs_a_session() {
    let site = site_with_moderator();
    let server = site.start(&[]);
    let signed_out = Moderator { cookie: String::new(), csrf: String::new() };
    let forged = Moderator { cookie: "aw_moderator=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(), csrf: "x".into() };
    for (method, path, _) in ROUTES {
        for who in [&signed_out, &forged] {
            who.send(&server, method, path, &body_of(method, path)).error(401, "signed_out");
        }
    }
    // A session ended by signing out, or after 12 hours unused, is no session.
    let ended = signed_in(&server, "anne");
    assert_eq!(ended.send(&server, "DELETE", "/api/admin/session", &Value::Null).status, 204);
    let idle = signed_in(&server, "anne");
    server.clock.advance(Duration::from_secs(12 * 3600));
    for (method, path, _) in ROUTES {
        for who in [&ended, &idle] {
            who.send(&server, method, path, &body_of(method, path)).error(401, "signed_out");
        }
    }
    // Nothing changed: the comment is published, no ban, the rules as they were.
    let anne = signed_in(&server, "anne");
    assert_eq!(anne.get(&server, "/api/admin/comments?status=published")["counts"]["spam"], 0);
    assert_eq!(anne.get(&server, "/api/admin/bans")["bans"], json!([]));
    assert_eq!(anne.get(&server, "/api/admin/settings")["hold"], "rules");
    assert_eq!(server.total(), SEEDED);
}

#[test]
fn every_change_needs_the_session_s_csrf_token() {
    let site = site_with_moderator();
    let server = site.start(&[]);
    let anne = signed_in(&server, "anne");
    let other = signed_in(&server, "anne");
    assert_ne!(anne.csrf, other.csrf, "a token per session");
    for (method, path, _) in ROUTES.into_iter().filter(|(_, _, changes)| *changes) {
        let body = body_of(method, path).to_string();
        let cookie = ("cookie", anne.cookie.as_str());
        let json = ("content-type", "application/json");
        server.request(method, path, &[cookie, json], &body).error(403, "csrf");
        for wrong in ["", "wrong", &other.csrf, &anne.csrf[..anne.csrf.len() - 1]] {
            server.request(method, path, &[cookie, json, ("x-csrf-token", wrong)], &body).error(403, "csrf");
        }
    }
    // Nothing changed, and the session is still open.
    assert_eq!(anne.get(&server, "/api/admin/comments?status=spam")["counts"]["spam"], 0);
    assert_eq!(anne.get(&server, "/api/admin/bans")["bans"], json!([]));
    assert_eq!(anne.get(&server, "/api/admin/settings")["hold"], "rules");
    let actions: Vec<Value> =
        anne.get(&server, "/api/admin/audit")["entries"].as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
    assert_eq!(actions, ["sign_in", "sign_in"]);
}

#[test]
fn signing_in_sets_a_strict_http_only_cookie_and_answers_the_csrf_token() {
    let site = site_with_moderator();
    let server = site.start(&[]);
    let reply = sign_in(&server, "anne", PASSWORD, &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["name"], "anne");
    let cookie = reply.header("set-cookie").unwrap();
    let (pair, attributes) = cookie.split_once("; ").unwrap();
    assert_eq!(pair.strip_prefix("aw_moderator=").unwrap().len(), 43, "32 bytes, base64url");
    assert_eq!(attributes, "HttpOnly; SameSite=Strict; Path=/api/admin", "not Secure over plain HTTP");
    let anne = Moderator { cookie: pair.to_owned(), csrf: reply.json()["csrf"].as_str().unwrap().to_owned() };
    assert_eq!(anne.get(&server, "/api/admin/session"), json!({ "name": "anne", "csrf": anne.csrf }));
    let out = anne.send(&server, "DELETE", "/api/admin/session", &Value::Null);
    assert_eq!(out.status, 204);
    assert_eq!(out.header("set-cookie"), Some("aw_moderator=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/api/admin"));

    // Wrong password and unknown name: the same answer.
    let wrong = sign_in(&server, "anne", "not the password", &[]);
    let unknown = sign_in(&server, "nobody", PASSWORD, &[]);
    wrong.error(401, "bad_credentials");
    unknown.error(401, "bad_credentials");
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.header("set-cookie").is_none() && unknown.header("set-cookie").is_none());
}

#[test]
fn failed_sign_ins_are_limited_per_prefix_and_per_name() {
    let site = site_with_moderator();
    add_moderator(&site, "bob");
    let server = site.start(&[("--trusted-proxies", "127.0.0.1")]);
    let from = |address: &'static str| [("x-forwarded-for", address)];
    // Five failures from one /64, for several names; the sixth attempt is refused, right or not.
    for (n, name) in ["anne", "bob", "carol", "anne", "bob"].iter().enumerate() {
        let address = ["2001:db8:1:2::1", "2001:db8:1:2::2"][n % 2];
        sign_in(&server, name, "wrong", &from(address)).error(401, "bad_credentials");
    }
    let limited = sign_in(&server, "anne", PASSWORD, &from("2001:db8:1:2::3"));
    limited.error(429, "rate_limited");
    // Fifteen minutes after the first failure, a few seconds ago at most.
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((890..=900).contains(&retry_after), "{retry_after}");
    // Another /64 may sign in; but five failures for one name, from five networks, close it.
    assert_eq!(sign_in(&server, "anne", PASSWORD, &from("2001:db8:9::1")).status, 200);
    for n in 1..=3 {
        sign_in(&server, "bob", "wrong", &from(["198.51.100.1", "198.51.100.2", "198.51.100.3"][n - 1])).error(401, "bad_credentials");
    }
    sign_in(&server, "bob", PASSWORD, &from("203.0.113.1")).error(429, "rate_limited");
    // Fifteen minutes later, both may again.
    server.clock.advance(Duration::from_secs(15 * 60));
    assert_eq!(sign_in(&server, "anne", PASSWORD, &from("2001:db8:1:2::3")).status, 200);
    assert_eq!(sign_in(&server, "bob", PASSWORD, &from("203.0.113.1")).status, 200);
}

#[test]
fn the_cookie_is_secure_over_https_behind_a_trusted_proxy_or_when_configured() {
    let site = site_with_moderator();
    let https = [("x-forwarded-proto", "https")];
    let secure = |reply: Reply| reply.header("set-cookie").unwrap().ends_with("; Secure");
    let server = site.start(&[("--trusted-proxies", "127.0.0.1")]);
    assert!(secure(sign_in(&server, "anne", PASSWORD, &https)));
    assert!(!secure(sign_in(&server, "anne", PASSWORD, &[("x-forwarded-proto", "http")])));
    server.stop();
    // From a peer that is no trusted proxy, the header is the client's word.
    let server = site.start(&[]);
    assert!(!secure(sign_in(&server, "anne", PASSWORD, &https)));
    server.stop();
    let server = site.start(&[("--secure-cookies", "on")]);
    assert!(secure(sign_in(&server, "anne", PASSWORD, &[])));
}

#[test]
fn an_approved_comment_shows_in_the_thread_and_the_next_fragment() {
    let site = site_with_moderator();
    let server = site.start(&[FAST]);
    let anne = signed_in(&server, "anne");
    let held = posted(&post_as(&server, "Inès", "ines@example.org", THREE_LINKS, &[]), "pending");
    assert!(!public_ids(&server).contains(&held));
    let fragment = server.get(FRAGMENT).body;
    assert!(!fragment.contains("https://c.example"), "not shown before");

    let queue = anne.get(&server, "/api/admin/comments");
    assert_eq!(queue["counts"], json!({ "pending": 1, "published": 4, "rejected": 0, "spam": 0, "deleted": 0 }));
    let comment = &queue["comments"][0];
    assert_eq!((comment["id"].as_str(), comment["status"].as_str()), (Some(held.as_str()), Some("pending")));
    assert_eq!((comment["email"].as_str(), comment["links"].as_u64()), (Some("ines@example.org"), Some(3)));
    assert_eq!(comment["client_prefix"], "127.0.0.1/32", "the key the post limiter used");
    assert_eq!((comment["edited"].clone(), comment["replies"].clone()), (Value::Null, json!(0)));

    let approved = anne.status(&server, &held, "published");
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.json()["status"], "published");
    assert!(public_ids(&server).contains(&held));
    assert!(server.get(FRAGMENT).body.contains("https://c.example"), "the article's fragment was forgotten");
    anne.status(&server, "999", "published").error(404, "not_found");
    anne.status(&server, &held, "deleted").error(400, "invalid_field");
}

#[test]
fn rejected_and_spam_comments_leave_the_thread() {
    let site = site_with_moderator();
    let server = site.start(&[FAST]);
    let anne = signed_in(&server, "anne");
    let held = posted(&post_as(&server, "Robot", "robot@example.org", THREE_LINKS, &[]), "pending");
    assert_eq!(anne.status(&server, &held, "spam").json()["status"], "spam");
    // A published comment rejected: gone from the thread, and from the fragment kept before.
    assert!(server.get(FRAGMENT).body.contains("neutralité depuis 1995"));
    assert_eq!(anne.status(&server, "4", "rejected").json()["status"], "rejected");
    assert!(!server.get(FRAGMENT).body.contains("neutralité depuis 1995"));
    let ids = public_ids(&server);
    assert!(!ids.contains(&held) && !ids.contains(&"4".to_owned()));
    assert_eq!(server.total(), SEEDED - 1);
    let all = anne.get(&server, "/api/admin/comments?status=all");
    assert_eq!(all["counts"], json!({ "pending": 0, "published": 3, "rejected": 1, "spam": 1, "deleted": 0 }));
    assert_eq!(anne.get(&server, "/api/admin/comments?status=spam")["comments"][0]["id"], held.as_str());
}

#[test]
fn an_edit_is_validated_as_a_post_and_marks_the_comment_edited() {
    let site = site_with_moderator();
    let server = site.start(&[]);
    let anne = signed_in(&server, "anne");
    assert!(server.get(FRAGMENT).body.contains("Thomas Girard"));
    let edit = json!({ "author": "T. Girard", "body": "Texte corrigé par la modération.", "website": null });
    let reply = anne.send(&server, "PATCH", "/api/admin/comments/2", &edit);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let edited = reply.json();
    assert_eq!((edited["author"].as_str(), edited["website"].clone()), (Some("T. Girard"), Value::Null));
    assert_eq!(edited["body"], "Texte corrigé par la modération.");
    assert!(edited["edited"].as_str().is_some_and(|at| at.ends_with('Z')), "{edited}");
    assert_eq!(edited["email"], "thomas.girard@example.fr", "kept");
    let public = server.comments("limit=100");
    let shown = public["comments"].as_array().unwrap().iter().find(|c| c["id"] == "2").unwrap().clone();
    assert_eq!((shown["author"].as_str(), shown["body"].as_str()), (Some("T. Girard"), Some("Texte corrigé par la modération.")));
    assert!(server.get(FRAGMENT).body.contains("T. Girard"), "the article's fragment was forgotten");
    // Only what is named changes.
    let body_only = anne.send(&server, "PATCH", "/api/admin/comments/3", &json!({ "body": "Autre." })).json();
    assert_eq!((body_only["author"].as_str(), body_only["body"].as_str()), (Some("Nadia Benali"), Some("Autre.")));
    for (bad, field) in [(json!({ "author": " " }), "name"), (json!({ "website": "javascript:alert(1)" }), "website"), (json!({ "body": "\u{7}" }), "body")] {
        let error = anne.send(&server, "PATCH", "/api/admin/comments/3", &bad).error(400, "invalid_field");
        assert_eq!(error["field"], field, "{bad}");
    }
    anne.send(&server, "PATCH", "/api/admin/comments/3", &json!({ "status": "published" })).error(400, "invalid_json");
    anne.send(&server, "PATCH", "/api/admin/comments/999", &json!({ "body": "x" })).error(404, "not_found");
}

#[test]
fn a_deleted_comment_with_replies_keeps_its_place() {
    let site = site_with_moderator();
    let server = site.start(&[]);
    let anne = signed_in(&server, "anne");
    assert_eq!(anne.send(&server, "DELETE", "/api/admin/comments/1", &Value::Null).status, 204);
    let deleted = anne.get(&server, "/api/admin/comments?status=deleted");
    assert_eq!(deleted["counts"]["deleted"], 1);
    let placeholder = &deleted["comments"][0];
    assert_eq!((placeholder["id"].as_str(), placeholder["status"].as_str()), (Some("1"), Some("deleted")));
    assert_eq!((placeholder["replies"].as_u64(), placeholder["body"].as_str()), (Some(1), Some("")), "erased, its reply kept");
    let reply = &anne.get(&server, "/api/admin/comments?status=published")["comments"];
    assert!(reply.as_array().unwrap().iter().any(|c| c["id"] == "2" && c["parent"] == "1"));
    anne.send(&server, "DELETE", "/api/admin/comments/1", &Value::Null).error(409, "comment_deleted");
    anne.send(&server, "PATCH", "/api/admin/comments/1", &json!({ "body": "x" })).error(409, "comment_deleted");
    anne.status(&server, "1", "published").error(409, "comment_deleted");
    anne.send(&server, "DELETE", "/api/admin/comments/999", &Value::Null).error(404, "not_found");
}

#[test]
fn a_banned_e_mail_is_refused_after_its_stored_posts_retry_and_before_its_challenges_are_used() {
    let site = site_with_moderator();
    let server = site.start(&[FAST]);
    let anne = signed_in(&server, "anne");
    // A post stored before the ban, whose answer was lost: its retry still gets it.
    let request = json!({ "name": "Eve", "email": "eve@example.org", "body": "Avant.", "captcha": answered(server.fresh_challenge()) });
    let stored_key = key();
    assert_eq!(server.post(COMMENTS, &stored_key, &request.to_string()).status, 201);
    let ban = anne.send(&server, "POST", "/api/admin/bans", &json!({ "kind": "email", "email": " Eve@Example.ORG ", "reason": "spam" }));
    assert_eq!(ban.status, 201, "{}", ban.body);
    let ban = ban.json();
    assert_eq!((ban["kind"].as_str(), ban["label"].as_str(), ban["by"].as_str()), (Some("email"), Some("e…@example.org"), Some("anne")));
    assert_eq!((ban["until"].clone(), ban["reason"].as_str()), (Value::Null, Some("spam")));
    assert_eq!(server.post(COMMENTS, &stored_key, &request.to_string()).status, 200, "the retry of a stored post");
    // A new post, in any case of the address: refused, its challenge left unused.
    let challenge = answered(server.fresh_challenge());
    let new = json!({ "name": "Eve", "email": "EVE@example.org", "body": "Après.", "captcha": challenge });
    server.post(COMMENTS, &key(), &new.to_string()).error(403, "banned");
    posted(&post_as(&server, "Anne", "anne@example.org", "Moi non.", &[]), "published");
    // The database keeps no address of a ban: its keyed hash, and the label.
    let row = site.sql().row("SELECT email_hash, label FROM bans", &[]);
    let (hash, label) = (row[0].text(), row[1].text());
    assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !hash.contains("eve"), "{hash}");
    assert_eq!(label, "e…@example.org");
    // Lifted, the same challenge still serves.
    assert_eq!(anne.send(&server, "DELETE", &format!("/api/admin/bans/{}", ban["id"].as_str().unwrap()), &Value::Null).status, 204);
    assert_eq!(server.post(COMMENTS, &key(), &new.to_string()).status, 201);
    anne.send(&server, "DELETE", "/api/admin/bans/999", &Value::Null).error(404, "not_found");
}

#[test]
fn a_banned_prefix_refuses_every_address_inside_it_until_it_ends() {
    let site = site_with_moderator();
    let server = site.start(&[FAST, ("--trusted-proxies", "127.0.0.1")]);
    let anne = signed_in(&server, "anne");
    let from = |address: &'static str| [("x-forwarded-for", address)];
    let until = |hours: i64| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        article_widget_core::datetime::DateTime::from_unix_seconds(now + hours * 3600).to_string()
    };
    let ban = anne.send(&server, "POST", "/api/admin/bans", &json!({ "kind": "prefix", "prefix": "2001:db8:1::/48", "until": until(1) }));
    assert_eq!(ban.status, 201, "{}", ban.body);
    assert_eq!(ban.json()["label"], "2001:db8:1::/48");
    assert!(ban.json()["until"].as_str().is_some());
    for inside in ["2001:db8:1:2::1", "2001:db8:1:ffff::9"] {
        post_as(&server, "Eve", "eve@example.org", "Dedans.", &from(inside)).error(403, "banned");
    }
    posted(&post_as(&server, "Eve", "eve@example.org", "Dehors.", &from("2001:db8:2::1")), "published");
    // IPv4, and a comment's own prefix.
    let v4 = anne.send(&server, "POST", "/api/admin/bans", &json!({ "kind": "prefix", "prefix": "192.0.2.0/24" }));
    assert_eq!(v4.json()["until"], Value::Null, "forever");
    post_as(&server, "Eve", "eve@example.org", "Dedans.", &from("192.0.2.77")).error(403, "banned");
    let outside = posted(&post_as(&server, "Eve", "eve@example.org", "Dehors.", &from("198.51.100.1")), "published");
    let of_comment = anne.send(&server, "POST", "/api/admin/bans", &json!({ "kind": "prefix", "comment": outside }));
    assert_eq!(of_comment.json()["label"], "198.51.100.1/32");
    let logged = &anne.get(&server, "/api/admin/audit?limit=1")["entries"][0];
    assert_eq!((logged["action"].as_str(), logged["comment"].as_str()), (Some("ban"), Some(outside.as_str())));
    post_as(&server, "Eve", "eve@example.org", "Encore.", &from("198.51.100.1")).error(403, "banned");
    assert_eq!(anne.get(&server, "/api/admin/bans")["bans"].as_array().unwrap().len(), 3);
    // Once ended, the ban refuses nobody and is not listed.
    server.clock.advance(Duration::from_secs(2 * 3600));
    let anne = signed_in(&server, "anne");
    posted(&post_as(&server, "Eve", "eve@example.org", "Plus tard.", &from("2001:db8:1:2::1")), "published");
    assert_eq!(anne.get(&server, "/api/admin/bans")["bans"].as_array().unwrap().len(), 2);
    // Refusals name the field.
    for (bad, field) in [
        (json!({ "kind": "prefix", "prefix": "2001:db8::/129" }), "prefix"),
        (json!({ "kind": "prefix", "prefix": "10.0.0.0/8", "until": "hier" }), "until"),
        (json!({ "kind": "prefix", "prefix": "10.0.0.0/8", "until": "2001-01-01T00:00:00Z" }), "until"),
        (json!({ "kind": "email", "email": "pas une adresse" }), "email"),
        (json!({ "kind": "ip", "prefix": "10.0.0.0/8" }), "kind"),
        (json!({ "kind": "prefix", "comment": "999" }), "comment"),
        (json!({ "kind": "prefix", "comment": "1" }), "comment"),
    ] {
        let error = anne.send(&server, "POST", "/api/admin/bans", &bad).error(400, "invalid_field");
        assert_eq!(error["field"], field, "{bad}");
    }
}

#[test]
fn comments_are_searched_by_text_author_and_article_and_paged() {
    let site = site_with_moderator();
    std::fs::copy(site.content().join(format!("{ARTICLE}.json")), site.content().join("autre.json")).unwrap();
    let server = site.start(&[FAST]);
    let anne = signed_in(&server, "anne");
    posted(&post_as(&server, "Émilie", "emilie@example.org", "Un ÉTÉ brûlant.", &[]), "published");
    let held = posted(&post_as(&server, "Zoé", "zoe@example.net", THREE_LINKS, &[]), "pending");
    let request = json!({ "name": "Léa", "email": "lea@example.org", "body": "Ailleurs, l'été.", "captcha": answered(server.fresh_challenge()) });
    assert_eq!(server.post("/api/articles/autre/comments", &key(), &request.to_string()).status, 201);
    let ids = |query: &str| -> Vec<String> {
        let page = anne.get(&server, &format!("/api/admin/comments?{query}"));
        page["comments"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids("status=all&q=%C3%A9t%C3%A9"), ["7", "5"], "été in any case, newest first");
    assert_eq!(ids("status=all&q=%C3%A9t%C3%A9&article=autre"), ["7"]);
    assert_eq!(ids("status=all&author=%C3%89MILIE"), ["5"], "by name");
    assert_eq!(ids("status=all&author=example.net"), [held.as_str()], "by e-mail");
    assert_eq!(ids("status=published&author=example.net"), Vec::<String>::new());
    let counts = anne.get(&server, "/api/admin/comments?status=all&article=nouvel-ordre-mondial")["counts"].clone();
    assert_eq!(counts, json!({ "pending": 1, "published": 5, "rejected": 0, "spam": 0, "deleted": 0 }));
    // Every status, pending first, then newest first, two at a time, each comment once.
    let mut seen = Vec::new();
    let mut query = "status=all&limit=2".to_owned();
    loop {
        let page = anne.get(&server, &format!("/api/admin/comments?{query}"));
        seen.extend(page["comments"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => query = format!("status=all&limit=2&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [held.as_str(), "7", "5", "4", "3", "2", "1"]);
    for bad in ["status=lost", "limit=0", "limit=101", "before=nope"] {
        anne.send(&server, "GET", &format!("/api/admin/comments?{bad}"), &Value::Null).error(400, "invalid_query");
    }
}

#[test]
fn every_action_is_in_the_audit_log_newest_first() {
    let site = site_with_moderator();
    let server = site.start(&[FAST]);
    let anne = signed_in(&server, "anne");
    let held = posted(&post_as(&server, "Inès", "ines@example.org", THREE_LINKS, &[]), "pending");
    anne.status(&server, &held, "published");
    anne.status(&server, "4", "rejected");
    anne.status(&server, "3", "spam");
    anne.send(&server, "PATCH", "/api/admin/comments/2", &json!({ "body": "Corrigé." }));
    anne.send(&server, "DELETE", "/api/admin/comments/1", &Value::Null);
    let ban = anne.send(&server, "POST", "/api/admin/bans", &json!({ "kind": "email", "email": "eve@example.org" })).json();
    anne.send(&server, "DELETE", &format!("/api/admin/bans/{}", ban["id"].as_str().unwrap()), &Value::Null);
    anne.send(&server, "PUT", "/api/admin/settings", &body_of("PUT", ""));
    anne.send(&server, "DELETE", "/api/admin/session", &Value::Null);
    let anne = signed_in(&server, "anne");
    let log = anne.get(&server, "/api/admin/audit");
    let entries = log["entries"].as_array().unwrap();
    let actions: Vec<(&str, Option<&str>)> =
        entries.iter().map(|e| (e["action"].as_str().unwrap(), e["comment"].as_str())).collect();
    assert_eq!(
        actions,
        [
            ("sign_in", None),
            ("sign_out", None),
            ("settings", None),
            ("unban", None),
            ("ban", None),
            ("delete", Some("1")),
            ("edit", Some("2")),
            ("spam", Some("3")),
            ("reject", Some("4")),
            ("approve", Some(held.as_str())),
            ("sign_in", None),
        ]
    );
    assert!(entries.iter().all(|e| e["moderator"] == "anne" && e["at"].as_str().is_some_and(|at| at.ends_with('Z'))));
    assert_eq!(entries[9]["detail"], "pending → published");
    assert_eq!(entries[6]["detail"], "body");
    assert!(entries[4]["detail"].as_str().unwrap().contains("e…@example.org"), "{}", entries[4]);
    assert_eq!(log["next"], Value::Null);
    // A page at a time.
    let first = anne.get(&server, "/api/admin/audit?limit=4");
    assert_eq!(first["entries"].as_array().unwrap().len(), 4);
    let rest = anne.get(&server, &format!("/api/admin/audit?limit=100&before={}", first["next"].as_str().unwrap()));
    assert_eq!(rest["entries"].as_array().unwrap().len(), entries.len() - 4);
    assert_eq!(rest["entries"][0]["id"], entries[4]["id"]);
}

#[test]
fn the_held_comment_rules_decide_which_posts_wait() {
    let site = site_with_moderator();
    let server = site.start(&[FAST]);
    let anne = signed_in(&server, "anne");
    let defaults = json!({ "hold": "rules", "max_links": 2, "first_time_authors": false, "words": [] });
    assert_eq!(anne.get(&server, "/api/admin/settings"), defaults);
    let set = |settings: Value| {
        let reply = anne.send(&server, "PUT", "/api/admin/settings", &settings);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(anne.get(&server, "/api/admin/settings"), reply.json());
        reply.json()
    };
    let status = |name: &str, email: &str, body: &str| {
        let reply = post_as(&server, name, email, body, &[]);
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()["status"].as_str().unwrap().to_owned()
    };
    // Links: the default holds three, a rule of none holds one; no limit holds none.
    assert_eq!(status("Anne", "anne@example.org", "https://a.example https://b.example"), "published");
    assert_eq!(status("Anne", "anne@example.org", THREE_LINKS), "pending");
    set(json!({ "hold": "rules", "max_links": 0, "first_time_authors": false, "words": [] }));
    assert_eq!(status("Anne", "anne@example.org", "https://a.example"), "pending");
    set(json!({ "hold": "rules", "max_links": null, "first_time_authors": false, "words": [] }));
    assert_eq!(status("Anne", "anne@example.org", &THREE_LINKS.repeat(5)), "published");
    // First-time authors: an e-mail with no published comment waits; one with one does not.
    set(json!({ "hold": "rules", "max_links": null, "first_time_authors": true, "words": [] }));
    assert_eq!(status("Nouveau", "nouveau@example.org", "Bonjour."), "pending");
    assert_eq!(status("Claire", "Claire.Martin@example.fr", "Encore moi."), "published", "the seed's author, in any case");
    // Words, whole, in any case, in the name or the text.
    let words = set(json!({ "hold": "rules", "max_links": null, "first_time_authors": false, "words": [" Casino ", "prêt rapide"] }));
    assert_eq!(words["words"], json!(["Casino", "prêt rapide"]), "trimmed");
    assert_eq!(status("Anne", "anne@example.org", "Le CASINO ouvre."), "pending");
    assert_eq!(status("Casino Max", "anne@example.org", "Bonjour."), "pending");
    assert_eq!(status("Anne", "anne@example.org", "Un Prêt Rapide ?"), "pending");
    assert_eq!(status("Anne", "anne@example.org", "Les casinos ferment."), "published");
    // All, and none.
    set(json!({ "hold": "all", "max_links": 2, "first_time_authors": false, "words": [] }));
    assert_eq!(status("Anne", "anne@example.org", "Bonjour."), "pending");
    set(json!({ "hold": "none", "max_links": 0, "first_time_authors": true, "words": ["casino"] }));
    assert_eq!(status("Inconnu", "inconnu@example.org", "casino https://a.example"), "published");
    // Refused: an unknown hold, an unknown member, an empty word.
    for bad in [
        json!({ "hold": "some", "max_links": 2, "first_time_authors": false, "words": [] }),
        json!({ "hold": "all", "max_links": 2, "first_time_authors": false, "words": [], "extra": 1 }),
        json!({ "hold": "all", "max_links": -1, "first_time_authors": false, "words": [] }),
    ] {
        anne.send(&server, "PUT", "/api/admin/settings", &bad).error(400, "invalid_json");
    }
    let error = anne
        .send(&server, "PUT", "/api/admin/settings", &json!({ "hold": "all", "max_links": 2, "first_time_authors": false, "words": [""] }))
        .error(400, "invalid_field");
    assert_eq!(error["field"], "words");
    assert_eq!(anne.get(&server, "/api/admin/settings")["hold"], "none", "unchanged by the refusals");
}
