//! Comments on PostgreSQL: the pages of a thread, the replies of one comment, and posting, as
//! `store/comments.rs` does them on SQLite (whose queries these are, and whose comments say
//! why each is as it is). Where they differ, it is said here.

use std::collections::{HashMap, HashSet};

use article_widget_core::comment::{Comment, CommentStatus};
use article_widget_core::datetime::DateTime;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::{IsolationLevel, Row};

use super::challenges::{use_captcha, use_pow};
use super::mail::PgMailTables;
use super::PgStore;
use crate::error::ApiError;
use crate::store::comments::{cut_replies, safe_website, FirstReplies, COMMENT_COLUMNS};
use crate::store::*;

/// `thread`: the comment `$1` and its published replies, at any depth, through the
/// placeholders of deleted ones.
const BELOW_COMMENT: &str = "WITH RECURSIVE thread (id) AS (
    SELECT $1::bigint
    UNION ALL
    SELECT comments.id FROM comments JOIN thread ON comments.parent_id = thread.id
    WHERE comments.status IN ('published', 'deleted')
)";

/// Of the placeholders `$1` (an array of ids), those with a published reply, directly or
/// through other placeholders: the ones a thread shows.
const SHOWN_PLACEHOLDERS: &str = "WITH RECURSIVE below (top, id) AS (
    SELECT placeholder, placeholder FROM unnest($1::bigint[]) AS placeholder
    UNION ALL
    SELECT below.top, comments.id FROM comments JOIN below ON comments.parent_id = below.id
    WHERE comments.status = 'deleted'
)
SELECT DISTINCT top FROM below
WHERE EXISTS (SELECT 1 FROM comments WHERE parent_id = below.id AND status = 'published')";

/// [`COMMENT_COLUMNS`] of the `comments` table, in a query that joins others.
fn qualified_columns() -> String {
    COMMENT_COLUMNS.split(", ").map(|column| format!("comments.{column}")).collect::<Vec<_>>().join(", ")
}

