//! Comments: the pages of a thread, the replies of one comment, and posting.

use std::collections::{HashMap, HashSet};

use article_widget_core::comment::{Comment, CommentStatus};
use article_widget_core::datetime::DateTime;
use article_widget_core::url::SafeUrl;
use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};

use super::challenges::{use_captcha, use_pow};
use super::{lock, SqliteStore};
use crate::captcha::Genuine;
use crate::error::ApiError;
use crate::pow::Spent;

pub(super) const COMMENT_COLUMNS: &str = "id, parent_id, author, website, body, created, status, edited";

/// `thread`: the comment `?1` and its published replies, at any depth, through the
/// placeholders of deleted ones.
const BELOW_COMMENT: &str = "WITH RECURSIVE thread (id) AS (
    SELECT ?1
    UNION ALL
    SELECT comments.id FROM comments JOIN thread ON comments.parent_id = thread.id
    WHERE comments.status IN ('published', 'deleted')
)";

/// Of the placeholders `?1` (a JSON array of ids), those with a published reply, directly
/// or through other placeholders: the ones a thread shows. Placeholders are few, so the walk
/// goes through them alone, each asking the index of parents for a published reply.
const SHOWN_PLACEHOLDERS: &str = "WITH RECURSIVE below (top, id) AS (
    SELECT value, value FROM json_each(?1)
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Oldest,
    Newest,
}

/// Where a page starts: after this top-level comment, in the page's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub(super) created: i64,
    pub(super) id: i64,
}

impl Cursor {
    /// Opaque to clients; only this server reads it back.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.created, self.id)
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let (created, id) = text.split_once('_')?;
        Some(Cursor { created: created.parse().ok()?, id: id.parse().ok()? })
    }
}

/// Replies sent with each top-level comment of a page, its oldest first (at any depth): a
/// thread of ten thousand replies would otherwise make a page of megabytes.
pub const REPLIES_PER_ROOT: usize = 20;
/// Replies sent with a page in all, whatever its number of top-level comments (at most 100):
/// with comments of the widget's limits, a page holds at most 100 + 200 comments.
pub const REPLIES_PER_PAGE: usize = 200;

pub struct Page {
    pub total: i64,
    /// Each top-level comment followed by its published replies, oldest first, within
    /// [`REPLIES_PER_ROOT`] and [`REPLIES_PER_PAGE`].
    pub comments: Vec<Comment>,
    pub next: Option<Cursor>,
    /// The top-level comments whose replies were cut, in page order.
    pub more_replies: Vec<MoreReplies>,
}

/// A thread whose replies a page cut: `count` of them are not in it; the replies endpoint
/// gives them from `after` (from the first when `None`).
pub struct MoreReplies {
    pub root: i64,
    pub count: i64,
    pub after: Option<Cursor>,
}

/// The first replies of a page's root as read (each with its place, for a cursor; `None`
/// for a row that cannot be read), and how many it has in all.
#[derive(Default)]
pub(super) struct FirstReplies {
    pub(super) count: i64,
    pub(super) kept: Vec<(Cursor, Option<Comment>)>,
}

/// A page of one comment's replies, at any depth, oldest first.
pub struct Replies {
    /// Every published reply below the comment.
    pub total: i64,
    pub comments: Vec<Comment>,
    pub next: Option<Cursor>,
}

/// A validated comment, ready to be written.
pub struct NewComment<'a> {
    pub article: &'a str,
    /// As posted: anything that is not a published comment of the article is refused.
    pub parent: Option<&'a str>,
    pub author: &'a str,
    pub email: &'a str,
    pub website: Option<&'a str>,
    pub body: &'a str,
    pub status: CommentStatus,
    pub created: i64,
    pub idempotency_key: &'a str,
    pub fingerprint: &'a str,
    /// The captcha's challenge, when the server checks it.
    pub captcha: Option<Genuine>,
    /// The proof of work's challenge, when the server asks for one.
    pub pow: Option<&'a Spent>,
    /// The address prefix it came from (`Prefix`'s text), for bans by prefix.
    pub client_prefix: Option<&'a str>,
    /// The hash of the secret that lets its author change the comment, from its id.
    pub secret_hash: &'a (dyn Fn(i64) -> String + Sync),
}

pub enum Posted {
    Created(Comment),
    /// Posted before under the same key, by the same request.
    Replayed(Comment),
}

