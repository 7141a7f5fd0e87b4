//! The audit log, newest first, a page at a time.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{page_limit, time};
use crate::api::{ApiQuery, AppState};
use crate::error::ApiError;

const DEFAULT_LIMIT: u32 = 50;

#[derive(Deserialize)]
pub(super) struct AuditQuery {
    before: Option<String>,
    limit: Option<String>,
}

pub(super) async fn list(
    State(state): State<Arc<AppState>>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let limit = page_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::InvalidQuery("before must be the next of a previous page".into()))?,
        ),
    };
    let (entries, more) = state.store.audit(before, limit).await?;
    let next = entries.last().filter(|_| more).map(|entry| entry.id.to_string());
    let entries: Vec<Value> = entries
        .iter()
        .map(|entry| {
            json!({
                "id": entry.id.to_string(),
                "at": time(entry.at),
                "moderator": entry.moderator,
                "action": entry.action,
                "comment": entry.comment.map(|comment| comment.to_string()),
                "detail": entry.detail,
            })
        })
        .collect();
    Ok(Json(json!({ "entries": entries, "next": next })))
}
