//! Changing a comment after it was posted, on PostgreSQL: its author's edits and deletion,
//! and the changes a moderator's make (`edit_in`, `delete_in`), as `store/edits.rs` does them
//! on SQLite.

use article_widget_core::comment::Comment;
use deadpool_postgres::GenericClient;

use super::comments::load;
use super::PgStore;
use crate::error::ApiError;
use crate::store::{Allowed, Authorship, Edit};

impl PgStore {
    /// Changes the comment `id` and marks it edited at `now`; `None` when there is no such
    /// comment, or it was deleted.
    pub(super) async fn edit_comment(&self, id: i64, edit: Edit<'_>, now: i64) -> Result<Option<Comment>, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        if !edit_in(&transaction, id, edit, now).await? {
            return Ok(None);
        }
        let comment = load(&transaction, id).await?;
        transaction.commit().await?;
        Ok(Some(comment))
    }

    /// Edits the comment `id` of `article` as [`PgStore::edit_comment`] does, if `allowed`
    /// accepts its [`Authorship`], read in the same transaction as the edit.
    ///
    /// The comment's row is locked first (`FOR UPDATE`), and its authorship read after, by a
    /// statement of its own: a reply being posted holds its parent `FOR SHARE` until its
    /// commit (`comments.rs`), so the lock waits for it, and the read, whose snapshot is
    /// taken after the wait, sees it (`answered`). A reply posted after waits for the edit.
    pub(super) async fn edit_own(
        &self,
        article: &str,
        id: i64,
        edit: Edit<'_>,
        now: i64,
        allowed: Allowed<'_>,
    ) -> Result<Option<Comment>, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .execute("SELECT 1 FROM comments WHERE id = $1 AND article_id = $2 FOR UPDATE", &[&id, &article])
            .await?;
        allowed(authorship(&transaction, article, id).await?)?;
        if !edit_in(&transaction, id, edit, now).await? {
            return Ok(None);
        }
        let comment = load(&transaction, id).await?;
        transaction.commit().await?;
        Ok(Some(comment))
    }

    /// Deletes the comment `id`, keeping its row as an emptied `deleted` placeholder
    /// (SQLite's `delete_comment` says why); `false` when there is no such comment, or it was
    /// deleted already. One statement: its check and its change are one.
    pub(super) async fn delete_comment(&self, id: i64) -> Result<bool, ApiError> {
        let client = self.pool.get().await?;
        Ok(delete_in(&client, id).await?)
    }

    /// What decides whether the author of the comment `id` of `article` may still change it;
    /// `None` when the article has no such comment.
    pub(super) async fn authorship(&self, article: &str, id: i64) -> Result<Option<Authorship>, ApiError> {
        let client = self.pool.get().await?;
        Ok(authorship(&client, article, id).await?)
    }
}

/// [`PgStore::edit_comment`]'s change, in a transaction of the caller's (a moderator's edit);
/// `false` when there is no such comment, or it was deleted. One `UPDATE`: the row it
/// changes is locked by it until the commit.
pub(super) async fn edit_in(
    client: &impl GenericClient,
    id: i64,
    edit: Edit<'_>,
    now: i64,
) -> Result<bool, tokio_postgres::Error> {
    let changed = client
        .execute(
            "UPDATE comments
             SET author = coalesce($2::text, author),
                 website = CASE WHEN $3::boolean THEN $4::text ELSE website END,
                 body = coalesce($5::text, body),
                 edited = $6
             WHERE id = $1 AND status != 'deleted'",
            &[&id, &edit.author, &edit.website.is_some(), &edit.website.flatten(), &edit.body, &now],
        )
        .await?;
    Ok(changed == 1)
}

/// [`PgStore::delete_comment`]'s change, in a transaction of the caller's (a moderator's
/// deletion); `false` when there is no such comment, or it was deleted already.
pub(super) async fn delete_in(client: &impl GenericClient, id: i64) -> Result<bool, tokio_postgres::Error> {
    let changed = client
        .execute(
            "UPDATE comments
             SET status = 'deleted', author = '', email = '', website = NULL, body = '', secret_hash = NULL
             WHERE id = $1 AND status != 'deleted'",
            &[&id],
        )
        .await?;
    Ok(changed == 1)
}

async fn authorship(
    client: &impl GenericClient,
    article: &str,
    id: i64,
) -> Result<Option<Authorship>, tokio_postgres::Error> {
    let row = client
        .query_opt(
            "SELECT status = 'deleted', secret_hash, created,
                    EXISTS (SELECT 1 FROM comments AS reply WHERE reply.parent_id = comments.id)
             FROM comments WHERE id = $1 AND article_id = $2",
            &[&id, &article],
        )
        .await?;
    row.map(|row| {
        Ok(Authorship {
            deleted: row.try_get(0)?,
            secret_hash: row.try_get(1)?,
            created: row.try_get(2)?,
            answered: row.try_get(3)?,
        })
    })
    .transpose()
}
