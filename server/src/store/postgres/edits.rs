//! edits on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn edit_comment(&self, _id: i64, _edit: Edit<'_>, _now: i64) -> Result<Option<Comment>, ApiError> {
        Err(unported("edit_comment"))
    }

    pub(super) async fn edit_own(&self, _article: &str, _id: i64, _edit: Edit<'_>, _now: i64, _allowed: Allowed<'_>) -> Result<Option<Comment>, ApiError> {
        Err(unported("edit_own"))
    }

    pub(super) async fn delete_comment(&self, _id: i64) -> Result<bool, ApiError> {
        Err(unported("delete_comment"))
    }

    pub(super) async fn authorship(&self, _article: &str, _id: i64) -> Result<Option<Authorship>, ApiError> {
        Err(unported("authorship"))
    }
}