impl SqliteStore {
    pub fn page(&self, article: &str, order: Order, limit: u32, after: Option<Cursor>) -> rusqlite::Result<Page> {
        let mut reader = lock(&self.reader);
        // One read transaction: the total and the page are of the same moment.
        let transaction = reader.transaction()?;
        let total = transaction.query_row(
            "SELECT count(*) FROM comments WHERE article_id = ?1 AND status = 'published'",
            [article],
            |row| row.get(0),
        )?;
        let (comparison, direction) = match order {
            Order::Oldest => (">", "ASC"),
            Order::Newest => ("<", "DESC"),
        };
        let mut roots = transaction
            .prepare_cached(&format!(
                "SELECT {COMMENT_COLUMNS} FROM comments
                 WHERE article_id = ?1 AND parent_id IS NULL AND status IN ('published', 'deleted')
                   AND (?2 IS NULL OR (created, id) {comparison} (?2, ?3))
                 ORDER BY created {direction}, id {direction} LIMIT ?4"
            ))?
            .query_map(params![article, after.map(|c| c.created), after.map(|c| c.id), i64::from(limit) + 1], |row| {
                Ok((Cursor { created: row.get(5)?, id: row.get(0)? }, comment_from_row(row)))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // One more than asked tells whether there is a next page.
        let next = if roots.len() > limit as usize {
            roots.truncate(limit as usize);
            roots.last().map(|(cursor, _)| *cursor)
        } else {
            None
        };
        let root_ids =
            format!("[{}]", roots.iter().map(|(cursor, _)| cursor.id.to_string()).collect::<Vec<_>>().join(","));
        // The first REPLIES_PER_ROOT published replies below each root, at any depth, with
        // their root and how many it has in all.
        let mut replies: HashMap<i64, FirstReplies> = HashMap::new();
        let mut statement = transaction.prepare_cached(&format!(
            "WITH RECURSIVE thread (id, root) AS (
                 SELECT value, value FROM json_each(?1)
                 UNION ALL
                 SELECT comments.id, thread.root FROM comments JOIN thread ON comments.parent_id = thread.id
                 WHERE comments.status IN ('published', 'deleted')
             )
             SELECT * FROM (
                 SELECT {}, thread.root,
                        row_number() OVER (PARTITION BY thread.root ORDER BY comments.created, comments.id) AS rank,
                        count(*) OVER (PARTITION BY thread.root) AS replies
                 FROM thread JOIN comments ON comments.id = thread.id
                 WHERE comments.parent_id IS NOT NULL
             )
             WHERE rank <= ?2
             ORDER BY created, id",
            qualified_columns()
        ))?;
        let mut rows = statement.query(params![root_ids, REPLIES_PER_ROOT as i64])?;
        while let Some(row) = rows.next()? {
            let cursor = Cursor { created: row.get(5)?, id: row.get(0)? };
            let reply = readable(cursor.id, comment_from_row(row))?;
            let first = replies.entry(row.get(8)?).or_default();
            first.count = row.get(10)?;
            first.kept.push((cursor, reply));
        }
        drop(rows);
        drop(statement);
        let mut roots = roots
            .into_iter()
            .map(|(cursor, root)| Ok((cursor, readable(cursor.id, root)?)))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let read = roots.iter_mut().map(|(_, root)| root);
        hide_unanswered_placeholders(&transaction, read.chain(replies.values_mut().flat_map(|first| first.kept.iter_mut().map(|(_, reply)| reply))))?;
        Ok(cut_replies(total, next, roots, replies))
    }

    /// Up to `limit` published replies below the comment `root` of `article` (at any depth,
    /// oldest first), after `after`; `None` when `root` is not a published comment of it.
    pub fn replies(
        &self,
        article: &str,
        root: i64,
        limit: u32,
        after: Option<Cursor>,
    ) -> rusqlite::Result<Option<Replies>> {
        let mut reader = lock(&self.reader);
        let transaction = reader.transaction()?;
        let published = transaction
            .query_row(
                "SELECT 1 FROM comments WHERE id = ?1 AND article_id = ?2 AND status IN ('published', 'deleted')",
                params![root, article],
                |_| Ok(()),
            )
            .optional()?;
        if published.is_none() {
            return Ok(None);
        }
        let mut statement = transaction.prepare_cached(&format!(
            "{BELOW_COMMENT}
             SELECT * FROM (
                 SELECT {}, sum(comments.status = 'published') OVER () AS replies
                 FROM thread JOIN comments ON comments.id = thread.id
                 WHERE comments.id != ?1
             )
             WHERE ?2 IS NULL OR (created, id) > (?2, ?3)
             ORDER BY created, id LIMIT ?4",
            qualified_columns()
        ))?;
        let mut rows =
            statement.query(params![root, after.map(|c| c.created), after.map(|c| c.id), i64::from(limit) + 1])?;
        let (mut total, mut kept) = (None, Vec::new());
        while let Some(row) = rows.next()? {
            total = Some(row.get(8)?);
            kept.push((Cursor { created: row.get(5)?, id: row.get(0)? }, comment_from_row(row)));
        }
        drop(rows);
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
            None => {
                transaction.query_row(
                    &format!(
                        "{BELOW_COMMENT} SELECT count(*) FROM thread JOIN comments ON comments.id = thread.id
                         WHERE thread.id != ?1 AND comments.status = 'published'"
                    ),
                    [root],
                    |row| row.get(0),
                )?
            }
        };
        let mut comments = kept
            .into_iter()
            .map(|(cursor, reply)| readable(cursor.id, reply))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        hide_unanswered_placeholders(&transaction, comments.iter_mut())?;
        Ok(Some(Replies { total, comments: comments.into_iter().flatten().collect(), next }))
    }

