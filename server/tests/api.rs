//! The API over HTTP: a real server on a loopback port, a real database (an SQLite file in a
//! temporary folder, or PostgreSQL: `common/database.rs`), the demo article as content. Captcha answers come from the core's puzzle, and
//! every answer must pass the core decoders that the widget reads it with.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use article_widget_core::captcha::Puzzle;
use article_widget_core::native;
use serde_json::{json, Value};

mod common;

use common::database::Sql;
use common::*;

fn ids(page: &Value) -> Vec<(String, Option<String>)> {
    page["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), c["parent"].as_str().map(str::to_owned)))
        .collect()
}

fn id(text: &str) -> String {
    text.to_owned()
}

#[test]
fn articles_and_related_stories_come_from_the_content_folder() {
    let site = Site::new();
    let server = site.start(&[]);
    let reply = server.get("/api/articles/nouvel-ordre-mondial");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let file = std::fs::read_to_string(site.content().join("nouvel-ordre-mondial.json")).unwrap();
    assert_eq!(reply.body, file);
    let related = server.get("/api/articles/nouvel-ordre-mondial/related");
    assert_eq!(related.status, 200);
    assert_eq!(related.json()["items"].as_array().unwrap().len(), 4);

    for missing in ["/api/articles/absent", "/api/articles/absent/related", "/api/articles/absent/comments"] {
        server.get(missing).error(404, "not_found");
    }
    for traversal in ["/api/articles/..%2Fnouvel-ordre-mondial", "/api/articles/nouvel-ordre-mondial.json", "/api/articles/%ff"] {
        server.get(traversal).error(404, "not_found");
    }
    server.get("/api/nothing-here").error(404, "not_found");
    server.request("DELETE", "/api/captcha", &[], "").error(405, "method_not_allowed");

    // Dropped in while the server runs: served at once; no related file: no related stories.
    let other = file.replace("\"id\": \"nouvel-ordre-mondial\"", "\"id\": \"autre\"");
    std::fs::write(site.content().join("autre.json"), &other).unwrap();
    assert_eq!(server.get("/api/articles/autre").body, other);
    assert_eq!(server.get("/api/articles/autre/related").json(), json!({ "items": [] }));

    // A broken file is the publisher's error: 500, naming the file and the decoder's finding.
    std::fs::write(site.content().join("broken.json"), r#"{"id": "broken", "headline": ""}"#).unwrap();
    let error = server.get("/api/articles/broken").error(500, "broken_content");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("broken.json") && message.contains("/headline"), "{message}");
    std::fs::create_dir(site.content().join("autre")).unwrap();
    std::fs::write(site.content().join("autre/related.json"), "{\"items\": [").unwrap();
    let error = server.get("/api/articles/autre/related").error(500, "broken_content");
    assert!(error["message"].as_str().unwrap().contains("autre/related.json"), "{error}");
}

/// A bad value or a story that cannot be read costs only itself, as in the widget: the file
/// is served (the widget leaves out the same things) and the publisher is told in the log.
#[test]
fn a_file_with_a_bad_value_or_story_is_served_and_others_are_not_hidden_by_a_broken_one() {
    let site = Site::new();
    let server = site.start(&[]);
    let related_file = site.content().join("nouvel-ordre-mondial/related.json");
    let mut related: Value = serde_json::from_str(&std::fs::read_to_string(&related_file).unwrap()).unwrap();
    related["items"][1]["url"] = json!("javascript:alert(document.domain)");
    related["items"][2]["published"] = json!("hier");
    std::fs::write(&related_file, related.to_string()).unwrap();
    let reply = server.get("/api/articles/nouvel-ordre-mondial/related");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let decoded = native::decode_related(&reply.body).unwrap();
    assert_eq!(decoded.value.len(), 3);
    let warnings: Vec<String> = decoded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "at /items/1/url: expected an http(s), mailto or relative address, found \"javascript:alert(document.domain)\"; the related story at /items/1 is left out",
            "at /items/2/published: expected an RFC 3339 date (2024-10-11T14:05:00+02:00), found \"hier\"; the value is left out",
        ]
    );

    let article_file = site.content().join("nouvel-ordre-mondial.json");
    let mut article: Value = serde_json::from_str(&std::fs::read_to_string(&article_file).unwrap()).unwrap();
    article["authors"][0]["url"] = json!("javascript:alert(1)");
    std::fs::write(&article_file, article.to_string()).unwrap();
    assert_eq!(server.get("/api/articles/nouvel-ordre-mondial").status, 200);

    // A file without what an article needs is refused alone: the others are still served.
    std::fs::write(site.content().join("broken.json"), r#"{"id": "broken", "headline": ""}"#).unwrap();
    server.get("/api/articles/broken").error(500, "broken_content");
    assert_eq!(server.get("/api/articles/nouvel-ordre-mondial").status, 200);
    assert_eq!(server.get(COMMENTS).status, 200);
}

