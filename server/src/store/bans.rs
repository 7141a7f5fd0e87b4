//! Bans, by e-mail (a keyed hash of it) or by address prefix, for a time or forever; and the
//! screening of a new comment: banned or not, and the rules that say whether it is held.

use std::net::IpAddr;

use article_widget_core::datetime::DateTime;
use article_widget_core::moderation::AuditAction;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::audit::{record, Actor};
use super::{lock, SqliteStore};
use crate::client::{parse_proxy, Prefix};
use crate::error::ApiError;
use crate::hold::HoldRules;

/// What a ban is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BanTarget {
    /// The keyed hash (hex) of an e-mail address, and its label.
    Email { hash: String, label: String },
    Prefix(Prefix),
}

pub struct NewBan<'a> {
    pub target: BanTarget,
    /// Unix seconds; `None`: forever.
    pub until: Option<i64>,
    pub reason: &'a str,
    /// The comment whose e-mail or prefix it is, if it was made from one (for the audit log).
    pub comment: Option<i64>,
}

pub struct Ban {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub until: Option<i64>,
    pub reason: String,
    pub created: i64,
    pub moderator: String,
}

/// What the post handler needs to know of a new comment before it is stored.
pub struct Screening {
    pub banned: bool,
    pub rules: HoldRules,
    /// Whether the author's e-mail has a published comment; only looked up when the rules
    /// ask (`first_time_authors`), else `true`.
    pub known_author: bool,
}

/// As PostgreSQL's queries read them too.
pub(super) const BAN_COLUMNS: &str = "id, kind, label, until, reason, created, moderator";

impl SqliteStore {
    pub fn add_ban(&self, ban: &NewBan, actor: Actor) -> Result<Ban, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (kind, email_hash, prefix, label) = match &ban.target {
            BanTarget::Email { hash, label } => ("email", Some(hash.as_str()), None, label.clone()),
            BanTarget::Prefix(prefix) => ("prefix", None, Some(prefix.to_string()), prefix.to_string()),
        };
        transaction.execute(
            "INSERT INTO bans (kind, email_hash, prefix, label, until, reason, created, moderator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![kind, email_hash, prefix, label, ban.until, ban.reason, actor.now, actor.name],
        )?;
        let id = transaction.last_insert_rowid();
        let until = ban.until.map_or("forever".to_owned(), |until| format!("until {}", DateTime::from_unix_seconds(until)));
        record(&transaction, actor, AuditAction::Ban, ban.comment, &format!("ban {id}: {kind} {label}, {until}"))?;
        let ban = load_ban(&transaction, id)?;
        transaction.commit()?;
        Ok(ban)
    }

    /// Lifts the ban `id`; `false` when there is no such ban.
    pub fn remove_ban(&self, id: i64, actor: Actor) -> Result<bool, ApiError> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(ban) = transaction
            .query_row(&format!("SELECT {BAN_COLUMNS} FROM bans WHERE id = ?1"), [id], ban_from_row)
            .optional()?
        else {
            return Ok(false);
        };
        transaction.execute("DELETE FROM bans WHERE id = ?1", [id])?;
        record(&transaction, actor, AuditAction::Unban, None, &format!("ban {id}: {} {}", ban.kind, ban.label))?;
        transaction.commit()?;
        Ok(true)
    }

    /// The bans in force at `now`, newest first.
    pub fn bans(&self, now: i64) -> Result<Vec<Ban>, ApiError> {
        let reader = lock(&self.reader);
        let mut statement = reader.prepare_cached(&format!(
            "SELECT {BAN_COLUMNS} FROM bans WHERE until IS NULL OR until > ?1 ORDER BY id DESC"
        ))?;
        let bans = statement.query_map([now], ban_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(bans)
    }

    /// Whether a new comment from `address`, by the e-mail `email` (`email_hash` its keyed
    /// hash), is banned at `now`, and what the held-comment rules say of its author.
    pub fn screen(&self, email: &str, email_hash: &str, address: IpAddr, now: i64) -> Result<Screening, ApiError> {
        let mut reader = lock(&self.reader);
        // One read transaction: the bans and the rules of the same moment.
        let transaction = reader.transaction()?;
        let by_email = transaction
            .query_row(
                "SELECT 1 FROM bans WHERE email_hash = ?1 AND (until IS NULL OR until > ?2)",
                params![email_hash, now],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let banned = by_email || banned_prefix(&transaction, address, now)?;
        let rules = hold_rules(&transaction)?;
        let known_author = !rules.first_time_authors
            || transaction
                .query_row(
                    "SELECT 1 FROM comments WHERE lower(email) = lower(?1) AND status = 'published' LIMIT 1",
                    [email],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
        Ok(Screening { banned, rules, known_author })
    }
}

/// Whether `address` lies inside a prefix banned at `now`. Prefix bans are few (each is a
/// moderator's act), so they are read and compared here rather than indexed.
fn banned_prefix(connection: &Connection, address: IpAddr, now: i64) -> rusqlite::Result<bool> {
    let mut statement =
        connection.prepare_cached("SELECT prefix FROM bans WHERE kind = 'prefix' AND (until IS NULL OR until > ?1)")?;
    let prefixes = statement.query_map([now], |row| row.get::<_, String>(0))?;
    for prefix in prefixes {
        let prefix = prefix?;
        match parse_proxy(&prefix) {
            Ok(banned) if banned.contains(address) => return Ok(true),
            Ok(_) => {}
            Err(error) => eprintln!("warning: a banned prefix: {error}; it is ignored"),
        }
    }
    Ok(false)
}

/// The held-comment rules, as stored in `settings` (the default where there is none).
pub(super) fn hold_rules(connection: &Connection) -> Result<HoldRules, ApiError> {
    let stored: Option<String> = connection
        .query_row("SELECT value FROM settings WHERE name = 'hold_rules'", [], |row| row.get(0))
        .optional()?;
    match stored {
        None => Ok(HoldRules::default()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|error| ApiError::Internal(format!("the stored held-comment rules: {error}"))),
    }
}

fn load_ban(connection: &Connection, id: i64) -> rusqlite::Result<Ban> {
    connection.query_row(&format!("SELECT {BAN_COLUMNS} FROM bans WHERE id = ?1"), [id], ban_from_row)
}

fn ban_from_row(row: &rusqlite::Row) -> rusqlite::Result<Ban> {
    Ok(Ban {
        id: row.get(0)?,
        kind: row.get(1)?,
        label: row.get(2)?,
        until: row.get(3)?,
        reason: row.get(4)?,
        created: row.get(5)?,
        moderator: row.get(6)?,
    })
}