    /// Writes a comment, or answers the one already written under its idempotency key, and
    /// uses up its challenges (captcha, proof of work): all or nothing.
    pub fn post(&self, new: &NewComment) -> Result<Posted, ApiError> {
        self.post_then(new, |_, _| Ok(()))
    }

    /// [`SqliteStore::post`], and `then` with a comment it created, in the same transaction (the
    /// mail it calls for: `crate::mail::Mail::on_posted`).
    pub fn post_then(
        &self,
        new: &NewComment,
        then: impl FnOnce(&Transaction, &Comment) -> Result<(), ApiError>,
    ) -> Result<Posted, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(comment) = earlier(&transaction, new.article, new.idempotency_key, new.fingerprint)? {
            return Ok(Posted::Replayed(comment));
        }
        let parent = new.parent.map(|parent| published_parent(&transaction, new.article, parent)).transpose()?;
        if let Some(pow) = new.pow {
            use_pow(&transaction, pow, new.created)?;
        }
        if let Some(captcha) = new.captcha {
            use_captcha(&transaction, captcha, new.created)?;
        }
        transaction.execute(
            "INSERT INTO comments
                 (article_id, parent_id, author, email, website, body, created, status, idempotency_key,
                  request_fingerprint, client_prefix)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                new.article,
                parent,
                new.author,
                new.email,
                new.website,
                new.body,
                new.created,
                new.status.code(),
                new.idempotency_key,
                new.fingerprint,
                new.client_prefix
            ],
        )?;
        let id = transaction.last_insert_rowid();
        transaction.execute("UPDATE comments SET secret_hash = ?2 WHERE id = ?1", params![id, (new.secret_hash)(id)])?;
        let comment = load(&transaction, id)?;
        then(&transaction, &comment)?;
        transaction.commit()?;
        Ok(Posted::Created(comment))
    }

    /// The comment already stored under this idempotency key by the same request, or
    /// `IdempotencyConflict` if another request used the key.
    pub fn earlier(&self, article: &str, key: &str, fingerprint: &str) -> Result<Option<Comment>, ApiError> {
        let mut reader = lock(&self.reader);
        let transaction = reader.transaction()?;
        earlier(&transaction, article, key, fingerprint)
    }
}

/// A page of `roots`, each followed by its first `replies` (those read, placeholders without
/// a published reply below them already `None`), within [`REPLIES_PER_PAGE`] in all, and
/// the threads whose replies were cut. Both databases' pages end here.
pub(super) fn cut_replies(
    total: i64,
    next: Option<Cursor>,
    roots: Vec<(Cursor, Option<Comment>)>,
    mut replies: HashMap<i64, FirstReplies>,
) -> Page {
    let mut comments = Vec::new();
    let mut more_replies = Vec::new();
    let mut budget = REPLIES_PER_PAGE;
    for (cursor, root) in roots {
        // The replies of a root left out are still shown: the widget puts a reply
        // whose parent it does not have among the top-level comments.
        comments.extend(root);
        let FirstReplies { count, mut kept } = replies.remove(&cursor.id).unwrap_or_default();
        kept.truncate(budget);
        budget -= kept.len();
        if count > kept.len() as i64 {
            let after = kept.last().map(|(cursor, _)| *cursor);
            more_replies.push(MoreReplies { root: cursor.id, count: count - kept.len() as i64, after });
        }
        comments.extend(kept.into_iter().filter_map(|(_, reply)| reply));
    }
    Page { total, comments, next, more_replies }
}

