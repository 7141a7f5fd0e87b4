//! `article-widget-server migrate`, as an operator runs it: a site's SQLite database copied
//! into PostgreSQL by the server's binary, then served from PostgreSQL as it was.

mod common;

use std::process::Command;

use article_widget_server::store::Database;
use common::database::Kind;
use common::{comment, key, Site, COMMENTS};
use serde_json::json;

#[test]
fn a_site_moved_to_postgres_serves_the_same_thread_and_answers_a_retried_post_with_its_comment() {
    let sqlite = Site::on(Kind::Sqlite);
    let server = sqlite.start(&[]);
    let (first_key, first) = (key(), comment("Zoé", "Le premier.", &server.solved_challenge()).to_string());
    let posted = server.post(COMMENTS, &first_key, &first);
    assert_eq!(posted.status, 201, "{}", posted.body);
    let mut reply = comment("Yann", "Une réponse.", &server.solved_challenge());
    reply["parent"] = posted.json()["id"].clone();
    assert_eq!(server.post(COMMENTS, &key(), &reply.to_string()).status, 201);
    let thread = server.get(COMMENTS).json();
    server.stop();

    let postgres = Site::on(Kind::Postgres);
    let (Database::Sqlite(file), Database::Postgres(url)) = (sqlite.database(), postgres.database()) else {
        unreachable!("a site on each database")
    };
    let migrated = Command::new(env!("CARGO_BIN_EXE_article-widget-server"))
        .args(["migrate", "--from", file.to_str().unwrap(), "--to", url])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&migrated.stdout);
    assert!(migrated.status.success(), "{printed}{}", String::from_utf8_lossy(&migrated.stderr));
    let comments = printed.lines().find(|line| line.starts_with("comments ")).unwrap_or_default();
    assert_eq!(comments.split_whitespace().collect::<Vec<_>>(), ["comments", "6", "6"], "{printed}");

    // The captcha's secret came along: the first post's retry is answered with its comment.
    let server = postgres.start(&[]);
    assert_eq!(server.get(COMMENTS).json(), thread);
    let retried = server.post(COMMENTS, &first_key, &first);
    assert_eq!((retried.status, &retried.json()["id"]), (200, &posted.json()["id"]), "{}", retried.body);
    let next = server.post(COMMENTS, &key(), &comment("Xavier", "Après.", &server.solved_challenge()).to_string());
    assert_eq!(next.json()["id"], json!("7"), "the next id after the copied ones");
}
