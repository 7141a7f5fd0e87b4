//! The routes of `docs/openapi.yaml` and what surrounds them: rate limits, CORS, the body
//! limit, and axum's own refusals turned into the API's error shape.

use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use article_widget_core::comment::{validate, Comment, CommentDraft, CommentStatus};
use article_widget_core::datetime::DateTime;
use article_widget_core::url::SafeUrl;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::admin::{self, Moderation};
use crate::author_secret::{self, AuthorSecrets};
use crate::captcha::{CaptchaError, Proof, Signer};
use crate::client::{Clients, Prefix};
use crate::clock::Clock;
use crate::content::Content;
use crate::error::{ApiError, Limit};
use crate::feed;
use crate::fragment::{self, Fragments};
use crate::fragment_cache::FragmentCache;
use crate::hold::Candidate;
use crate::mail::{self, Mail};
use crate::own_comments;
use crate::pow::ProofOfWork;
use crate::pow::{PowError, Spent};
use crate::rate_limit::RateLimiter;
use crate::ssi::{self, Pages};
use crate::store::{Cursor, NewComment, Order, PostMail, Posted, Storage};

/// Request bodies above this are refused with 413 `too_large`.
pub const BODY_LIMIT: usize = 64 * 1024;
const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 100;
/// Replies a page of `…/comments/{root}/replies` holds unless `limit` says otherwise (1–100).
const DEFAULT_REPLIES_PAGE: u32 = 50;
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

pub struct AppState {
    pub content: Content,
    pub store: Arc<dyn Storage>,
    pub signer: Signer,
    /// Whether posts' captcha answers are checked (`--captcha`; challenges are issued either
    /// way, as the widget asks its question) and their trap field (`--trap`).
    pub check_captcha: bool,
    pub check_trap: bool,
    /// The proof of work asked of each post; `None` when it is off (`--pow off`).
    pub pow: Option<Arc<ProofOfWork>>,
    pub clock: Arc<Clock>,
    /// API reads and posts per client, keyed by its network prefix.
    pub reads: RateLimiter<Prefix>,
    pub posts: RateLimiter<Prefix>,
    /// Comments stored per article, keyed by a hash of its id (`article_keys`), so that a
    /// flood of article ids costs a word each.
    pub article_posts: RateLimiter<u64>,
    /// Keyed anew at each start, so that nobody can choose ids whose hashes collide.
    pub article_keys: RandomState,
    /// Who a request is from: the peer, or behind trusted proxies the address they forwarded.
    pub clients: Clients,
    /// The server's public address (`--public-url`), which feeds' links start with.
    pub public_url: Option<String>,
    /// Where readers read an article (`--article-url`, its `{id}` replaced), which feeds
    /// link to.
    pub article_url: Option<String>,
    /// Rendered fragments, of which a posted comment makes its article's stale.
    pub fragments: Arc<FragmentCache>,
    /// The admin API's keys and limits.
    pub moderation: Moderation,
    /// Reply notifications and held comments' notices, when `--smtp-url` sends mail.
    pub mail: Option<Arc<Mail>>,
    /// The secrets that let commenters change their comments, and for how long they may.
    pub author_secrets: AuthorSecrets,
    pub edit_window_seconds: i64,
}

/// The API's routes, as nested under `/api`, without the rate limit: what browsers get, and
/// what fragments ask in-process.
pub fn api_routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/articles/{id}", get(article))
        .route("/articles/{id}/related", get(related))
        .route("/articles/{id}/comments", get(comments).post(post_comment))
        .route("/articles/{id}/comments/{root}/replies", get(replies))
        .route("/articles/{id}/comments.atom", get(feed::article_feed))
        .route("/comments.atom", get(feed::site_feed))
        .route("/articles/{id}/comments/{comment}", patch(own_comments::edit).delete(own_comments::delete))
        .route("/captcha", get(captcha))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// The whole site: `/api` (rate limited), `/fragment`, and the static folder's files, its