/// Rows written outside the API (an import from another system) may hold what the API
/// refuses: a `javascript:` website is left out of its comment, a row that cannot be read
/// is left out of the page, and the thread shows the rest.
#[test]
fn a_comment_row_that_cannot_be_read_costs_only_itself() {
    let site = Site::new();
    let server = site.start(&[]);
    let database = site.sql();
    let insert = |website: &str, created: i64| {
        let row = database.row(
            "INSERT INTO comments (article_id, author, email, website, body, created, status)
             VALUES ($1, 'Imported', 'x@example.org', $2, 'Importé.', $3, 'published') RETURNING id",
            &[ARTICLE.into(), website.into(), created.into()],
        );
        row[0].int()
    };
    let hostile = insert("javascript:alert(document.domain)", 1_900_000_000);
    let mut expected = vec![hostile];
    // A row that cannot be read is SQLite's own: its columns take a value of any type (here
    // an author that is a BLOB), which PostgreSQL's typed columns refuse. On SQLite only.
    if let Some(file) = site.sqlite_file() {
        let database = rusqlite::Connection::open(file).unwrap();
        let insert = |author: rusqlite::types::Value, parent: Option<i64>, created: i64| {
            database
                .execute(
                    "INSERT INTO comments (article_id, parent_id, author, email, website, body, created, status)
                     VALUES (?1, ?2, ?3, 'x@example.org', '', 'Importé.', ?4, 'published')",
                    rusqlite::params![ARTICLE, parent, author, created],
                )
                .unwrap();
            database.last_insert_rowid()
        };
        let unreadable = insert(vec![0u8, 159].into(), None, 1_900_000_100);
        expected.push(insert("Reply".to_owned().into(), Some(unreadable), 1_900_000_200));
    }

    let page = server.comments("");
    let shown: Vec<(String, Value)> = page["comments"].as_array().unwrap().iter().map(|c| (c["id"].as_str().unwrap().to_owned(), c["website"].clone())).collect();
    let ids: Vec<&str> = shown.iter().map(|(id, _)| id.as_str()).collect();
    let expected: Vec<String> = ["1", "2", "3", "4"].map(str::to_owned).into_iter().chain(expected.iter().map(i64::to_string)).collect();
    assert_eq!(ids, expected, "the unreadable row alone is left out; its reply is shown");
    assert_eq!(shown[4].1, Value::Null, "the website is left out");
}

#[test]
fn comment_pages_carry_whole_threads_in_either_order() {
    let site = Site::new();
    let server = site.start(&[]);
    let first = server.comments("limit=2");
    assert_eq!(first["total"], SEEDED);
    assert_eq!(ids(&first), [(id("1"), None), (id("2"), Some(id("1"))), (id("3"), None)]);
    let seeded = &first["comments"][1];
    assert_eq!(seeded["author"], "Thomas Girard");
    assert_eq!(seeded["website"], "https://thomas-girard.example/");
    assert_eq!(seeded["created"], "2024-10-11T14:03:00Z");
    assert_eq!(seeded["status"], "published");
    let next = first["next"].as_str().unwrap();
    let second = server.comments(&format!("limit=2&cursor={next}"));
    assert_eq!(ids(&second), [(id("4"), None)]);
    assert_eq!(second["next"], Value::Null);

    let newest = server.comments("order=newest&limit=2");
    assert_eq!(ids(&newest), [(id("4"), None), (id("3"), None)]);
    let older = server.comments(&format!("order=newest&limit=2&cursor={}", newest["next"].as_str().unwrap()));
    assert_eq!(ids(&older), [(id("1"), None), (id("2"), Some(id("1")))]);
    assert_eq!(older["next"], Value::Null);
    assert_eq!(ids(&server.comments("")).len(), 4, "20 threads a page by default");

    // A reply to a reply stays with its thread, replies oldest first.
    let posted = server.post(COMMENTS, &key(), &reply_to("2", comment("Ana", "Réponse à Thomas.", &server.solved_challenge())).to_string());
    assert_eq!(posted.status, 201, "{}", posted.body);
    let page = server.comments("limit=1");
    assert_eq!(ids(&page), [(id("1"), None), (id("2"), Some(id("1"))), (id("5"), Some(id("2")))]);
    assert_eq!(page["total"], SEEDED + 1);

    for query in ["limit=0", "limit=101", "limit=ten", "order=random", "cursor=nowhere", "cursor=1_x"] {
        server.get(&format!("{COMMENTS}?{query}")).error(400, "invalid_query");
    }
}

