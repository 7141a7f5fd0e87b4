//! Moderators (made on the command line) and their sessions. A session is found by the hash
//! of its cookie's token; it ends after `SESSION_IDLE_SECONDS` unused or
//! `SESSION_MAX_SECONDS` in all, whichever comes first.

use article_widget_core::moderation::AuditAction;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::audit::{record, Actor};
use super::{lock, SqliteStore};
use crate::error::ApiError;

pub const SESSION_IDLE_SECONDS: i64 = 12 * 3600;
pub const SESSION_MAX_SECONDS: i64 = 7 * 24 * 3600;
/// A session's last use is written at most this often, so that reads stay reads.
const TOUCH_SECONDS: i64 = 60;

/// A moderator as `moderator list` shows them.
pub struct ModeratorRow {
    pub name: String,
    pub created: i64,
    pub sessions: i64,
}

/// A session found by its token.
#[derive(Clone, Debug)]
pub struct Session {
    pub moderator: String,
    pub csrf: String,
}

/// What signing in needs: the moderator's id and password hash.
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
}

impl SqliteStore {
    /// Adds a moderator; `false` when the name is taken.
    pub fn add_moderator(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, ApiError> {
        let writer = lock(&self.writer);
        let added = writer.execute(
            "INSERT OR IGNORE INTO moderators (name, password_hash, created) VALUES (?1, ?2, ?3)",
            params![name, password_hash, now],
        )?;
        Ok(added == 1)
    }

    /// Changes a moderator's password and ends their sessions; `false` when there is no such
    /// moderator.
    pub fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed =
            transaction.execute("UPDATE moderators SET password_hash = ?2 WHERE name = ?1", params![name, password_hash])?;
        transaction.execute(
            "DELETE FROM sessions WHERE moderator_id = (SELECT id FROM moderators WHERE name = ?1)",
            [name],
        )?;
        transaction.commit()?;
        Ok(changed == 1)
    }

    /// Removes a moderator and their sessions; the audit log keeps their name.
    pub fn remove_moderator(&self, name: &str) -> Result<bool, ApiError> {
        let writer = lock(&self.writer);
        Ok(writer.execute("DELETE FROM moderators WHERE name = ?1", [name])? == 1)
    }

    /// Every moderator, by name, with their sessions open at `now`.
    pub fn moderators(&self, now: i64) -> Result<Vec<ModeratorRow>, ApiError> {
        let reader = lock(&self.reader);
        let mut statement = reader.prepare(
            "SELECT name, created,
                    (SELECT count(*) FROM sessions
                     WHERE moderator_id = moderators.id AND last_seen > ?1 AND created > ?2)
             FROM moderators ORDER BY name",
        )?;
        let rows = statement
            .query_map(params![now - SESSION_IDLE_SECONDS, now - SESSION_MAX_SECONDS], |row| {
                Ok(ModeratorRow { name: row.get(0)?, created: row.get(1)?, sessions: row.get(2)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn credentials(&self, name: &str) -> Result<Option<Credentials>, ApiError> {
        let reader = lock(&self.reader);
        Ok(reader
            .query_row("SELECT id, password_hash FROM moderators WHERE name = ?1", [name], |row| {
                Ok(Credentials { id: row.get(0)?, password_hash: row.get(1)? })
            })
            .optional()?)
    }

    /// Opens a session for the moderator `id`, with its audit entry, and forgets the
    /// sessions that have ended.
    pub fn open_session(&self, id: i64, token_hash: &str, csrf: &str, actor: Actor) -> Result<(), ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "DELETE FROM sessions WHERE last_seen <= ?1 OR created <= ?2",
            params![actor.now - SESSION_IDLE_SECONDS, actor.now - SESSION_MAX_SECONDS],
        )?;
        transaction.execute(
            "INSERT INTO sessions (token_hash, moderator_id, csrf, created, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![token_hash, id, csrf, actor.now],
        )?;
        record(&transaction, actor, AuditAction::SignIn, None, "")?;
        transaction.commit()?;
        Ok(())
    }

    /// The session of this token, if it is still open at `now` (its use noted).
    pub fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, ApiError> {
        let found = {
            let reader = lock(&self.reader);
            reader
                .query_row(
                    "SELECT moderators.name, sessions.csrf, sessions.last_seen FROM sessions
                     JOIN moderators ON moderators.id = sessions.moderator_id
                     WHERE token_hash = ?1 AND last_seen > ?2 AND sessions.created > ?3",
                    params![token_hash, now - SESSION_IDLE_SECONDS, now - SESSION_MAX_SECONDS],
                    |row| Ok((Session { moderator: row.get(0)?, csrf: row.get(1)? }, row.get::<_, i64>(2)?)),
                )
                .optional()?
        };
        let Some((session, last_seen)) = found else { return Ok(None) };
        if now - last_seen >= TOUCH_SECONDS {
            let writer = lock(&self.writer);
            writer.execute("UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1", params![token_hash, now])?;
        }
        Ok(Some(session))
    }

    /// Ends the session of this token, with its audit entry.
    pub fn close_session(&self, token_hash: &str, actor: Actor) -> Result<(), ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        record(&transaction, actor, AuditAction::SignOut, None, "")?;
        transaction.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_or_old_and_with_a_new_password() {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap();
        assert!(store.add_moderator("anne", "hash", 0).unwrap());
        assert!(!store.add_moderator("anne", "other", 0).unwrap(), "the name is taken");
        let id = store.credentials("anne").unwrap().unwrap().id;
        let actor = |now| Actor { name: "anne", now };
        store.open_session(id, "token", "csrf", actor(1_000)).unwrap();
        // Used every 11 hours, it lasts a week, not more.
        let mut now = 1_000;
        while now + 11 * 3600 < 1_000 + SESSION_MAX_SECONDS {
            now += 11 * 3600;
            assert_eq!(store.session("token", now).unwrap().unwrap().csrf, "csrf", "at {now}");
        }
        assert!(store.session("token", 1_000 + SESSION_MAX_SECONDS).unwrap().is_none());
        store.open_session(id, "idle", "csrf", actor(1_000)).unwrap();
        assert!(store.session("idle", 1_000 + SESSION_IDLE_SECONDS).unwrap().is_none());
        store.open_session(id, "fresh", "csrf", actor(1_000)).unwrap();
        assert!(store.set_password("anne", "new hash").unwrap());
        assert!(store.session("fresh", 1_001).unwrap().is_none(), "a new password ends the sessions");
        assert!(store.remove_moderator("anne").unwrap());
        assert!(store.credentials("anne").unwrap().is_none());
    }
}
