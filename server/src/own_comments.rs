//! A commenter's own comment, changed with the secret its post answered
//! ([`crate::author_secret`]) within `--edit-window-minutes`: `PATCH` edits its text,
//! `DELETE` leaves a placeholder of it (shown while it has replies).

use std::sync::Arc;

use article_widget_core::comment::{validate_body, Field, FieldError};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::api::{comment_json, ApiJson, ApiPath, AppState};
use crate::author_secret;
use crate::error::ApiError;
use crate::store::{Authorship, Edit};

/// The secret of a `DELETE`, which has no body.
pub const COMMENT_SECRET: HeaderName = HeaderName::from_static("x-comment-secret");

#[derive(Deserialize)]
pub(crate) struct CommentEdit {
    secret: String,
    body: String,
}

/// `PATCH /api/articles/{article}/comments/{id}`: the comment with its new text.
pub(crate) async fn edit(
    State(state): State<Arc<AppState>>,
    ApiPath((article, id)): ApiPath<(String, String)>,
    ApiJson(CommentEdit { secret, body }): ApiJson<CommentEdit>,
) -> Result<Response, ApiError> {
    state.content.has_article(&article).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    // Checked by the rules of a post's text, the widget's.
    let body = validate_body(&body).map_err(|problem| ApiError::from(FieldError { field: Field::Body, problem }))?;
    let (now, window) = (state.clock.now_seconds(), state.edit_window_seconds);
    let allowed = |authorship| judge(authorship, Some(&secret), Change::Edit, now, window);
    let edit = Edit { body: Some(&body), ..Edit::default() };
    let edited = state.store.edit_own(&article, id, edit, now, &allowed).await?.ok_or(ApiError::NotFound)?;
    state.fragments.forget_article(&article);
    Ok(Json(comment_json(&edited)).into_response())
}

/// `DELETE /api/articles/{article}/comments/{id}`, the secret in `X-Comment-Secret`.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    ApiPath((article, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    state.content.has_article(&article).await?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let secret = headers.get(COMMENT_SECRET).and_then(|value| value.to_str().ok());
    let authorship = state.store.authorship(&article, id).await?;
    judge(authorship, secret, Change::Delete, state.clock.now_seconds(), state.edit_window_seconds)?;
    if !state.store.delete_comment(id).await? {
        return Err(ApiError::NotFound);
    }
    state.fragments.forget_article(&article);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Edit,
    Delete,
}

/// Whether its author may make this change now: a comment of the article, not deleted
/// (404), its secret given (403), within the window (409 `edit_window_closed`), and for an
/// edit, not answered yet (409 `has_replies`: its replies answer what it said).
fn judge(
    authorship: Option<Authorship>,
    secret: Option<&str>,
    change: Change,
    now: i64,
    window: i64,
) -> Result<(), ApiError> {
    let Some(Authorship { deleted: false, secret_hash, created, answered }) = authorship else {
        return Err(ApiError::NotFound);
    };
    match (secret, secret_hash) {
        (Some(secret), Some(hash)) if author_secret::matches(secret, &hash) => {}
        _ => return Err(ApiError::SecretMismatch),
    }
    if now >= created + window {
        return Err(ApiError::EditWindowClosed);
    }
    if change == Change::Edit && answered {
        return Err(ApiError::HasReplies);
    }
    Ok(())
}
