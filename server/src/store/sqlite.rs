//! The SQLite database: the embedded default, one file.
//!
//! Durability: WAL with `synchronous=FULL`, so a commit is on disk before `201 Created` is
//! sent (`NORMAL` may lose the last commits on power loss). Each write is one transaction.
//! Two connections: writes are serialised on one, and reads go to the other, which WAL lets
//! proceed while a write commits. Both are blocking: the [`Storage`] methods run them with
//! `block_in_place`, so that the runtime moves its other tasks to another worker meanwhile.

use std::net::IpAddr;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use article_widget_core::comment::Comment;
use article_widget_core::moderation::AuditAction;
use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension};
use tokio::runtime::Handle;
use tokio::task::block_in_place;

use super::mail::{Claimed, SqliteMailTables};
use super::*;
use crate::captcha::Genuine;
use crate::error::ApiError;
use crate::hold::HoldRules;
use crate::mail::Mail;
use crate::pow::Spent;

pub struct SqliteStore {
    pub(super) writer: Mutex<Connection>,
    pub(super) reader: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating and seeding if need be) the database at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<SqliteStore> {
        let mut writer = connect(path)?;
        schema::migrate(&mut writer)?;
        let reader = connect(path)?;
        Ok(SqliteStore { writer: Mutex::new(writer), reader: Mutex::new(reader) })
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

/// Each method blocks its worker for as long as SQLite takes (a commit waits for the disk):
/// `block_in_place` has the runtime move its other tasks elsewhere meanwhile. The mail a
/// post calls for is written by the same code on both databases ([`Mail::on_posted`], async
/// over [`super::mail::MailTables`]); on SQLite its futures are ready at once, run here by
/// `block_on` within the transaction.
#[async_trait]
impl Storage for SqliteStore {
    async fn captcha_secret(&self, fresh: String) -> Result<String, ApiError> {
        Ok(block_in_place(|| SqliteStore::captcha_secret(self, fresh))?)
    }

    async fn page(&self, article: &str, order: Order, limit: u32, after: Option<Cursor>) -> Result<Page, ApiError> {
        Ok(block_in_place(|| SqliteStore::page(self, article, order, limit, after))?)
    }

    async fn replies(
        &self,
        article: &str,
        root: i64,
        limit: u32,
        after: Option<Cursor>,
    ) -> Result<Option<Replies>, ApiError> {
        Ok(block_in_place(|| SqliteStore::replies(self, article, root, limit, after))?)
    }

    async fn post(&self, new: &NewComment<'_>, mail: Option<PostMail<'_>>) -> Result<Posted, ApiError> {
        block_in_place(|| {
            self.post_then(new, |transaction, comment| match mail {
                Some(PostMail { mail, email, notify }) => {
                    let mut tables = SqliteMailTables(transaction);
                    Handle::current().block_on(mail.on_posted(&mut tables, new.article, email, comment, notify))
                }
                None => Ok(()),
            })
        })
    }

    async fn earlier(&self, article: &str, key: &str, fingerprint: &str) -> Result<Option<Comment>, ApiError> {
        block_in_place(|| SqliteStore::earlier(self, article, key, fingerprint))
    }

    async fn use_captcha(&self, captcha: Genuine, pow: Option<&Spent>, now: i64) -> Result<(), ApiError> {
        block_in_place(|| SqliteStore::use_captcha(self, captcha, pow, now))
    }

    async fn pow_used(&self, pow: &Spent) -> Result<bool, ApiError> {
        block_in_place(|| SqliteStore::pow_used(self, pow))
    }

    async fn edit_comment(&self, id: i64, edit: Edit<'_>, now: i64) -> Result<Option<Comment>, ApiError> {
        block_in_place(|| SqliteStore::edit_comment(self, id, edit, now))
    }

    async fn edit_own(
        &self,
        article: &str,
        id: i64,
        edit: Edit<'_>,
        now: i64,
        allowed: Allowed<'_>,
    ) -> Result<Option<Comment>, ApiError> {
        block_in_place(|| SqliteStore::edit_own(self, article, id, edit, now, allowed))
    }

    async fn delete_comment(&self, id: i64) -> Result<bool, ApiError> {
        block_in_place(|| SqliteStore::delete_comment(self, id))
    }

    async fn authorship(&self, article: &str, id: i64) -> Result<Option<Authorship>, ApiError> {
        block_in_place(|| SqliteStore::authorship(self, article, id))
    }

    async fn latest(&self, article: Option<&str>, limit: u32) -> Result<Vec<FeedComment>, ApiError> {
        block_in_place(|| SqliteStore::latest(self, article, limit))
    }

    async fn notify_reply(&self, mail: &Mail, comment: i64) -> Result<(), ApiError> {
        block_in_place(|| {
            self.write(|transaction| {
                let mut tables = SqliteMailTables(transaction);
                Handle::current().block_on(mail.enqueue_reply_notice(&mut tables, comment))
            })
        })
    }

    async fn confirm_address(&self, address: &str, now: i64) -> Result<bool, ApiError> {
        Ok(block_in_place(|| SqliteStore::confirm_address(self, address, now))?)
    }

    async fn unsubscribe_replies(&self, address: &str) -> Result<(), ApiError> {
        Ok(block_in_place(|| SqliteStore::unsubscribe_replies(self, address))?)
    }

    async fn unsubscribe_held(&self, address: &str, now: i64) -> Result<(), ApiError> {
        Ok(block_in_place(|| SqliteStore::unsubscribe_held(self, address, now))?)
    }

    async fn claim_mail(&self, now: i64, lease: i64) -> Result<Option<Claimed>, ApiError> {
        Ok(block_in_place(|| SqliteStore::claim_mail(self, now, lease))?)
    }

    async fn mail_sent(&self, claimed: &Claimed) -> Result<(), ApiError> {
        Ok(block_in_place(|| SqliteStore::mail_sent(self, claimed))?)
    }

    async fn mail_retry(&self, claimed: &Claimed, at: i64, error: &str) -> Result<(), ApiError> {
        Ok(block_in_place(|| SqliteStore::mail_retry(self, claimed, at, error))?)
    }

    async fn mail_failed(&self, claimed: &Claimed, error: &str) -> Result<(), ApiError> {
        Ok(block_in_place(|| SqliteStore::mail_failed(self, claimed, error))?)
    }

    async fn admin_comments(
        &self,
        search: &Search,
        limit: u32,
        after: Option<AdminCursor>,
    ) -> Result<AdminPage, ApiError> {
        block_in_place(|| SqliteStore::admin_comments(self, search, limit, after))
    }

    async fn admin_comment(&self, id: i64) -> Result<Option<AdminComment>, ApiError> {
        block_in_place(|| SqliteStore::admin_comment(self, id))
    }

    async fn set_status(
        &self,
        id: i64,
        status: &str,
        action: AuditAction,
        actor: Actor<'_>,
    ) -> Result<Option<(String, AdminComment)>, ApiError> {
        block_in_place(|| SqliteStore::set_status(self, id, status, action, actor))
    }

    async fn moderate_edit(&self, id: i64, edit: Edit<'_>, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        block_in_place(|| SqliteStore::moderate_edit(self, id, edit, actor))
    }

    async fn moderate_delete(&self, id: i64, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        block_in_place(|| SqliteStore::moderate_delete(self, id, actor))
    }

    async fn hold_rules(&self) -> Result<HoldRules, ApiError> {
        block_in_place(|| SqliteStore::hold_rules(self))
    }

    async fn set_hold_rules(&self, rules: &HoldRules, actor: Actor<'_>) -> Result<(), ApiError> {
        block_in_place(|| SqliteStore::set_hold_rules(self, rules, actor))
    }

    async fn add_ban(&self, ban: &NewBan<'_>, actor: Actor<'_>) -> Result<Ban, ApiError> {
        block_in_place(|| SqliteStore::add_ban(self, ban, actor))
    }

    async fn remove_ban(&self, id: i64, actor: Actor<'_>) -> Result<bool, ApiError> {
        block_in_place(|| SqliteStore::remove_ban(self, id, actor))
    }

    async fn bans(&self, now: i64) -> Result<Vec<Ban>, ApiError> {
        block_in_place(|| SqliteStore::bans(self, now))
    }

    async fn screen(&self, email: &str, email_hash: &str, address: IpAddr, now: i64) -> Result<Screening, ApiError> {
        block_in_place(|| SqliteStore::screen(self, email, email_hash, address, now))
    }

    async fn audit(&self, before: Option<i64>, limit: u32) -> Result<(Vec<AuditEntry>, bool), ApiError> {
        block_in_place(|| SqliteStore::audit(self, before, limit))
    }

    async fn add_moderator(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, ApiError> {
        block_in_place(|| SqliteStore::add_moderator(self, name, password_hash, now))
    }

    async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, ApiError> {
        block_in_place(|| SqliteStore::set_password(self, name, password_hash))
    }

    async fn remove_moderator(&self, name: &str) -> Result<bool, ApiError> {
        block_in_place(|| SqliteStore::remove_moderator(self, name))
    }

    async fn moderators(&self, now: i64) -> Result<Vec<ModeratorRow>, ApiError> {
        block_in_place(|| SqliteStore::moderators(self, now))
    }

    async fn credentials(&self, name: &str) -> Result<Option<Credentials>, ApiError> {
        block_in_place(|| SqliteStore::credentials(self, name))
    }

    async fn open_session(&self, id: i64, token_hash: &str, csrf: &str, actor: Actor<'_>) -> Result<(), ApiError> {
        block_in_place(|| SqliteStore::open_session(self, id, token_hash, csrf, actor))
    }

    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, ApiError> {
        block_in_place(|| SqliteStore::session(self, token_hash, now))
    }

    async fn close_session(&self, token_hash: &str, actor: Actor<'_>) -> Result<(), ApiError> {
        block_in_place(|| SqliteStore::close_session(self, token_hash, actor))
    }
}

/// A poisoned lock only means a panic while it was held; SQLite rolled back whatever
/// transaction was open, so the connection is still sound.
pub(super) fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    let mode: String = connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!("journal_mode is {mode}, not WAL")));
    }
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    super::moderation::register_functions(&connection)?;
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
            let store = SqliteStore::open(&path).unwrap();
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
        assert_eq!(SqliteStore::open(&path).unwrap().captcha_secret("first".into()).unwrap(), "first");
        assert_eq!(SqliteStore::open(&path).unwrap().captcha_secret("second".into()).unwrap(), "first");
    }
}