/// Writes `count` published replies below `root` straight into the database (as an import
/// would), one second apart from `created`: every third answers the reply before it, the
/// others the root. Returns their ids, oldest first.
fn insert_replies(site: &Site, root: i64, count: usize, created: i64) -> Vec<i64> {
    site.sql().transaction(|database| {
        let mut ids: Vec<i64> = Vec::with_capacity(count);
        for i in 0..count {
            let parent = if i % 3 == 2 { ids[i - 1] } else { root };
            let row = database.row(
                "INSERT INTO comments (article_id, parent_id, author, email, body, created, status)
                 VALUES ($1, $2, 'Bot', 'bot@example.org', 'Encore une réponse.', $3, 'published') RETURNING id",
                &[ARTICLE.into(), parent.into(), (created + 1 + i as i64).into()],
            );
            ids.push(row[0].int());
        }
        ids
    })
}

/// A top-level comment written straight into the database; its id.
fn insert_root(site: &Site, created: i64) -> i64 {
    let row = site.sql().row(
        "INSERT INTO comments (article_id, author, email, body, created, status)
         VALUES ($1, 'Racine', 'r@example.org', 'Un fil.', $2, 'published') RETURNING id",
        &[ARTICLE.into(), created.into()],
    );
    row[0].int()
}

/// The tests' SQL binds `$1`, `$2`... by their numbers on either database, whatever the order
/// and however often a statement names them (SQLite numbers parameters as they appear).
#[test]
fn the_tests_sql_binds_numbered_parameters_on_either_database() {
    let site = Site::new();
    let _server = site.start(&[]);
    let database = site.sql();
    let inserted = database.row(
        "INSERT INTO comments (created, article_id, author, email, body, status, website)
         VALUES ($2, $1, $3, $3, 'Corps.', 'published', $4) RETURNING id",
        &[ARTICLE.into(), 1_900_000_000.into(), "Même".into(), Sql::Null],
    );
    let id = inserted[0].int();
    let read = database.row("SELECT article_id, created, author, email, website FROM comments WHERE id = $1", &[id.into()]);
    assert_eq!(read, [ARTICLE.into(), 1_900_000_000.into(), "Même".into(), "Même".into(), Sql::Null]);
    let count = "SELECT count(*) FROM comments WHERE article_id = $2 AND id <= $1";
    assert_eq!(database.row(count, &[2.into(), ARTICLE.into()]), [Sql::Int(2)]);
    assert_eq!(database.execute("UPDATE comments SET body = $1 WHERE id > $2", &["Autre.".into(), 2.into()]), SEEDED - 2 + 1);
}

