//! The latest published comments, of an article or of the whole site, for the Atom feeds, on
//! PostgreSQL (`store/feed.rs` on SQLite).

use super::comments::comment_from_row;
use super::PgStore;
use crate::error::ApiError;
use crate::store::comments::COMMENT_COLUMNS;
use crate::store::FeedComment;

impl PgStore {
    /// Up to `limit` published comments, newest first: of `article`, or of every article.
    pub(super) async fn latest(&self, article: Option<&str>, limit: u32) -> Result<Vec<FeedComment>, ApiError> {
        let client = self.pool.get().await?;
        // Two queries, as on SQLite, so that each has its index: an article's thread, or the
        // time (`comments_by_time`, read from its end). PostgreSQL's planner, with statistics,
        // chooses it without being told.
        let filter = match article {
            Some(_) => "article_id = $1 AND",
            None => "$1::text IS NULL AND",
        };
        let rows = client
            .query(
                &format!(
                    "SELECT {COMMENT_COLUMNS}, article_id FROM comments
                     WHERE {filter} status = 'published'
                     ORDER BY created DESC, id DESC LIMIT $2"
                ),
                &[&article, &i64::from(limit)],
            )
            .await?;
        rows.iter().map(|row| Ok(FeedComment { article: row.try_get(8)?, comment: comment_from_row(row)? })).collect()
    }
}
