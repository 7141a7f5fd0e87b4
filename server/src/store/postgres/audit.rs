//! The audit log on PostgreSQL, as SQLite's (`store/audit.rs`): each entry written in the
//! transaction of the action itself.

use article_widget_core::moderation::AuditAction;
use deadpool_postgres::GenericClient;

use super::PgStore;
use crate::error::ApiError;
use crate::store::{Actor, AuditEntry};

/// Writes one entry; `client` is the action's transaction.
pub(super) async fn record(
    client: &impl GenericClient,
    actor: Actor<'_>,
    action: AuditAction,
    comment: Option<i64>,
    detail: &str,
) -> Result<(), tokio_postgres::Error> {
    let statement = client
        .prepare_cached("INSERT INTO audit_log (at, moderator, action, comment_id, detail) VALUES ($1, $2, $3, $4, $5)")
        .await?;
    client.execute(&statement, &[&actor.now, &actor.name, &action.code(), &comment, &detail]).await?;
    Ok(())
}

impl PgStore {
    /// Up to `limit` entries before the entry `before` (from the newest when `None`), newest
    /// first, and whether there are more.
    pub(super) async fn audit(&self, before: Option<i64>, limit: u32) -> Result<(Vec<AuditEntry>, bool), ApiError> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(
                "SELECT id, at, moderator, action, comment_id, detail FROM audit_log
                 WHERE $1::bigint IS NULL OR id < $1 ORDER BY id DESC LIMIT $2",
            )
            .await?;
        let rows = client.query(&statement, &[&before, &(i64::from(limit) + 1)]).await?;
        // One more than asked tells whether there is a next page.
        let more = rows.len() > limit as usize;
        let entries = rows
            .iter()
            .take(limit as usize)
            .map(|row| AuditEntry {
                id: row.get(0),
                at: row.get(1),
                moderator: row.get(2),
                action: row.get(3),
                comment: row.get(4),
                detail: row.get(5),
            })
            .collect();
        Ok((entries, more))
    }
}
