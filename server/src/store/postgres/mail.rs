//! The mail's tables on PostgreSQL (`store/mail.rs` on SQLite): [`MailTables`] within a
//! post's transaction, the links of the messages, and the outbox the senders of every server
//! work through.
//!
//! What SQLite's one writer at a time made safe is made safe here by locks and keys, each
//! named where it is taken. An address's row (`mail_addresses`) is locked by what decides on
//! it: `FOR NO KEY UPDATE` to subscribe (a confirmation is due or not), `FOR KEY SHARE` to
//! queue a reply's notice (the address is confirmed), `FOR UPDATE` to unsubscribe, which
//! waits for both; the first two do not wait for each other, so that two authors replying
//! to each other at once do not deadlock on their addresses. Whether a moderator unsubscribed
//! from held comments is decided on a row that may not exist yet: an advisory lock of the
//! address stands for it.

use std::future::Future;

use deadpool_postgres::Transaction;

use super::PgStore;
use crate::error::ApiError;
use crate::mail::Mail;
use crate::store::mail::{standing, Claimed, MailTables, Outgoing, ReplyNotice, Standing};

/// The class of the advisory locks of addresses for held comments' notices (the two-key
/// form, whose keys never meet the one-key form of the migrations' lock); the second key is
/// the address's `hashtext`. Two addresses of one hash only wait for each other.
const HELD_LOCK: i32 = i32::from_be_bytes(*b"held");

/// PostgreSQL's [`MailTables`]: the statements of a post's own transaction.
pub(super) struct PgMailTables<'t>(pub(super) &'t Transaction<'t>);

impl MailTables for PgMailTables<'_> {
    /// `ON CONFLICT DO NOTHING`: its cause and Message-ID are unique, so a message is queued
    /// once, whichever server queues it first.
    fn enqueue(&mut self, out: &Outgoing, now_millis: i64) -> impl Future<Output = Result<bool, ApiError>> + Send {
        let transaction = self.0;
        async move {
            let added = transaction
                .execute(
                    "INSERT INTO mail_outbox
                         (message_id, cause, kind, sender, recipient, recipient_key, message, status, created,
                          next_attempt)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8)
                     ON CONFLICT DO NOTHING",
                    &[
                        &out.message_id,
                        &out.cause,
                        &out.kind.code(),
                        &out.sender,
                        &out.recipient,
                        &out.recipient_key,
                        &out.message,
                        &now_millis,
                    ],
                )
                .await?;
            Ok(added == 1)
        }
    }

    /// The address's row is locked `FOR NO KEY UPDATE` until the commit: two posts from one
    /// address at once take turns, and the second sees the confirmation the first queued
    /// (READ COMMITTED reads the row as committed once the lock is granted).
    fn subscribe(
        &mut self,
        comment: i64,
        address: &str,
        now: i64,
    ) -> impl Future<Output = Result<Standing, ApiError>> + Send {
        let transaction = self.0;
        async move {
            transaction
                .execute(
                    "INSERT INTO mail_subscriptions (comment_id, address_key, created) VALUES ($1, $2, $3)
                     ON CONFLICT (comment_id) DO NOTHING",
                    &[&comment, &address, &now],
                )
                .await?;
            transaction
                .execute("INSERT INTO mail_addresses (key) VALUES ($1) ON CONFLICT (key) DO NOTHING", &[&address])
                .await?;
            let row = transaction
                .query_one(
                    "SELECT confirmed, confirmation_sent FROM mail_addresses WHERE key = $1 FOR NO KEY UPDATE",
                    &[&address],
                )
                .await?;
            Ok(standing(row.try_get(0)?, row.try_get(1)?, now))
        }
    }

    fn confirmation_queued(&mut self, address: &str, now: i64) -> impl Future<Output = Result<(), ApiError>> + Send {
        let transaction = self.0;
        async move {
            transaction
                .execute("UPDATE mail_addresses SET confirmation_sent = $2 WHERE key = $1", &[&address, &now])
                .await?;
            Ok(())
        }
    }

    /// The subscriber's address is locked `FOR KEY SHARE` until the commit: an unsubscribe
    /// (`FOR UPDATE`) waits for the notice, which it then drops from the queue, or the notice
    /// waits for the unsubscribe, and finds the address no longer confirmed.
    fn reply_notice(&mut self, reply: i64) -> impl Future<Output = Result<Option<ReplyNotice>, ApiError>> + Send {
        let transaction = self.0;
        async move {
            let row = transaction
                .query_opt(
                    "SELECT reply.article_id, reply.author, reply.body, reply.email, parent.email,
                            subscription.address_key
                     FROM comments AS reply
                     JOIN comments AS parent ON parent.id = reply.parent_id
                     JOIN mail_subscriptions AS subscription ON subscription.comment_id = parent.id
                     JOIN mail_addresses AS address ON address.key = subscription.address_key
                     WHERE reply.id = $1 AND reply.status = 'published' AND parent.status = 'published'
                       AND address.confirmed IS NOT NULL
                     FOR KEY SHARE OF address",
                    &[&reply],
                )
                .await?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some(ReplyNotice {
                article: row.try_get(0)?,
                author: row.try_get(1)?,
                body: row.try_get(2)?,
                email: row.try_get(3)?,
                subscriber_email: row.try_get(4)?,
                subscriber_key: row.try_get(5)?,
            }))
        }
    }

    /// Under the address's advisory lock, shared until the commit: an unsubscribe, which
    /// takes it alone (`unsubscribe_held`), waits for the notice and drops it, or the notice
    /// waits and sees the unsubscribe. The read is a statement after the lock's, whose
    /// snapshot is taken once the lock is granted.
    fn held_unsubscribed(&mut self, address: &str) -> impl Future<Output = Result<bool, ApiError>> + Send {
        let transaction = self.0;
        async move {
            transaction
                .execute("SELECT pg_advisory_xact_lock_shared($1, hashtext($2))", &[&HELD_LOCK, &address])
                .await?;
            let row = transaction
                .query_opt("SELECT held_unsubscribed FROM mail_addresses WHERE key = $1", &[&address])
                .await?;
            Ok(match row {
                Some(row) => row.try_get::<_, Option<i64>>(0)?.is_some(),
                None => false,
            })
        }
    }
}

