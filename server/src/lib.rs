//! The article widget's reference backend: articles from a content folder, comments in
//! SQLite, a signed captcha; the API is `docs/openapi.yaml`.

pub mod admin;
pub mod api;
pub mod author_secret;
pub mod captcha;
pub mod client;
pub mod clock;
pub mod config;
pub mod content;
pub mod error;
pub mod feed;
pub mod fragment;
pub mod fragment_cache;
pub mod hold;
pub mod mail;
mod own_comments;
pub mod pow;
pub mod rate_limit;
pub mod ssi;
pub mod store;
pub mod transport;
pub mod upstream;

use std::error::Error;
use std::future::Future;
use std::hash::RandomState;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::admin::Moderation;
use crate::api::AppState;
use crate::author_secret::AuthorSecrets;
use crate::captcha::Signer;
use crate::clock::Clock;
use crate::config::{ServeArgs, Switch};
use crate::content::Content;
use crate::fragment::Fragments;
use crate::fragment_cache::FragmentCache;
use crate::mail::Mail;
use crate::pow::ProofOfWork;
use crate::rate_limit::RateLimiter;
use crate::store::{Database, Storage};

/// Lowercase hex, as signatures and fingerprints are written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The database, and the captcha secret: the one configured, else the one stored at first start.
async fn open_store(
    database: &Database,
    configured: Option<String>,
) -> Result<(Arc<dyn Storage>, String), Box<dyn Error + Send + Sync>> {
    let store = store::open(database).await?;
    let secret = match configured {
        Some(secret) => secret,
        None => {
            let mut fresh = [0u8; 32];
            getrandom::fill(&mut fresh)?;
            store.captcha_secret(hex(&fresh)).await.map_err(|error| format!("database {database}: {}", error.detail()))?
        }
    };
    Ok((store, secret))
}

/// What the server answers with: its routes, and the fragments they render (which the
/// `fragment` subcommand renders alone).
pub struct Site {
    pub app: axum::Router,
    pub fragments: Arc<Fragments>,
    /// The mail, when `--smtp-url` sends it: its queue is sent by a server, not by the
    /// `fragment` subcommand.
    pub mail: Option<Arc<Mail>>,
}

impl Site {
    /// Opens the database (creating it at first start) and reads the configuration; on a
    /// Tokio runtime, where fragments' requests will run.
    pub async fn open(config: &ServeArgs, clock: Arc<Clock>) -> Result<Site, Box<dyn Error + Send + Sync>> {
        config.check_private_files()?;
        let clients = config.clients()?;
        let difficulty = config.pow_difficulty()?;
        let (store, secret) = open_store(&config.database, config.captcha_secret()?).await?;
        let mail = match config.mail.settings(config.public_url.as_ref(), config.article_url.as_ref())? {
            Some(settings) => Some(Arc::new(Mail::new(settings, &secret, store.clone(), clock.clone())?)),
            None => None,
        };
        let cache = Arc::new(FragmentCache::new(fragment::CACHE_ENTRIES));
        let state = Arc::new(AppState {
            content: Content::new(config.content.folder.clone()),
            store,
            signer: Signer::new(&secret, config.captcha_min_seconds),
            check_captcha: config.captcha == Switch::On,
            check_trap: config.trap == Switch::On,
            pow: difficulty.map(|difficulty| Arc::new(ProofOfWork::new(&secret, difficulty))),
            clock: clock.clone(),
            reads: RateLimiter::new(config.reads_per_minute),
            posts: RateLimiter::new(config.posts_per_minute),
            article_posts: RateLimiter::new(config.article_posts_per_minute),
            article_keys: RandomState::new(),
            clients,
            public_url: config.public_url.clone(),
            article_url: config.article_url.clone(),
            fragments: cache.clone(),
            moderation: Moderation::new(&secret, config.secure_cookies == Switch::On),
            mail: mail.clone(),
            author_secrets: AuthorSecrets::new(&secret),
            edit_window_seconds: i64::from(config.edit_window_minutes) * 60,
        });
        let in_process = api::api_routes(state.clone());
        let runtime = tokio::runtime::Handle::current();
        let fragments = Arc::new(Fragments::new(&config.fragments, in_process, cache, clock, runtime)?);
        let app = api::router(state, fragments.clone(), config.cors_origins.clone(), config.static_folder.clone());
        Ok(Site { app, fragments, mail })
    }
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: TcpListener,
    app: axum::Router,
}

impl Server {
    /// Opens the site ([`Site::open`]) and binds the listening socket.
    pub async fn bind(config: &ServeArgs, clock: Arc<Clock>) -> Result<Server, Box<dyn Error + Send + Sync>> {
        let Site { app, mail, .. } = Site::open(config, clock).await?;
        if let Some(mail) = mail {
            tokio::spawn(mail.run());
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|error| format!("listening on {}: {error}", config.listen))?;
        Ok(Server { listener, app })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers until `shutdown` completes, then finishes the requests under way.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let service = self.app.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown).await
    }
}