impl PgStore {
    pub(super) async fn page(
        &self,
        article: &str,
        order: Order,
        limit: u32,
        after: Option<Cursor>,
    ) -> Result<Page, ApiError> {
        let mut client = self.pool.get().await?;
        // One snapshot for all its statements: the total and the page are of the same moment
        // (READ COMMITTED would take one per statement).
        let transaction =
            client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
        let total: i64 = transaction
            .query_one("SELECT count(*) FROM comments WHERE article_id = $1 AND status = 'published'", &[&article])
            .await?
            .try_get(0)?;
        let (comparison, direction) = match order {
            Order::Oldest => (">", "ASC"),
            Order::Newest => ("<", "DESC"),
        };
        let rows = transaction
            .query(
                &format!(
                    "SELECT {COMMENT_COLUMNS} FROM comments
                     WHERE article_id = $1 AND parent_id IS NULL AND status IN ('published', 'deleted')
                       AND ($2::bigint IS NULL OR (created, id) {comparison} ($2, $3::bigint))
                     ORDER BY created {direction}, id {direction} LIMIT $4"
                ),
                &[&article, &after.map(|c| c.created), &after.map(|c| c.id), &(i64::from(limit) + 1)],
            )
            .await?;
        let mut roots = rows
            .iter()
            .map(|row| Ok((cursor_of(row)?, Some(comment_from_row(row)?))))
            .collect::<Result<Vec<_>, ApiError>>()?;
        // One more than asked tells whether there is a next page.
        let next = if roots.len() > limit as usize {
            roots.truncate(limit as usize);
            roots.last().map(|(cursor, _)| *cursor)
        } else {
            None
        };
        let root_ids: Vec<i64> = roots.iter().map(|(cursor, _)| cursor.id).collect();
        // The first REPLIES_PER_ROOT published replies below each root, at any depth, with
        // their root and how many it has in all.
        let mut replies: HashMap<i64, FirstReplies> = HashMap::new();
        if !root_ids.is_empty() {
            let rows = transaction
                .query(
                    &format!(
                        "WITH RECURSIVE thread (id, root) AS (
                             SELECT root, root FROM unnest($1::bigint[]) AS root
                             UNION ALL
                             SELECT comments.id, thread.root FROM comments JOIN thread ON comments.parent_id = thread.id
                             WHERE comments.status IN ('published', 'deleted')
                         )
                         SELECT * FROM (
                             SELECT {}, thread.root,
                                    row_number() OVER (PARTITION BY thread.root ORDER BY comments.created, comments.id)
                                        AS rank,
                                    count(*) OVER (PARTITION BY thread.root) AS replies
                             FROM thread JOIN comments ON comments.id = thread.id
                             WHERE comments.parent_id IS NOT NULL
                         ) AS ranked
                         WHERE rank <= $2
                         ORDER BY created, id",
                        qualified_columns()
                    ),
                    &[&root_ids, &(REPLIES_PER_ROOT as i64)],
                )
                .await?;
            for row in &rows {
                let first = replies.entry(row.try_get(8)?).or_default();
                first.count = row.try_get(10)?;
                first.kept.push((cursor_of(row)?, Some(comment_from_row(row)?)));
            }
        }
        // Gathered before the query is awaited: a future that holds these iterators' closures
        // across an await is not `Send`.
        let mut read: Vec<&mut Option<Comment>> = roots.iter_mut().map(|(_, root)| root).collect();
        read.extend(replies.values_mut().flat_map(|first| first.kept.iter_mut().map(|(_, reply)| reply)));
        hide_unanswered_placeholders(&transaction, read).await?;
        transaction.commit().await?;
        Ok(cut_replies(total, next, roots, replies))
    }

    pub(super) async fn replies(
        &self,
        article: &str,
        root: i64,
        limit: u32,
        after: Option<Cursor>,
    ) -> Result<Option<Replies>, ApiError> {
        let mut client = self.pool.get().await?;
        // One snapshot, as `page`'s.
        let transaction =
            client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
        let published = transaction
            .query_opt(
                "SELECT 1 FROM comments WHERE id = $1 AND article_id = $2 AND status IN ('published', 'deleted')",
                &[&root, &article],
            )
            .await?;
        if published.is_none() {
            return Ok(None);
        }
        // `count(*) FILTER`: SQLite's `sum(status = 'published')`, a comparison being a
        // boolean here.
        let rows = transaction
            .query(
                &format!(
                    "{BELOW_COMMENT}
                     SELECT * FROM (
                         SELECT {}, count(*) FILTER (WHERE comments.status = 'published') OVER () AS replies
                         FROM thread JOIN comments ON comments.id = thread.id
                         WHERE comments.id != $1
                     ) AS below
                     WHERE $2::bigint IS NULL OR (created, id) > ($2, $3::bigint)
                     ORDER BY created, id LIMIT $4",
                    qualified_columns()
                ),
                &[&root, &after.map(|c| c.created), &after.map(|c| c.id), &(i64::from(limit) + 1)],
            )
            .await?;
        let mut total = None;
        let mut kept = Vec::with_capacity(rows.len());
        for row in &rows {
            total = Some(row.try_get(8)?);
            kept.push((cursor_of(row)?, Some(comment_from_row(row)?)));
        }
        // One more than asked tells whether there is a next page.
        let next = if kept.len() > limit as usize {
            kept.truncate(limit as usize);
            kept.last().map(|(cursor, _)| *cursor)
        } else {
            None
        };
        let total = match total {
            Some(total) => total,
            // Past the last reply: counted on their own.
            None => transaction
                .query_one(
                    &format!(
                        "{BELOW_COMMENT} SELECT count(*) FROM thread JOIN comments ON comments.id = thread.id
                         WHERE thread.id != $1 AND comments.status = 'published'"
                    ),
                    &[&root],
                )
                .await?
                .try_get(0)?,
        };
        let mut comments: Vec<Option<Comment>> = kept.into_iter().map(|(_, reply)| reply).collect();
        hide_unanswered_placeholders(&transaction, comments.iter_mut().collect()).await?;
        transaction.commit().await?;
        Ok(Some(Replies { total, comments: comments.into_iter().flatten().collect(), next }))
    }

    /// Writes a comment, or answers the one already written under its idempotency key, uses
    /// up its challenges and queues the mail it calls for, in one transaction.
    ///
    /// SQLite runs one writer at a time; here posts run at once, on several servers, and
    /// each check that decides a write is kept true until the commit:
    /// - the idempotency key, by the unique `(article_id, idempotency_key)`: the comment is
    ///   inserted `ON CONFLICT DO NOTHING` before anything else is written, so that a post
    ///   under a key another transaction is writing waits for it, then answers its comment
    ///   (or the conflict) as a post after it would (SQLite uses the challenges first; a
    ///   refused post writes nothing either way, though here it leaves a gap in the ids);
    /// - the parent, published, by a `FOR SHARE` lock on its row until the commit: a
    ///   moderator's or its author's change to it waits, and the reply is seen by an edit
    ///   of its author's (`edits.rs`, which locks it `FOR UPDATE`);
    /// - each challenge used once, by its table's primary key (`challenges.rs`);
    /// - the mail, by its tables' keys and locks (`mail.rs`).
    pub(super) async fn post(&self, new: &NewComment<'_>, mail: Option<PostMail<'_>>) -> Result<Posted, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        if let Some(comment) = earlier(&transaction, new.article, new.idempotency_key, new.fingerprint).await? {
            return Ok(Posted::Replayed(comment));
        }
        let parent = match new.parent {
            Some(parent) => Some(published_parent(&transaction, new.article, parent).await?),
            None => None,
        };
        let inserted = transaction
            .query_opt(
                "INSERT INTO comments
                     (article_id, parent_id, author, email, website, body, created, status, idempotency_key,
                      request_fingerprint, client_prefix)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (article_id, idempotency_key) DO NOTHING
                 RETURNING id",
                &[
                    &new.article,
                    &parent,
                    &new.author,
                    &new.email,
                    &new.website,
                    &new.body,
                    &new.created,
                    &new.status.code(),
                    &new.idempotency_key,
                    &new.fingerprint,
                    &new.client_prefix,
                ],
            )
            .await?;
        let Some(inserted) = inserted else {
            // The key was taken by a post that committed while this one waited on it: its
            // comment, seen by this new statement, is the answer (nothing was written here).
            return match earlier(&transaction, new.article, new.idempotency_key, new.fingerprint).await? {
                Some(comment) => Ok(Posted::Replayed(comment)),
                None => Err(ApiError::Internal("an idempotency key taken, but by no comment".into())),
            };
        };
        let id: i64 = inserted.try_get(0)?;
        if let Some(pow) = new.pow {
            use_pow(&transaction, pow, new.created).await?;
        }
        if let Some(captcha) = new.captcha {
            use_captcha(&transaction, captcha, new.created).await?;
        }
        let row = transaction
            .query_one(
                &format!("UPDATE comments SET secret_hash = $2 WHERE id = $1 RETURNING {COMMENT_COLUMNS}"),
                &[&id, &(new.secret_hash)(id)],
            )
            .await?;
        let comment = comment_from_row(&row)?;
        if let Some(PostMail { mail, email, notify }) = mail {
            let mut tables = PgMailTables(&transaction);
            mail.on_posted(&mut tables, new.article, email, &comment, notify).await?;
        }
        transaction.commit().await?;
        Ok(Posted::Created(comment))
    }

    pub(super) async fn earlier(
        &self,
        article: &str,
        key: &str,
        fingerprint: &str,
    ) -> Result<Option<Comment>, ApiError> {
        let client = self.pool.get().await?;
        earlier(&client, article, key, fingerprint).await
    }
}

