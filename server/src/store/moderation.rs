//! What moderators see and do to comments: every status, searched and paged; a status set,
//! an edit, a deletion, each with its audit entry in its transaction; the held-comment rules.

use article_widget_core::moderation::AuditAction;
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::audit::{record, Actor};
use super::bans::hold_rules;
use super::edits::{delete_in, edit_in, Edit};
use super::{lock, SqliteStore};
use crate::error::ApiError;
use crate::hold::HoldRules;

/// The statuses a comment can have, in the order counts are given.
pub const STATUSES: [&str; 5] = ["pending", "published", "rejected", "spam", "deleted"];

/// A comment as moderators see it: its e-mail, its address prefix, every status.
#[derive(Clone, Debug)]
pub struct AdminComment {
    pub id: i64,
    pub article: String,
    pub parent: Option<i64>,
    pub author: String,
    pub email: String,
    pub website: Option<String>,
    pub body: String,
    pub created: i64,
    pub edited: Option<i64>,
    pub status: String,
    pub client_prefix: Option<String>,
    /// Direct replies, of any status.
    pub replies: i64,
}

/// Which comments a moderator asks for; `None` filters nothing.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// `None`: every status, pending ones first.
    pub status: Option<String>,
    /// In the text, in any case.
    pub text: Option<String>,
    /// In the name or the e-mail, in any case.
    pub author: Option<String>,
    pub article: Option<String>,
}

/// Where a page of the moderators' list starts: after this comment, in its order (pending
/// ones first when every status is listed, then newest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdminCursor {
    pub(super) pending_first: bool,
    pub(super) created: i64,
    pub(super) id: i64,
}

impl AdminCursor {
    /// Opaque to clients; only this server reads it back.
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", u8::from(self.pending_first), self.created, self.id)
    }

    pub fn decode(text: &str) -> Option<AdminCursor> {
        let mut parts = text.split('.');
        let pending_first = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let (created, id) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
        parts.next().is_none().then_some(AdminCursor { pending_first, created, id })
    }
}

pub struct AdminPage {
    /// How many comments of each status the search finds, in [`STATUSES`]' order.
    pub counts: [i64; 5],
    pub comments: Vec<AdminComment>,
    pub next: Option<AdminCursor>,
}

/// As PostgreSQL's queries read them too.
pub(super) const ADMIN_COLUMNS: &str = "id, article_id, parent_id, author, email, website, body, created, edited, status, \
                             client_prefix, (SELECT count(*) FROM comments AS reply WHERE reply.parent_id = comments.id)";

/// The filters of a [`Search`] but its status, on parameters `?1` (text), `?2` (author),
/// `?3` (article).
const FILTERS: &str = "(?1 IS NULL OR instr(fold(body), fold(?1)) > 0)
    AND (?2 IS NULL OR instr(fold(author), fold(?2)) > 0 OR instr(fold(email), fold(?2)) > 0)
    AND (?3 IS NULL OR article_id = ?3)";

/// `fold(text)`: Unicode lowercase, for searches in any case (SQLite's `lower` only knows
/// ASCII, and moderators search names such as "Émilie").
pub(super) fn register_functions(connection: &Connection) -> rusqlite::Result<()> {
    connection.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| Ok(context.get::<Option<String>>(0)?.map(|text| text.to_lowercase())),
    )
}

