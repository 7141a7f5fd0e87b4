//! The database's schema, one migration per version, and the demo's first comments.

use article_widget_core::datetime::DateTime;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

const SCHEMA: &str = "
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    parent_id INTEGER REFERENCES comments (id),
    author TEXT NOT NULL,
    email TEXT NOT NULL,
    website TEXT,
    body TEXT NOT NULL,
    -- Unix seconds, UTC.
    created INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('published', 'pending')),
    -- NULL for comments not posted through the API (the seed).
    idempotency_key TEXT,
    -- SHA-256 of what was posted under that key, to tell a retry from another request.
    request_fingerprint TEXT,
    UNIQUE (article_id, idempotency_key)
);
CREATE INDEX comments_by_thread ON comments (article_id, parent_id, status, created, id);
CREATE INDEX comments_by_parent ON comments (parent_id);
CREATE TABLE used_captchas (
    seed TEXT PRIMARY KEY,
    -- Unix seconds; past it the signature refuses the challenge anyway, so the row can go.
    expires INTEGER NOT NULL
);
CREATE INDEX used_captchas_by_expiry ON used_captchas (expires);
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Version 2: the proof-of-work challenges already used, in the database rather than in
/// memory, so that neither a restart nor a second server on the same file reopens them.
const USED_POW: &str = "
CREATE TABLE used_pow (
    -- The challenge's signature (hex): its nonce and salt are random, so it is its own.
    signature TEXT PRIMARY KEY,
    -- Unix seconds; past it the challenge is refused as expired, so the row can go.
    expires INTEGER NOT NULL
);
CREATE INDEX used_pow_by_expiry ON used_pow (expires);
";

/// One of the demo's first comments, on the demo article.
pub(super) struct SeedComment {
    pub(super) author: &'static str,
    pub(super) email: &'static str,
    pub(super) website: Option<&'static str>,
    pub(super) body: &'static str,
    pub(super) created: &'static str,
    /// The index of the comment answered, in [`SEED`].
    pub(super) parent: Option<usize>,
}

pub(super) const SEED: [SeedComment; 4] = [
    SeedComment {
        author: "Claire Martin",
        email: "claire.martin@example.fr",
        website: None,
        body: "Un « nouvel ordre mondial » qui ressemble surtout à une alliance de circonstance entre deux pays sous \
             sanctions. Reste à savoir ce qu’en pense Pékin.",
        created: "2024-10-11T15:12:00+02:00",
        parent: None,
    },
    SeedComment {
        author: "Thomas Girard",
        email: "thomas.girard@example.fr",
        website: Some("https://thomas-girard.example/"),
        body: "Pékin achète le pétrole des deux à prix cassé : ce n’est pas une alliance à trois, c’est un client qui \
             regarde ses fournisseurs se rapprocher.",
        created: "2024-10-11T16:03:00+02:00",
        parent: Some(0),
    },
    SeedComment {
        author: "Nadia Benali",
        email: "nadia.b@example.fr",
        website: None,
        body: "Merci pour l’article.\n\nLe montant de 1,7 milliard de dollars pour les drones est-il confirmé par une \
             source indépendante ?",
        created: "2024-10-11T18:47:00+02:00",
        parent: None,
    },
    SeedComment {
        author: "Jean-Pierre Roux",
        email: "jp.roux@example.fr",
        website: None,
        body: "Achgabat n’est pas un hasard : le Turkménistan revendique sa neutralité depuis 1995, et cela arrange \
             tout le monde.",
        created: "2024-10-12T09:20:00+02:00",
        parent: None,
    },
];
pub(super) const SEED_ARTICLE: &str = "nouvel-ordre-mondial";

