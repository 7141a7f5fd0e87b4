//! What moderators see and do to comments, on PostgreSQL, as SQLite's (`store/moderation.rs`):
//! the same queries, but for `strpos` (SQLite's `instr`), `fold` a function of the schema,
//! casts of the parameters tested for NULL (`IS NULL` gives PostgreSQL no type to infer), and
//! `false` where SQLite writes 0.
//!
//! SQLite's writers take turns (`BEGIN IMMEDIATE`); PostgreSQL's, at READ COMMITTED, do not.
//! So each change to a comment first locks its row (`SELECT ... FOR UPDATE`), until its
//! commit: what it reads of the comment before the change (the status its audit entry names,
//! the fields an edit changed) is what the change replaced, not what a moderator acting at
//! the same moment left.

use article_widget_core::moderation::AuditAction;
use deadpool_postgres::GenericClient;
use tokio_postgres::{IsolationLevel, Row};

use super::audit::record;
use super::bans::hold_rules;
use super::edits::{delete_in, edit_in};
use super::PgStore;
use crate::error::ApiError;
use crate::hold::HoldRules;
use crate::store::moderation::ADMIN_COLUMNS;
use crate::store::{Actor, AdminComment, AdminCursor, AdminPage, Edit, Search, STATUSES};

/// The filters of a [`Search`] but its status, on parameters `$1` (text), `$2` (author),
/// `$3` (article).
const FILTERS: &str = "($1::text IS NULL OR strpos(fold(body), fold($1)) > 0)
    AND ($2::text IS NULL OR strpos(fold(author), fold($2)) > 0 OR strpos(fold(email), fold($2)) > 0)
    AND ($3::text IS NULL OR article_id = $3)";

/// Whether a comment sorts among the held ones first: only when every status is listed
/// (`$4`, the status asked for, is NULL).
const PENDING_FIRST: &str = "(CASE WHEN $4::text IS NULL THEN status = 'pending' ELSE false END)";

impl PgStore {
    /// Up to `limit` comments the search finds, after `after`, and the counts per status.
    pub(super) async fn admin_comments(
        &self,
        search: &Search,
        limit: u32,
        after: Option<AdminCursor>,
    ) -> Result<AdminPage, ApiError> {
        let mut client = self.pool.get().await?;
        // One snapshot: the counts and the page are of the same moment.
        let transaction =
            client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
        let mut counts = [0; 5];
        let statement = transaction
            .prepare_cached(&format!("SELECT status, count(*) FROM comments WHERE {FILTERS} GROUP BY status"))
            .await?;
        for row in transaction.query(&statement, &[&search.text, &search.author, &search.article]).await? {
            let status: &str = row.get(0);
            if let Some(slot) = STATUSES.iter().position(|known| *known == status) {
                counts[slot] = row.get(1);
            }
        }
        let statement = transaction
            .prepare_cached(&format!(
                "SELECT {ADMIN_COLUMNS}, {PENDING_FIRST} FROM comments
                 WHERE {FILTERS} AND ($4::text IS NULL OR status = $4)
                   AND ($5::boolean IS NULL OR ({PENDING_FIRST}, created, id) < ($5, $6::bigint, $7::bigint))
                 ORDER BY {PENDING_FIRST} DESC, created DESC, id DESC LIMIT $8"
            ))
            .await?;
        let rows = transaction
            .query(
                &statement,
                &[
                    &search.text,
                    &search.author,
                    &search.article,
                    &search.status,
                    &after.map(|cursor| cursor.pending_first),
                    &after.map(|cursor| cursor.created),
                    &after.map(|cursor| cursor.id),
                    &(i64::from(limit) + 1),
                ],
            )
            .await?;
        transaction.commit().await?;
        let mut comments: Vec<(AdminComment, bool)> =
            rows.iter().map(|row| (admin_comment_from_row(row), row.get(12))).collect();
        // One more than asked tells whether there is a next page.
        let next = if comments.len() > limit as usize {
            comments.truncate(limit as usize);
            comments.last().map(|(comment, pending_first)| AdminCursor {
                pending_first: *pending_first,
                created: comment.created,
                id: comment.id,
            })
        } else {
            None
        };
        Ok(AdminPage { counts, comments: comments.into_iter().map(|(comment, _)| comment).collect(), next })
    }

    pub(super) async fn admin_comment(&self, id: i64) -> Result<Option<AdminComment>, ApiError> {
        let client = self.pool.get().await?;
        Ok(load_admin(&client, id, Lock::No).await?)
    }