impl SqliteStore {
    /// Up to `limit` comments the search finds, after `after`, and the counts per status.
    pub fn admin_comments(&self, search: &Search, limit: u32, after: Option<AdminCursor>) -> Result<AdminPage, ApiError> {
        let mut reader = lock(&self.reader);
        // One read transaction: the counts and the page are of the same moment.
        let transaction = reader.transaction()?;
        let filters = params![search.text, search.author, search.article];
        let mut counts = [0; 5];
        {
            let mut statement = transaction
                .prepare_cached(&format!("SELECT status, count(*) FROM comments WHERE {FILTERS} GROUP BY status"))?;
            let mut rows = statement.query(filters)?;
            while let Some(row) = rows.next()? {
                let status: String = row.get(0)?;
                if let Some(slot) = STATUSES.iter().position(|known| *known == status) {
                    counts[slot] = row.get(1)?;
                }
            }
        }
        let pending_first = "(CASE WHEN ?4 IS NULL THEN status = 'pending' ELSE 0 END)";
        let mut statement = transaction.prepare_cached(&format!(
            "SELECT {ADMIN_COLUMNS}, {pending_first} FROM comments
             WHERE {FILTERS} AND (?4 IS NULL OR status = ?4)
               AND (?5 IS NULL OR ({pending_first}, created, id) < (?5, ?6, ?7))
             ORDER BY {pending_first} DESC, created DESC, id DESC LIMIT ?8"
        ))?;
        let mut comments = statement
            .query_map(
                params![
                    search.text,
                    search.author,
                    search.article,
                    search.status,
                    after.map(|cursor| cursor.pending_first),
                    after.map(|cursor| cursor.created),
                    after.map(|cursor| cursor.id),
                    i64::from(limit) + 1
                ],
                |row| Ok((admin_comment_from_row(row)?, row.get::<_, bool>(12)?)),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
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

    pub fn admin_comment(&self, id: i64) -> Result<Option<AdminComment>, ApiError> {
        let reader = lock(&self.reader);
        Ok(load_admin(&reader, id).optional()?)
    }

    /// Sets the status of the comment `id` (`published`, `rejected`, `spam`), with the
    /// audit entry of `action`; the status it had, and the comment. `None` for no such
    /// comment; a deleted one keeps its status.
    pub fn set_status(
        &self,
        id: i64,
        status: &str,
        action: AuditAction,
        actor: Actor,
    ) -> Result<Option<(String, AdminComment)>, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(before) = load_admin(&transaction, id).optional()? else { return Ok(None) };
        if before.status == "deleted" {
            return Err(ApiError::CommentDeleted);
        }
        transaction.execute("UPDATE comments SET status = ?2 WHERE id = ?1", params![id, status])?;
        record(&transaction, actor, action, Some(id), &format!("{} → {status}", before.status))?;
        let after = load_admin(&transaction, id)?;
        transaction.commit()?;
        Ok(Some((before.status, after)))
    }

    /// A moderator's edit of the comment `id`, marked edited, with its audit entry naming the
    /// fields changed. `None` for no such comment; a deleted one has nothing to edit.
    pub fn moderate_edit(&self, id: i64, edit: Edit, actor: Actor) -> Result<Option<AdminComment>, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(before) = load_admin(&transaction, id).optional()? else { return Ok(None) };
        if !edit_in(&transaction, id, edit, actor.now)? {
            return Err(ApiError::CommentDeleted);
        }
        let after = load_admin(&transaction, id)?;
        let changed = [
            ("author", before.author != after.author),
            ("website", before.website != after.website),
            ("body", before.body != after.body),
        ];
        let fields: Vec<&str> = changed.iter().filter(|(_, changed)| *changed).map(|(field, _)| *field).collect();
        let detail = if fields.is_empty() { "nothing changed".to_owned() } else { fields.join(", ") };
        record(&transaction, actor, AuditAction::Edit, Some(id), &detail)?;
        transaction.commit()?;
        Ok(Some(after))
    }

    /// A moderator's deletion of the comment `id` (a placeholder kept, as
    /// [`SqliteStore::delete_comment`]), with its audit entry; the comment as it was. `None` for no
    /// such comment; a deleted one cannot be deleted again.
    pub fn moderate_delete(&self, id: i64, actor: Actor) -> Result<Option<AdminComment>, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(before) = load_admin(&transaction, id).optional()? else { return Ok(None) };
        if !delete_in(&transaction, id)? {
            return Err(ApiError::CommentDeleted);
        }
        record(&transaction, actor, AuditAction::Delete, Some(id), &format!("was {}", before.status))?;
        transaction.commit()?;
        Ok(Some(before))
    }

    pub fn hold_rules(&self) -> Result<HoldRules, ApiError> {
        hold_rules(&lock(&self.reader))
    }

    /// Stores the held-comment rules, with their audit entry.
    pub fn set_hold_rules(&self, rules: &HoldRules, actor: Actor) -> Result<(), ApiError> {
        let text = serde_json::to_string(rules).map_err(|error| ApiError::Internal(format!("rules: {error}")))?;
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        transaction.execute(
            "INSERT INTO settings (name, value) VALUES ('hold_rules', ?1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [&text],
        )?;
        record(&transaction, actor, AuditAction::Settings, None, &text)?;
        transaction.commit()?;
        Ok(())
    }
}

fn load_admin(connection: &Connection, id: i64) -> rusqlite::Result<AdminComment> {
    connection.query_row(&format!("SELECT {ADMIN_COLUMNS} FROM comments WHERE id = ?1"), [id], admin_comment_from_row)
}

fn admin_comment_from_row(row: &Row) -> rusqlite::Result<AdminComment> {
    Ok(AdminComment {
        id: row.get(0)?,
        article: row.get(1)?,
        parent: row.get(2)?,
        author: row.get(3)?,
        email: row.get(4)?,
        website: row.get(5)?,
        body: row.get(6)?,
        created: row.get(7)?,
        edited: row.get(8)?,
        status: row.get(9)?,
        client_prefix: row.get(10)?,
        replies: row.get(11)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_start_as_the_default_and_are_stored_with_their_audit_entry() {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap();
        assert_eq!(store.hold_rules().unwrap(), HoldRules::default(), "the migration's row");
        let rules = HoldRules { first_time_authors: true, words: vec!["casino".into()], ..HoldRules::default() };
        store.set_hold_rules(&rules, Actor { name: "anne", now: 1 }).unwrap();
        assert_eq!(store.hold_rules().unwrap(), rules);
        let (entries, more) = store.audit(None, 10).unwrap();
        assert!(!more);
        assert_eq!((entries.len(), entries[0].action.as_str(), entries[0].moderator.as_str()), (1, "settings", "anne"));
    }

    #[test]
    fn cursors_read_back_only_as_written() {
        let cursor = AdminCursor { pending_first: true, created: 1_700_000_000, id: 42 };
        assert_eq!(AdminCursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "1.2", "2.1.1", "1.a.1", "1.1.1.1", "0_1_1"] {
            assert_eq!(AdminCursor::decode(bad), None, "{bad}");
        }
    }
}
