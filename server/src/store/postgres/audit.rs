//! audit on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn audit(&self, _before: Option<i64>, _limit: u32) -> Result<(Vec<AuditEntry>, bool), ApiError> {
        Err(unported("audit"))
    }
}