    /// Sets the status of the comment `id` (`published`, `rejected`, `spam`), with the
    /// audit entry of `action`; the status it had, and the comment. `None` for no such
    /// comment; a deleted one keeps its status.
    pub(super) async fn set_status(
        &self,
        id: i64,
        status: &str,
        action: AuditAction,
        actor: Actor<'_>,
    ) -> Result<Option<(String, AdminComment)>, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        // The row locked: a moderator's change at the same moment waits for this one's commit,
        // so that the status before is the one this change replaces.
        let Some(before) = load_admin(&transaction, id, Lock::ForUpdate).await? else { return Ok(None) };
        if before.status == "deleted" {
            return Err(ApiError::CommentDeleted);
        }
        transaction.execute("UPDATE comments SET status = $2 WHERE id = $1", &[&id, &status]).await?;
        record(&transaction, actor, action, Some(id), &format!("{} → {status}", before.status)).await?;
        let after = locked(load_admin(&transaction, id, Lock::No).await?)?;
        transaction.commit().await?;
        Ok(Some((before.status, after)))
    }

    /// A moderator's edit of the comment `id`, marked edited, with its audit entry naming the
    /// fields changed. `None` for no such comment; a deleted one has nothing to edit.
    pub(super) async fn moderate_edit(
        &self,
        id: i64,
        edit: Edit<'_>,
        actor: Actor<'_>,
    ) -> Result<Option<AdminComment>, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        // The row locked: the fields named changed are those this edit changed.
        let Some(before) = load_admin(&transaction, id, Lock::ForUpdate).await? else { return Ok(None) };
        if !edit_in(&transaction, id, edit, actor.now).await? {
            return Err(ApiError::CommentDeleted);
        }
        let after = locked(load_admin(&transaction, id, Lock::No).await?)?;
        let changed = [
            ("author", before.author != after.author),
            ("website", before.website != after.website),
            ("body", before.body != after.body),
        ];
        let fields: Vec<&str> = changed.iter().filter(|(_, changed)| *changed).map(|(field, _)| *field).collect();
        let detail = if fields.is_empty() { "nothing changed".to_owned() } else { fields.join(", ") };
        record(&transaction, actor, AuditAction::Edit, Some(id), &detail).await?;
        transaction.commit().await?;
        Ok(Some(after))
    }

    /// A moderator's deletion of the comment `id` (a placeholder kept, as
    /// [`PgStore::delete_comment`]), with its audit entry; the comment as it was. `None` for
    /// no such comment; a deleted one cannot be deleted again.
    pub(super) async fn moderate_delete(&self, id: i64, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        // The row locked: the comment answered, and the status its audit entry names, are
        // those deleted.
        let Some(before) = load_admin(&transaction, id, Lock::ForUpdate).await? else { return Ok(None) };
        if !delete_in(&transaction, id).await? {
            return Err(ApiError::CommentDeleted);
        }
        record(&transaction, actor, AuditAction::Delete, Some(id), &format!("was {}", before.status)).await?;
        transaction.commit().await?;
        Ok(Some(before))
    }

    pub(super) async fn hold_rules(&self) -> Result<HoldRules, ApiError> {
        hold_rules(&self.pool.get().await?).await
    }

    /// Stores the held-comment rules, with their audit entry. Two at once: the upsert is one
    /// statement, the last committed stays (as SQLite's, the last written).
    pub(super) async fn set_hold_rules(&self, rules: &HoldRules, actor: Actor<'_>) -> Result<(), ApiError> {
        let text = serde_json::to_string(rules).map_err(|error| ApiError::Internal(format!("rules: {error}")))?;
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .execute(
                "INSERT INTO settings (name, value) VALUES ('hold_rules', $1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&text],
            )
            .await?;
        record(&transaction, actor, AuditAction::Settings, None, &text).await?;
        transaction.commit().await?;
        Ok(())
    }
}

/// Whether [`load_admin`] locks the comment's row until the end of its transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lock {
    No,
    ForUpdate,
}

async fn load_admin(
    client: &impl GenericClient,
    id: i64,
    lock: Lock,
) -> Result<Option<AdminComment>, tokio_postgres::Error> {
    let lock = if lock == Lock::ForUpdate { " FOR UPDATE" } else { "" };
    let statement = client.prepare_cached(&format!("SELECT {ADMIN_COLUMNS} FROM comments WHERE id = $1{lock}")).await?;
    Ok(client.query_opt(&statement, &[&id]).await?.as_ref().map(admin_comment_from_row))
}

/// The comment read again after a change, in the transaction that locked its row: there.
fn locked(comment: Option<AdminComment>) -> Result<AdminComment, ApiError> {
    comment.ok_or_else(|| ApiError::Internal("a comment locked by its change is gone".into()))
}

fn admin_comment_from_row(row: &Row) -> AdminComment {
    AdminComment {
        id: row.get(0),
        article: row.get(1),
        parent: row.get(2),
        author: row.get(3),
        email: row.get(4),
        website: row.get(5),
        body: row.get(6),
        created: row.get(7),
        edited: row.get(8),
        status: row.get(9),
        client_prefix: row.get(10),
        replies: row.get(11),
    }
}