fn earlier(
    transaction: &Transaction,
    article: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Comment>, ApiError> {
    let earlier: Option<(i64, Option<String>)> = transaction
        .query_row(
            "SELECT id, request_fingerprint FROM comments WHERE article_id = ?1 AND idempotency_key = ?2",
            [article, key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match earlier {
        None => Ok(None),
        Some((id, stored)) if stored.as_deref() == Some(fingerprint) => Ok(Some(load(transaction, id)?)),
        Some(_) => Err(ApiError::IdempotencyConflict),
    }
}

fn published_parent(transaction: &Transaction, article: &str, parent: &str) -> Result<i64, ApiError> {
    let found = parent.parse::<i64>().ok().map_or(Ok(None), |id| {
        transaction
            .query_row(
                "SELECT id FROM comments WHERE id = ?1 AND article_id = ?2 AND status = 'published'",
                params![id, article],
                |row| row.get::<_, i64>(0),
            )
            .optional()
    })?;
    found.ok_or_else(|| ApiError::InvalidField {
        field: "parent",
        message: "is not a published comment of this article".into(),
    })
}

pub(super) fn load(transaction: &Transaction, id: i64) -> rusqlite::Result<Comment> {
    transaction.query_row(&format!("SELECT {COMMENT_COLUMNS} FROM comments WHERE id = ?1"), [id], comment_from_row)
}

/// Leaves out (`None`) the placeholders of deleted comments that no published reply is
/// below: a thread keeps a placeholder only for the shape its replies need.
fn hide_unanswered_placeholders<'c>(
    transaction: &Transaction,
    comments: impl Iterator<Item = &'c mut Option<Comment>>,
) -> rusqlite::Result<()> {
    let mut placeholders: Vec<&mut Option<Comment>> =
        comments.filter(|comment| comment.as_ref().is_some_and(|c| c.status == CommentStatus::Deleted)).collect();
    if placeholders.is_empty() {
        return Ok(());
    }
    let ids = placeholders.iter().filter_map(|comment| comment.as_ref().map(|c| c.id.as_str())).collect::<Vec<_>>();
    let shown: HashSet<i64> = transaction
        .prepare_cached(SHOWN_PLACEHOLDERS)?
        .query_map([format!("[{}]", ids.join(","))], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for placeholder in &mut placeholders {
        if placeholder.as_ref().is_some_and(|c| !c.id.parse().is_ok_and(|id| shown.contains(&id))) {
            **placeholder = None;
        }
    }
    Ok(())
}

/// A comment from the `COMMENT_COLUMNS` that start a row.
pub(super) fn comment_from_row(row: &Row) -> rusqlite::Result<Comment> {
    let id: i64 = row.get(0)?;
    let status: String = row.get(6)?;
    Ok(Comment {
        id: id.to_string(),
        parent: row.get::<_, Option<i64>>(1)?.map(|id| id.to_string()),
        author: row.get(2)?,
        website: row.get::<_, Option<String>>(3)?.and_then(|website| safe_website(id, &website)),
        body: row.get(4)?,
        created: DateTime::from_unix_seconds(row.get(5)?),
        edited: row.get::<_, Option<i64>>(7)?.map(DateTime::from_unix_seconds),
        status: CommentStatus::from_code(&status)
            .ok_or_else(|| rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, status.into()))?,
    })
}

/// A website checked by `validate` when posted, as `SafeUrl` (how the core carries URLs).
/// One written outside the API (an import) may not be one: it is left out with a warning.
pub(super) fn safe_website(id: i64, website: &str) -> Option<SafeUrl> {
    let safe = SafeUrl::parse(website);
    if safe.is_none() && !website.trim().is_empty() {
        eprintln!("warning: comment {id}: website \"{website}\" is not an http(s), mailto or relative address; it is left out");
    }
    safe
}

/// A comment read from its row, or `None` for a row that cannot be one: written outside the
/// API (an import), it may hold what the API refuses, such as an author that is not text.
/// It is left out with a warning, so that the thread shows the rest; any other error (the
/// database's) is one.
pub(super) fn readable(id: i64, read: rusqlite::Result<Comment>) -> rusqlite::Result<Option<Comment>> {
    match read {
        Ok(comment) => Ok(Some(comment)),
        Err(
            error @ (rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)),
        ) => {
            eprintln!("warning: comment {id}: {error}; the comment is left out");
            Ok(None)
        }
        Err(error) => Err(error),
    }
}
