//! E-mail: reply notifications (double opt-in), held comments' notices to moderators, their
//! one-click unsubscribing, and the queue they go out from.
//!
//! What a post causes is queued in the post's own transaction (`Mail::on_posted`): a stored
//! comment and its messages are written together or not at all. A background task
//! (`sender.rs`) sends the queue over SMTP, one message at a time, claimed before it is sent
//! and marked sent after, retried with a growing delay; each message is stored whole, its
//! Message-ID in it, so that one sent again after a crash is the same message.

mod keys;
mod message;
pub mod options;
pub mod pages;
mod sender;
mod words;

use std::sync::Arc;

use article_widget_core::comment::{Comment, CommentStatus};
use article_widget_core::locale::Locale;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, Tokio1Executor};
use tokio::sync::Notify;

pub use keys::{Action, Keys, Token, TokenError};
use message::Writer;
use options::MailSettings;
use words::Words;

use crate::clock::Clock;
use crate::error::ApiError;
use crate::store::mail::{MailTables, Outgoing, Standing};
use crate::store::Storage;

pub struct Mail {
    writer: Writer,
    notify_held: Vec<Address>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    store: Arc<dyn Storage>,
    clock: Arc<Clock>,
    /// Woken when a message is queued, so that it goes at once.
    wake: Notify,
}

impl Mail {
    pub fn new(
        settings: MailSettings,
        captcha_secret: &str,
        store: Arc<dyn Storage>,
        clock: Arc<Clock>,
    ) -> Result<Mail, String> {
        let mut transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
            .map_err(|error| format!("--smtp-url {}: {error}", settings.smtp_url))?
            .timeout(Some(sender::SMTP_TIMEOUT));
        if let Some((user, password)) = settings.credentials {
            transport = transport.credentials(Credentials::new(user, password));
        }
        Ok(Mail {
            writer: Writer {
                from: settings.from,
                keys: Keys::new(captcha_secret),
                public_url: settings.public_url,
                article_url: settings.article_url,
                language: settings.language,
            },
            notify_held: settings.notify_held,
            transport: transport.build(),
            store,
            clock,
            wake: Notify::new(),
        })
    }

    /// Sends the queue until the runtime stops.
    pub async fn run(self: Arc<Self>) {
        sender::run(self).await
    }

    /// Has the sender look at the queue now, after a commit that queued messages.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The language of the messages and of their links' pages, and its words.
    pub fn language(&self) -> (Locale, &'static Words) {
        (self.writer.language, self.writer.words())
    }

    pub fn keys(&self) -> &Keys {
        &self.writer.keys
    }

    /// What a comment just stored calls for, in its transaction: its author's subscription
    /// (`notify`) and, unless the address is confirmed, a confirmation; for a published
    /// reply, the notice to the author of the comment answered; for a held comment, the
    /// moderators' notices.
    pub async fn on_posted(
        &self,
        tables: &mut impl MailTables,
        article: &str,
        email: &str,
        comment: &Comment,
        notify: bool,
    ) -> Result<(), ApiError> {
        let Ok(id) = comment.id.parse::<i64>() else { return Ok(()) };
        let now = self.clock.now_seconds();
        if notify {
            let address = self.writer.keys.address(email);
            if tables.subscribe(id, &address, now).await? == Standing::ConfirmationDue {
                let confirmation = self.writer.confirmation(email, &comment.author, article, now);
                if self.queue(tables, confirmation).await? {
                    tables.confirmation_queued(&address, now).await?;
                }
            }
        }
        match comment.status {
            CommentStatus::Published if comment.parent.is_some() => self.enqueue_reply_notice(tables, id).await,
            CommentStatus::Pending => {
                for moderator in &self.notify_held {
                    let moderator = moderator.to_string();
                    if !tables.held_unsubscribed(&self.writer.keys.address(&moderator)).await? {
                        let notice = self.writer.held(&moderator, id, &comment.author, &comment.body, article);
                        self.queue(tables, notice).await?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Queues, in its own transaction, the notice a published reply calls for, if any: for
    /// a reply held for moderation, when it is approved. Each reply is notified once, however
    /// often this is called.
    pub async fn notify_reply(&self, comment_id: i64) -> Result<(), ApiError> {
        self.store.notify_reply(self, comment_id).await?;
        self.wake();
        Ok(())
    }

    /// [`Mail::notify_reply`] within a transaction of the caller's.
    pub async fn enqueue_reply_notice(&self, tables: &mut impl MailTables, comment_id: i64) -> Result<(), ApiError> {
        let Some(notice) = tables.reply_notice(comment_id).await? else { return Ok(()) };
        // Nobody is told of their own reply; an address changed since it subscribed is not
        // the one that confirmed.
        let keys = &self.writer.keys;
        if keys.address(&notice.email) == notice.subscriber_key
            || keys.address(&notice.subscriber_email) != notice.subscriber_key
        {
            return Ok(());
        }
        let message =
            self.writer.reply(&notice.subscriber_email, comment_id, &notice.author, &notice.body, &notice.article);
        self.queue(tables, message).await.map(|_| ())
    }

    /// Queues a message; one that cannot be written (an address SMTP cannot take) is logged
    /// and left out, without failing what caused it.
    async fn queue(&self, tables: &mut impl MailTables, message: Result<Outgoing, String>) -> Result<bool, ApiError> {
        match message {
            Ok(message) => tables.enqueue(&message, self.clock.now_millis()).await,
            Err(error) => {
                eprintln!("warning: mail not queued: {error}");
                Ok(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;

    /// TLS from the start and STARTTLS build their rustls configuration when the server
    /// starts (with its ring provider); no connection is made until a message is sent.
    #[tokio::test]
    async fn each_kind_of_smtp_url_is_taken_and_another_refused() {
        let folder = tempfile::tempdir().unwrap();
        let store: Arc<dyn Storage> = Arc::new(SqliteStore::open(&folder.path().join("comments.sqlite3")).unwrap());
        let mail = |url: &str| {
            let settings = MailSettings {
                smtp_url: url.into(),
                credentials: Some(("user".into(), "password".into())),
                from: "comments@news.example".parse().unwrap(),
                public_url: "https://comments.news.example".into(),
                article_url: "https://news.example/{id}".into(),
                notify_held: Vec::new(),
                language: Locale::Fr,
            };
            Mail::new(settings, "secret", store.clone(), Arc::default())
        };
        for url in ["smtp://127.0.0.1:25", "smtp://mail.example:587?tls=required", "smtps://mail.example:465"] {
            assert!(mail(url).is_ok(), "{url}");
        }
        let refused = mail("http://mail.example").err().unwrap();
        assert!(refused.starts_with("--smtp-url http://mail.example: "), "{refused}");
    }
}