/// pages' server-side includes answered by `/fragment`.
pub fn router(
    state: Arc<AppState>,
    fragments: Arc<Fragments>,
    cors_origins: Vec<HeaderValue>,
    static_folder: Option<PathBuf>,
) -> Router {
    let mail = state.mail.clone();
    let api = api_routes(state.clone()).layer(middleware::from_fn_with_state(state.clone(), rate_limit));
    let fragment = Router::new().route("/fragment", get(fragment::endpoint)).with_state(fragments);
    // The admin API is not under the readers' limits (a moderator's day is many requests);
    // signing in has a limit of its own.
    let admin = admin::routes(state.clone());
    let app = Router::new().nest("/api/admin", admin).nest("/api", api).merge(fragment.clone());
    let app = match mail {
        Some(mail) => app.merge(mail::pages::routes(mail)),
        None => app,
    };
    let app = match static_folder {
        // A file's brotli or gzip sibling (`app.wasm.br`, `app.wasm.gz`), written at build
        // time, is sent to a browser that accepts it, as a CDN would.
        Some(folder) => {
            let files = ServeDir::new(folder).precompressed_br().precompressed_gzip();
            app.fallback_service(Router::new().fallback(ssi::page).with_state(Pages { files, includes: fragment }))
        }
        None => app.fallback(|| async { ApiError::NotFound }),
    };
    if cors_origins.is_empty() {
        app
    } else {
        // Outermost, so that refusals (429 included) carry the headers a browser needs to read them.
        app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(cors_origins))
                .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
                .allow_headers([header::CONTENT_TYPE, IDEMPOTENCY_KEY, own_comments::COMMENT_SECRET])
                .expose_headers([header::RETRY_AFTER])
                .max_age(Duration::from_secs(3600)),
        )
    }
}

/// axum's extractors, answering in the API's error shape when they refuse a request.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(crate) struct ApiJson<T>(pub(crate) T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub(crate) struct ApiPath<T>(pub(crate) T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub(crate) struct ApiQuery<T>(pub(crate) T);

async fn rate_limit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let client = state.clients.key(peer.ip(), request.headers());
    // Changing a comment counts as posting one.
    let writes = [Method::POST, Method::PATCH, Method::DELETE].contains(request.method());
    let limiter = if writes { &state.posts } else { &state.reads };
    match limiter.check(client, state.clock.now_millis()) {
        Ok(()) => next.run(request).await,
        Err(retry_after_seconds) => ApiError::RateLimited { retry_after_seconds, limit: Limit::Client }.into_response(),
    }
}

/// Blocking SQLite work, off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|error| ApiError::Internal(format!("database task: {error}")))?
}

/// A content file's text, which the decoders accepted, as is.
fn json_text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

async fn article(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    Ok(json_text(state.content.article(&id).await?))
}

async fn related(State(state): State<Arc<AppState>>, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    Ok(json_text(state.content.related(&id).await?))
}

#[derive(Deserialize)]
struct PageQuery {
    order: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

impl PageQuery {
    /// The order, the limit (`default` when not given) and where the page starts.
    fn parse(&self, default: u32) -> Result<(Order, u32, Option<Cursor>), ApiError> {
        let order = match self.order.as_deref() {
            None | Some("oldest") => Order::Oldest,
            Some("newest") => Order::Newest,
            Some(_) => return Err(ApiError::InvalidQuery("order must be oldest or newest".into())),
        };
        let limit = match self.limit.as_deref() {
            None => default,
            Some(text) => text
                .parse()
                .ok()
                .filter(|limit| (1..=MAX_PAGE).contains(limit))
                .ok_or_else(|| ApiError::InvalidQuery(format!("limit must be an integer from 1 to {MAX_PAGE}")))?,
        };
        let cursor = match self.cursor.as_deref() {
            None => None,
            Some(text) => Some(
                Cursor::decode(text)
                    .ok_or_else(|| ApiError::InvalidQuery("cursor must be the next of a previous page".into()))?,
            ),
        };
        Ok((order, limit, cursor))
    }
}

async fn comments(
    State(state): State<Arc<AppState>>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    state.content.has_article(&id).await?;
    let (order, limit, after) = query.parse(DEFAULT_PAGE)?;
    let page = state.store.page(&id, order, limit, after).await?;
    let more_replies = page.more_replies.iter().map(|more| {
        json!({ "root": more.root.to_string(), "count": more.count, "cursor": more.after.map(|cursor| cursor.encode()) })
    });
    Ok(Json(json!({
        "total": page.total,
        "comments": page.comments.iter().map(comment_json).collect::<Vec<_>>(),
        "next": page.next.map(|cursor| cursor.encode()),
        "more_replies": more_replies.collect::<Vec<_>>(),
    })))
}

/// The replies of one comment that its page cut, a page at a time (oldest first; `order`
/// is refused, as replies always read oldest first).
async fn replies(
    State(state): State<Arc<AppState>>,
    ApiPath((id, root)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    state.content.has_article(&id).await?;
    if query.order.is_some() {
        return Err(ApiError::InvalidQuery("replies are always oldest first: order is not taken".into()));
    }
    let (_, limit, after) = query.parse(DEFAULT_REPLIES_PAGE)?;
    let root: i64 = root.parse().map_err(|_| ApiError::NotFound)?;
    let replies = state.store.replies(&id, root, limit, after).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "total": replies.total,
        "comments": replies.comments.iter().map(comment_json).collect::<Vec<_>>(),
        "next": replies.next.map(|cursor| cursor.encode()),
    })))
}

