//! The database: comments, the captcha and proof-of-work challenges already used, settings,
//! moderation (moderators and their sessions, bans, the audit log) and the mail's queue.
//!
//! One trait, [`Storage`], and two databases behind it: SQLite (`sqlite.rs` and the files of
//! this folder, the embedded default: one file, one server) and PostgreSQL (`postgres/`,
//! several servers on one database). Every method means the same on both, and the tests
//! over HTTP run against both. Everything that must hold across servers is in the database:
//! a challenge is used once, an idempotency key answers its first post, the mail's queue is
//! claimed by one sender at a time.

mod audit;
mod bans;
mod challenges;
mod comments;
mod edits;
mod feed;
pub mod mail;
mod moderation;
mod moderators;
pub mod postgres;
mod schema;
mod sqlite;

pub use audit::{Actor, AuditEntry};
pub use bans::{Ban, BanTarget, NewBan, Screening};
pub use comments::{Cursor, MoreReplies, NewComment, Order, Page, Posted, Replies, REPLIES_PER_PAGE, REPLIES_PER_ROOT};
pub use edits::{Authorship, Edit};
pub use feed::FeedComment;
pub use moderation::{AdminComment, AdminCursor, AdminPage, Search, STATUSES};
pub use moderators::{Credentials, ModeratorRow, Session, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS};
pub use sqlite::SqliteStore;

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use article_widget_core::comment::Comment;
use article_widget_core::moderation::AuditAction;
use async_trait::async_trait;

use self::mail::Claimed;
use self::sqlite::lock;
use crate::captcha::Genuine;
use crate::error::ApiError;
use crate::hold::HoldRules;
use crate::mail::Mail;
use crate::pow::Spent;

/// Where the comments are: an SQLite file (the default), or a PostgreSQL database, by a
/// `postgres://` or `postgresql://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl FromStr for Database {
    type Err = String;

    fn from_str(text: &str) -> Result<Database, String> {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Database::Postgres(text.to_owned()))
        } else if text.contains("://") {
            Err(format!("{}: a database is a file, or a postgres:// URL", postgres::without_password(text)))
        } else {
            Ok(Database::Sqlite(PathBuf::from(text)))
        }
    }
}

/// As errors and logs name it: a URL without its password.
impl fmt::Display for Database {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(formatter, "{}", path.display()),
            Database::Postgres(url) => formatter.write_str(&postgres::without_password(url)),
        }
    }
}

/// Opens the database, creating or migrating its schema (and writing the demo's first
/// comments into a new one).
pub async fn open(database: &Database) -> Result<Arc<dyn Storage>, String> {
    match database {
        Database::Sqlite(path) => {
            let opened = tokio::task::block_in_place(|| SqliteStore::open(path));
            Ok(Arc::new(opened.map_err(|error| format!("database {database}: {error}"))?))
        }
        // Its errors name the database already.
        Database::Postgres(url) => Ok(Arc::new(postgres::PgStore::connect(url).await?)),
    }
}

/// Whether its author may change a comment, judged on its [`Authorship`] as the change's
/// transaction reads it.
pub type Allowed<'a> = &'a (dyn Fn(Option<Authorship>) -> Result<(), ApiError> + Sync);

/// What a post asks of the mail, in the post's own transaction ([`Mail::on_posted`]).
#[derive(Clone, Copy)]
pub struct PostMail<'a> {
    pub mail: &'a Mail,
    pub email: &'a str,
    /// Whether the author asked to be told of replies.
    pub notify: bool,
}

/// The database, as the server uses it. Each method is one transaction.
#[async_trait]
pub trait Storage: Send + Sync {
    /// The secret stored at first start, which stores `fresh` (ignored afterwards).
    async fn captcha_secret(&self, fresh: String) -> Result<String, ApiError>;

    // Comments (`comments.rs`).

    /// Up to `limit` top-level comments of `article` after `after`, each with its first
    /// replies, and how many the article has.
    async fn page(&self, article: &str, order: Order, limit: u32, after: Option<Cursor>) -> Result<Page, ApiError>;
    /// Up to `limit` published replies below the comment `root` of `article`, after `after`;
    /// `None` when `root` is not a published comment of it.
    async fn replies(
        &self,
        article: &str,
        root: i64,
        limit: u32,
        after: Option<Cursor>,
    ) -> Result<Option<Replies>, ApiError>;
    /// Writes a comment, or answers the one already written under its idempotency key; uses
    /// up its challenges and queues the mail it calls for: all or nothing.
    async fn post(&self, new: &NewComment<'_>, mail: Option<PostMail<'_>>) -> Result<Posted, ApiError>;
    /// The comment already stored under this idempotency key by the same request, or
    /// `IdempotencyConflict` if another request used the key.
    async fn earlier(&self, article: &str, key: &str, fingerprint: &str) -> Result<Option<Comment>, ApiError>;

    // Challenges (`challenges.rs`).