/// Version 3: what moderation and authors' own edits need. SQLite cannot change a `CHECK`, so
/// the table is built anew and its rows copied, keeping their ids and the ids' sequence (an
/// id is never given twice, even that of a comment deleted before).
const MODERATION: &str = "
CREATE TABLE comments_v3 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL,
    parent_id INTEGER REFERENCES comments (id),
    author TEXT NOT NULL,
    email TEXT NOT NULL,
    website TEXT,
    body TEXT NOT NULL,
    -- Unix seconds, UTC.
    created INTEGER NOT NULL,
    -- Unix seconds of the last edit, by its author or a moderator; NULL if never edited.
    edited INTEGER,
    -- 'pending': held for moderation. 'rejected', 'spam': refused by a moderator, kept for
    -- the record. 'deleted': emptied of its author, e-mail, website and body, it keeps the
    -- place of a deleted comment in its thread.
    status TEXT NOT NULL CHECK (status IN ('published', 'pending', 'rejected', 'spam', 'deleted')),
    -- NULL for comments not posted through the API (the seed).
    idempotency_key TEXT,
    -- SHA-256 of what was posted under that key, to tell a retry from another request.
    request_fingerprint TEXT,
    -- SHA-256 (hex) of the secret given to the author with the posted comment, which lets
    -- them edit or delete it; NULL for comments posted before, or not through the API.
    secret_hash TEXT,
    -- The address prefix the comment came from, as the rate limits count it
    -- (\"2001:db8:1:2::/64\", \"192.0.2.7/32\"), for bans by prefix; NULL when unknown.
    client_prefix TEXT,
    UNIQUE (article_id, idempotency_key)
);
INSERT INTO comments_v3 (id, article_id, parent_id, author, email, website, body, created, status, idempotency_key,
                         request_fingerprint)
    SELECT id, article_id, parent_id, author, email, website, body, created, status, idempotency_key,
           request_fingerprint
    FROM comments;
CREATE TEMPORARY TABLE sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'comments';
DROP TABLE comments;
ALTER TABLE comments_v3 RENAME TO comments;
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM temp.sequence), 0)) WHERE name = 'comments';
DROP TABLE temp.sequence;
CREATE INDEX comments_by_thread ON comments (article_id, parent_id, status, created, id);
CREATE INDEX comments_by_parent ON comments (parent_id);
-- The moderation queue. Partial: an index on every status would lure SQLite's planner away
-- from `comments_by_parent` in the threads' recursive queries, where all are published.
CREATE INDEX comments_held ON comments (created) WHERE status = 'pending';
-- The newest comments of the whole site (the site's feed, moderators' lists).
CREATE INDEX comments_by_time ON comments (created, id);
";

/// Version 4: moderation. Moderators and their sessions, bans, the audit log, and the rules
/// that hold new comments (a row of `settings`).
const MODERATORS: &str = "
CREATE TABLE moderators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    -- Argon2id, as a PHC string.
    password_hash TEXT NOT NULL,
    -- Unix seconds, UTC, as every time below.
    created INTEGER NOT NULL
);
CREATE TABLE sessions (
    -- SHA-256 (hex) of the cookie's token: the token itself is never stored.
    token_hash TEXT PRIMARY KEY,
    moderator_id INTEGER NOT NULL REFERENCES moderators (id) ON DELETE CASCADE,
    -- Sent back in X-CSRF-Token by every request that changes something.
    csrf TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);
CREATE INDEX sessions_by_moderator ON sessions (moderator_id);
CREATE TABLE bans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'prefix')),
    -- HMAC-SHA-256 (hex) of the lowercased, trimmed address, for kind 'email'.
    email_hash TEXT,
    -- \"2001:db8::/48\", \"192.0.2.0/24\", for kind 'prefix'.
    prefix TEXT,
    -- What moderators see: the e-mail's first character and domain, or the prefix.
    label TEXT NOT NULL,
    -- Unix seconds it ends at; NULL: forever.
    until INTEGER,
    reason TEXT NOT NULL,
    created INTEGER NOT NULL,
    -- The moderator's name, kept when the moderator is removed.
    moderator TEXT NOT NULL,
    CHECK ((kind = 'email') = (email_hash IS NOT NULL) AND (kind = 'prefix') = (prefix IS NOT NULL))
);
CREATE INDEX bans_by_email ON bans (email_hash) WHERE email_hash IS NOT NULL;
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    -- The moderator's name, kept when the moderator is removed.
    moderator TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'spam', 'edit', 'delete', 'ban', 'unban',
                                           'settings', 'sign_in', 'sign_out')),
    comment_id INTEGER,
    detail TEXT NOT NULL
);
-- Whether an author has a published comment yet (the rule on first-time authors).
CREATE INDEX comments_by_email ON comments (lower(email));
INSERT INTO settings (name, value)
    VALUES ('hold_rules', '{\"hold\":\"rules\",\"max_links\":2,\"first_time_authors\":false,\"words\":[]}');
";

