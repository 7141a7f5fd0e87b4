//! Changing a comment after it was posted: its author's edits and deletion, and a
//! moderator's. Who may do which is decided by the caller; this is what each does.

use article_widget_core::comment::Comment;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::comments::load;
use super::{lock, SqliteStore};
use crate::error::ApiError;

/// What an edit changes; `None` leaves a field as it is.
#[derive(Clone, Copy, Default)]
pub struct Edit<'a> {
    pub author: Option<&'a str>,
    /// `Some(None)` removes the website.
    pub website: Option<Option<&'a str>>,
    pub body: Option<&'a str>,
}

/// What its author's request to change a comment is judged on.
pub struct Authorship {
    pub deleted: bool,
    /// `None` for a comment posted without a secret (the seed, an import) or deleted.
    pub secret_hash: Option<String>,
    /// Unix seconds.
    pub created: i64,
    /// Whether any reply was posted to it, whatever became of the reply.
    pub answered: bool,
}

impl SqliteStore {
    /// Changes the comment `id` and marks it edited at `now`; `None` when there is no such
    /// comment, or it was deleted (a placeholder has nothing to edit).
    pub fn edit_comment(&self, id: i64, edit: Edit, now: i64) -> Result<Option<Comment>, ApiError> {
        self.edit_if(id, edit, now, |_| Ok(()))
    }

    /// Edits the comment `id` of `article` as [`SqliteStore::edit_comment`] does, if `allowed`
    /// accepts its [`Authorship`], read in the same transaction as the edit: a reply posted
    /// meanwhile is seen.
    pub fn edit_own(
        &self,
        article: &str,
        id: i64,
        edit: Edit,
        now: i64,
        allowed: impl FnOnce(Option<Authorship>) -> Result<(), ApiError>,
    ) -> Result<Option<Comment>, ApiError> {
        self.edit_if(id, edit, now, |transaction| allowed(authorship(transaction, article, id)?))
    }

