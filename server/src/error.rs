//! Every failure a client can see, as one enum, and its JSON form:
//! `{"error": {"code", "message", "field"?}}` with the status of the API contract.

use article_widget_core::comment::{Field, FieldError, FieldProblem};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::captcha::CaptchaError;
use crate::pow::PowError;

#[derive(Debug)]
pub enum ApiError {
    NotFound,
    MethodNotAllowed,
    /// A field of a new comment, with what is wrong with it (English).
    InvalidField { field: &'static str, message: String },
    /// The body is not JSON of the expected shape.
    InvalidJson(String),
    /// A query parameter (`order`, `limit`, `cursor`) is not one the endpoint takes.
    InvalidQuery(String),
    /// A query parameter refused, named in `field` (GET /fragment): the message starts with it.
    InvalidParameter { parameter: String, message: String },
    InvalidIdempotencyKey,
    IdempotencyConflict,
    TooLarge,
    Captcha(CaptchaError),
    /// The proof of work's answer (`altcha`): missing, invalid, expired or replayed.
    Pow(PowError),
    /// The new comment's trap field (`fax`), hidden from people, was filled.
    TrapFilled,
    /// A comment's author secret is missing or is not this comment's.
    SecretMismatch,
    /// Past the time its author had to edit or delete a comment.
    EditWindowClosed,
    /// A comment that someone answered cannot be edited any more.
    HasReplies,
    /// Over a limit per minute: the client's (its network prefix) or the article's.
    RateLimited { retry_after_seconds: u64, limit: Limit },
    /// The admin API without a valid session (no cookie, an unknown, ended or expired one).
    SignedOut,
    /// A wrong moderator's name or password: the same for both.
    BadCredentials,
    /// A change asked of the admin API without its session's `X-CSRF-Token`.
    Csrf,
    /// A post from a banned e-mail address or network prefix.
    Banned,
    /// A moderator's change to a comment that was deleted (a placeholder keeps its status).
    CommentDeleted,
    /// A file of the content folder that the core decoders refuse (the file and the
    /// decoder's message): the publisher's to fix.
    BrokenContent(String),
    /// The database cannot be reached (PostgreSQL restarting, the network to it down):
    /// logged in full, answered with `503` and `Retry-After`, as nothing was written.
    Unavailable(String),
    /// Anything else (database, I/O): logged in full, answered vaguely.
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::InvalidField { .. }
            | ApiError::InvalidJson(_)
            | ApiError::InvalidQuery(_)
            | ApiError::InvalidParameter { .. }
            | ApiError::InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            ApiError::IdempotencyConflict | ApiError::EditWindowClosed | ApiError::HasReplies => StatusCode::CONFLICT,
            ApiError::SecretMismatch => StatusCode::FORBIDDEN,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Captcha(_) | ApiError::Pow(_) | ApiError::TrapFilled => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::SignedOut | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Csrf | ApiError::Banned => StatusCode::FORBIDDEN,
            ApiError::CommentDeleted => StatusCode::CONFLICT,
            ApiError::BrokenContent(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::InvalidField { .. } => "invalid_field",
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::InvalidQuery(_) | ApiError::InvalidParameter { .. } => "invalid_query",
            ApiError::InvalidIdempotencyKey => "invalid_idempotency_key",
            ApiError::IdempotencyConflict => "idempotency_conflict",
            ApiError::TooLarge => "too_large",
            ApiError::Captcha(error) => error.code(),
            ApiError::Pow(error) => error.code(),
            ApiError::TrapFilled => "trap_filled",
            ApiError::SecretMismatch => "secret_mismatch",
            ApiError::EditWindowClosed => "edit_window_closed",
            ApiError::HasReplies => "has_replies",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::SignedOut => "signed_out",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Csrf => "csrf",
            ApiError::Banned => "banned",
            ApiError::CommentDeleted => "comment_deleted",
            ApiError::BrokenContent(_) => "broken_content",
            ApiError::Internal(_) => "internal",
            ApiError::Unavailable(_) => "unavailable",
        }
    }