impl PgStore {
    /// Queues, in its own transaction, the notice a published reply calls for, if any.
    pub(super) async fn notify_reply(&self, mail: &Mail, comment: i64) -> Result<(), ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        mail.enqueue_reply_notice(&mut PgMailTables(&transaction), comment).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Confirms an address the mail knows; `false` for one it does not (or no longer) know.
    /// One statement.
    pub(super) async fn confirm_address(&self, address: &str, now: i64) -> Result<bool, ApiError> {
        let client = self.pool.get().await?;
        let known = client
            .execute("UPDATE mail_addresses SET confirmed = coalesce(confirmed, $2) WHERE key = $1", &[&address, &now])
            .await?;
        Ok(known == 1)
    }

    /// No more notices of replies to this address: its subscriptions go, it is no longer
    /// confirmed, and what was queued for it and not sent is dropped.
    ///
    /// The address's row is locked first (`FOR UPDATE`), so that a post subscribing it or
    /// queuing a notice to it, which lock it too, either commits before, and what it wrote is
    /// seen by the statements below (each with its own snapshot), or waits until after.
    pub(super) async fn unsubscribe_replies(&self, address: &str) -> Result<(), ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction.execute("SELECT 1 FROM mail_addresses WHERE key = $1 FOR UPDATE", &[&address]).await?;
        transaction.execute("DELETE FROM mail_subscriptions WHERE address_key = $1", &[&address]).await?;
        transaction.execute("UPDATE mail_addresses SET confirmed = NULL WHERE key = $1", &[&address]).await?;
        transaction
            .execute(
                "DELETE FROM mail_outbox WHERE recipient_key = $1 AND kind IN ('reply', 'confirmation')
                   AND status = 'queued'",
                &[&address],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// No more notices of held comments to this moderator's address.
    ///
    /// The row is written first, then the address's advisory lock taken alone (a post
    /// holds it shared while it decides on a notice to the address, `held_unsubscribed`):
    /// the notices of posts that decided before are committed by then, and dropped below.
    /// In that order because a post may lock the row before the advisory lock (a moderator
    /// subscribing to replies to their own held comment): the other order could deadlock.
    pub(super) async fn unsubscribe_held(&self, address: &str, now: i64) -> Result<(), ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        transaction
            .execute(
                "INSERT INTO mail_addresses (key, held_unsubscribed) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET held_unsubscribed = coalesce(mail_addresses.held_unsubscribed, $2)",
                &[&address, &now],
            )
            .await?;
        transaction.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", &[&HELD_LOCK, &address]).await?;
        transaction
            .execute(
                "DELETE FROM mail_outbox WHERE recipient_key = $1 AND kind = 'held' AND status = 'queued'",
                &[&address],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The message due first, if any is, claimed until `now + lease` (milliseconds), as on
    /// SQLite, by one sender of all the servers': the message's row is locked by the
    /// subquery that picks it, and a row locked by another sender's claim is skipped (`FOR
    /// UPDATE SKIP LOCKED`) for the next one due, rather than waited for and then found
    /// claimed. One statement.
    pub(super) async fn claim_mail(&self, now: i64, lease: i64) -> Result<Option<Claimed>, ApiError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "UPDATE mail_outbox SET status = 'sending', next_attempt = $1 + $2, attempts = attempts + 1
                 WHERE id = (SELECT id FROM mail_outbox
                             WHERE status IN ('queued', 'sending') AND next_attempt <= $1
                             ORDER BY next_attempt, id LIMIT 1
                             FOR UPDATE SKIP LOCKED)
                 RETURNING id, sender, recipient, message, attempts, created",
                &[&now, &lease],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Claimed {
            id: row.try_get(0)?,
            sender: row.try_get(1)?,
            recipient: row.try_get(2)?,
            message: row.try_get(3)?,
            attempts: row.try_get(4)?,
            created: row.try_get(5)?,
        }))
    }

    /// The claimed message went: its text is dropped, its row kept.
    pub(super) async fn mail_sent(&self, claimed: &Claimed) -> Result<(), ApiError> {
        self.settle(claimed, "sent", None, None).await
    }

    /// The claimed message failed; it is tried again at `at` (Unix milliseconds).
    pub(super) async fn mail_retry(&self, claimed: &Claimed, at: i64, error: &str) -> Result<(), ApiError> {
        self.settle(claimed, "queued", Some(at), Some(error)).await
    }

    /// The claimed message is given up.
    pub(super) async fn mail_failed(&self, claimed: &Claimed, error: &str) -> Result<(), ApiError> {
        self.settle(claimed, "failed", None, Some(error)).await
    }

    /// Only the sender that holds the claim settles it: the row is still being sent, at the
    /// same attempt. One statement.
    async fn settle(
        &self,
        claimed: &Claimed,
        status: &str,
        at: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), ApiError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE mail_outbox
                 SET status = $3::text, next_attempt = coalesce($4::bigint, next_attempt), last_error = $5::text,
                     message = CASE $3::text WHEN 'sent' THEN NULL ELSE message END
                 WHERE id = $1 AND attempts = $2 AND status = 'sending'",
                &[&claimed.id, &claimed.attempts, &status, &at, &error],
            )
            .await?;
        Ok(())
    }
}
