//! The messages, whole: headers (a Message-ID of their own, `List-Unsubscribe` and
//! `List-Unsubscribe-Post` for one-click unsubscribing, RFC 8058) and a plain-text body in
//! quoted-printable UTF-8. Readers' names and texts go in as text: a plain-text part shows
//! them as written, and the header encoder (RFC 2047) keeps a name in its header.

use std::time::SystemTime;

use article_widget_core::locale::Locale;
use article_widget_core::url::percent_encode;

use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{Address, Message};

use super::keys::{Action, Keys};
use super::words::{words, Words};
use crate::store::mail::{MailKind, Outgoing};

/// How long a confirmation link works.
pub const CONFIRMATION_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;

/// What every message is written with.
pub struct Writer {
    pub from: Mailbox,
    pub keys: Keys,
    /// This server for the readers of the messages, without a trailing slash.
    pub public_url: String,
    /// An article's page, `{id}` standing for its id.
    pub article_url: String,
    /// The messages' language (`--mail-language`).
    pub language: Locale,
}

/// A message to write: to whom, about what.
struct Draft<'a> {
    kind: MailKind,
    cause: Option<String>,
    to: &'a str,
    subject: String,
    text: String,
    unsubscribe: Action,
}

impl Writer {
    pub fn words(&self) -> &'static Words {
        words(self.language)
    }

    pub fn article_link(&self, article: &str) -> String {
        self.article_url.replace("{id}", &percent_encode(article))
    }

    pub fn link(&self, path: &str, action: Action, address: &str, expires: i64) -> String {
        format!("{}/api/{path}?token={}", self.public_url, self.keys.token(action, address, expires))
    }

    /// Asks the author of a comment to confirm the address they gave for reply notices.
    pub fn confirmation(&self, to: &str, author: &str, article: &str, now: i64) -> Result<Outgoing, String> {
        let address = self.keys.address(to);
        let confirm = self.link("confirm", Action::Confirm, &address, now + CONFIRMATION_LIFETIME_SECONDS);
        let text = (self.words().confirmation)(author, &self.article_link(article), &confirm);
        self.write(Draft {
            kind: MailKind::Confirmation,
            cause: None,
            to,
            subject: self.words().confirmation_subject.into(),
            text,
            unsubscribe: Action::UnsubscribeReplies,
        })
    }

    /// Tells a subscriber of a reply to their comment.
    pub fn reply(&self, to: &str, reply_id: i64, author: &str, body: &str, article: &str) -> Result<Outgoing, String> {
        let text = (self.words().reply)(author, &self.article_link(article), body);
        self.write(Draft {
            kind: MailKind::Reply,
            cause: Some(format!("reply:{reply_id}")),
            to,
            subject: (self.words().reply_subject)(author),
            text,
            unsubscribe: Action::UnsubscribeReplies,
        })
    }

    /// Tells a moderator of a comment held for moderation.
    pub fn held(&self, to: &str, comment_id: i64, author: &str, body: &str, article: &str) -> Result<Outgoing, String> {
        let address = self.keys.address(to);
        let text = (self.words().held)(author, article, comment_id, body, &self.article_link(article), &self.public_url);
        self.write(Draft {
            kind: MailKind::Held,
            cause: Some(format!("held:{comment_id}:{address}")),
            to,
            subject: (self.words().held_subject)(author),
            text,
            unsubscribe: Action::UnsubscribeHeld,
        })
    }

    fn write(&self, draft: Draft) -> Result<Outgoing, String> {
        let to: Address = draft.to.parse().map_err(|error| format!("address {}: {error}", draft.to))?;
        let address = self.keys.address(draft.to);
        let unsubscribe = self.link("unsubscribe", draft.unsubscribe, &address, 0);
        let because = match draft.kind {
            MailKind::Held => self.words().because_held,
            MailKind::Confirmation | MailKind::Reply => self.words().because_replies,
        };
        let text = format!("{}\n{}", draft.text, (self.words().footer)(because, &unsubscribe));
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|error| format!("random Message-ID: {error}"))?;
        let message_id = format!("<{}@{}>", crate::hex(&random), self.from.email.domain());
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.clone()))
            .subject(draft.subject)
            .date(SystemTime::now())
            .message_id(Some(message_id.clone()))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{unsubscribe}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::QuotedPrintable)
                    .body(text),
            )
            .map_err(|error| format!("message to {to}: {error}"))?;
        Ok(Outgoing {
            kind: draft.kind,
            cause: draft.cause,
            message_id,
            sender: self.from.email.to_string(),
            recipient: to.to_string(),
            recipient_key: address,
            message: message.formatted(),
        })
    }
}
