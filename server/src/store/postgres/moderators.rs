//! moderators on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn add_moderator(&self, _name: &str, _password_hash: &str, _now: i64) -> Result<bool, ApiError> {
        Err(unported("add_moderator"))
    }

    pub(super) async fn set_password(&self, _name: &str, _password_hash: &str) -> Result<bool, ApiError> {
        Err(unported("set_password"))
    }

    pub(super) async fn remove_moderator(&self, _name: &str) -> Result<bool, ApiError> {
        Err(unported("remove_moderator"))
    }

    pub(super) async fn moderators(&self, _now: i64) -> Result<Vec<ModeratorRow>, ApiError> {
        Err(unported("moderators"))
    }

    pub(super) async fn credentials(&self, _name: &str) -> Result<Option<Credentials>, ApiError> {
        Err(unported("credentials"))
    }

    pub(super) async fn open_session(&self, _id: i64, _token_hash: &str, _csrf: &str, _actor: Actor<'_>) -> Result<(), ApiError> {
        Err(unported("open_session"))
    }

    pub(super) async fn session(&self, _token_hash: &str, _now: i64) -> Result<Option<Session>, ApiError> {
        Err(unported("session"))
    }

    pub(super) async fn close_session(&self, _token_hash: &str, _actor: Actor<'_>) -> Result<(), ApiError> {
        Err(unported("close_session"))
    }
}