/// Version 5, e-mail: reply notifications and the queue of messages to send.
const MAIL: &str = "
-- An address known to the mail, by its keyed hash (`mail::Keys::address`): confirmed once
-- its owner followed a confirmation link; a confirmation sent lately is not sent again.
CREATE TABLE mail_addresses (
    key TEXT PRIMARY KEY,
    -- Unix seconds; NULL while not confirmed (or since unsubscribed).
    confirmed INTEGER,
    -- Unix seconds of the last confirmation queued.
    confirmation_sent INTEGER,
    -- Unix seconds: a moderator's address that unsubscribed from held comments' notices.
    held_unsubscribed INTEGER
);
-- A comment whose author asked to be told of its replies, at the comment's own address.
CREATE TABLE mail_subscriptions (
    comment_id INTEGER PRIMARY KEY REFERENCES comments (id),
    address_key TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE INDEX mail_subscriptions_by_address ON mail_subscriptions (address_key);
-- Messages to send, each whole as it goes out (its Message-ID in it), so that a message sent
-- again after a crash is the same message.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    -- What caused it ('reply:42', 'held:42:KEY'), once: NULL for confirmations.
    cause TEXT UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reply', 'held')),
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_key TEXT NOT NULL,
    -- The RFC 5322 message; NULL once sent.
    message BLOB,
    -- 'sending': claimed by a sender until next_attempt (its lease).
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    -- Unix milliseconds.
    created INTEGER NOT NULL,
    next_attempt INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt) WHERE status IN ('queued', 'sending');
";

/// The schema's version this server writes.
pub(super) const LATEST: i64 = 5;

/// Brings the database to the latest version, in one transaction: `MIGRATIONS[n]` takes it
/// from version `n` to `n + 1`. Several servers starting at once on one file take turns
/// (`BEGIN IMMEDIATE`), and each finds the version the last one left.
pub(super) fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    const MIGRATIONS: [fn(&Transaction) -> rusqlite::Result<()>; LATEST as usize] = [
        |transaction| {
            transaction.execute_batch(SCHEMA)?;
            seed(transaction)
        },
        |transaction| transaction.execute_batch(USED_POW),
        |transaction| transaction.execute_batch(MODERATION),
        |transaction| transaction.execute_batch(MODERATORS),
        |transaction| transaction.execute_batch(MAIL),
    ];
    // Rebuilding a table that others (and itself) refer to needs foreign keys off, which
    // SQLite only allows outside a transaction; they are checked before the commit.
    connection.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = (|| {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "the database is of version {version}, newer than this server's {known}: was it opened by a later one?"
            )));
        }
        for migration in MIGRATIONS.iter().skip(version as usize) {
            migration(&transaction)?;
        }
        let broken: Option<String> =
            transaction.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).optional()?;
        if let Some(table) = broken {
            return Err(rusqlite::Error::InvalidParameterName(format!("a row of {table} refers to none")));
        }
        transaction.pragma_update(None, "user_version", known)?;
        transaction.commit()
    })();
    connection.pragma_update(None, "foreign_keys", "ON")?;
    migrated
}