/// The comment stored under this idempotency key by the same request, or
/// `IdempotencyConflict`; one statement (SQLite's two), so one snapshot.
async fn earlier(
    client: &impl GenericClient,
    article: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Comment>, ApiError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {COMMENT_COLUMNS}, request_fingerprint FROM comments WHERE article_id = $1 AND idempotency_key = $2"
            ),
            &[&article, &key],
        )
        .await?;
    match row {
        None => Ok(None),
        Some(row) if row.try_get::<_, Option<&str>>(8)? == Some(fingerprint) => Ok(Some(comment_from_row(&row)?)),
        Some(_) => Err(ApiError::IdempotencyConflict),
    }
}

/// The id of the comment a reply answers, if it is a published comment of the article,
/// locked `FOR SHARE` until the commit: it stays published until the reply is written, and a
/// change to it waits for the reply (READ COMMITTED reads it again after such a wait, and
/// refuses it if it is no longer published).
async fn published_parent(transaction: &Transaction<'_>, article: &str, parent: &str) -> Result<i64, ApiError> {
    let found = match parent.parse::<i64>() {
        Ok(id) => {
            transaction
                .query_opt(
                    "SELECT id FROM comments WHERE id = $1 AND article_id = $2 AND status = 'published' FOR SHARE",
                    &[&id, &article],
                )
                .await?
        }
        Err(_) => None,
    };
    match found {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(ApiError::InvalidField {
            field: "parent",
            message: "is not a published comment of this article".into(),
        }),
    }
}

