//! The captcha's and the proof of work's challenges already used, on PostgreSQL: each is used
//! once, across every server on the database (`store/challenges.rs` on SQLite).
//!
//! A challenge is used by inserting its row, `ON CONFLICT DO NOTHING`, and is refused when no
//! row was inserted: the primary key decides, never a read before the write. An insert of a
//! key that another transaction is inserting waits for that transaction, and inserts nothing
//! if it commits: of two servers using one challenge at once, one is refused.

use deadpool_postgres::GenericClient;

use super::PgStore;
use crate::captcha::{CaptchaError, Genuine};
use crate::error::ApiError;
use crate::pow::{PowError, Spent};

impl PgStore {
    /// Uses up a challenge that was answered wrongly, so that it cannot be guessed again,
    /// with the proof of work that came with it, so that each guess costs one.
    pub(super) async fn use_captcha(&self, captcha: Genuine, pow: Option<&Spent>, now: i64) -> Result<(), ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        if let Some(pow) = pow {
            use_pow(&transaction, pow, now).await?;
        }
        use_captcha(&transaction, captcha, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Whether a proof of work's challenge was used: a read, so that a replay is refused
    /// before the captcha is looked at; [`PgStore::post`] uses it as it writes.
    pub(super) async fn pow_used(&self, pow: &Spent) -> Result<bool, ApiError> {
        let client = self.pool.get().await?;
        let used = client.query_opt("SELECT 1 FROM used_pow WHERE signature = $1", &[&pow.signature]).await?;
        Ok(used.is_some())
    }
}

/// Records a captcha's challenge as used, forgetting those that expired (their signature
/// refuses them).
pub(super) async fn use_captcha(client: &impl GenericClient, captcha: Genuine, now: i64) -> Result<(), ApiError> {
    let used = use_once(client, "used_captchas", "seed", &captcha.seed.to_string(), captcha.expires, now).await?;
    if used {
        Ok(())
    } else {
        Err(CaptchaError::Used.into())
    }
}

/// Records a proof of work's challenge as used, forgetting those that expired. Each row
/// stands for a solved challenge of the last ten minutes, so the table is as bounded as the
/// posts the limits let through.
pub(super) async fn use_pow(client: &impl GenericClient, pow: &Spent, now: i64) -> Result<(), ApiError> {
    if use_once(client, "used_pow", "signature", &pow.signature, pow.expires, now).await? {
        Ok(())
    } else {
        Err(PowError::Replayed.into())
    }
}

/// Inserts `key` into `table` (a table of used challenges, keyed by `column`, with their
/// expiry), first forgetting the rows past their expiry; `false` when the key was there.
///
/// The expired rows another transaction is forgetting at the same time are left to it
/// (`SKIP LOCKED`): servers forgetting the same rows at once neither wait for each other nor
/// deadlock on them.
async fn use_once(
    client: &impl GenericClient,
    table: &str,
    column: &str,
    key: &str,
    expires: i64,
    now: i64,
) -> Result<bool, tokio_postgres::Error> {
    client
        .execute(
            &format!(
                "DELETE FROM {table}
                 WHERE {column} IN (SELECT {column} FROM {table} WHERE expires < $1 FOR UPDATE SKIP LOCKED)"
            ),
            &[&now],
        )
        .await?;
    let inserted = client
        .execute(
            &format!("INSERT INTO {table} ({column}, expires) VALUES ($1, $2) ON CONFLICT ({column}) DO NOTHING"),
            &[&key, &expires],
        )
        .await?;
    Ok(inserted == 1)
}