/// A comment as the API shows it: never its e-mail address.
pub(crate) fn comment_json(comment: &Comment) -> Value {
    json!({
        "id": comment.id,
        "parent": comment.parent,
        "author": comment.author,
        "website": comment.website.as_ref().map(SafeUrl::as_str),
        "body": comment.body,
        "created": comment.created.to_string(),
        "edited": comment.edited.map(|edited| edited.to_string()),
        "status": comment.status.code(),
    })
}

#[derive(Deserialize)]
struct PostedComment {
    name: String,
    email: String,
    #[serde(default)]
    website: Option<String>,
    body: String,
    #[serde(default)]
    parent: Option<String>,
    /// Required while the captcha is checked (`--captcha on`).
    #[serde(default)]
    captcha: Option<Proof>,
    /// The proof of work's answer, as ALTCHA's widget sends it (base64 of JSON).
    #[serde(default)]
    altcha: Option<String>,
    /// The trap: a form field hidden from people, which bots that fill every field fill.
    #[serde(default)]
    fax: Option<String>,
    /// The author asks to be told of replies by e-mail (taken when the server sends mail).
    #[serde(default)]
    notify: bool,
}

impl PostedComment {
    /// What makes two posts "the same request" for an idempotency key: the comment, not the
    /// captcha, so that a retry with a fresh challenge is still recognised.
    fn fingerprint(&self, article: &str) -> String {
        let request = json!([article, self.name, self.email, self.website, self.body, self.parent]);
        crate::hex(&Sha256::digest(request.to_string().as_bytes()))
    }
}

async fn post_comment(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiPath(article): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(posted): ApiJson<PostedComment>,
) -> Result<Response, ApiError> {
    state.content.has_article(&article).await?;
    let idempotency_key = headers
        .get(IDEMPOTENCY_KEY)
        .and_then(|value| value.to_str().ok())
        .filter(|key| is_idempotency_key(key))
        .ok_or(ApiError::InvalidIdempotencyKey)?
        .to_owned();
    let fingerprint = posted.fingerprint(&article);
    let PostedComment { name, email, website, body, parent, captcha: proof, altcha, fax, notify } = posted;
    let draft = CommentDraft { name, email, website: website.unwrap_or_default(), body };
    // The core reports every problem, in form order; the error has room for the first.
    let valid = validate(&draft).map_err(|errors| match errors.first() {
        Some(first) => ApiError::from(*first),
        None => ApiError::Internal("validation failed without a reason".into()),
    })?;
    // Before the proof of work and the captcha: a retry of a stored post, whose answer was
    // lost, gets the stored comment even though its challenges have expired or were used by
    // that very post.
    let earlier = state.store.earlier(&article, &idempotency_key, &fingerprint).await?;
    if let Some(comment) = earlier {
        return Ok((StatusCode::OK, Json(posted_json(&state, &comment, &fingerprint))).into_response());
    }
    // Before the proof of work and the captcha, which a banned author's post does not use up.
    let client = state.clients.address(peer.ip(), &headers);
    let client_prefix = state.clients.key(peer.ip(), &headers).to_string();
    let email_hash = state.moderation.email_hash(&valid.email);
    let screening = state.store.screen(&valid.email, &email_hash, client, state.clock.now_seconds()).await?;
    if screening.banned {
        return Err(ApiError::Banned);
    }
    if state.check_trap && fax.is_some_and(|fax| !fax.is_empty()) {
        return Err(ApiError::TrapFilled);
    }
    let now = state.clock.now_seconds();
    // The proof of work before the captcha: no answer is judged, and no challenge used up,
    // for a post that has not paid its work, so that guessing the captcha costs a proof of
    // work per guess (a wrong answer uses both up); and a post refused for its proof of work
    // leaves its captcha as it was. Checking it costs two HMACs, as the captcha's does.
    let pow = match &state.pow {
        Some(pow) => Some(unused_pow(&state, pow.verify(altcha.as_deref(), now)?).await?),
        None => None,
    };
    let captcha = match (state.check_captcha, proof) {
        (false, _) => None,
        (true, None) => return Err(ApiError::InvalidJson("missing field `captcha`".into())),
        (true, Some(proof)) => {
            let captcha = state.signer.verify(&proof, now)?;
            if !captcha.accepts(&proof.answer) {
                // Used up, so that one challenge cannot be answered by trying every number.
                state.store.use_captcha(captcha, pow.as_ref(), now).await?;
                return Err(CaptchaError::Wrong.into());
            }
            Some(captcha)
        }
    };
    // Counted once a post would be stored: refusals above cost the article nothing.
    let article_key = state.article_keys.hash_one(&article);
    if let Err(retry_after_seconds) = state.article_posts.check(article_key, state.clock.now_millis()) {
        return Err(ApiError::RateLimited { retry_after_seconds, limit: Limit::Article });
    }
    let held = Candidate { name: &valid.name, body: &valid.body, known_author: screening.known_author };
    let status = if screening.rules.holds(&held) { CommentStatus::Pending } else { CommentStatus::Published };
    let secret_hash = |id| author_secret::hash(&state.author_secrets.secret(id, &fingerprint));
    let new = NewComment {
        article: &article,
        parent: parent.as_deref(),
        author: &valid.name,
        email: &valid.email,
        website: valid.website.as_ref().map(SafeUrl::as_str),
        body: &valid.body,
        status,
        created: now,
        idempotency_key: &idempotency_key,
        fingerprint: &fingerprint,
        captcha,
        pow: pow.as_ref(),
        client_prefix: Some(&client_prefix),
        secret_hash: &secret_hash,
    };
    let mail = state.mail.as_deref().map(|mail| PostMail { mail, email: &valid.email, notify });
    let outcome = state.store.post(&new, mail).await?;
    let (status, comment) = match outcome {
        Posted::Created(comment) => (StatusCode::CREATED, comment),
        Posted::Replayed(comment) => (StatusCode::OK, comment),
    };
    // The article's fragments go once the comment is stored, so that the next shows it.
    state.fragments.forget_article(&article);
    if let Some(mail) = &state.mail {
        mail.wake();
    }
    Ok((status, Json(posted_json(&state, &comment, &fingerprint))).into_response())
}

