//! The mail's tables: the addresses known (confirmed or not, by their keyed hash), the
//! comments whose authors asked to be told of replies, and the outbox the sender works
//! through. What a post causes is written in the post's own transaction, through
//! [`MailTables`], which each database implements; the sender and the links of the messages
//! use the [`super::Storage`] methods.

use std::future::{ready, Future};

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{lock, SqliteStore};
use crate::error::ApiError;

/// What a message is, for the outbox and for what an unsubscribe cancels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    /// The link that confirms an address (double opt-in).
    Confirmation,
    /// A reply to a subscriber's comment.
    Reply,
    /// A held comment, to a moderator.
    Held,
}

impl MailKind {
    pub fn code(self) -> &'static str {
        match self {
            MailKind::Confirmation => "confirmation",
            MailKind::Reply => "reply",
            MailKind::Held => "held",
        }
    }
}

/// A message ready to go, whole.
pub struct Outgoing {
    pub kind: MailKind,
    /// What caused it, so that it is queued once ("reply:42"); `None`: no such limit.
    pub cause: Option<String>,
    /// As in its `Message-ID` header, with the angle brackets.
    pub message_id: String,
    pub sender: String,
    pub recipient: String,
    pub recipient_key: String,
    /// The RFC 5322 message, as it is sent every time.
    pub message: Vec<u8>,
}

/// Where an address stands when its owner asks for notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Confirmed,
    /// Not confirmed, and no confirmation was sent lately: one is due.
    ConfirmationDue,
    /// Not confirmed; a confirmation went out lately, and is not sent again so soon.
    ConfirmationSent,
}

/// A confirmation is sent at most once a day to an address not confirmed: nobody can flood
/// an address by posting comments in its name.
pub const CONFIRMATION_INTERVAL_SECONDS: i64 = 24 * 3600;

/// A published reply, and the subscriber it is for (the author of the comment answered,
/// whose address is confirmed).
pub struct ReplyNotice {
    pub article: String,
    pub author: String,
    pub body: String,
    pub email: String,
    pub subscriber_email: String,
    pub subscriber_key: String,
}

/// A message claimed for sending.
pub struct Claimed {
    pub id: i64,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// Unix milliseconds.
    pub created: i64,
}

/// The mail's tables within a write transaction of either database: what a post or an
/// approval queues is written with what caused it, or not at all.
pub trait MailTables {
    /// Queues a message; `false` when its cause had already queued one.
    fn enqueue(&mut self, out: &Outgoing, now_millis: i64) -> impl Future<Output = Result<bool, ApiError>> + Send;
    /// Records that the author of `comment` (at the address of key `address`) asks to be
    /// told of its replies, and says whether the address is confirmed.
    fn subscribe(
        &mut self,
        comment: i64,
        address: &str,
        now: i64,
    ) -> impl Future<Output = Result<Standing, ApiError>> + Send;
    fn confirmation_queued(&mut self, address: &str, now: i64) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// The notice the comment `reply` calls for: `None` unless it is a published reply to a
    /// published comment whose author subscribed and confirmed the address.
    fn reply_notice(&mut self, reply: i64) -> impl Future<Output = Result<Option<ReplyNotice>, ApiError>> + Send;
    /// Whether a moderator's address unsubscribed from held comments' notices.
    fn held_unsubscribed(&mut self, address: &str) -> impl Future<Output = Result<bool, ApiError>> + Send;
}

/// The standing of an address from its row: confirmed, or when a confirmation last went.
pub fn standing(confirmed: Option<i64>, confirmation_sent: Option<i64>, now: i64) -> Standing {
    match (confirmed, confirmation_sent) {
        (Some(_), _) => Standing::Confirmed,
        (None, Some(sent)) if now - sent < CONFIRMATION_INTERVAL_SECONDS => Standing::ConfirmationSent,
        (None, _) => Standing::ConfirmationDue,
    }
}

/// SQLite's [`MailTables`]: each answer is ready once its statement ran.
pub struct SqliteMailTables<'t>(pub &'t Connection);

impl MailTables for SqliteMailTables<'_> {
    fn enqueue(&mut self, out: &Outgoing, now_millis: i64) -> impl Future<Output = Result<bool, ApiError>> + Send {
        ready(enqueue(self.0, out, now_millis).map_err(ApiError::from))
    }

    fn subscribe(
        &mut self,
        comment: i64,
        address: &str,
        now: i64,
    ) -> impl Future<Output = Result<Standing, ApiError>> + Send {
        ready(subscribe(self.0, comment, address, now).map_err(ApiError::from))
    }

    fn confirmation_queued(&mut self, address: &str, now: i64) -> impl Future<Output = Result<(), ApiError>> + Send {
        ready(confirmation_queued(self.0, address, now).map_err(ApiError::from))
    }

    fn reply_notice(&mut self, reply: i64) -> impl Future<Output = Result<Option<ReplyNotice>, ApiError>> + Send {
        ready(reply_notice(self.0, reply).map_err(ApiError::from))
    }

    fn held_unsubscribed(&mut self, address: &str) -> impl Future<Output = Result<bool, ApiError>> + Send {
        let at = self
            .0
            .query_row("SELECT held_unsubscribed FROM mail_addresses WHERE key = ?1", [address], |row| {
                row.get::<_, Option<i64>>(0)
            })
            .optional();
        ready(at.map(|at| at.flatten().is_some()).map_err(ApiError::from))
    }
}

