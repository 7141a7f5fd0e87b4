//! Comments as moderators see them: listed and searched, their status set, edited, deleted.
//! A change to a comment that is or was published forgets its article's fragments, as a
//! post does, so that the next fragment shows it.

use std::sync::Arc;

use article_widget_core::comment::{validate, CommentDraft};
use article_widget_core::moderation::AuditAction;
use article_widget_core::url::SafeUrl;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use super::{id, page_limit, time, SignedIn};
use crate::api::{ApiJson, ApiPath, ApiQuery, AppState};
use crate::error::ApiError;
use crate::hold::link_count;
use crate::store::{AdminComment, AdminCursor, Edit, Search, STATUSES};

const DEFAULT_LIMIT: u32 = 50;
const PUBLISHED: &str = "published";

#[derive(Deserialize)]
pub(super) struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    author: Option<String>,
    article: Option<String>,
    limit: Option<String>,
    before: Option<String>,
}

pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let status = match query.status.as_deref().unwrap_or("pending") {
        "all" => None,
        status if STATUSES.contains(&status) => Some(status.to_owned()),
        _ => return Err(ApiError::InvalidQuery(format!("status must be all or one of {}", STATUSES.join(", ")))),
    };
    let given = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
    let search = Search { status, text: given(query.q), author: given(query.author), article: given(query.article) };
    let limit = page_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => Some(
            AdminCursor::decode(text)
                .ok_or_else(|| ApiError::InvalidQuery("before must be the next of a previous page".into()))?,
        ),
    };
    let page = state.store.admin_comments(&search, limit, before).await?;
    let counts: serde_json::Map<String, Value> =
        STATUSES.iter().zip(page.counts).map(|(status, count)| ((*status).to_owned(), json!(count))).collect();
    Ok(Json(json!({
        "counts": counts,
        "comments": page.comments.iter().map(comment_json).collect::<Vec<_>>(),
        "next": page.next.map(|cursor| cursor.encode()),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewStatus {
    status: String,
}

pub(super) async fn set_status(
    State(state): State<Arc<AppState>>,
    Extension(signed_in): Extension<SignedIn>,
    ApiPath(comment): ApiPath<String>,
    ApiJson(NewStatus { status }): ApiJson<NewStatus>,
) -> Result<Json<Value>, ApiError> {
    let comment = id(&comment)?;
    let action = match status.as_str() {
        PUBLISHED => AuditAction::Approve,
        "rejected" => AuditAction::Reject,
        "spam" => AuditAction::Spam,
        _ => {
            return Err(ApiError::InvalidField {
                field: "status",
                message: "must be published, rejected or spam".into(),
            })
        }
    };
    let changed = state.store.set_status(comment, &status, action, signed_in.actor(&state)).await?;
    let (before, after) = changed.ok_or(ApiError::NotFound)?;
    if before == PUBLISHED || after.status == PUBLISHED {
        state.fragments.forget_article(&after.article);
    }
    // A reply held for moderation tells its parent's author once it is approved.
    if let (Some(mail), true) = (&state.mail, before != PUBLISHED && after.status == PUBLISHED) {
        mail.notify_reply(comment).await?;
    }
    Ok(Json(comment_json(&after)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CommentEdit {
    author: Option<String>,
    /// `Some(None)`: `null`, which removes the website; `None`: absent, which keeps it.
    #[serde(default, deserialize_with = "present")]
    website: Option<Option<String>>,
    body: Option<String>,
}

/// A member that is present, `null` or not.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

pub(super) async fn edit(
    State(state): State<Arc<AppState>>,
    Extension(signed_in): Extension<SignedIn>,
    ApiPath(comment): ApiPath<String>,
    ApiJson(edit): ApiJson<CommentEdit>,
) -> Result<Json<Value>, ApiError> {
    let comment = id(&comment)?;
    let current = state.store.admin_comment(comment).await?.ok_or(ApiError::NotFound)?;
    if current.status == "deleted" {
        return Err(ApiError::CommentDeleted);
    }
    // The comment as it would be, validated as a post is (the e-mail is not the moderators'
    // to change).
    let website = match &edit.website {
        Some(website) => website.clone().unwrap_or_default(),
        None => current.website.clone().unwrap_or_default(),
    };
    let draft = CommentDraft {
        name: edit.author.clone().unwrap_or_else(|| current.author.clone()),
        email: current.email.clone(),
        website,
        body: edit.body.clone().unwrap_or_else(|| current.body.clone()),
    };
    let valid = validate(&draft).map_err(|errors| match errors.first() {
        Some(first) => ApiError::from(*first),
        None => ApiError::Internal("validation failed without a reason".into()),
    })?;
    let change = Edit {
        author: edit.author.is_some().then_some(valid.name.as_str()),
        website: edit.website.is_some().then_some(valid.website.as_ref().map(SafeUrl::as_str)),
        body: edit.body.is_some().then_some(valid.body.as_str()),
    };
    let edited =
        state.store.moderate_edit(comment, change, signed_in.actor(&state)).await?.ok_or(ApiError::NotFound)?;
    if edited.status == PUBLISHED {
        state.fragments.forget_article(&edited.article);
    }
    Ok(Json(comment_json(&edited)))
}

pub(super) async fn delete(
    State(state): State<Arc<AppState>>,
    Extension(signed_in): Extension<SignedIn>,
    ApiPath(comment): ApiPath<String>,
) -> Result<Response, ApiError> {
    let comment = id(&comment)?;
    let deleted = state.store.moderate_delete(comment, signed_in.actor(&state)).await?.ok_or(ApiError::NotFound)?;
    if deleted.status == PUBLISHED {
        state.fragments.forget_article(&deleted.article);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `AdminComment` of the contract.
pub(super) fn comment_json(comment: &AdminComment) -> Value {
    json!({
        "id": comment.id.to_string(),
        "article": comment.article,
        "parent": comment.parent.map(|parent| parent.to_string()),
        "author": comment.author,
        "email": comment.email,
        "website": comment.website,
        "body": comment.body,
        "created": time(comment.created),
        "edited": comment.edited.map(time),
        "status": comment.status,
        "client_prefix": comment.client_prefix,
        "replies": comment.replies,
        "links": link_count(&comment.body),
    })
}