/// A posted comment as its author gets it: with the secret that lets them change it, the
/// same for a retry of the post ([`crate::author_secret`]), and until when they may.
fn posted_json(state: &AppState, comment: &Comment, fingerprint: &str) -> Value {
    let mut answer = comment_json(comment);
    if let Ok(id) = comment.id.parse() {
        answer["secret"] = json!(state.author_secrets.secret(id, fingerprint));
        let until = comment.created.unix_seconds() + state.edit_window_seconds;
        answer["editable_until"] = json!(DateTime::from_unix_seconds(until).to_string());
    }
    answer
}

/// The proof of work's challenge, unless a post already used it.
async fn unused_pow(state: &AppState, spent: Spent) -> Result<Spent, ApiError> {
    match state.store.pow_used(&spent).await? {
        true => Err(PowError::Replayed.into()),
        false => Ok(spent),
    }
}

/// `^[A-Za-z0-9_-]{16,64}$`: long enough to be unguessable, short enough to index.
fn is_idempotency_key(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

async fn captcha(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let seed = getrandom::u64().map_err(|error| ApiError::Internal(format!("random seed: {error}")))?;
    let now = state.clock.now_seconds();
    let challenge = state.signer.issue(seed, now);
    let mut answer =
        serde_json::to_value(&challenge).map_err(|error| ApiError::Internal(format!("challenge: {error}")))?;
    if let Some(pow) = state.pow.clone() {
        // One key derivation, which a PBKDF2 of high cost makes long: off the async workers.
        let pow = blocking(move || {
            // The captcha's expiry, in Unix seconds as ALTCHA writes it.
            pow.issue(now + crate::captcha::LIFETIME_SECONDS)
                .map_err(|error| ApiError::Internal(format!("random challenge: {error}")))
        })
        .await?;
        answer["pow"] = pow;
    }
    // The widget offers reply notifications only when this server sends mail.
    if state.mail.is_some() {
        answer["notify"] = Value::Bool(true);
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys() {
        assert!(is_idempotency_key("0123456789abcdef") && is_idempotency_key(&"a-_Z".repeat(16)));
        assert!(!is_idempotency_key("0123456789abcde") && !is_idempotency_key(&"a".repeat(65)));
        assert!(!is_idempotency_key("0123456789abcdef!") && !is_idempotency_key("0123456789abcdeé"));
    }
}
