//! bans on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn add_ban(&self, _ban: &NewBan<'_>, _actor: Actor<'_>) -> Result<Ban, ApiError> {
        Err(unported("add_ban"))
    }

    pub(super) async fn remove_ban(&self, _id: i64, _actor: Actor<'_>) -> Result<bool, ApiError> {
        Err(unported("remove_ban"))
    }

    pub(super) async fn bans(&self, _now: i64) -> Result<Vec<Ban>, ApiError> {
        Err(unported("bans"))
    }

    pub(super) async fn screen(&self, _email: &str, _email_hash: &str, _address: IpAddr, _now: i64) -> Result<Screening, ApiError> {
        Err(unported("screen"))
    }
}
