//! feed on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn latest(&self, _article: Option<&str>, _limit: u32) -> Result<Vec<FeedComment>, ApiError> {
        Err(unported("latest"))
    }
}
