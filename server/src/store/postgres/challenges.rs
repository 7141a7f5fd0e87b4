//! challenges on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn use_captcha(&self, _captcha: Genuine, _pow: Option<&Spent>, _now: i64) -> Result<(), ApiError> {
        Err(unported("use_captcha"))
    }

    pub(super) async fn pow_used(&self, _pow: &Spent) -> Result<bool, ApiError> {
        Err(unported("pow_used"))
    }
}