/// The replies endpoint's answers, from `cursor` on, until there is no next page: their
/// comments' ids in order, and each answer's total.
fn every_reply(server: &TestServer, root: i64, mut cursor: Option<String>) -> (Vec<i64>, Vec<u64>) {
    let (mut ids, mut totals) = (Vec::new(), Vec::new());
    loop {
        let query = cursor.map(|cursor| format!("&cursor={cursor}")).unwrap_or_default();
        let reply = server.get(&format!("{COMMENTS}/{root}/replies?limit=100{query}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        native::decode_comment_page(&reply.body).unwrap_or_else(|error| panic!("{error:?}: {}", reply.body));
        let page = reply.json();
        ids.extend(page["comments"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().parse::<i64>().unwrap()));
        totals.push(page["total"].as_u64().unwrap());
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (ids, totals),
        }
    }
}

/// A page of comments carries at most `REPLIES_PER_ROOT` (20) replies of each thread: a
/// thread of 10,000 replies makes a page of a few kilobytes, which says how many it left out
/// and where they go on; the replies endpoint then gives each of them once, in order.
#[test]
fn a_page_stays_small_whatever_its_threads_hold_and_their_replies_come_a_page_at_a_time() {
    let site = Site::new();
    let server = site.start(&[]);
    let root = insert_root(&site, 1_900_000_000);
    let replies = insert_replies(&site, root, 10_000, 1_900_000_000);

    let reply = server.get(&format!("{COMMENTS}?limit=100"));
    assert_eq!(reply.status, 200);
    assert!(reply.body.len() < 8 * 1024, "a page of {} bytes", reply.body.len());
    let decoded = native::decode_comment_page(&reply.body).unwrap().value;
    let page = reply.json();
    let shown: Vec<i64> = ids(&page).iter().map(|(id, _)| id.parse().unwrap()).collect();
    assert_eq!(shown[SEEDED as usize + 1..], replies[..20], "the root's first 20 replies, oldest first");
    assert_eq!(page["total"], SEEDED + 10_001);
    let more = &decoded.more_replies;
    assert_eq!((more.len(), more[0].root.as_str(), more[0].count), (1, root.to_string().as_str(), 9_980));

    let (rest, totals) = every_reply(&server, root, more[0].cursor.clone());
    assert_eq!(rest, replies[20..], "every other reply once, in order");
    assert!(totals.iter().all(|total| *total == 10_000), "each answer counts the root's replies");
    let first = server.get(&format!("{COMMENTS}/{root}/replies")).json();
    let first: Vec<i64> = ids(&first).iter().map(|(id, _)| id.parse().unwrap()).collect();
    assert_eq!(first, replies[..50], "without a cursor, from the first; 50 a page by default");

    // A reply's own replies, and the end of a thread.
    let (below, _) = every_reply(&server, replies[1], None);
    assert_eq!(below, [replies[2]]);
    let (none, totals) = every_reply(&server, replies[0], None);
    assert_eq!((none, totals), (vec![], vec![0]));

    for absent in ["999999", "un", &format!("{root}x")] {
        server.get(&format!("{COMMENTS}/{absent}/replies")).error(404, "not_found");
    }
    std::fs::copy(site.content().join("nouvel-ordre-mondial.json"), site.content().join("autre.json")).unwrap();
    server.get(&format!("/api/articles/autre/comments/{root}/replies")).error(404, "not_found");
    for query in ["limit=0", "limit=101", "cursor=nowhere", "order=newest"] {
        server.get(&format!("{COMMENTS}/{root}/replies?{query}")).error(400, "invalid_query");
    }
}

/// However many threads a page holds, it carries `REPLIES_PER_PAGE` (200) replies in all:
/// the threads past them are sent without replies, to be fetched from their first.
#[test]
fn a_page_carries_at_most_200_replies_in_all() {
    let site = Site::new();
    let server = site.start(&[]);
    let roots: Vec<i64> = (0..12).map(|i| insert_root(&site, 1_900_000_000 + i * 1_000)).collect();
    for (i, root) in roots.iter().enumerate() {
        insert_replies(&site, *root, 25, 1_900_000_000 + i as i64 * 1_000);
    }
    let page = native::decode_comment_page(&server.get(&format!("{COMMENTS}?limit=100")).body).unwrap().value;
    let replies = page.comments.iter().filter(|c| c.parent.is_some()).count();
    assert_eq!(replies, 200);
    let more: Vec<(i64, u64, bool)> = page.more_replies.iter().map(|m| (m.root.parse().unwrap(), m.count, m.cursor.is_some())).collect();
    // The seed's one reply, then 20 of each root's 25 until the 200 are reached.
    let mut expected: Vec<(i64, u64, bool)> = roots[..9].iter().map(|root| (*root, 5, true)).collect();
    expected.extend([(roots[9], 6, true), (roots[10], 25, false), (roots[11], 25, false)]);
    assert_eq!(more, expected);
    for (root, count, _) in more {
        let cursor = page.more_replies.iter().find(|m| m.root == root.to_string()).unwrap().cursor.clone();
        assert_eq!(every_reply(&server, root, cursor).0.len() as u64, count);
    }
}

fn reply_to(parent: impl Into<Value>, mut comment: Value) -> Value {
    comment["parent"] = parent.into();
    comment
}

#[test]
fn a_posted_comment_is_durable_across_a_restart() {
    let site = Site::new();
    let server = site.start(&[]);
    let request = json!({
        "name": "  Élise ",
        "email": "elise@example.org",
        "website": "https://elise.example/",
        "body": "Première ligne.\nSeconde ligne.\n",
        "captcha": server.solved_challenge(),
    });
    let key = key();
    let created = server.post(COMMENTS, &key, &request.to_string());
    assert_eq!(created.status, 201, "{}", created.body);
    let posted = created.json();
    // What its author alone gets: the secret that lets them change it, and until when.
    let mut comment = posted.clone();
    for only_the_author in ["secret", "editable_until"] {
        assert!(comment.as_object_mut().unwrap().remove(only_the_author).is_some_and(|value| value.is_string()));
    }
    assert_eq!(comment["author"], "Élise");
    assert_eq!(comment["body"], "Première ligne.\nSeconde ligne.");
    assert_eq!(comment["website"], "https://elise.example/");
    assert_eq!(comment["parent"], Value::Null);
    assert_eq!(comment["status"], "published");
    assert!(comment["created"].as_str().unwrap().ends_with('Z'));
    // A challenge issued now must still verify after the restart: the secret was kept.
    let issued_before = server.fresh_challenge();
    server.stop();

    let server = site.start(&[]);
    let page = server.comments("order=newest&limit=1");
    assert_eq!(page["total"], SEEDED + 1);
    assert_eq!(page["comments"][0], comment);
    server.clock.advance(Duration::from_secs(5));
    let reply = reply_to(comment["id"].clone(), self::comment("Marc", "D'accord.", &answered(issued_before)));
    let replied = server.post(COMMENTS, &self::key(), &reply.to_string());
    assert_eq!(replied.status, 201, "{}", replied.body);
    assert_eq!(replied.json()["parent"], comment["id"]);
    // And a retry after the restart is still recognised.
    let again = server.post(COMMENTS, &key, &request.to_string());
    assert_eq!((again.status, again.json()), (200, posted), "the same comment, the same secret");
}

#[test]
fn an_idempotency_key_makes_retries_safe() {
    let site = Site::new();
    let server = site.start(&[]);
    let request = comment("Paul", "Une fois suffit.", &server.solved_challenge()).to_string();
    let key = key();
    let first = server.post(COMMENTS, &key, &request);
    assert_eq!(first.status, 201, "{}", first.body);
    let retry = server.post(COMMENTS, &key, &request);
    assert_eq!((retry.status, retry.json()), (200, first.json()));
    // The same comment with a fresh challenge is still the same request.
    let fresh = comment("Paul", "Une fois suffit.", &server.solved_challenge()).to_string();
    assert_eq!(server.post(COMMENTS, &key, &fresh).status, 200);
    assert_eq!(server.total(), SEEDED + 1);

    let other = comment("Paul", "Autre chose.", &server.solved_challenge()).to_string();
    server.post(COMMENTS, &key, &other).error(409, "idempotency_conflict");
    for bad_key in ["", "short", "with space in the key!!", &"k".repeat(65)] {
        server.post(COMMENTS, bad_key, &other).error(400, "invalid_idempotency_key");
    }
    let missing = server.request("POST", COMMENTS, &[("content-type", "application/json")], &other);
    missing.error(400, "invalid_idempotency_key");
    assert_eq!(server.total(), SEEDED + 1);
}

#[test]
fn the_captcha_is_checked_signed_single_use_and_timed() {
    let site = Site::new();
    let server = site.start(&[]);
    let captcha_error = |reply: Reply, code: &str| {
        let error = reply.error(422, code);
        assert_eq!(error["field"], "captcha");
    };
    let challenge = server.fresh_challenge();
    assert!(challenge["seed"].as_str().unwrap().bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(challenge["signature"].as_str().unwrap().len(), 64);

    // Too fast: answered in less than 3 s. The challenge is not used up by that.
    let request = comment("Bot", "Premier !", &answered(challenge.clone())).to_string();
    captcha_error(server.post(COMMENTS, &key(), &request), "too_fast");
    server.clock.advance(Duration::from_secs(3));
    assert_eq!(server.post(COMMENTS, &key(), &request).status, 201);
    // Replayed under another key.
    captcha_error(server.post(COMMENTS, &key(), &request), "captcha_used");

    // Wrong: and then used up, so that it cannot be guessed.
    let mut wrong = server.solved_challenge();
    let right = wrong.clone();
    let answer: u32 = wrong["answer"].as_str().unwrap().parse().unwrap();
    wrong["answer"] = json!((answer + 1).to_string());
    captcha_error(server.post(COMMENTS, &key(), &comment("Eve", "Essai.", &wrong).to_string()), "captcha_wrong");
    captcha_error(server.post(COMMENTS, &key(), &comment("Eve", "Essai.", &right).to_string()), "captcha_used");

    // Answers in words count, as the reader may type them.
    let mut in_words = server.solved_challenge();
    let seed: u64 = in_words["seed"].as_str().unwrap().parse().unwrap();
    let words = article_widget_core::captcha::number_in_words(Puzzle::from_seed(seed).answer(), article_widget_core::locale::Locale::Fr);
    in_words["answer"] = json!(words.to_uppercase());
    assert_eq!(server.post(COMMENTS, &key(), &comment("Lou", "En lettres.", &in_words).to_string()).status, 201);

    // Expired: ten minutes are over.
    let late = server.solved_challenge();
    server.clock.advance(Duration::from_secs(600));
    captcha_error(server.post(COMMENTS, &key(), &comment("Léa", "Trop tard.", &late).to_string()), "captcha_expired");

    // Not issued by this server: any field altered.
    let genuine = server.solved_challenge();
    for (field, value) in [("seed", json!("12345")), ("expires", json!("2099-01-01T00:00:00Z")), ("signature", json!("0".repeat(64)))] {
        let mut forged = genuine.clone();
        forged[field] = value;
        captcha_error(server.post(COMMENTS, &key(), &comment("Eve", "Forgé.", &forged).to_string()), "captcha_invalid");
    }
    assert_eq!(server.total(), SEEDED + 2);
}

#[test]
fn bad_requests_are_refused_with_the_field_at_fault() {
    let site = Site::new();
    let server = site.start(&[]);
    let captcha = server.solved_challenge();
    for body in ["{", "[]", "null", r#"{"name": "Sans captcha", "email": "a@b.co", "body": "x"}"#] {
        server.post(COMMENTS, &key(), body).error(400, "invalid_json");
    }
    let without_type = server.request("POST", COMMENTS, &[("idempotency-key", &key())], &comment("A", "B", &captcha).to_string());
    without_type.error(400, "invalid_json");

    let mut cases = vec![
        (json!({ "name": "  " }), "name"),
        (json!({ "email": "pas une adresse" }), "email"),
        (json!({ "website": "javascript:alert(1)" }), "website"),
        (json!({ "body": "x".repeat(10_001) }), "body"),
        (json!({ "parent": "999" }), "parent"),
        (json!({ "parent": "un" }), "parent"),
    ];
    // A comment of another article is no parent here.
    std::fs::copy(site.content().join("nouvel-ordre-mondial.json"), site.content().join("autre.json")).unwrap();
    let elsewhere = server.post("/api/articles/autre/comments", &key(), &comment("A", "Ailleurs.", &captcha).to_string());
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.body);
    cases.push((json!({ "parent": elsewhere.json()["id"] }), "parent"));
    for (change, field) in cases {
        let mut request = comment("Anne", "Texte.", &server.solved_challenge());
        for (name, value) in change.as_object().unwrap() {
            request[name] = value.clone();
        }
        let error = server.post(COMMENTS, &key(), &request.to_string()).error(400, "invalid_field");
        assert_eq!(error["field"], field, "{error}");
    }
    assert_eq!(server.total(), SEEDED);
    server.post("/api/articles/absent/comments", &key(), &comment("A", "B", &captcha).to_string()).error(404, "not_found");
}

/// The core's hostile names and bodies, posted over HTTP: the server refuses what the widget
/// refuses (the first field at fault, as the form orders them), and takes what it takes.
#[test]
fn control_characters_and_invisible_names_are_refused_as_the_widget_refuses_them() {
    use article_widget_core::comment::{FieldProblem, HOSTILE_TEXTS};
    let site = Site::new();
    let server = site.start(&[]);
    let mut accepted = 0;
    for (name, body, problems) in HOSTILE_TEXTS {
        let request = comment(name, body, &server.solved_challenge()).to_string();
        let reply = server.post(COMMENTS, &key(), &request);
        let Some((field, problem)) = problems.first() else {
            assert_eq!(reply.status, 201, "{name:?} {body:?}: {}", reply.body);
            let stored = reply.json();
            assert_eq!((stored["author"].as_str(), stored["body"].as_str()), (Some(name.trim()), Some(body.trim())));
            accepted += 1;
            continue;
        };
        let error = reply.error(400, "invalid_field");
        let message = match problem {
            FieldProblem::ControlCharacter => "holds a control character",
            FieldProblem::Invisible => "has no visible character",
            _ => unreachable!("the table holds only these"),
        };
        let expected = (Some(field.code()), Some(format!("{}: {message}", field.code())));
        assert_eq!((error["field"].as_str(), error["message"].as_str().map(str::to_owned)), expected, "{name:?} {body:?}");
    }
    assert_eq!(server.total(), SEEDED + accepted);
}

#[test]
fn bodies_over_64_kib_are_refused() {
    let site = Site::new();
    let server = site.start(&[]);
    let request = comment("Gros", &"a".repeat(70 * 1024), &server.solved_challenge()).to_string();
    let error = server.post(COMMENTS, &key(), &request).error(413, "too_large");
    assert!(error.get("field").is_none());
    assert_eq!(server.total(), SEEDED);
}

#[test]
fn too_many_requests_are_told_when_to_retry() {
    let site = Site::new();
    let server = site.start(&[("--reads-per-minute", "3"), ("--posts-per-minute", "1")]);
    for _ in 0..3 {
        assert_eq!(server.get("/api/articles/nouvel-ordre-mondial").status, 200);
    }
    let limited = server.get("/api/articles/nouvel-ordre-mondial");
    limited.error(429, "rate_limited");
    assert_eq!(limited.header("retry-after"), Some("20"));
    server.clock.advance(Duration::from_secs(40));
    assert_eq!(server.get("/api/captcha").status, 200);

    // Posts are counted apart from reads.
    let first = comment("Un", "Premier.", &answered(server.get("/api/captcha").json()));
    server.clock.advance(Duration::from_secs(40));
    assert_eq!(server.post(COMMENTS, &key(), &first.to_string()).status, 201);
    let second = server.post(COMMENTS, &key(), &first.to_string());
    second.error(429, "rate_limited");
    assert_eq!(second.header("retry-after"), Some("60"));
}

#[test]
fn only_configured_origins_may_call_from_a_browser() {
    let site = Site::new();
    let server = site.start(&[("--cors-origins", "https://news.example,https://www.news.example"), ("--reads-per-minute", "1")]);
    let from = |origin: &str| server.request("GET", "/api/captcha", &[("origin", origin)], "");
    let allowed = from("https://www.news.example");
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://www.news.example"));
    // Refusals too, so that the widget can read them, and Retry-After with them.
    let limited = from("https://news.example");
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("access-control-allow-origin"), Some("https://news.example"));
    assert_eq!(limited.header("access-control-expose-headers"), Some("retry-after"));
    assert_eq!(from("https://evil.example").header("access-control-allow-origin"), None);

    let preflight = |origin: &str| {
        server.request(
            "OPTIONS",
            COMMENTS,
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type,idempotency-key"),
            ],
            "",
        )
    };
    let allowed = preflight("https://news.example");
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://news.example"));
    let headers = allowed.header("access-control-allow-headers").unwrap();
    assert!(headers.contains("idempotency-key") && headers.contains("content-type"), "{headers}");
    assert!(allowed.header("access-control-allow-methods").unwrap().contains("POST"));
    assert_eq!(preflight("https://evil.example").header("access-control-allow-origin"), None);

    let same_origin_only = Site::new().start(&[]);
    let reply = same_origin_only.request("GET", "/api/captcha", &[("origin", "https://news.example")], "");
    assert_eq!((reply.status, reply.header("access-control-allow-origin")), (200, None));
}

