//! The audit log: one entry per moderator's action, written in the transaction of the action
//! itself, so that no change is made without its entry, nor an entry without its change.

use article_widget_core::moderation::AuditAction;
use rusqlite::{params, Connection};

use super::{lock, SqliteStore};
use crate::error::ApiError;

/// Who acts, and when (Unix seconds).
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub now: i64,
}

/// An entry as read back, newest first.
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub moderator: String,
    pub action: String,
    pub comment: Option<i64>,
    pub detail: String,
}

/// Writes one entry; `connection` is the action's transaction.
pub(super) fn record(
    connection: &Connection,
    actor: Actor,
    action: AuditAction,
    comment: Option<i64>,
    detail: &str,
) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT INTO audit_log (at, moderator, action, comment_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![actor.now, actor.name, action.code(), comment, detail],
    )?;
    Ok(())
}

impl SqliteStore {
    /// Up to `limit` entries before the entry `before` (from the newest when `None`), newest
    /// first, and whether there are more.
    pub fn audit(&self, before: Option<i64>, limit: u32) -> Result<(Vec<AuditEntry>, bool), ApiError> {
        let reader = lock(&self.reader);
        let mut statement = reader.prepare_cached(
            "SELECT id, at, moderator, action, comment_id, detail FROM audit_log
             WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let mut entries = statement
            .query_map(params![before, i64::from(limit) + 1], |row| {
                Ok(AuditEntry {
                    id: row.get(0)?,
                    at: row.get(1)?,
                    moderator: row.get(2)?,
                    action: row.get(3)?,
                    comment: row.get(4)?,
                    detail: row.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // One more than asked tells whether there is a next page.
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        Ok((entries, more))
    }
}
