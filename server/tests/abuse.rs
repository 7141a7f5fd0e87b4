//! What makes automated posting cost, over HTTP: limits per network prefix (clients told
//! apart through a trusted proxy's X-Forwarded-For) and per article, the trap field, each
//! layer turned off by its setting, a lost
//! answer's retry that never stores a comment twice, and a configuration that would serve
//! the database or the captcha secret refused at start.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use article_widget_server::config::Cli;
use article_widget_server::store::Database;
use article_widget_server::Server;
use clap::Parser;
use serde_json::{json, Value};

mod common;

use common::*;

const FAST: (&str, &str) = ("--captcha-min-seconds", "0");

/// Posts a fresh comment as the client `forwarded` (through the trusted proxy on loopback),
/// its challenge answered at once: the servers these are for take it (`FAST`), and the
/// clock moves only as the test says.
fn post_from(server: &TestServer, path: &str, forwarded: &str, body: &str) -> Reply {
    let request = comment("Robot", body, &answered(server.fresh_challenge())).to_string();
    let headers = [("content-type", "application/json"), ("idempotency-key", &key()), ("x-forwarded-for", forwarded)];
    server.request("POST", path, &headers, &request)
}

#[test]
fn posts_are_limited_per_ipv6_64_not_per_address() {
    let site = Site::new();
    let server = site.start(&[("--trusted-proxies", "127.0.0.1,::1"), ("--posts-per-minute", "2"), FAST]);
    let statuses = |addresses: &[&str]| -> Vec<u16> {
        addresses.iter().enumerate().map(|(n, address)| post_from(&server, COMMENTS, address, &format!("Message {n}.")).status).collect()
    };
    // Three addresses of one /64 share its allowance; another /64 has its own.
    assert_eq!(statuses(&["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]), [201, 201, 429]);
    assert_eq!(statuses(&["[2001:db8:1:3::1]:4711", "2001:db8:1:3::2"]), [201, 201]);
    // IPv4 addresses are each their own.
    assert_eq!(statuses(&["192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"]), [201, 201, 429, 201]);
    let limited = post_from(&server, COMMENTS, "2001:db8:1:2::99", "Encore.");
    let error = limited.error(429, "rate_limited");
    assert!(error["message"].as_str().unwrap().contains("this network"), "{error}");
    assert_eq!(limited.header("retry-after"), Some("30"));
    server.stop();

    // Keys of whole addresses, as before: every address of the /64 has its own allowance.
    let server = site.start(&[("--trusted-proxies", "127.0.0.1"), ("--posts-per-minute", "2"), ("--ipv6-prefix", "128"), FAST]);
    let statuses: Vec<u16> =
        (1..=4).map(|n| post_from(&server, COMMENTS, &format!("2001:db8:9:9::{n}"), &format!("Encore {n}.")).status).collect();
    assert_eq!(statuses, [201; 4]);
}

#[test]
fn forwarded_for_counts_only_from_a_trusted_proxy() {
    let site = Site::new();
    // No proxy trusted: every request is the loopback peer's, whatever the header says.
    let server = site.start(&[("--posts-per-minute", "1"), FAST]);
    assert_eq!(post_from(&server, COMMENTS, "198.51.100.1", "Un.").status, 201);
    post_from(&server, COMMENTS, "198.51.100.2", "Deux.").error(429, "rate_limited");
    server.stop();

    // Trusted: an entry that does not parse is not skipped to reach the client's own.
    let server = site.start(&[("--posts-per-minute", "1"), ("--trusted-proxies", "127.0.0.1"), FAST]);
    assert_eq!(post_from(&server, COMMENTS, "198.51.100.3, unknown", "Trois.").status, 201);
    post_from(&server, COMMENTS, "198.51.100.4, unknown", "Quatre.").error(429, "rate_limited");
    assert_eq!(post_from(&server, COMMENTS, "198.51.100.4, 203.0.113.5", "Cinq.").status, 201);
}

#[test]
fn an_article_takes_so_many_comments_a_minute_from_everyone_together() {
    let site = Site::new();
    std::fs::copy(site.content().join(format!("{ARTICLE}.json")), site.content().join("autre.json")).unwrap();
    let server = site.start(&[("--trusted-proxies", "127.0.0.1"), ("--article-posts-per-minute", "2"), FAST]);
    // A refused post costs the article nothing.
    let mut wrong = server.solved_challenge();
    wrong["answer"] = json!("pas un nombre");
    server.post(COMMENTS, &key(), &comment("Eve", "Faux.", &wrong).to_string()).error(422, "captcha_wrong");
    let statuses: Vec<u16> =
        (1..=3).map(|n| post_from(&server, COMMENTS, &format!("2001:db8:{n}::1"), &format!("Réseau {n}.")).status).collect();
    assert_eq!(statuses, [201, 201, 429]);
    let limited = post_from(&server, COMMENTS, "2001:db8:4::1", "Réseau 4.");
    let error = limited.error(429, "rate_limited");
    assert!(error["message"].as_str().unwrap().contains("this article"), "{error}");
    assert_eq!(limited.header("retry-after"), Some("30"));
    assert_eq!(post_from(&server, "/api/articles/autre/comments", "2001:db8:5::1", "Ailleurs.").status, 201);
    server.clock.advance(Duration::from_secs(30));
    assert_eq!(post_from(&server, COMMENTS, "2001:db8:6::1", "Plus tard.").status, 201);
    assert_eq!(server.total(), SEEDED + 3);
}

#[test]
fn a_filled_trap_is_refused() {
    let site = Site::new();
    let server = site.start(&[]);
    let mut request = comment("Robot", "Achetez !", &server.solved_challenge());
    request["fax"] = json!("0102030405");
    let error = server.post(COMMENTS, &key(), &request.to_string()).error(422, "trap_filled");
    assert_eq!(error["field"], "fax");
    assert_eq!(server.total(), SEEDED);
    // Empty, as people leave it, or absent, as the widget sends it: the comment is stored.
    request["fax"] = json!("");
    assert_eq!(server.post(COMMENTS, &key(), &request.to_string()).status, 201);
    assert_eq!(server.post(COMMENTS, &key(), &comment("Anne", "Bonjour.", &server.solved_challenge()).to_string()).status, 201);
}

#[test]
fn each_layer_can_be_turned_off() {
    let site = Site::new();
    // What every layer refuses: no captcha, no proof of work, the trap filled, at once, from
    // one client, many times.
    let mut request = json!({ "name": "Robot", "email": "robot@example.org", "body": "Sans garde.", "fax": "0102" });
    let post = |server: &TestServer, request: &Value| server.post(COMMENTS, &key(), &request.to_string());
    let defaults = site.start(&[
        ("--pow", "on"),
        ("--posts-per-minute", "5"),
        ("--article-posts-per-minute", "20"),
        ("--reads-per-minute", "120"),
    ]);
    post(&defaults, &request).error(422, "trap_filled");
    request["fax"] = json!("");
    post(&defaults, &request).error(422, "pow_missing");
    drop(defaults);
    let all_off = [
        ("--captcha", "off"),
        ("--trap", "off"),
        ("--pow", "off"),
        ("--captcha-min-seconds", "0"),
        ("--posts-per-minute", "0"),
        ("--article-posts-per-minute", "0"),
        ("--reads-per-minute", "0"),
    ];
    let server = site.start(&all_off);
    request["fax"] = json!("0102");
    for n in 0..30 {
        request["body"] = json!(format!("Sans garde {n}."));
        assert_eq!(post(&server, &request).status, 201, "{n}");
    }
    // A captcha sent anyway is not looked at; the challenge is still issued for the widget.
    request["captcha"] = json!({ "seed": "1", "expires": "2000-01-01T00:00:00Z", "signature": "00", "answer": "?" });
    assert_eq!(post(&server, &request).status, 201);
    assert!(server.fresh_challenge()["seed"].is_string());
    assert_eq!(server.total(), SEEDED + 31);
    // The captcha alone on: its absence is refused as before.
    drop(server);
    let captcha_on = site.start(&all_off[1..]);
    request.as_object_mut().unwrap().remove("captcha");
    post(&captcha_on, &request).error(400, "invalid_json");
    request["captcha"] = json!({ "seed": "1", "expires": "2000-01-01T00:00:00Z", "signature": "00", "answer": "?" });
    post(&captcha_on, &request).error(422, "captcha_invalid");
}

#[test]
fn a_post_whose_answer_was_lost_is_stored_once_even_after_its_challenge_expired() {
    let site = Site::new();
    let server = site.start(&[]);
    let request = comment("Paul", "Envoyé une seule fois.", &server.solved_challenge()).to_string();
    let key = key();
    // Sent on a connection closed before its answer is read, once the comment is stored.
    let address = server.url.trim_start_matches("http://");
    let mut connection = TcpStream::connect(address).unwrap();
    write!(
        connection,
        "POST {COMMENTS} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\nidempotency-key: {key}\r\n\
         content-length: {}\r\n\r\n{request}",
        request.len()
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.total() == SEEDED {
        assert!(Instant::now() < deadline, "the comment was never stored");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(connection);
    let stored: Value = server.comments("order=newest&limit=1")["comments"][0].clone();

    // The retry carries the same key and the same challenge, which that post used...
    // The answer is the comment, with its author's secret (the same each time).
    let comment_of = |reply: &Reply| {
        let mut answer = reply.json();
        let secret = answer.as_object_mut().unwrap().remove("secret");
        answer.as_object_mut().unwrap().remove("editable_until");
        (answer, secret)
    };
    let retry = server.post(COMMENTS, &key, &request);
    let (retried, secret) = comment_of(&retry);
    assert_eq!((retry.status, retried), (200, stored.clone()), "{}", retry.body);
    // ...and has expired by the time the reader is back.
    server.clock.advance(Duration::from_secs(601));
    let late = server.post(COMMENTS, &key, &request);
    assert_eq!((late.status, comment_of(&late)), (200, (stored, secret)), "{}", late.body);
    assert_eq!(server.total(), SEEDED + 1);
    // Another comment under that key is still a conflict, and a new key still needs a
    // challenge of its own.
    let other = comment("Paul", "Autre chose.", &answered(server.fresh_challenge())).to_string();
    server.clock.advance(Duration::from_secs(5));
    server.post(COMMENTS, &key, &other).error(409, "idempotency_conflict");
    server.post(COMMENTS, &common::key(), &request).error(422, "captcha_expired");
}

/// Starts a server with these options on the site's folder, or says why it would not.
fn start_error(site: &Site, options: &[&str]) -> Option<String> {
    let content = site.content();
    let mut args = vec!["article-widget-server", "--listen", "127.0.0.1:0", "--content", content.to_str().unwrap()];
    args.extend(options);
    let config = Cli::try_parse_from(args).expect("valid options").serve;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(Server::bind(&config, site.clock.clone())).err().map(|error| error.to_string())
}

/// A database file is SQLite's own: the databases below are SQLite files whichever database
/// the site is on (`ARTICLE_WIDGET_TEST_DATABASE`). On PostgreSQL, the site's URL is checked
/// too: no file the static folder could serve, so only the secret file can be refused.
#[test]
fn a_database_or_secret_file_the_static_folder_would_serve_is_refused_at_start() {
    let site = Site::new();
    let folder = site.folder.path();
    let served = folder.join("www");
    std::fs::create_dir_all(served.join("data")).unwrap();
    std::fs::write(served.join("secret.txt"), "s3cr3t\n").unwrap();
    std::fs::write(folder.join("secret.txt"), "s3cr3t\n").unwrap();
    let path = |relative: &str| folder.join(relative).to_str().unwrap().to_owned();
    let canonical = |relative: &str| folder.join(relative).canonicalize().unwrap().display().to_string();

    for (database, secret, named) in [
        (path("www/comments.sqlite3"), None, canonical("www").to_owned() + "/comments.sqlite3"),
        // Through `..` and a database that does not exist yet.
        (path("www/data/../data/new.sqlite3"), None, canonical("www/data") + "/new.sqlite3"),
        (path("comments.sqlite3"), Some(path("www/secret.txt")), canonical("www/secret.txt")),
    ] {
        let mut options = vec!["--static", served.to_str().unwrap(), "--database", &database];
        if let Some(secret) = &secret {
            options.extend(["--captcha-secret-file", secret]);
        }
        let error = start_error(&site, &options).unwrap_or_else(|| panic!("{database} {secret:?} served"));
        assert!(error.contains(&named) && error.contains(&format!("static folder {}", canonical("www"))), "{error}");
    }
    #[cfg(unix)]
    {
        // A link from outside into the static folder is followed.
        std::os::unix::fs::symlink(served.join("data"), folder.join("linked")).unwrap();
        let error = start_error(&site, &["--static", served.to_str().unwrap(), "--database", &path("linked/c.sqlite3")]).unwrap();
        assert!(error.contains(&(canonical("www/data") + "/c.sqlite3")), "{error}");
    }
    // Beside it, not in it: served.
    let outside = ["--static", served.to_str().unwrap(), "--database", &path("comments.sqlite3")];
    assert_eq!(start_error(&site, &[&outside[..], &["--captcha-secret-file", &path("secret.txt")]].concat()), None);

    if let Database::Postgres(url) = site.database() {
        let on_postgres = ["--static", served.to_str().unwrap(), "--database", url];
        assert_eq!(start_error(&site, &on_postgres), None);
        let error = start_error(&site, &[&on_postgres[..], &["--captcha-secret-file", &path("www/secret.txt")]].concat()).unwrap();
        assert!(error.contains(&canonical("www/secret.txt")), "{error}");
    }
}
