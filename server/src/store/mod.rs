//! SQLite: comments, the captcha and proof-of-work challenges already used, settings, and
//! moderation (moderators and their sessions, bans, the audit log).
//!
//! Durability: WAL with `synchronous=FULL`, so a commit is on disk before `201 Created` is
//! sent (`NORMAL` may lose the last commits on power loss). Each write is one transaction.
//! Two connections: writes are serialised on one, and reads go to the other, which WAL lets
//! proceed while a write commits. Both are blocking: callers run them in `spawn_blocking`.

mod audit;
mod bans;
mod challenges;
mod comments;
mod edits;
mod feed;
mod moderation;
mod moderators;
pub mod mail;
mod schema;

pub use comments::{Cursor, MoreReplies, NewComment, Order, Page, Posted, Replies, REPLIES_PER_PAGE, REPLIES_PER_ROOT};
pub use edits::{Authorship, Edit};
pub use feed::FeedComment;
pub use audit::{Actor, AuditEntry};
pub use bans::{Ban, BanTarget, NewBan, Screening};
pub use moderation::{AdminComment, AdminCursor, AdminPage, Search, STATUSES};
pub use moderators::{Credentials, ModeratorRow, Session, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS};

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl Store {
    /// Opens (creating and seeding if need be) the database at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        let mut writer = connect(path)?;
        schema::migrate(&mut writer)?;
        let reader = connect(path)?;
        Ok(Store { writer: Mutex::new(writer), reader: Mutex::new(reader) })
    }

    /// The secret stored at first start, which stores `fresh` (ignored afterwards).
    pub fn captcha_secret(&self, fresh: String) -> rusqlite::Result<String> {
        let writer = lock(&self.writer);
        let stored = |writer: &Connection| {
            writer
                .query_row("SELECT value FROM settings WHERE name = 'captcha_secret'", [], |row| row.get(0))
                .optional()
        };
        if let Some(secret) = stored(&writer)? {
            return Ok(secret);
        }
        writer.execute("INSERT INTO settings (name, value) VALUES ('captcha_secret', ?1)", [fresh])?;
        stored(&writer)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
    }
}

/// A poisoned lock only means a panic while it was held; SQLite rolled back whatever
/// transaction was open, so the connection is still sound.
fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(PoisonError::into_inner)
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    let mode: String = connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!("journal_mode is {mode}, not WAL")));
    }
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    moderation::register_functions(&connection)?;
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::schema::{SEED, SEED_ARTICLE};
    use super::*;

    #[test]
    fn commits_are_durable_and_the_seed_is_written_once() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("comments.sqlite3");
        for _ in 0..2 {
            let store = Store::open(&path).unwrap();
            for connection in [&store.writer, &store.reader] {
                let connection = lock(connection);
                let pragma = |name: &str| {
                    connection.query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, rusqlite::types::Value>(0))
                };
                assert_eq!(pragma("journal_mode").unwrap(), rusqlite::types::Value::Text("wal".into()));
                // 2 is FULL: the WAL is synced at every commit.
                assert_eq!(pragma("synchronous").unwrap(), rusqlite::types::Value::Integer(2));
                assert_eq!(pragma("foreign_keys").unwrap(), rusqlite::types::Value::Integer(1));
            }
            let page = store.page(SEED_ARTICLE, Order::Oldest, 100, None).unwrap();
            assert_eq!(page.total, SEED.len() as i64);
            let parents: Vec<_> = page.comments.iter().map(|c| c.parent.as_deref()).collect();
            assert_eq!(parents, [None, Some("1"), None, None]);
        }
    }

    #[test]
    fn the_captcha_secret_is_made_once() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("comments.sqlite3");
        assert_eq!(Store::open(&path).unwrap().captcha_secret("first".into()).unwrap(), "first");
        assert_eq!(Store::open(&path).unwrap().captcha_secret("second".into()).unwrap(), "first");
    }
}