    fn edit_if(
        &self,
        id: i64,
        edit: Edit,
        now: i64,
        allowed: impl FnOnce(&Transaction) -> Result<(), ApiError>,
    ) -> Result<Option<Comment>, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        allowed(&transaction)?;
        if !edit_in(&transaction, id, edit, now)? {
            return Ok(None);
        }
        let comment = load(&transaction, id)?;
        transaction.commit()?;
        Ok(Some(comment))
    }

    /// Deletes the comment `id`: what its author wrote (name, e-mail, website, text, the
    /// secret that let them change it) is erased, and the row stays as a `deleted`
    /// placeholder, so that its replies keep their place in the thread and a retry of the
    /// post that made it, under its idempotency key, does not make it again. `false` when
    /// there is no such comment, or it was deleted already.
    pub fn delete_comment(&self, id: i64) -> Result<bool, ApiError> {
        let writer = lock(&self.writer);
        Ok(delete_in(&writer, id)?)
    }

    /// What decides whether the author of the comment `id` of `article` may still change
    /// it; `None` when the article has no such comment.
    pub fn authorship(&self, article: &str, id: i64) -> Result<Option<Authorship>, ApiError> {
        Ok(authorship(&lock(&self.reader), article, id)?)
    }

    /// The status of the comment `id`, if there is one (`published`, `pending`, `rejected`,
    /// `spam` or `deleted`), and how many replies it has, of any status.
    pub fn status_and_replies(&self, id: i64) -> Result<Option<(String, i64)>, ApiError> {
        let reader = lock(&self.reader);
        Ok(reader
            .query_row(
                "SELECT status, (SELECT count(*) FROM comments AS reply WHERE reply.parent_id = comments.id)
                 FROM comments WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }
}

/// [`SqliteStore::edit_comment`]'s change, in a transaction of the caller's; `false` when there is
/// no such comment, or it was deleted.
pub(super) fn edit_in(connection: &Connection, id: i64, edit: Edit, now: i64) -> rusqlite::Result<bool> {
    let changed = connection.execute(
        "UPDATE comments
         SET author = coalesce(?2, author),
             website = CASE WHEN ?3 THEN ?4 ELSE website END,
             body = coalesce(?5, body),
             edited = ?6
         WHERE id = ?1 AND status != 'deleted'",
        params![id, edit.author, edit.website.is_some(), edit.website.flatten(), edit.body, now],
    )?;
    Ok(changed == 1)
}

/// [`SqliteStore::delete_comment`]'s change, in a transaction of the caller's.
pub(super) fn delete_in(connection: &Connection, id: i64) -> rusqlite::Result<bool> {
    let changed = connection.execute(
        "UPDATE comments
         SET status = 'deleted', author = '', email = '', website = NULL, body = '', secret_hash = NULL
         WHERE id = ?1 AND status != 'deleted'",
        [id],
    )?;
    Ok(changed == 1)
}

fn authorship(connection: &Connection, article: &str, id: i64) -> rusqlite::Result<Option<Authorship>> {
    connection
        .query_row(
            "SELECT status = 'deleted', secret_hash, created,
                    EXISTS (SELECT 1 FROM comments AS reply WHERE reply.parent_id = comments.id)
             FROM comments WHERE id = ?1 AND article_id = ?2",
            params![id, article],
            |row| Ok(Authorship { deleted: row.get(0)?, secret_hash: row.get(1)?, created: row.get(2)?, answered: row.get(3)? }),
        )
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Order, SqliteStore};

    fn seeded() -> (tempfile::TempDir, SqliteStore) {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap();
        (folder, store)
    }

    #[test]
    fn an_edit_changes_what_it_names_and_marks_the_time() {
        let (_folder, store) = seeded();
        let edit = Edit { body: Some("Corrigé."), website: Some(Some("https://example.org/")), ..Edit::default() };
        let comment = store.edit_comment(1, edit, 1_800_000_000).unwrap().unwrap();
        assert_eq!((comment.author.as_str(), comment.body.as_str()), ("Claire Martin", "Corrigé."));
        assert_eq!(comment.website.unwrap().as_str(), "https://example.org/");
        let edited: Option<i64> =
            lock(&store.reader).query_row("SELECT edited FROM comments WHERE id = 1", [], |row| row.get(0)).unwrap();
        assert_eq!(edited, Some(1_800_000_000));
        let removed = store.edit_comment(1, Edit { website: Some(None), ..Edit::default() }, 1_800_000_001).unwrap();
        assert!(removed.unwrap().website.is_none());
        assert!(store.edit_comment(99, Edit::default(), 0).unwrap().is_none());
    }

    #[test]
    fn a_deleted_comment_is_emptied_keeps_its_place_and_cannot_be_edited_or_deleted_again() {
        let (_folder, store) = seeded();
        assert_eq!(store.status_and_replies(1).unwrap(), Some(("published".into(), 1)));
        assert!(store.delete_comment(1).unwrap());
        assert!(!store.delete_comment(1).unwrap());
        assert!(!store.delete_comment(99).unwrap());
        assert_eq!(store.status_and_replies(1).unwrap(), Some(("deleted".into(), 1)));
        let erased: (String, String, Option<String>, String) = lock(&store.reader)
            .query_row("SELECT author, email, website, body FROM comments WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap();
        assert_eq!(erased, (String::new(), String::new(), None, String::new()));
        assert!(store.edit_comment(1, Edit { body: Some("x"), ..Edit::default() }, 0).unwrap().is_none());
        let page = store.page("nouvel-ordre-mondial", Order::Oldest, 100, None).unwrap();
        let placeholder = page.comments.iter().find(|comment| comment.id == "1").expect("kept for its reply");
        assert_eq!((placeholder.status.code(), placeholder.author.as_str()), ("deleted", ""));
        assert_eq!(page.total, 3, "a placeholder is not counted");
    }
}
