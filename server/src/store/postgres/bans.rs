//! Bans and the screening of a new comment on PostgreSQL, as SQLite's (`store/bans.rs`).
//! Prefixes stay text, matched against the address in Rust as SQLite's are (not PostgreSQL's
//! `inet`), so that both databases ban the same addresses (IPv4-mapped IPv6 ones included).

use std::net::IpAddr;

use article_widget_core::datetime::DateTime;
use article_widget_core::moderation::AuditAction;
use deadpool_postgres::GenericClient;
use tokio_postgres::{IsolationLevel, Row};

use super::audit::record;
use super::PgStore;
use crate::client::parse_proxy;
use crate::error::ApiError;
use crate::hold::HoldRules;
use crate::store::bans::BAN_COLUMNS;
use crate::store::{Actor, Ban, BanTarget, NewBan, Screening};

impl PgStore {
    pub(super) async fn add_ban(&self, ban: &NewBan<'_>, actor: Actor<'_>) -> Result<Ban, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let (kind, email_hash, prefix, label) = match &ban.target {
            BanTarget::Email { hash, label } => ("email", Some(hash.as_str()), None, label.clone()),
            BanTarget::Prefix(prefix) => ("prefix", None, Some(prefix.to_string()), prefix.to_string()),
        };
        let row = transaction
            .query_one(
                &format!(
                    "INSERT INTO bans (kind, email_hash, prefix, label, until, reason, created, moderator)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {BAN_COLUMNS}"
                ),
                &[&kind, &email_hash, &prefix, &label, &ban.until, &ban.reason, &actor.now, &actor.name],
            )
            .await?;
        let stored = ban_from_row(&row);
        let until =
            ban.until.map_or("forever".to_owned(), |until| format!("until {}", DateTime::from_unix_seconds(until)));
        let detail = format!("ban {}: {kind} {label}, {until}", stored.id);
        record(&transaction, actor, AuditAction::Ban, ban.comment, &detail).await?;
        transaction.commit().await?;
        Ok(stored)
    }

    /// Lifts the ban `id`; `false` when there is no such ban.
    pub(super) async fn remove_ban(&self, id: i64, actor: Actor<'_>) -> Result<bool, ApiError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        // One statement where SQLite reads then deletes: of two moderators lifting the same ban
        // at once, the second waits for the first's row lock, then finds no row, so that the
        // ban is lifted, and logged, once.
        let Some(ban) = transaction.query_opt("DELETE FROM bans WHERE id = $1 RETURNING kind, label", &[&id]).await?
        else {
            return Ok(false);
        };
        let (kind, label): (String, String) = (ban.get(0), ban.get(1));
        record(&transaction, actor, AuditAction::Unban, None, &format!("ban {id}: {kind} {label}")).await?;
        transaction.commit().await?;
        Ok(true)
    }

    /// The bans in force at `now`, newest first.
    pub(super) async fn bans(&self, now: i64) -> Result<Vec<Ban>, ApiError> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {BAN_COLUMNS} FROM bans WHERE until IS NULL OR until > $1 ORDER BY id DESC"
            ))
            .await?;
        Ok(client.query(&statement, &[&now]).await?.iter().map(ban_from_row).collect())
    }

    /// Whether a new comment from `address`, by the e-mail `email` (`email_hash` its keyed
    /// hash), is banned at `now`, and what the held-comment rules say of its author.
    pub(super) async fn screen(
        &self,
        email: &str,
        email_hash: &str,
        address: IpAddr,
        now: i64,
    ) -> Result<Screening, ApiError> {
        let mut client = self.pool.get().await?;
        // One snapshot: the bans and the rules of the same moment.
        let transaction =
            client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start().await?;
        // `EXISTS`: an address may be banned more than once (SQLite's `query_row` takes the
        // first row, tokio-postgres's `query_opt` refuses several).
        let by_email = transaction
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM bans WHERE email_hash = $1 AND (until IS NULL OR until > $2))",
            )
            .await?;
        let by_email: bool = transaction.query_one(&by_email, &[&email_hash, &now]).await?.get(0);
        let banned = by_email || banned_prefix(&transaction, address, now).await?;
        let rules = hold_rules(&transaction).await?;
        // `lower` is the locale's here, SQLite's ASCII only: an address differing from one
        // already published only in the case of a letter beyond ASCII counts as known here.
        let known_author = !rules.first_time_authors || {
            let known = transaction
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM comments WHERE lower(email) = lower($1) AND status = 'published')",
                )
                .await?;
            transaction.query_one(&known, &[&email]).await?.get(0)
        };
        transaction.commit().await?;
        Ok(Screening { banned, rules, known_author })
    }
}

/// Whether `address` lies inside a prefix banned at `now`. Prefix bans are few (each is a
/// moderator's act), so they are read and compared here rather than indexed.
async fn banned_prefix(client: &impl GenericClient, address: IpAddr, now: i64) -> Result<bool, tokio_postgres::Error> {
    let statement = client
        .prepare_cached("SELECT prefix FROM bans WHERE kind = 'prefix' AND (until IS NULL OR until > $1)")
        .await?;
    for row in client.query(&statement, &[&now]).await? {
        let prefix: String = row.get(0);
        match parse_proxy(&prefix) {
            Ok(banned) if banned.contains(address) => return Ok(true),
            Ok(_) => {}
            Err(error) => eprintln!("warning: a banned prefix: {error}; it is ignored"),
        }
    }
    Ok(false)
}

/// The held-comment rules, as stored in `settings` (the default where there is none).
pub(super) async fn hold_rules(client: &impl GenericClient) -> Result<HoldRules, ApiError> {
    let statement = client.prepare_cached("SELECT value FROM settings WHERE name = 'hold_rules'").await?;
    match client.query_opt(&statement, &[]).await? {
        None => Ok(HoldRules::default()),
        Some(row) => serde_json::from_str(row.get(0))
            .map_err(|error| ApiError::Internal(format!("the stored held-comment rules: {error}"))),
    }
}

fn ban_from_row(row: &Row) -> Ban {
    Ban {
        id: row.get(0),
        kind: row.get(1),
        label: row.get(2),
        until: row.get(3),
        reason: row.get(4),
        created: row.get(5),
        moderator: row.get(6),
    }
}
