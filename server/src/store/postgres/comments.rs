//! comments on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn page(&self, _article: &str, _order: Order, _limit: u32, _after: Option<Cursor>) -> Result<Page, ApiError> {
        Err(unported("page"))
    }

    pub(super) async fn replies(&self, _article: &str, _root: i64, _limit: u32, _after: Option<Cursor>) -> Result<Option<Replies>, ApiError> {
        Err(unported("replies"))
    }

    pub(super) async fn post(&self, _new: &NewComment<'_>, _mail: Option<PostMail<'_>>) -> Result<Posted, ApiError> {
        Err(unported("post"))
    }

    pub(super) async fn earlier(&self, _article: &str, _key: &str, _fingerprint: &str) -> Result<Option<Comment>, ApiError> {
        Err(unported("earlier"))
    }
}
