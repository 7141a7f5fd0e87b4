//! Moderators and their sessions on PostgreSQL, as SQLite's (`store/moderators.rs`): the same
//! statements, but for `ON CONFLICT DO NOTHING` (SQLite's `INSERT OR IGNORE`).

use article_widget_core::moderation::AuditAction;

use super::audit::record;
use super::PgStore;
use crate::error::ApiError;
use crate::store::{Actor, Credentials, ModeratorRow, Session, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS};

/// A session's last use is written at most this often, so that reads stay reads (SQLite's).
const TOUCH_SECONDS: i64 = 60;

impl PgStore {
    /// Adds a moderator; `false` when the name is taken. Two servers adding the same name at
    /// once: the unique index makes the second wait for the first's commit, then do nothing.
    pub(super) async fn add_moderator(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, ApiError> {
        let client = self.pool.get().await?;
        let added = client
            .execute(
                "INSERT INTO moderators (name, password_hash, created) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &password_hash, &now],
            )
            .await?;
        Ok(added == 1)
    }

    /// Changes a moderator's password and ends their sessions; `false` when there is no such
    /// moderator. A session opened at the same moment, its insert not yet committed, is not
    /// seen by the deletion: it is as if opened just after, as it may be on SQLite.
    pub(super) async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let changed = transaction
            .execute("UPDATE moderators SET password_hash = $2 WHERE name = $1", &[&name, &password_hash])
            .await?;
        transaction
            .execute("DELETE FROM sessions WHERE moderator_id = (SELECT id FROM moderators WHERE name = $1)", &[&name])
            .await?;
        transaction.commit().await?;
        Ok(changed == 1)
    }

    /// Removes a moderator and their sessions (`ON DELETE CASCADE`); the audit log keeps their
    /// name.
    pub(super) async fn remove_moderator(&self, name: &str) -> Result<bool, ApiError> {
        let client = self.pool.get().await?;
        Ok(client.execute("DELETE FROM moderators WHERE name = $1", &[&name]).await? == 1)
    }

    /// Every moderator, by name, with their sessions open at `now`.
    pub(super) async fn moderators(&self, now: i64) -> Result<Vec<ModeratorRow>, ApiError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT name, created,
                        (SELECT count(*) FROM sessions
                         WHERE moderator_id = moderators.id AND last_seen > $1 AND created > $2)
                 FROM moderators ORDER BY name",
                &[&(now - SESSION_IDLE_SECONDS), &(now - SESSION_MAX_SECONDS)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| ModeratorRow { name: row.get(0), created: row.get(1), sessions: row.get(2) })
            .collect())
    }

    pub(super) async fn credentials(&self, name: &str) -> Result<Option<Credentials>, ApiError> {
        let client = self.pool.get().await?;
        let statement = client.prepare_cached("SELECT id, password_hash FROM moderators WHERE name = $1").await?;
        let row = client.query_opt(&statement, &[&name]).await?;
        Ok(row.map(|row| Credentials { id: row.get(0), password_hash: row.get(1) }))
    }

    /// Opens a session for the moderator `id`, with its audit entry, and forgets the
    /// sessions that have ended.
    pub(super) async fn open_session(
        &self,
        id: i64,
        token_hash: &str,
        csrf: &str,
        actor: Actor<'_>,
    ) -> Result<(), ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .execute(
                "DELETE FROM sessions WHERE last_seen <= $1 OR created <= $2",
                &[&(actor.now - SESSION_IDLE_SECONDS), &(actor.now - SESSION_MAX_SECONDS)],
            )
            .await?;
        transaction
            .execute(
                "INSERT INTO sessions (token_hash, moderator_id, csrf, created, last_seen) VALUES ($1, $2, $3, $4, $4)",
                &[&token_hash, &id, &csrf, &actor.now],
            )
            .await?;
        record(&transaction, actor, AuditAction::SignIn, None, "").await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The session of this token, if it is still open at `now` (its use noted).
    pub(super) async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, ApiError> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(
                "SELECT moderators.name, sessions.csrf, sessions.last_seen FROM sessions
                 JOIN moderators ON moderators.id = sessions.moderator_id
                 WHERE token_hash = $1 AND last_seen > $2 AND sessions.created > $3",
            )
            .await?;
        let found = client
            .query_opt(&statement, &[&token_hash, &(now - SESSION_IDLE_SECONDS), &(now - SESSION_MAX_SECONDS)])
            .await?;
        let Some(row) = found else { return Ok(None) };
        let (session, last_seen) = (Session { moderator: row.get(0), csrf: row.get(1) }, row.get::<_, i64>(2));
        if now - last_seen >= TOUCH_SECONDS {
            // `last_seen < $2`, which SQLite's has not: of several servers noting a use at
            // once, each with its own clock, none moves it back.
            let touch = client
                .prepare_cached("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1 AND last_seen < $2")
                .await?;
            client.execute(&touch, &[&token_hash, &now]).await?;
        }
        Ok(Some(session))
    }

    /// Ends the session of this token, with its audit entry.
    pub(super) async fn close_session(&self, token_hash: &str, actor: Actor<'_>) -> Result<(), ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash]).await?;
        record(&transaction, actor, AuditAction::SignOut, None, "").await?;
        transaction.commit().await?;
        Ok(())
    }
}
