//! moderation on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn admin_comments(&self, _search: &Search, _limit: u32, _after: Option<AdminCursor>) -> Result<AdminPage, ApiError> {
        Err(unported("admin_comments"))
    }

    pub(super) async fn admin_comment(&self, _id: i64) -> Result<Option<AdminComment>, ApiError> {
        Err(unported("admin_comment"))
    }

    pub(super) async fn set_status(&self, _id: i64, _status: &str, _action: AuditAction, _actor: Actor<'_>) -> Result<Option<(String, AdminComment)>, ApiError> {
        Err(unported("set_status"))
    }

    pub(super) async fn moderate_edit(&self, _id: i64, _edit: Edit<'_>, _actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        Err(unported("moderate_edit"))
    }

    pub(super) async fn moderate_delete(&self, _id: i64, _actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        Err(unported("moderate_delete"))
    }

    pub(super) async fn hold_rules(&self) -> Result<HoldRules, ApiError> {
        Err(unported("hold_rules"))
    }

    pub(super) async fn set_hold_rules(&self, _rules: &HoldRules, _actor: Actor<'_>) -> Result<(), ApiError> {
        Err(unported("set_hold_rules"))
    }
}
