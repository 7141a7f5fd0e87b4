//! Bans: by e-mail (kept only as a keyed hash, with a label of its first character and its
//! domain) or by address prefix (IPv4 or IPv6 CIDR), given or taken from a comment, for a
//! time or forever.

use std::sync::Arc;

use article_widget_core::datetime::DateTime;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{id, time, SignedIn};
use crate::api::{ApiJson, ApiPath, AppState};
use crate::client::parse_proxy;
use crate::error::ApiError;
use crate::store::{Ban, BanTarget, NewBan};

const MAX_REASON_CHARS: usize = 500;

pub(super) async fn list(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let bans = state.store.bans(state.clock.now_seconds()).await?;
    Ok(Json(json!({ "bans": bans.iter().map(ban_json).collect::<Vec<_>>() })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BanRequest {
    kind: String,
    email: Option<String>,
    prefix: Option<String>,
    /// A comment whose e-mail or address prefix is banned.
    comment: Option<String>,
    until: Option<String>,
    reason: Option<String>,
}

pub(super) async fn add(
    State(state): State<Arc<AppState>>,
    Extension(signed_in): Extension<SignedIn>,
    ApiJson(request): ApiJson<BanRequest>,
) -> Result<Response, ApiError> {
    let refused = |field: &'static str, message: &str| ApiError::InvalidField { field, message: message.into() };
    let now = state.clock.now_seconds();
    let until = match request.until.as_deref() {
        None => None,
        Some(text) => {
            let until = DateTime::parse_rfc3339(text).ok_or_else(|| refused("until", "is not an RFC 3339 date"))?;
            if until.unix_seconds() <= now {
                return Err(refused("until", "is past"));
            }
            Some(until.unix_seconds())
        }
    };
    let reason = request.reason.unwrap_or_default().trim().to_owned();
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::InvalidField {
            field: "reason",
            message: format!("is over {MAX_REASON_CHARS} characters"),
        });
    }
    // What the ban is on: given, or the comment's.
    let from_comment = match request.comment.as_deref() {
        None => None,
        Some(comment) => {
            let comment = comment.parse().map_err(|_| refused("comment", "is not a comment's id"))?;
            Some(state.store.admin_comment(comment).await?.ok_or_else(|| refused("comment", "is no comment"))?)
        }
    };
    let target = match (request.kind.as_str(), request.email, request.prefix, &from_comment) {
        ("email", Some(email), None, None) => email_target(&state, &email)?,
        ("email", None, None, Some(comment)) => email_target(&state, &comment.email)
            .map_err(|_| refused("comment", "has no e-mail address (it was deleted)"))?,
        ("prefix", None, Some(prefix), None) => BanTarget::Prefix(
            parse_proxy(&prefix).map_err(|error| ApiError::InvalidField { field: "prefix", message: error })?,
        ),
        ("prefix", None, None, Some(comment)) => {
            let prefix =
                comment.client_prefix.as_deref().ok_or_else(|| refused("comment", "has no known address prefix"))?;
            BanTarget::Prefix(
                parse_proxy(prefix).map_err(|error| ApiError::Internal(format!("stored prefix: {error}")))?,
            )
        }
        ("email" | "prefix", ..) => {
            return Err(ApiError::InvalidJson(format!(
                "a ban of kind {} takes either {} or comment",
                request.kind, request.kind
            )))
        }
        _ => return Err(refused("kind", "must be email or prefix")),
    };
    let comment = from_comment.map(|comment| comment.id);
    let ban = state.store.add_ban(&NewBan { target, until, reason: &reason, comment }, signed_in.actor(&state)).await?;
    Ok((StatusCode::CREATED, Json(ban_json(&ban))).into_response())
}

pub(super) async fn remove(
    State(state): State<Arc<AppState>>,
    Extension(signed_in): Extension<SignedIn>,
    ApiPath(ban): ApiPath<String>,
) -> Result<Response, ApiError> {
    let ban = id(&ban)?;
    match state.store.remove_ban(ban, signed_in.actor(&state)).await? {
        true => Ok(StatusCode::NO_CONTENT.into_response()),
        false => Err(ApiError::NotFound),
    }
}

/// A ban on `email`: its keyed hash, and the label moderators see (`c…@example.fr`).
fn email_target(state: &AppState, email: &str) -> Result<BanTarget, ApiError> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email
        .split_once('@')
        .filter(|(local, domain)| !local.is_empty() && !domain.is_empty())
        .ok_or_else(|| ApiError::InvalidField { field: "email", message: "is not an e-mail address".into() })?;
    let first = local.chars().next().unwrap_or_default();
    Ok(BanTarget::Email { hash: state.moderation.email_hash(&email), label: format!("{first}…@{domain}") })
}

/// `Ban` of the contract.
fn ban_json(ban: &Ban) -> Value {
    json!({
        "id": ban.id.to_string(),
        "kind": ban.kind,
        "label": ban.label,
        "until": ban.until.map(time),
        "reason": ban.reason,
        "created": time(ban.created),
        "by": ban.moderator,
    })
}
