//! The held-comment rules (`Settings` of the contract), read and set.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};

use super::SignedIn;
use crate::api::{ApiJson, AppState};
use crate::error::ApiError;
use crate::hold::HoldRules;

pub(super) async fn get(State(state): State<Arc<AppState>>) -> Result<Json<HoldRules>, ApiError> {
    Ok(Json(state.store.hold_rules().await?))
}

pub(super) async fn put(
    State(state): State<Arc<AppState>>,
    Extension(signed_in): Extension<SignedIn>,
    ApiJson(rules): ApiJson<HoldRules>,
) -> Result<Json<HoldRules>, ApiError> {
    let rules = rules.checked()?;
    state.store.set_hold_rules(&rules, signed_in.actor(&state)).await?;
    Ok(Json(rules))
}
