//! `article-widget-server migrate`: an SQLite database copied into a new PostgreSQL one,
//! every table whole (ids, secrets, sessions, the mail's queue), in one transaction that
//! commits only once each table counts as many rows on both sides.
//!
//! The target must be new: nothing in it but what its schema's first version wrote (the
//! demo's comments, the default rules), which the copy replaces. Each table goes by
//! PostgreSQL's binary `COPY`, its columns those of PostgreSQL's schema, read by name from
//! SQLite's (which is brought to its latest version first); a value of another type than its
//! column's (a row written outside the API) stops the copy, naming its table, row and column.

use std::path::Path;
use std::pin::pin;

use rusqlite::types::Value;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::PgStore;
use crate::store::sqlite::lock;
use crate::store::{Database, SqliteStore};

/// The tables, each after those it refers to, and whether its `id` is an identity column.
const TABLES: [(&str, bool); 11] = [
    ("settings", false),
    ("comments", true),
    ("used_captchas", false),
    ("used_pow", false),
    ("moderators", true),
    ("sessions", false),
    ("bans", true),
    ("audit_log", true),
    ("mail_addresses", false),
    ("mail_subscriptions", false),
    ("mail_outbox", true),
];

/// One table copied: how many rows SQLite has, and PostgreSQL after the copy.
#[derive(Debug, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    pub source: i64,
    pub target: i64,
}

type Row = Vec<Box<dyn ToSql + Send + Sync>>;

/// Copies the SQLite database at `from` into the new PostgreSQL database at `to`.
pub async fn sqlite_to_postgres(from: &Path, to: &str) -> Result<Vec<Copied>, String> {
    let source = tokio::task::block_in_place(|| SqliteStore::open(from))
        .map_err(|error| format!("database {}: {error}", Database::Sqlite(from.to_owned())))?;
    let target = PgStore::connect(to).await?;
    let shown = Database::Postgres(to.to_owned());
    let failed = |error: tokio_postgres::Error| format!("database {shown}: {}", super::describe(&error));
    let mut client =
        target.pool.get().await.map_err(|error| format!("database {shown}: {}", super::describe_pool(&error)))?;
    let transaction = client.transaction().await.map_err(failed)?;
    refuse_unless_new(&transaction).await.map_err(|problem| format!("database {shown}: {problem}"))?;
    let names = TABLES.iter().map(|(table, _)| *table).collect::<Vec<_>>().join(", ");
    transaction.batch_execute(&format!("TRUNCATE {names} RESTART IDENTITY")).await.map_err(failed)?;
    let mut copied = Vec::new();
    for (table, identity) in TABLES {
        // The columns and their types, as PostgreSQL's schema has them.
        let statement = transaction.prepare(&format!("SELECT * FROM {table}")).await.map_err(failed)?;
        let columns: Vec<(String, Type)> =
            statement.columns().iter().map(|column| (column.name().to_owned(), column.type_().clone())).collect();
        let rows = tokio::task::block_in_place(|| read(&source, table, &columns))?;
        let list = columns.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
        let sink = transaction.copy_in(&format!("COPY {table} ({list}) FROM STDIN BINARY")).await.map_err(failed)?;
        let types: Vec<Type> = columns.iter().map(|(_, kind)| kind.clone()).collect();
        let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
        for row in &rows {
            let values: Vec<&(dyn ToSql + Sync)> = row.iter().map(|value| &**value as &(dyn ToSql + Sync)).collect();
            writer.as_mut().write(&values).await.map_err(failed)?;
        }
        writer.finish().await.map_err(failed)?;
        if identity {
            // The next id after the last copied, as SQLite would give it.
            transaction
                .execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
                    ),
                    &[],
                )
                .await
                .map_err(failed)?;
        }
        let target: i64 =
            transaction.query_one(&format!("SELECT count(*) FROM {table}"), &[]).await.map_err(failed)?.get(0);
        copied.push(Copied { table, source: rows.len() as i64, target });
    }
    if let Some(short) = copied.iter().find(|copied| copied.source != copied.target) {
        return Err(format!(
            "{}: {} rows in SQLite, {} in PostgreSQL: nothing was written",
            short.table, short.source, short.target
        ));
    }
    transaction.commit().await.map_err(failed)?;
    Ok(copied)
}

/// Refuses a database that holds more than its schema's first version wrote: comments
/// posted, moderators, bans, mail.
async fn refuse_unless_new(transaction: &deadpool_postgres::Transaction<'_>) -> Result<(), String> {
    let posted: i64 = transaction
        .query_one("SELECT count(*) FROM comments WHERE idempotency_key IS NOT NULL", &[])
        .await
        .map_err(|error| super::describe(&error))?
        .get(0);
    if posted > 0 {
        return Err(format!("it has {posted} comments posted already: migrate copies into a new database only"));
    }
    for table in ["moderators", "bans", "audit_log", "mail_outbox"] {
        let rows: i64 = transaction
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .map_err(|error| super::describe(&error))?
            .get(0);
        if rows > 0 {
            return Err(format!("its table {table} has {rows} rows: migrate copies into a new database only"));
        }
    }
    Ok(())
}

/// Every row of `table` in SQLite, its values those of `columns`, each as its column's type.
fn read(source: &SqliteStore, table: &str, columns: &[(String, Type)]) -> Result<Vec<Row>, String> {
    let connection = lock(&source.reader);
    let list = columns.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
    let failed = |error: rusqlite::Error| format!("SQLite's table {table}: {error}");
    let mut statement =
        connection.prepare(&format!("SELECT rowid, {list} FROM {table} ORDER BY rowid")).map_err(failed)?;
    let mut rows = statement.query([]).map_err(failed)?;
    let mut read = Vec::new();
    while let Some(row) = rows.next().map_err(failed)? {
        let rowid: i64 = row.get(0).map_err(failed)?;
        let mut values: Row = Vec::with_capacity(columns.len());
        for (index, (name, kind)) in columns.iter().enumerate() {
            let value: Value = row.get(index + 1).map_err(failed)?;
            values.push(typed(value, kind).map_err(|found| {
                format!("SQLite's table {table}, row {rowid}: {name} is {found}, which PostgreSQL's column ({kind}) cannot hold")
            })?);
        }
        read.push(values);
    }
    Ok(read)
}