/// The comment `id`, whatever its status (SQLite's `load`).
pub(super) async fn load(client: &impl GenericClient, id: i64) -> Result<Comment, ApiError> {
    let row = client.query_one(&format!("SELECT {COMMENT_COLUMNS} FROM comments WHERE id = $1"), &[&id]).await?;
    comment_from_row(&row)
}

/// Leaves out (`None`) the placeholders of deleted comments that no published reply is
/// below: a thread keeps a placeholder only for the shape its replies need.
async fn hide_unanswered_placeholders(
    client: &impl GenericClient,
    comments: Vec<&mut Option<Comment>>,
) -> Result<(), ApiError> {
    let mut placeholders: Vec<&mut Option<Comment>> = comments
        .into_iter()
        .filter(|comment| comment.as_ref().is_some_and(|c| c.status == CommentStatus::Deleted))
        .collect();
    if placeholders.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> =
        placeholders.iter().filter_map(|comment| comment.as_ref().and_then(|c| c.id.parse().ok())).collect();
    let rows = client.query(SHOWN_PLACEHOLDERS, &[&ids]).await?;
    let shown = rows.iter().map(|row| row.try_get(0)).collect::<Result<HashSet<i64>, _>>()?;
    for placeholder in &mut placeholders {
        if placeholder.as_ref().is_some_and(|c| !c.id.parse().is_ok_and(|id| shown.contains(&id))) {
            **placeholder = None;
        }
    }
    Ok(())
}

/// Where the comment of a row (of [`COMMENT_COLUMNS`]) stands in its thread.
fn cursor_of(row: &Row) -> Result<Cursor, tokio_postgres::Error> {
    Ok(Cursor { created: row.try_get(5)?, id: row.try_get(0)? })
}

/// A comment from the [`COMMENT_COLUMNS`] that start a row. Every column is of its type here
/// (SQLite's may hold anything, hence its `readable`); a status the API has no name for
/// (`rejected`, `spam`) is an error, as on SQLite.
pub(super) fn comment_from_row(row: &Row) -> Result<Comment, ApiError> {
    let id: i64 = row.try_get(0)?;
    let status: &str = row.try_get(6)?;
    Ok(Comment {
        id: id.to_string(),
        parent: row.try_get::<_, Option<i64>>(1)?.map(|id| id.to_string()),
        author: row.try_get(2)?,
        website: row.try_get::<_, Option<&str>>(3)?.and_then(|website| safe_website(id, website)),
        body: row.try_get(4)?,
        created: DateTime::from_unix_seconds(row.try_get(5)?),
        edited: row.try_get::<_, Option<i64>>(7)?.map(DateTime::from_unix_seconds),
        status: CommentStatus::from_code(status)
            .ok_or_else(|| ApiError::Internal(format!("database: comment {id} is {status}, not a comment's status")))?,
    })
}
