//! mail on PostgreSQL.

use super::{unported, PgStore};
use crate::error::ApiError;
use crate::store::*;

impl PgStore {
    pub(super) async fn notify_reply(&self, _mail: &Mail, _comment: i64) -> Result<(), ApiError> {
        Err(unported("notify_reply"))
    }

    pub(super) async fn confirm_address(&self, _address: &str, _now: i64) -> Result<bool, ApiError> {
        Err(unported("confirm_address"))
    }

    pub(super) async fn unsubscribe_replies(&self, _address: &str) -> Result<(), ApiError> {
        Err(unported("unsubscribe_replies"))
    }

    pub(super) async fn unsubscribe_held(&self, _address: &str, _now: i64) -> Result<(), ApiError> {
        Err(unported("unsubscribe_held"))
    }

    pub(super) async fn claim_mail(&self, _now: i64, _lease: i64) -> Result<Option<Claimed>, ApiError> {
        Err(unported("claim_mail"))
    }

    pub(super) async fn mail_sent(&self, _claimed: &Claimed) -> Result<(), ApiError> {
        Err(unported("mail_sent"))
    }

    pub(super) async fn mail_retry(&self, _claimed: &Claimed, _at: i64, _error: &str) -> Result<(), ApiError> {
        Err(unported("mail_retry"))
    }

    pub(super) async fn mail_failed(&self, _claimed: &Claimed, _error: &str) -> Result<(), ApiError> {
        Err(unported("mail_failed"))
    }
}