    /// What the server's log says of it: an internal error's details, else its message.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Internal(detail) | ApiError::Unavailable(detail) => detail.clone(),
            _ => self.message(),
        }
    }

    /// What the error says, in English, as the JSON's `message`.
    pub fn message(&self) -> String {
        match self {
            ApiError::NotFound => "no such resource".into(),
            ApiError::MethodNotAllowed => "method not allowed on this resource".into(),
            ApiError::InvalidField { field, message } => format!("{field}: {message}"),
            ApiError::InvalidJson(detail) => format!("the body is not a JSON request of the expected shape: {detail}"),
            ApiError::InvalidQuery(detail) | ApiError::InvalidParameter { message: detail, .. } => detail.clone(),
            ApiError::InvalidIdempotencyKey => {
                "the Idempotency-Key header is required: 16 to 64 letters, digits, '-' or '_'".into()
            }
            ApiError::IdempotencyConflict => "this Idempotency-Key was already used for another request".into(),
            ApiError::TooLarge => "the request body is over 64 KiB".into(),
            ApiError::Captcha(error) => error.message().into(),
            ApiError::Pow(error) => error.message().into(),
            ApiError::TrapFilled => "fax is a trap, hidden from people: a comment that fills it is taken for a robot's".into(),
            ApiError::SecretMismatch => "the secret is missing or is not this comment's".into(),
            ApiError::EditWindowClosed => "the time to edit or delete this comment is over".into(),
            ApiError::HasReplies => "this comment has replies: it can be deleted, not edited".into(),
            ApiError::RateLimited { retry_after_seconds, limit: Limit::Client } => {
                format!("too many requests from this network; retry in {retry_after_seconds} s")
            }
            ApiError::RateLimited { retry_after_seconds, limit: Limit::Article } => {
                format!("too many comments on this article this minute; retry in {retry_after_seconds} s")
            }
            ApiError::RateLimited { retry_after_seconds, limit: Limit::SignIn } => {
                format!("too many failed sign-ins from this network or for this name; retry in {retry_after_seconds} s")
            }
            ApiError::SignedOut => "signed out: sign in again".into(),
            ApiError::BadCredentials => "wrong name or password".into(),
            ApiError::Csrf => "the X-CSRF-Token header is missing or is not this session's".into(),
            ApiError::Banned => "comments from this address or network are refused".into(),
            ApiError::CommentDeleted => "the comment was deleted: it keeps its place, and nothing else changes".into(),
            ApiError::BrokenContent(detail) => format!("invalid content file {detail}"),
            ApiError::Internal(_) => "internal error; see the server's log".into(),
            ApiError::Unavailable(_) => {
                format!("the database cannot be reached; nothing was written: try again in {RETRY_UNAVAILABLE_SECONDS} s")
            }
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ApiError::InvalidField { field, .. } => Some(field),
            ApiError::InvalidParameter { parameter, .. } => Some(parameter),
            ApiError::Captcha(_) => Some(Field::Captcha.code()),
            ApiError::Pow(_) => Some("altcha"),
            ApiError::TrapFilled => Some("fax"),
            _ => None,
        }
    }
}

/// Whose limit a request is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The client's: its network prefix's requests (`--posts-per-minute`, `--reads-per-minute`).
    Client,
    /// The article's: its comments from everyone (`--article-posts-per-minute`).
    Article,
    /// Failed sign-ins to the admin API, per network prefix and per name.
    SignIn,
}

/// The first problem of a draft, in form order: the error has room for one field.
impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> ApiError {
        let message = match error.problem {
            FieldProblem::Required => "is required".to_owned(),
            FieldProblem::TooLong { max } => format!("is longer than {max} characters"),
            FieldProblem::InvalidEmail => "is not an e-mail address".to_owned(),
            FieldProblem::InvalidWebsite => "is not an absolute http(s) URL".to_owned(),
            FieldProblem::ControlCharacter => "holds a control character".to_owned(),
            FieldProblem::Invisible => "has no visible character".to_owned(),
        };
        ApiError::InvalidField { field: error.field.code(), message }
    }
}

impl From<CaptchaError> for ApiError {
    fn from(error: CaptchaError) -> ApiError {
        ApiError::Captcha(error)
    }
}

impl From<PowError> for ApiError {
    fn from(error: PowError) -> ApiError {
        ApiError::Pow(error)
    }
}

/// How long a client waits before trying again a request the database could not take.
pub const RETRY_UNAVAILABLE_SECONDS: u64 = 2;

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> ApiError {
        ApiError::Internal(format!("database: {error}"))
    }
}

/// axum's own refusals, which would otherwise answer in plain text.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::InvalidJson(rejection.body_text())
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::InvalidQuery(rejection.body_text())
    }
}

/// A path segment that does not even decode cannot name a resource.
impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> ApiError {
        ApiError::NotFound
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            eprintln!("error: {}", self.detail());
        }
        let mut error = json!({ "code": self.code(), "message": self.message() });
        if let Some(field) = self.field() {
            error["field"] = json!(field);
        }
        let mut response = (status, axum::Json(json!({ "error": error }))).into_response();
        let retry_after = match self {
            ApiError::RateLimited { retry_after_seconds, .. } => Some(retry_after_seconds),
            ApiError::Unavailable(_) => Some(RETRY_UNAVAILABLE_SECONDS),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