    /// Records the challenges as used, or refuses one used already.
    async fn use_captcha(&self, captcha: Genuine, pow: Option<&Spent>, now: i64) -> Result<(), ApiError>;
    async fn pow_used(&self, pow: &Spent) -> Result<bool, ApiError>;

    // Changes after posting (`edits.rs`).

    async fn edit_comment(&self, id: i64, edit: Edit<'_>, now: i64) -> Result<Option<Comment>, ApiError>;
    /// Edits the comment `id` of `article` if `allowed` accepts its authorship, read in the
    /// same transaction.
    async fn edit_own(
        &self,
        article: &str,
        id: i64,
        edit: Edit<'_>,
        now: i64,
        allowed: Allowed<'_>,
    ) -> Result<Option<Comment>, ApiError>;
    async fn delete_comment(&self, id: i64) -> Result<bool, ApiError>;
    async fn authorship(&self, article: &str, id: i64) -> Result<Option<Authorship>, ApiError>;

    // Feeds (`feed.rs`).

    async fn latest(&self, article: Option<&str>, limit: u32) -> Result<Vec<FeedComment>, ApiError>;

    // Mail (`mail.rs`).

    /// Queues, in its own transaction, the notice a published reply calls for, if any.
    async fn notify_reply(&self, mail: &Mail, comment: i64) -> Result<(), ApiError>;
    async fn confirm_address(&self, address: &str, now: i64) -> Result<bool, ApiError>;
    async fn unsubscribe_replies(&self, address: &str) -> Result<(), ApiError>;
    async fn unsubscribe_held(&self, address: &str, now: i64) -> Result<(), ApiError>;
    /// The message due first, claimed until `now + lease` (milliseconds) by this sender alone.
    async fn claim_mail(&self, now: i64, lease: i64) -> Result<Option<Claimed>, ApiError>;
    async fn mail_sent(&self, claimed: &Claimed) -> Result<(), ApiError>;
    async fn mail_retry(&self, claimed: &Claimed, at: i64, error: &str) -> Result<(), ApiError>;
    async fn mail_failed(&self, claimed: &Claimed, error: &str) -> Result<(), ApiError>;

    // Moderation (`moderation.rs`, `bans.rs`, `audit.rs`).

    async fn admin_comments(
        &self,
        search: &Search,
        limit: u32,
        after: Option<AdminCursor>,
    ) -> Result<AdminPage, ApiError>;
    async fn admin_comment(&self, id: i64) -> Result<Option<AdminComment>, ApiError>;
    /// The comment's status before, and the comment after.
    async fn set_status(
        &self,
        id: i64,
        status: &str,
        action: AuditAction,
        actor: Actor<'_>,
    ) -> Result<Option<(String, AdminComment)>, ApiError>;
    async fn moderate_edit(&self, id: i64, edit: Edit<'_>, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError>;
    async fn moderate_delete(&self, id: i64, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError>;
    async fn hold_rules(&self) -> Result<HoldRules, ApiError>;
    async fn set_hold_rules(&self, rules: &HoldRules, actor: Actor<'_>) -> Result<(), ApiError>;
    async fn add_ban(&self, ban: &NewBan<'_>, actor: Actor<'_>) -> Result<Ban, ApiError>;
    async fn remove_ban(&self, id: i64, actor: Actor<'_>) -> Result<bool, ApiError>;
    async fn bans(&self, now: i64) -> Result<Vec<Ban>, ApiError>;
    /// The bans and hold rules a post from `email` and `address` meets.
    async fn screen(&self, email: &str, email_hash: &str, address: IpAddr, now: i64) -> Result<Screening, ApiError>;
    async fn audit(&self, before: Option<i64>, limit: u32) -> Result<(Vec<AuditEntry>, bool), ApiError>;

    // Moderators and their sessions (`moderators.rs`).

    async fn add_moderator(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, ApiError>;
    async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, ApiError>;
    async fn remove_moderator(&self, name: &str) -> Result<bool, ApiError>;
    async fn moderators(&self, now: i64) -> Result<Vec<ModeratorRow>, ApiError>;
    async fn credentials(&self, name: &str) -> Result<Option<Credentials>, ApiError>;
    async fn open_session(&self, id: i64, token_hash: &str, csrf: &str, actor: Actor<'_>) -> Result<(), ApiError>;
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, ApiError>;
    async fn close_session(&self, token_hash: &str, actor: Actor<'_>) -> Result<(), ApiError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_a_file_or_a_postgres_url_and_is_named_without_its_password() {
        let parsed = |text: &str| text.parse::<Database>();
        assert_eq!(parsed("comments.sqlite3"), Ok(Database::Sqlite("comments.sqlite3".into())));
        let url = "postgres://widget:s3cret@db.example:5432/comments?sslmode=require";
        assert_eq!(parsed(url), Ok(Database::Postgres(url.into())));
        assert_eq!(parsed(url).unwrap().to_string(), "postgres://widget:***@db.example:5432/comments?sslmode=require");
        assert_eq!(parsed("mysql://u:p@db/x"), Err("mysql://u:***@db/x: a database is a file, or a postgres:// URL".into()));
    }
}