/// A value of SQLite as a value of PostgreSQL's column type, or what it is instead.
fn typed(value: Value, kind: &Type) -> Result<Box<dyn ToSql + Send + Sync>, &'static str> {
    Ok(match (value, kind) {
        (Value::Null, &Type::INT8) => Box::new(None::<i64>),
        (Value::Null, &Type::TEXT) => Box::new(None::<String>),
        (Value::Null, &Type::BYTEA) => Box::new(None::<Vec<u8>>),
        (Value::Integer(number), &Type::INT8) => Box::new(number),
        (Value::Text(text), &Type::TEXT) => Box::new(text),
        (Value::Blob(bytes), &Type::BYTEA) => Box::new(bytes),
        (Value::Text(text), &Type::BYTEA) => Box::new(text.into_bytes()),
        (Value::Null, _) => return Err("null, of a column type the copy does not know"),
        (Value::Integer(_), _) => return Err("an integer"),
        (Value::Real(_), _) => return Err("a real number"),
        (Value::Text(_), _) => return Err("text"),
        (Value::Blob(_), _) => return Err("a blob"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::throwaway::Cluster;
    use super::*;

    /// An SQLite database with a reply, a moderator and their session, and a message queued.
    fn source(folder: &Path) -> std::path::PathBuf {
        let path = folder.join("comments.sqlite3");
        let store = SqliteStore::open(&path).unwrap();
        let writer = lock(&store.writer);
        writer
            .execute_batch(
                "INSERT INTO comments (id, article_id, parent_id, author, email, body, created, status, idempotency_key,
                                       request_fingerprint, secret_hash)
                 VALUES (40, 'a', 1, 'Zoé', 'z@example.org', 'Réponse', 1728650000, 'published', 'key-0123456789abcdef',
                         'f', 'h');
                 INSERT INTO moderators (id, name, password_hash, created) VALUES (7, 'anne', '$argon2id$x', 1);
                 INSERT INTO sessions (token_hash, moderator_id, csrf, created, last_seen) VALUES ('t', 7, 'c', 1, 2);
                 INSERT INTO mail_outbox (message_id, kind, sender, recipient, recipient_key, message, status, created,
                                          next_attempt)
                 VALUES ('<m@x>', 'reply', 'a@x', 'b@x', 'k', X'00ff0d0a', 'queued', 5, 5);",
            )
            .unwrap();
        path
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_copy_keeps_every_row_and_id_and_the_next_ids_follow() {
        let folder = tempfile::tempdir().unwrap();
        let url = Cluster::shared().database("copy_whole").unwrap();
        let copied = sqlite_to_postgres(&source(folder.path()), &url).await.unwrap();
        let count = |table: &str| copied.iter().find(|copied| copied.table == table).map(|c| (c.source, c.target));
        assert_eq!(count("comments"), Some((5, 5)), "the four of the demo and the reply");
        assert_eq!(count("sessions"), Some((1, 1)));
        assert_eq!(count("mail_outbox"), Some((1, 1)));
        assert!(copied.iter().all(|copied| copied.source == copied.target));
        let store = PgStore::connect(&url).await.unwrap();
        let client = store.pool.get().await.unwrap();
        let reply = client.query_one("SELECT parent_id, author FROM comments WHERE id = 40", &[]).await.unwrap();
        assert_eq!((reply.get::<_, Option<i64>>(0), reply.get::<_, String>(1)), (Some(1), "Zoé".to_owned()));
        let message: Vec<u8> = client.query_one("SELECT message FROM mail_outbox", &[]).await.unwrap().get(0);
        assert_eq!(message, [0x00, 0xff, 0x0d, 0x0a]);
        let next: i64 = client
            .query_one(
                "INSERT INTO comments (article_id, author, email, body, created, status)
                 VALUES ('a', 'b', 'c', 'd', 0, 'published') RETURNING id",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(next, 41);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_database_in_use_is_refused_and_left_as_it_was() {
        let folder = tempfile::tempdir().unwrap();
        let url = Cluster::shared().database("copy_in_use").unwrap();
        let source = source(folder.path());
        sqlite_to_postgres(&source, &url).await.unwrap();
        let error = sqlite_to_postgres(&source, &url).await.unwrap_err();
        assert!(error.contains("has 1 comments posted already: migrate copies into a new database only"), "{error}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_value_postgres_cannot_hold_is_named_and_nothing_is_written() {
        let folder = tempfile::tempdir().unwrap();
        let url = Cluster::shared().database("copy_bad_row").unwrap();
        let path = source(folder.path());
        let store = SqliteStore::open(&path).unwrap();
        lock(&store.writer).execute("UPDATE comments SET author = X'00' WHERE id = 40", []).unwrap();
        let error = sqlite_to_postgres(&path, &url).await.unwrap_err();
        assert_eq!(
            error,
            "SQLite's table comments, row 40: author is a blob, which PostgreSQL's column (text) cannot hold"
        );
        let store = PgStore::connect(&url).await.unwrap();
        let comments: i64 =
            store.pool.get().await.unwrap().query_one("SELECT count(*) FROM comments", &[]).await.unwrap().get(0);
        assert_eq!(comments, 4, "the demo's, as the schema wrote them");
    }
}
