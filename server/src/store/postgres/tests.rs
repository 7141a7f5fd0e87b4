//! On the tests' own PostgreSQL (`throwaway.rs`), a database per test.

use std::collections::BTreeMap;

use super::schema::LATEST;
use super::throwaway::Cluster;
use super::*;
use crate::hold::HoldRules;
use crate::store::schema::{SEED, SEED_ARTICLE};

fn database(name: &str) -> String {
    Cluster::shared().database(name).unwrap()
}

async fn connect(url: &str) -> PgStore {
    PgStore::connect(url).await.unwrap_or_else(|error| panic!("{error}"))
}

async fn client(store: &PgStore) -> deadpool_postgres::Client {
    store.pool.get().await.unwrap()
}

/// The highest version and how many versions were migrated.
async fn versions(store: &PgStore) -> (i64, i64) {
    let row = client(store).await.query_one("SELECT max(version), count(*) FROM schema_version", &[]).await.unwrap();
    (row.get(0), row.get(1))
}

/// The demo article's comments, oldest first: (id, parent).
async fn seed_comments(store: &PgStore) -> Vec<(i64, Option<i64>)> {
    let rows = client(store)
        .await
        .query("SELECT id, parent_id FROM comments WHERE article_id = $1 ORDER BY created, id", &[&SEED_ARTICLE])
        .await
        .unwrap();
    rows.iter().map(|row| (row.get(0), row.get(1))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_are_idempotent_and_the_seed_is_written_once() {
    let url = database("idempotent");
    for _ in 0..2 {
        let store = connect(&url).await;
        assert_eq!(versions(&store).await, (LATEST, LATEST));
        assert_eq!(seed_comments(&store).await, [(1, None), (2, Some(1)), (3, None), (4, None)]);
        assert_eq!(SEED.len(), 4);
        let rules: String = client(&store)
            .await
            .query_one("SELECT value FROM settings WHERE name = 'hold_rules'", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(serde_json::from_str::<HoldRules>(&rules).unwrap(), HoldRules::default());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_servers_starting_at_once_migrate_once() {
    let url = database("eight_at_once");
    let starts: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PgStore::connect(&url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for start in starts {
        stores.push(start.await.unwrap().unwrap_or_else(|error| panic!("{error}")));
    }
    for store in &stores {
        assert_eq!(versions(store).await, (LATEST, LATEST));
    }
    assert_eq!(seed_comments(&stores[0]).await.len(), SEED.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_a_later_version_is_refused_by_name() {
    let url = database("later_version");
    let store = connect(&url).await;
    client(&store).await.execute("INSERT INTO schema_version (version, migrated) VALUES (99, 0)", &[]).await.unwrap();
    let error = PgStore::connect(&url).await.err().expect("refused");
    assert!(error.starts_with(&format!("database {url}: ")), "{error}");
    assert!(error.contains(&format!("version 99, newer than this server's {LATEST}")), "{error}");
    assert_eq!(versions(&store).await.0, 99, "untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_captcha_secret_is_made_once_across_stores() {
    let url = database("captcha_secret");
    let (one, two) = (connect(&url).await, connect(&url).await);
    // At once, as two servers starting on a new database.
    let (first, second) = tokio::join!(one.captcha_secret("one".into()), two.captcha_secret("two".into()));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first, second);
    assert!(first == "one" || first == "two", "{first}");
    assert_eq!(one.captcha_secret("three".into()).await.unwrap(), first);
    assert_eq!(connect(&url).await.captcha_secret("four".into()).await.unwrap(), first);
}

/// Every table, column and index of SQLite's latest version, under the same names, of the
/// types that read the same in Rust; and nothing more but the table of versions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_is_sqlites_latest() {
    type Tables = BTreeMap<String, Vec<(String, &'static str, bool)>>;
    type Indexes = BTreeMap<String, (String, bool)>;
    let folder = tempfile::tempdir().unwrap();
    let sqlite = crate::store::SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap();
    let (sqlite_tables, sqlite_indexes) = {
        let reader = crate::store::sqlite::lock(&sqlite.reader);
        let names: Vec<String> = reader
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut tables = Tables::new();
        for name in names {
            let columns = reader
                .prepare("SELECT name, type, \"notnull\" OR pk > 0 FROM pragma_table_info(?1) ORDER BY cid")
                .unwrap()
                .query_map([&name], |row| {
                    let kind = match row.get::<_, String>(1)?.as_str() {
                        "INTEGER" => "bigint",
                        "TEXT" => "text",
                        "BLOB" => "bytea",
                        other => panic!("a column of SQLite's type {other}"),
                    };
                    Ok((row.get(0)?, kind, row.get(2)?))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            tables.insert(name, columns);
        }
        // Indexes written in the schema (not those of its constraints), partial or not.
        let indexes: Indexes = reader
            .prepare("SELECT name, tbl_name, sql LIKE '% WHERE %' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, (row.get(1)?, row.get(2)?))))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        (tables, indexes)
    };
    let store = connect(&database("same_schema")).await;
    let client = client(&store).await;
    let mut tables = Tables::new();
    let rows = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> 'schema_version'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .await
        .unwrap();
    for row in rows {
        let kind = match row.get::<_, String>(2).as_str() {
            "bigint" => "bigint",
            "text" => "text",
            "bytea" => "bytea",
            other => panic!("a column of type {other}"),
        };
        tables.entry(row.get(0)).or_default().push((row.get(1), kind, row.get(3)));
    }
    assert_eq!(tables, sqlite_tables);
    let indexes: Indexes = client
        .query(
            "SELECT indexname::text, tablename::text, indexdef LIKE '% WHERE %' FROM pg_indexes
             WHERE schemaname = current_schema()
               AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), (row.get(1), row.get(2))))
        .collect();
    assert_eq!(indexes, sqlite_indexes);
}

/// What SQLite's constraints refuse, refused; what they take, taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_constraints_are_sqlites() {
    let store = connect(&database("constraints")).await;
    let client = client(&store).await;
    for status in ["published", "pending", "rejected", "spam", "deleted"] {
        client.execute("UPDATE comments SET status = $1 WHERE id = 3", &[&status]).await.unwrap();
    }
    let refused = [
        "UPDATE comments SET status = 'lost' WHERE id = 3",
        "UPDATE comments SET parent_id = 99 WHERE id = 3",
        "INSERT INTO comments (article_id, author, email, body, created, status, idempotency_key)
             VALUES ('a', 'b', 'c', 'd', 0, 'published', 'k'), ('a', 'b', 'c', 'd', 0, 'published', 'k')",
        "INSERT INTO audit_log (at, moderator, action, detail) VALUES (0, 'a', 'lost', '')",
        "INSERT INTO bans (kind, label, reason, created, moderator) VALUES ('email', 'x', '', 0, 'a')",
        "INSERT INTO bans (kind, email_hash, prefix, label, reason, created, moderator)
             VALUES ('email', 'h', '192.0.2.0/24', 'x', '', 0, 'a')",
        "INSERT INTO mail_outbox (message_id, kind, sender, recipient, recipient_key, status, created, next_attempt)
             VALUES ('m', 'spam', 's', 'r', 'k', 'queued', 0, 0)",
        "INSERT INTO mail_outbox (message_id, kind, sender, recipient, recipient_key, status, created, next_attempt)
             VALUES ('m', 'reply', 's', 'r', 'k', 'lost', 0, 0)",
    ];
    for statement in refused {
        assert!(client.execute(statement, &[]).await.is_err(), "{statement}");
    }
    let taken = [
        "INSERT INTO comments (article_id, author, email, body, created, status) VALUES ('a', 'b', 'c', 'd', 0, 'published'),
             ('a', 'b', 'c', 'd', 0, 'published')",
        "INSERT INTO bans (kind, email_hash, label, reason, created, moderator) VALUES ('email', 'h', 'x', '', 0, 'a')",
        "INSERT INTO bans (kind, prefix, label, until, reason, created, moderator)
             VALUES ('prefix', '192.0.2.0/24', 'x', 1, '', 0, 'a')",
        "INSERT INTO moderators (name, password_hash, created) VALUES ('anne', 'h', 0)",
        "INSERT INTO sessions (token_hash, moderator_id, csrf, created, last_seen) VALUES ('t', 1, 'c', 0, 0)",
        "INSERT INTO mail_outbox (message_id, cause, kind, sender, recipient, recipient_key, message, status, created,
                                  next_attempt)
             VALUES ('m', NULL, 'confirmation', 's', 'r', 'k', '\\x00ff', 'queued', 0, 0),
                    ('n', NULL, 'confirmation', 's', 'r', 'k', NULL, 'sent', 0, 0)",
    ];
    for statement in taken {
        client.execute(statement, &[]).await.unwrap_or_else(|error| panic!("{statement}: {}", describe(&error)));
    }
    // Ids come after the seed's (an insert refused used some: unlike SQLite's, PostgreSQL's
    // sequences are not rolled back); a moderator's sessions go with the moderator.
    let ids: Vec<i64> =
        client.query("SELECT id FROM comments WHERE id > 4", &[]).await.unwrap().iter().map(|row| row.get(0)).collect();
    assert_eq!(ids, [7, 8]);
    client.execute("DELETE FROM moderators WHERE name = 'anne'", &[]).await.unwrap();
    let sessions: i64 = client.query_one("SELECT count(*) FROM sessions", &[]).await.unwrap().get(0);
    assert_eq!(sessions, 0);
}

/// `fold` lowercases as SQLite's (Rust's `to_lowercase`), beyond ASCII.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fold_is_unicode_lowercase() {
    let store = connect(&database("fold")).await;
    let client = client(&store).await;
    for text in ["Émilie ÇA", "ΣΟΦΙΑ", "İstanbul", "STRASSE ẞ", "Ǆemal", "ПЁТР"] {
        let folded: String = client.query_one("SELECT fold($1)", &[&text]).await.unwrap().get(0);
        assert_eq!(folded, text.to_lowercase(), "{text}");
    }
    let null: Option<String> = client.query_one("SELECT fold(NULL)", &[]).await.unwrap().get(0);
    assert_eq!(null, None);
}

/// A connection PostgreSQL ended (as a restart does) is replaced when next taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_postgres_ended_is_replaced() {
    let store = connect(&database("ended")).await;
    let pid: i32 = client(&store).await.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let admin = connect_raw(&Cluster::shared().url()).await;
    let ended: bool = admin.query_one("SELECT pg_terminate_backend($1)", &[&pid]).await.unwrap().get(0);
    assert!(ended);
    let client = store.pool.get().await.unwrap();
    let now: i32 = client.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    assert_ne!(now, pid);
    assert_eq!(store.pool.status().size, 1, "the ended connection is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_the_url_without_its_password() {
    let cluster = Cluster::shared();
    let url = other_database(&cluster.url(), "absent").replace("postgres@", "postgres:hunter2@");
    let error = PgStore::connect(&url).await.err().expect("no such database");
    assert!(!error.contains("hunter2"), "{error}");
    assert!(error.starts_with(&format!("database {}: ", url.replace("hunter2", "***"))), "{error}");
    assert!(error.contains("FATAL: database \"absent\" does not exist"), "{error}");
    let error = PgStore::connect("host=localhost password=hunter2").await.err().unwrap();
    assert!(!error.contains("hunter2"), "{error}");
    let error = PgStore::connect("postgres://a:hunter2@127.0.0.1:1/x?connect_timeout=1").await.err().unwrap();
    assert!(error.starts_with("database postgres://a:***@127.0.0.1:1/x?connect_timeout=1: "), "{error}");
    assert!(error.contains("Connection refused"), "{error}");
}

#[test]
fn passwords_are_left_out_of_urls_shown() {
    for (url, shown) in [
        ("postgres://u:p@h/d", "postgres://u:***@h/d"),
        ("postgresql://u:p%40ss@h:5432,k/d?sslmode=disable", "postgresql://u:***@h:5432,k/d?sslmode=disable"),
        ("postgres://u@h/d?password=p&user=v", "postgres://u@h/d?password=***&user=v"),
        ("postgres://u:p/q?r@h/d", "postgres://u:***@h/d"),
        ("postgres://h/d", "postgres://h/d"),
    ] {
        assert_eq!(without_password(url), shown);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_not_in_utf8_is_refused() {
    let cluster = Cluster::shared();
    let admin = connect_raw(&cluster.url()).await;
    admin
        .batch_execute("CREATE DATABASE latin1 ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
        .await
        .unwrap();
    let url = other_database(&cluster.url(), "latin1");
    let error = PgStore::connect(&url).await.err().expect("refused");
    assert!(error.contains("its encoding is LATIN1"), "{error}");
}

/// `url`, of the database `name` instead.
fn other_database(url: &str, name: &str) -> String {
    format!("{}/{name}", url.rsplit_once('/').unwrap().0)
}

/// A connection of its own, outside any pool.
async fn connect_raw(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}