#[test]
fn e_mail_addresses_are_never_returned() {
    let site = Site::new();
    let server = site.start(&[]);
    let mut request = comment("Discret", "Bonjour.", &server.solved_challenge());
    request["email"] = json!("secret.reader@example.org");
    let key = key();
    let mut replies = vec![server.post(COMMENTS, &key, &request.to_string())];
    assert_eq!(replies[0].status, 201);
    replies.push(server.post(COMMENTS, &key, &request.to_string()));
    let reply_to_id = replies[0].json()["id"].clone();
    let answer = reply_to(reply_to_id, comment("Autre", "Réponse.", &server.solved_challenge()));
    replies.push(server.post(COMMENTS, &self::key(), &answer.to_string()));
    for query in ["", "order=newest", "limit=1"] {
        replies.push(server.get(&format!("{COMMENTS}?{query}")));
    }
    for reply in replies {
        assert!(!reply.body.contains('@'), "{}", reply.body);
        assert!(!reply.body.contains("\"email\""), "{}", reply.body);
    }
}

#[test]
fn comments_with_many_links_wait_for_moderation() {
    let site = Site::new();
    let server = site.start(&[]);
    let body = "Voir http://a.example, https://b.example et HTTPS://c.example";
    let held = server.post(COMMENTS, &key(), &comment("Spam", body, &server.solved_challenge()).to_string());
    assert_eq!(held.status, 201, "{}", held.body);
    assert_eq!(held.json()["status"], "pending");
    let two = "Voir http://a.example et https://b.example";
    let shown = server.post(COMMENTS, &key(), &comment("Lien", two, &server.solved_challenge()).to_string());
    assert_eq!(shown.json()["status"], "published");
    let page = server.comments("order=newest");
    assert_eq!(page["total"], SEEDED + 1);
    assert_eq!(page["comments"][0]["body"], two);
    // Replying to a comment held for moderation is refused: it is not visible.
    let reply = reply_to(held.json()["id"].clone(), comment("R", "Réponse.", &server.solved_challenge()));
    assert_eq!(server.post(COMMENTS, &key(), &reply.to_string()).error(400, "invalid_field")["field"], "parent");
}

