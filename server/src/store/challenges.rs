//! The captcha's and the proof of work's challenges already used: each is used once.

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::{lock, SqliteStore};
use crate::captcha::{CaptchaError, Genuine};
use crate::error::ApiError;
use crate::pow::{PowError, Spent};

impl SqliteStore {
    /// Uses up a challenge that was answered wrongly, so that it cannot be guessed again,
    /// with the proof of work that came with it, so that each guess costs one.
    pub fn use_captcha(&self, captcha: Genuine, pow: Option<&Spent>, now: i64) -> Result<(), ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(pow) = pow {
            use_pow(&transaction, pow, now)?;
        }
        use_captcha(&transaction, captcha, now)?;
        transaction.commit()?;
        Ok(())
    }

    /// Whether a proof of work's challenge was used: a read, so that a replay is refused
    /// before the captcha is looked at; [`SqliteStore::post`] checks again as it writes.
    pub fn pow_used(&self, pow: &Spent) -> Result<bool, ApiError> {
        let reader = lock(&self.reader);
        let used =
            reader.query_row("SELECT 1 FROM used_pow WHERE signature = ?1", [&pow.signature], |_| Ok(())).optional()?;
        Ok(used.is_some())
    }
}

/// Records a challenge as used, forgetting those that expired (their signature refuses them).
pub(super) fn use_captcha(transaction: &Transaction, captcha: Genuine, now: i64) -> Result<(), ApiError> {
    transaction.execute("DELETE FROM used_captchas WHERE expires < ?1", [now])?;
    let inserted = transaction.execute(
        "INSERT OR IGNORE INTO used_captchas (seed, expires) VALUES (?1, ?2)",
        params![captcha.seed.to_string(), captcha.expires],
    )?;
    if inserted == 0 {
        return Err(CaptchaError::Used.into());
    }
    Ok(())
}

/// Records a proof of work's challenge as used, forgetting those that expired. Each row
/// stands for a solved challenge of the last ten minutes, so the table is as bounded as the
/// posts the limits let through.
pub(super) fn use_pow(transaction: &Transaction, pow: &Spent, now: i64) -> Result<(), ApiError> {
    transaction.execute("DELETE FROM used_pow WHERE expires < ?1", [now])?;
    let inserted = transaction.execute(
        "INSERT OR IGNORE INTO used_pow (signature, expires) VALUES (?1, ?2)",
        params![pow.signature, pow.expires],
    )?;
    if inserted == 0 {
        return Err(PowError::Replayed.into());
    }
    Ok(())
}
