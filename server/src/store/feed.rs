//! The latest published comments, of an article or of the whole site, for the Atom feeds.

use article_widget_core::comment::Comment;
use rusqlite::params;

use super::comments::{comment_from_row, readable, COMMENT_COLUMNS};
use super::{lock, SqliteStore};
use crate::error::ApiError;

/// A comment as a feed shows it: with its article.
pub struct FeedComment {
    pub article: String,
    pub comment: Comment,
}

impl SqliteStore {
    /// Up to `limit` published comments, newest first: of `article`, or of every article.
    pub fn latest(&self, article: Option<&str>, limit: u32) -> Result<Vec<FeedComment>, ApiError> {
        let reader = lock(&self.reader);
        // Two queries, so that each has its index: an article's thread, or the time.
        // SQLite's planner, without statistics, would rather sort the whole site's comments
        // than walk `comments_by_time` from its end.
        let (index, filter) = match article {
            Some(_) => ("", "article_id = ?1 AND"),
            None => ("INDEXED BY comments_by_time", "?1 IS NULL AND"),
        };
        let mut statement = reader.prepare_cached(&format!(
            "SELECT {COMMENT_COLUMNS}, article_id FROM comments {index}
             WHERE {filter} status = 'published'
             ORDER BY created DESC, id DESC LIMIT ?2"
        ))?;
        let mut rows = statement.query(params![article, limit])?;
        let mut latest = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if let Some(comment) = readable(id, comment_from_row(row))? {
                latest.push(FeedComment { article: row.get(8)?, comment });
            }
        }
        Ok(latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_published_first_of_one_article_or_all() {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap();
        {
            let writer = lock(&store.writer);
            writer
                .execute_batch(
                    "INSERT INTO comments (article_id, author, email, body, created, status, edited)
                     VALUES ('autre', 'Zoé', 'z@example.org', 'Ailleurs.', 1900000000, 'published', 1900000500),
                            ('autre', 'Held', 'h@example.org', 'Pas encore.', 1900000001, 'pending', NULL);",
                )
                .unwrap();
        }
        let all = store.latest(None, 3).unwrap();
        let seen: Vec<_> =
            all.iter().map(|c| (c.article.as_str(), c.comment.id.as_str(), c.comment.edited.map(|e| e.unix_seconds()))).collect();
        assert_eq!(seen, [("autre", "5", Some(1_900_000_500)), ("nouvel-ordre-mondial", "4", None), ("nouvel-ordre-mondial", "3", None)]);
        let one: Vec<_> = store.latest(Some("nouvel-ordre-mondial"), 10).unwrap().into_iter().map(|c| c.comment.id).collect();
        assert_eq!(one, ["4", "3", "2", "1"]);
        assert!(store.latest(Some("rien"), 10).unwrap().is_empty());
    }
}