#[test]
fn concurrent_posts_all_land() {
    let site = Site::new();
    let server = site.start(&[]);
    let challenges: Vec<Value> = (0..20).map(|_| server.fresh_challenge()).collect();
    server.clock.advance(Duration::from_secs(5));
    let created: Vec<Value> = std::thread::scope(|scope| {
        let posts: Vec<_> = challenges
            .into_iter()
            .enumerate()
            .map(|(n, challenge)| {
                let server = &server;
                scope.spawn(move || {
                    let request = comment(&format!("Lecteur {n}"), &format!("Commentaire {n}."), &answered(challenge));
                    let reply = server.post(COMMENTS, &key(), &request.to_string());
                    assert_eq!(reply.status, 201, "{}", reply.body);
                    reply.json()
                })
            })
            .collect();
        posts.into_iter().map(|post| post.join().unwrap()).collect()
    });
    let mut ids: Vec<&str> = created.iter().map(|c| c["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(server.total(), SEEDED + 20);
}

#[test]
fn the_static_folder_is_served_at_the_root() {
    let site = Site::new();
    let server = serving_static(&site, &[("index.html", "<!doctype html><title>Démo</title>")]);
    let page = server.get("/");
    assert_eq!((page.status, page.body.as_str()), (200, "<!doctype html><title>Démo</title>"));
    assert_eq!(server.get("/absent.js").status, 404);
    server.get("/api/absent").error(404, "not_found");
    assert_eq!(server.get("/api/articles/nouvel-ordre-mondial").status, 200);
}

#[test]
fn a_static_file_is_sent_compressed_when_its_sibling_is_there_and_accepted() {
    let site = Site::new();
    // Not real brotli: the server sends the sibling as it is.
    let server = serving_static(&site, &[("widget.js", "plain"), ("widget.js.br", "brotli"), ("page.html", "page")]);
    let accepting = |path, encoding| server.request("GET", path, &[("accept-encoding", encoding)], "");

    let compressed = accepting("/widget.js", "gzip, br");
    assert_eq!((compressed.status, compressed.body.as_str()), (200, "brotli"));
    assert_eq!(compressed.header("content-encoding"), Some("br"));
    assert_eq!(compressed.header("content-type"), Some("text/javascript"));
    assert_eq!(accepting("/widget.js", "gzip").body, "plain");
    assert_eq!(server.get("/widget.js").body, "plain");
    let without_sibling = accepting("/page.html", "br");
    assert_eq!((without_sibling.body.as_str(), without_sibling.header("content-encoding")), ("page", None));
}

#[test]
fn import_checks_and_copies_an_article() {
    let site = Site::new();
    let content = site.folder.path().join("imported");
    let source = site.content();
    let import = |args: &[&Path]| {
        Command::new(env!("CARGO_BIN_EXE_article-widget-server"))
            .arg("import")
            .args(args)
            .arg("--content")
            .arg(&content)
            .output()
            .unwrap()
    };
    let article = source.join("nouvel-ordre-mondial.json");
    let related = source.join("nouvel-ordre-mondial/related.json");
    let done = import(&[&article, Path::new("--related"), &related]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(std::fs::read(content.join("nouvel-ordre-mondial.json")).unwrap(), std::fs::read(&article).unwrap());
    assert_eq!(std::fs::read(content.join("nouvel-ordre-mondial/related.json")).unwrap(), std::fs::read(&related).unwrap());

    // A bad story is left out, with a warning naming the file and the JSON Pointer.
    let mut stories: Value = serde_json::from_str(&std::fs::read_to_string(&related).unwrap()).unwrap();
    stories["items"][0]["title"] = json!(42);
    let hostile = site.folder.path().join("hostile-related.json");
    std::fs::write(&hostile, stories.to_string()).unwrap();
    let warned = import(&[&article, Path::new("--related"), &hostile]);
    assert!(warned.status.success(), "{}", String::from_utf8_lossy(&warned.stderr));
    let stderr = String::from_utf8_lossy(&warned.stderr);
    assert!(stderr.contains("warning: ") && stderr.contains("hostile-related.json: at /items/0/title"), "{stderr}");
    assert!(stderr.contains("the related story at /items/0 is left out"), "{stderr}");

    let broken = site.folder.path().join("broken.json");
    std::fs::write(&broken, r#"{"id": "b", "headline": "H", "published": "hier", "body": []}"#).unwrap();
    let refused = import(&[&broken]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("broken.json") && stderr.contains("/published"), "{stderr}");
    assert!(!content.join("b.json").exists());
}
