//! The admin API (`/api/admin/`, `docs/openapi.yaml`): moderators' sessions, the comments of
//! every status, bans, the audit log, the held-comment rules. Every route but signing in
//! passes [`guard`]: no session, `401 signed_out`; a change (any method but GET and HEAD)
//! without the session's `X-CSRF-Token`, `403 csrf`.

mod audit;
mod bans;
pub mod cli;
mod comments;
pub mod password;
mod session;
mod settings;
mod sign_in_limit;

use std::sync::Arc;

use article_widget_core::datetime::DateTime;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::api::{AppState, BODY_LIMIT};
use crate::error::ApiError;
use crate::store::Actor;

use sign_in_limit::SignInLimit;

const EMAIL_KEY_LABEL: &[u8] = b"article-widget ban e-mail key v1";

/// What the admin API keeps between requests.
pub struct Moderation {
    /// Keys the hashes of banned e-mail addresses, derived from the server's secret.
    email_key: [u8; 32],
    /// Failed sign-ins, per network prefix and per name.
    sign_ins: SignInLimit,
    /// Whether the session cookie is always `Secure` (`--secure-cookies on`), rather than only
    /// when a trusted proxy says the request came over HTTPS.
    secure_cookies: bool,
}

impl Moderation {
    /// `secret`: the server's (the captcha's), from which the e-mail key is derived.
    pub fn new(secret: &str, secure_cookies: bool) -> Moderation {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
        mac.update(EMAIL_KEY_LABEL);
        Moderation { email_key: mac.finalize().into_bytes().into(), sign_ins: SignInLimit::default(), secure_cookies }
    }

    /// The keyed hash (hex) a ban on `email` is stored and looked up by: HMAC-SHA-256 of the
    /// address trimmed and lowercased, so that the database alone does not give addresses.
    pub fn email_hash(&self, email: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.email_key).expect("HMAC takes any key");
        mac.update(email.trim().to_lowercase().as_bytes());
        crate::hex(&mac.finalize().into_bytes())
    }
}

/// The moderator a request is signed in as, which [`guard`] hands to the handlers.
#[derive(Clone, Debug)]
pub(crate) struct SignedIn {
    pub name: String,
    pub csrf: String,
    pub token_hash: String,
}

impl SignedIn {
    fn actor(&self, state: &AppState) -> Actor<'_> {
        Actor { name: &self.name, now: state.clock.now_seconds() }
    }
}

/// The routes, as nested under `/api/admin`.
pub fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/session", get(session::current).delete(session::sign_out))
        .route("/comments", get(comments::list))
        .route("/comments/{id}", patch(comments::edit).delete(comments::delete))
        .route("/comments/{id}/status", post(comments::set_status))
        .route("/bans", get(bans::list).post(bans::add))
        .route("/bans/{id}", delete(bans::remove))
        .route("/audit", get(audit::list))
        .route("/settings", get(settings::get).put(settings::put))
        .route_layer(middleware::from_fn_with_state(state.clone(), guard))
        // After the guard's layer: the one route it does not cover.
        .route("/session", post(session::sign_in))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// A session, and for a change its CSRF token, or the request goes no further.
async fn guard(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let Some(token_hash) = session::token_hash(request.headers()) else { return ApiError::SignedOut.into_response() };
    let session = match state.store.session(&token_hash, state.clock.now_seconds()).await {
        Ok(Some(session)) => session,
        Ok(None) => return ApiError::SignedOut.into_response(),
        Err(error) => return error.into_response(),
    };
    if !matches!(*request.method(), Method::GET | Method::HEAD)
        && !session::csrf_matches(request.headers(), &session.csrf)
    {
        return ApiError::Csrf.into_response();
    }
    request.extensions_mut().insert(SignedIn { name: session.moderator, csrf: session.csrf, token_hash });
    next.run(request).await
}

/// A time as the API writes it: RFC 3339, UTC.
fn time(unix_seconds: i64) -> String {
    DateTime::from_unix_seconds(unix_seconds).to_string()
}

/// `limit` of a page: 1–100, `default` when not given.
fn page_limit(limit: Option<&str>, default: u32) -> Result<u32, ApiError> {
    match limit {
        None => Ok(default),
        Some(text) => text
            .parse()
            .ok()
            .filter(|limit| (1..=100).contains(limit))
            .ok_or_else(|| ApiError::InvalidQuery("limit must be an integer from 1 to 100".into())),
    }
}

/// An id of a path, which names nothing unless it is a number.
fn id(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| ApiError::NotFound)
}
