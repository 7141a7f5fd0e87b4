//! PostgreSQL, the second database: several servers, each stateless, on one database (SQLite's
//! file serves the servers of one machine). A pool of connections, the schema and its
//! migrations (`schema.rs`: SQLite's tables under the same names, and how they differ), and
//! the captcha secret made at first start; behind feature `throwaway-postgres`, a PostgreSQL
//! of the tests' own (`throwaway.rs`).
//!
//! Durability is PostgreSQL's: with its defaults (`fsync`, `synchronous_commit` on), a commit
//! returns once its WAL is on disk, as SQLite's with `synchronous=FULL`.

mod audit;
mod bans;
mod challenges;
mod comments;
pub mod copy;
mod edits;
mod feed;
mod mail;
mod moderation;
mod moderators;
mod schema;
mod storage;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_comments;
#[cfg(test)]
mod tests_moderation;
#[cfg(feature = "throwaway-postgres")]
pub mod throwaway;

use std::error::Error;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::error::ApiError;

/// Connections of one server at most: requests beyond wait for one (see [`WAIT_TIMEOUT`]).
const POOL_SIZE: usize = 16;
/// To open a connection (TCP and PostgreSQL's start-up, each), and for the check a
/// connection passes each time it is taken from the pool.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a connection while all are taken, before it fails.
const WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The comments' database on PostgreSQL: a pool of connections to it. Cloned, it is the same
/// pool.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/name`, or
    /// `postgresql://`, with any of tokio-postgres's options in its query), then brings its
    /// schema to the latest version. Errors name the URL, without its password.
    ///
    /// Each connection taken from the pool is checked first (a query), and one that fails it
    /// is replaced: after a restart of PostgreSQL, or a connection it ended, the next request
    /// gets a new connection rather than an error.
    pub async fn connect(url: &str) -> Result<PgStore, String> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            // Not echoed: a `key=value` string may hold a password anywhere.
            return Err("the database's address is not a postgres:// or postgresql:// URL".to_owned());
        }
        let shown = without_password(url);
        let refused = |error: String| format!("database {shown}: {error}");
        let mut config: tokio_postgres::Config = url.parse().map_err(|error| refused(describe(&error)))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("article-widget-server");
        }
        let manager =
            Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Verified });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .wait_timeout(Some(WAIT_TIMEOUT))
            .build()
            .map_err(|error| refused(error.to_string()))?;
        let mut client = pool.get().await.map_err(|error| refused(describe_pool(&error)))?;
        let encoding: String =
            client.query_one("SHOW server_encoding", &[]).await.map_err(|error| refused(describe(&error)))?.get(0);
        if encoding != "UTF8" {
            return Err(refused(format!(
                "its encoding is {encoding}: comments need UTF8 (CREATE DATABASE ... ENCODING 'UTF8')"
            )));
        }
        schema::migrate(&mut client).await.map_err(refused)?;
        Ok(PgStore { pool })
    }

    /// The secret stored at first start, which stores `fresh` (ignored afterwards). Servers
    /// starting at once on a new database all get the one that was stored first.
    pub async fn captcha_secret(&self, fresh: String) -> Result<String, String> {
        let failed = |error: tokio_postgres::Error| format!("the captcha secret: {}", describe(&error));
        let client = self.pool.get().await.map_err(|error| format!("the captcha secret: {}", describe_pool(&error)))?;
        client
            .execute(
                "INSERT INTO settings (name, value) VALUES ('captcha_secret', $1) ON CONFLICT (name) DO NOTHING",
                &[&fresh],
            )
            .await
            .map_err(failed)?;
        let stored =
            client.query_one("SELECT value FROM settings WHERE name = 'captcha_secret'", &[]).await.map_err(failed)?;
        Ok(stored.get(0))
    }
}

/// `url` without its password: the one tokio-postgres would read (after the first `:` of what
/// comes before the first `@`), and a `password` option in the query.
pub(crate) fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return String::new() };
    let rest = match rest.split_once('@') {
        Some((credentials, after)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{after}"),
            None => rest.to_owned(),
        },
        None => rest.to_owned(),
    };
    let rest = match rest.split_once('?') {
        Some((before, query)) => {
            let options: Vec<&str> = query
                .split('&')
                .map(|option| if option.starts_with("password=") { "password=***" } else { option })
                .collect();
            format!("{before}?{}", options.join("&"))
        }
        None => rest,
    };
    format!("{scheme}://{rest}")
}

/// An error of tokio-postgres with its causes: PostgreSQL's own message for an error of the
/// database ("FATAL: database \"x\" does not exist"), else what failed and why ("error
/// connecting to server: Connection refused (os error 111)").
fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(database) = error.as_db_error() {
        return database.to_string().replace('\n', "; ");
    }
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text = format!("{text}: {error}");
        cause = error.source();
    }
    text
}

/// An error of the pool: its connection's, or which of its time limits ran out.
fn describe_pool(error: &PoolError) -> String {
    match error {
        PoolError::Backend(error) => describe(error),
        PoolError::Timeout(deadpool_postgres::TimeoutType::Create) => {
            format!("no connection within {} s", CONNECT_TIMEOUT.as_secs())
        }
        PoolError::Timeout(deadpool_postgres::TimeoutType::Recycle) => {
            format!("a connection did not answer its check within {} s", CONNECT_TIMEOUT.as_secs())
        }
        PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => {
            format!("all {POOL_SIZE} connections still taken after {} s", WAIT_TIMEOUT.as_secs())
        }
        other => other.to_string(),
    }
}

/// A failure of PostgreSQL as the API answers it: `503` while the database cannot be reached
/// (a connection refused or lost, PostgreSQL shutting down or starting, which a restart is),
/// so that a client tries again; any other, `500`.
impl From<tokio_postgres::Error> for ApiError {
    fn from(error: tokio_postgres::Error) -> ApiError {
        let unreachable = match error.code() {
            // Class 08, connection exceptions; 57P01-57P03, the server shutting down or
            // starting up.
            Some(code) => code.code().starts_with("08") || matches!(code.code(), "57P01" | "57P02" | "57P03"),
            // No SQLSTATE: the connection itself failed or closed.
            None => error.is_closed() || error.source().is_some_and(|source| source.is::<std::io::Error>()),
        };
        let detail = format!("database: {}", describe(&error));
        if unreachable {
            ApiError::Unavailable(detail)
        } else {
            ApiError::Internal(detail)
        }
    }
}

/// No connection from the pool: the database cannot be reached, or every connection stayed
/// taken past the wait.
impl From<PoolError> for ApiError {
    fn from(error: PoolError) -> ApiError {
        match error {
            PoolError::Backend(error) => error.into(),
            other => ApiError::Unavailable(format!("database: {}", describe_pool(&other))),
        }
    }
}