fn enqueue(connection: &Connection, out: &Outgoing, now_millis: i64) -> rusqlite::Result<bool> {
    let added = connection.execute(
        "INSERT OR IGNORE INTO mail_outbox
             (message_id, cause, kind, sender, recipient, recipient_key, message, status, created, next_attempt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?8)",
        params![
            out.message_id,
            out.cause,
            out.kind.code(),
            out.sender,
            out.recipient,
            out.recipient_key,
            out.message,
            now_millis
        ],
    )?;
    Ok(added == 1)
}

fn subscribe(connection: &Connection, comment: i64, address: &str, now: i64) -> rusqlite::Result<Standing> {
    connection.execute(
        "INSERT OR IGNORE INTO mail_subscriptions (comment_id, address_key, created) VALUES (?1, ?2, ?3)",
        params![comment, address, now],
    )?;
    connection.execute("INSERT OR IGNORE INTO mail_addresses (key) VALUES (?1)", [address])?;
    let (confirmed, sent) = connection.query_row(
        "SELECT confirmed, confirmation_sent FROM mail_addresses WHERE key = ?1",
        [address],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(standing(confirmed, sent, now))
}

fn confirmation_queued(connection: &Connection, address: &str, now: i64) -> rusqlite::Result<()> {
    connection.execute("UPDATE mail_addresses SET confirmation_sent = ?2 WHERE key = ?1", params![address, now])?;
    Ok(())
}

fn reply_notice(connection: &Connection, reply: i64) -> rusqlite::Result<Option<ReplyNotice>> {
    connection
        .query_row(
            "SELECT reply.article_id, reply.author, reply.body, reply.email, parent.email, subscription.address_key
             FROM comments AS reply
             JOIN comments AS parent ON parent.id = reply.parent_id
             JOIN mail_subscriptions AS subscription ON subscription.comment_id = parent.id
             JOIN mail_addresses AS address ON address.key = subscription.address_key
             WHERE reply.id = ?1 AND reply.status = 'published' AND parent.status = 'published'
               AND address.confirmed IS NOT NULL",
            [reply],
            |row| {
                Ok(ReplyNotice {
                    article: row.get(0)?,
                    author: row.get(1)?,
                    body: row.get(2)?,
                    email: row.get(3)?,
                    subscriber_email: row.get(4)?,
                    subscriber_key: row.get(5)?,
                })
            },
        )
        .optional()
}

impl SqliteStore {
    /// Runs `work` in one write transaction, committed if it succeeds.
    pub fn write<T, E: From<rusqlite::Error>>(&self, work: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&transaction)?;
        transaction.commit()?;
        Ok(value)
    }

    /// Confirms an address the mail knows; `false` for one it does not (or no longer) know.
    pub fn confirm_address(&self, address: &str, now: i64) -> rusqlite::Result<bool> {
        self.write(|transaction| {
            let known = transaction.execute(
                "UPDATE mail_addresses SET confirmed = coalesce(confirmed, ?2) WHERE key = ?1",
                params![address, now],
            )?;
            Ok(known == 1)
        })
    }

    /// No more notices of replies to this address: its subscriptions go, it is no longer
    /// confirmed (a later opt-in asks again), and what was queued for it and not sent is
    /// dropped.
    pub fn unsubscribe_replies(&self, address: &str) -> rusqlite::Result<()> {
        self.write(|transaction| {
            transaction.execute("DELETE FROM mail_subscriptions WHERE address_key = ?1", [address])?;
            transaction.execute("UPDATE mail_addresses SET confirmed = NULL WHERE key = ?1", [address])?;
            transaction.execute(
                "DELETE FROM mail_outbox WHERE recipient_key = ?1 AND kind IN ('reply', 'confirmation')
                   AND status = 'queued'",
                [address],
            )?;
            Ok(())
        })
    }

    /// No more notices of held comments to this moderator's address.
    pub fn unsubscribe_held(&self, address: &str, now: i64) -> rusqlite::Result<()> {
        self.write(|transaction| {
            transaction.execute(
                "INSERT INTO mail_addresses (key, held_unsubscribed) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET held_unsubscribed = coalesce(held_unsubscribed, ?2)",
                params![address, now],
            )?;
            transaction.execute(
                "DELETE FROM mail_outbox WHERE recipient_key = ?1 AND kind = 'held' AND status = 'queued'",
                [address],
            )?;
            Ok(())
        })
    }

    /// The message due first, if any is, claimed until `now + lease` (milliseconds): a
    /// message queued and due, or one whose sender's lease ran out (it crashed, or another
    /// server on the same file did).
    pub fn claim_mail(&self, now: i64, lease: i64) -> rusqlite::Result<Option<Claimed>> {
        self.write(|transaction| {
            transaction
                .query_row(
                    "UPDATE mail_outbox SET status = 'sending', next_attempt = ?1 + ?2, attempts = attempts + 1
                     WHERE id = (SELECT id FROM mail_outbox
                                 WHERE status IN ('queued', 'sending') AND next_attempt <= ?1
                                 ORDER BY next_attempt, id LIMIT 1)
                     RETURNING id, sender, recipient, message, attempts, created",
                    params![now, lease],
                    |row| {
                        Ok(Claimed {
                            id: row.get(0)?,
                            sender: row.get(1)?,
                            recipient: row.get(2)?,
                            message: row.get(3)?,
                            attempts: row.get(4)?,
                            created: row.get(5)?,
                        })
                    },
                )
                .optional()
        })
    }

    /// The claimed message went: its text is dropped, its row (its cause, its Message-ID)
    /// kept, so that its cause never queues it again.
    pub fn mail_sent(&self, claimed: &Claimed) -> rusqlite::Result<()> {
        self.settle(claimed, "sent", None, None)
    }

    /// The claimed message failed; it is tried again at `at` (Unix milliseconds).
    pub fn mail_retry(&self, claimed: &Claimed, at: i64, error: &str) -> rusqlite::Result<()> {
        self.settle(claimed, "queued", Some(at), Some(error))
    }

    /// The claimed message is given up.
    pub fn mail_failed(&self, claimed: &Claimed, error: &str) -> rusqlite::Result<()> {
        self.settle(claimed, "failed", None, Some(error))
    }

    /// Only the sender that holds the claim settles it: the row is still being sent, at the
    /// same attempt.
    fn settle(&self, claimed: &Claimed, status: &str, at: Option<i64>, error: Option<&str>) -> rusqlite::Result<()> {
        self.write(|transaction| {
            transaction.execute(
                "UPDATE mail_outbox
                 SET status = ?3, next_attempt = coalesce(?4, next_attempt), last_error = ?5,
                     message = CASE ?3 WHEN 'sent' THEN NULL ELSE message END
                 WHERE id = ?1 AND attempts = ?2 AND status = 'sending'",
                params![claimed.id, claimed.attempts, status, at, error],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap();
        (folder, store)
    }

    fn outgoing(cause: &str) -> Outgoing {
        Outgoing {
            kind: MailKind::Reply,
            cause: Some(cause.into()),
            message_id: format!("<{cause}@example.org>"),
            sender: "from@example.org".into(),
            recipient: "to@example.org".into(),
            recipient_key: "key".into(),
            message: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
        }
    }

    #[test]
    fn a_message_is_queued_once_per_cause_claimed_by_one_sender_and_again_when_its_lease_runs_out() {
        let (_folder, store) = store();
        assert!(store.write(|transaction| enqueue(transaction, &outgoing("reply:2"), 1_000)).unwrap());
        assert!(!store.write(|transaction| enqueue(transaction, &outgoing("reply:2"), 1_000)).unwrap());
        assert!(store.claim_mail(999, 60_000).unwrap().is_none(), "not due yet");
        let first = store.claim_mail(1_000, 60_000).unwrap().unwrap();
        assert_eq!((first.attempts, first.created), (1, 1_000));
        assert!(store.claim_mail(2_000, 60_000).unwrap().is_none(), "claimed");
        // The sender died: past its lease, another takes it; the first can no longer settle it.
        let second = store.claim_mail(61_000, 60_000).unwrap().unwrap();
        assert_eq!((second.id, second.attempts, second.message.as_slice()), (first.id, 2, first.message.as_slice()));
        store.mail_sent(&first).unwrap();
        store.mail_retry(&second, 200_000, "451 try later").unwrap();
        assert!(store.claim_mail(199_999, 60_000).unwrap().is_none());
        let third = store.claim_mail(200_000, 60_000).unwrap().unwrap();
        store.mail_sent(&third).unwrap();
        assert!(store.claim_mail(i64::MAX / 2, 60_000).unwrap().is_none(), "sent, never again");
    }

    #[test]
    fn an_address_is_asked_to_confirm_once_a_day_until_it_does() {
        let (_folder, store) = store();
        let standing = |now| store.write(|transaction| subscribe(transaction, 1, "k", now)).unwrap();
        assert_eq!(standing(0), Standing::ConfirmationDue);
        store.write(|transaction| confirmation_queued(transaction, "k", 0)).unwrap();
        assert_eq!(standing(10), Standing::ConfirmationSent);
        assert_eq!(standing(CONFIRMATION_INTERVAL_SECONDS), Standing::ConfirmationDue);
        assert!(store.confirm_address("k", 5).unwrap());
        assert!(!store.confirm_address("unknown", 5).unwrap());
        assert_eq!(standing(20), Standing::Confirmed);
        // Unsubscribed, the address must confirm again, and is still asked once a day at most.
        store.unsubscribe_replies("k").unwrap();
        assert_eq!(standing(30), Standing::ConfirmationSent);
    }
}