fn seed(transaction: &Transaction) -> rusqlite::Result<()> {
    let mut ids: Vec<i64> = Vec::with_capacity(SEED.len());
    for SeedComment { author, email, website, body, created, parent } in SEED {
        let created = DateTime::parse_rfc3339(created).expect("the seed's dates are RFC 3339").unix_seconds();
        transaction.execute(
            "INSERT INTO comments (article_id, parent_id, author, email, website, body, created, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'published')",
            params![SEED_ARTICLE, parent.and_then(|p| ids.get(p)), author, email, website, body, created],
        )?;
        ids.push(transaction.last_insert_rowid());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use crate::pow::{PowError, Spent};
    use crate::store::challenges::use_pow;
    use crate::store::sqlite::{connect, lock};
    use crate::store::{Order, SqliteStore};

    /// A database as the server of `version` left it.
    fn database_of_version(path: &std::path::Path, version: i64) {
        let mut connection = connect(path).unwrap();
        // As `migrate` builds them: version 3 rebuilds a table others refer to.
        connection.pragma_update(None, "foreign_keys", "OFF").unwrap();
        let transaction = connection.transaction().unwrap();
        transaction.execute_batch(SCHEMA).unwrap();
        seed(&transaction).unwrap();
        if version >= 2 {
            transaction.execute_batch(USED_POW).unwrap();
        }
        if version >= 3 {
            transaction.execute_batch(MODERATION).unwrap();
        }
        transaction.pragma_update(None, "user_version", version).unwrap();
        transaction.commit().unwrap();
    }

    fn version(store: &SqliteStore) -> i64 {
        lock(&store.reader).query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn a_database_of_the_first_version_gains_the_used_proofs_of_work_and_keeps_its_comments() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("comments.sqlite3");
        database_of_version(&path, 1);
        let store = SqliteStore::open(&path).unwrap();
        let spent = Spent { signature: "ab".repeat(32), expires: 1_000 };
        assert!(!store.pow_used(&spent).unwrap());
        {
            let mut writer = lock(&store.writer);
            let transaction = writer.transaction().unwrap();
            use_pow(&transaction, &spent, 900).unwrap();
            assert!(matches!(use_pow(&transaction, &spent, 900), Err(ApiError::Pow(PowError::Replayed))));
            transaction.commit().unwrap();
        }
        assert!(store.pow_used(&spent).unwrap());
        assert_eq!(store.page(SEED_ARTICLE, Order::Oldest, 100, None).unwrap().total, SEED.len() as i64);
        drop(store);
        // Opened again, nothing is migrated twice; an expired challenge goes at the next use.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(version(&store), LATEST);
        let later = Spent { signature: "cd".repeat(32), expires: 3_000 };
        let mut writer = lock(&store.writer);
        let transaction = writer.transaction().unwrap();
        use_pow(&transaction, &later, 2_000).unwrap();
        let rows: i64 = transaction.query_row("SELECT count(*) FROM used_pow", [], |row| row.get(0)).unwrap();
        assert_eq!(rows, 1, "the expired one was forgotten");
    }

    #[test]
    fn the_moderation_version_keeps_ids_replies_and_the_sequence_and_takes_the_new_statuses() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("comments.sqlite3");
        database_of_version(&path, 2);
        {
            // The last comment deleted by hand: its id must not be given again.
            let connection = connect(&path).unwrap();
            connection.execute("DELETE FROM comments WHERE id = 4", []).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(version(&store), LATEST);
        let writer = lock(&store.writer);
        let parents: Vec<(i64, Option<i64>)> = writer
            .prepare("SELECT id, parent_id FROM comments ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(parents, [(1, None), (2, Some(1)), (3, None)]);
        for status in ["rejected", "spam", "deleted"] {
            writer.execute("UPDATE comments SET status = ?1 WHERE id = 3", [status]).unwrap();
        }
        assert!(writer.execute("UPDATE comments SET status = 'lost' WHERE id = 3", []).is_err());
        writer
            .execute(
                "INSERT INTO comments (article_id, author, email, body, created, status) VALUES ('a', 'b', 'c', 'd', 0, 'published')",
                [],
            )
            .unwrap();
        assert_eq!(writer.last_insert_rowid(), 5, "id 4 was given once");
        let foreign_keys: i64 = writer.query_row("PRAGMA foreign_keys", [], |row| row.get(0)).unwrap();
        assert_eq!(foreign_keys, 1, "on again after the migration");
        assert!(writer.execute("UPDATE comments SET parent_id = 99 WHERE id = 3", []).is_err(), "and enforced");
    }

    #[test]
    fn the_moderators_version_adds_its_tables_and_the_default_rules_and_keeps_the_comments() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("comments.sqlite3");
        database_of_version(&path, 3);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(version(&store), LATEST);
        assert_eq!(store.page(SEED_ARTICLE, Order::Oldest, 100, None).unwrap().total, SEED.len() as i64);
        assert_eq!(store.hold_rules().unwrap(), crate::hold::HoldRules::default());
        let writer = lock(&store.writer);
        for table in ["moderators", "sessions", "bans", "audit_log"] {
            let rows: i64 = writer.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap();
            assert_eq!(rows, 0, "{table}");
        }
        let bad_action = "INSERT INTO audit_log (at, moderator, action, detail) VALUES (0, 'a', 'lost', '')";
        assert!(writer.execute(bad_action, []).is_err(), "only the contract's actions");
        let half_ban = "INSERT INTO bans (kind, label, reason, created, moderator) VALUES ('email', 'x', '', 0, 'a')";
        assert!(writer.execute(half_ban, []).is_err(), "an e-mail ban has its hash");
    }

    #[test]
    fn a_database_of_a_later_version_is_refused_not_downgraded() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("comments.sqlite3");
        database_of_version(&path, 2);
        connect(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let error = SqliteStore::open(&path).err().unwrap().to_string();
        assert!(error.contains(&format!("version 99, newer than this server's {LATEST}")), "{error}");
        let version: i64 = connect(&path).unwrap().query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        assert_eq!(version, 99);
    }
}
