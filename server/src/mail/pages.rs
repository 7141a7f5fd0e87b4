//! The pages the messages' links open: `GET` shows a button and changes nothing (mail
//! scanners and link previews follow links), `POST` does it. `POST /api/unsubscribe` is also
//! the one-click unsubscribe of RFC 8058, which mail clients send with the body
//! `List-Unsubscribe=One-Click`: it unsubscribes with no further step, whatever the body.
//! Outside the API's rate limits: mail providers post one-click unsubscribes for many of
//! their users from the same addresses.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{Action, Mail, Token, TokenError};
use crate::api::ApiQuery;

pub fn routes(mail: Arc<Mail>) -> Router {
    Router::new()
        .route("/api/unsubscribe", get(show_unsubscribe).post(unsubscribe))
        .route("/api/confirm", get(show_confirm).post(confirm))
        .with_state(mail)
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn show_unsubscribe(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    match checked(&mail, &query.token, &[Action::UnsubscribeReplies, Action::UnsubscribeHeld]) {
        Ok(token) => {
            let what = match token.action {
                Action::UnsubscribeHeld => "notices of comments held for moderation",
                _ => "e-mail about replies to your comments",
            };
            let text = format!("Stop {what} at this address?");
            button_page(StatusCode::OK, "Unsubscribe", &text, "unsubscribe", &query.token, "Unsubscribe")
        }
        Err(error) => refused(error),
    }
}

async fn unsubscribe(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    let token = match checked(&mail, &query.token, &[Action::UnsubscribeReplies, Action::UnsubscribeHeld]) {
        Ok(token) => token,
        Err(error) => return refused(error),
    };
    let (store, now) = (mail.store.clone(), mail.clock.now_seconds());
    let done = tokio::task::spawn_blocking(move || match token.action {
        Action::UnsubscribeHeld => store.unsubscribe_held(&token.address, now),
        _ => store.unsubscribe_replies(&token.address),
    })
    .await;
    match done {
        Ok(Ok(())) => page(StatusCode::OK, "Unsubscribed", "This address will get no more of these messages."),
        Ok(Err(error)) => failed(&error.to_string()),
        Err(error) => failed(&error.to_string()),
    }
}

async fn show_confirm(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    match checked(&mail, &query.token, &[Action::Confirm]) {
        Ok(_) => button_page(
            StatusCode::OK,
            "Confirm your address",
            "Get an e-mail when someone replies to your comments?",
            "confirm",
            &query.token,
            "Confirm",
        ),
        Err(error) => refused(error),
    }
}

async fn confirm(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    let token = match checked(&mail, &query.token, &[Action::Confirm]) {
        Ok(token) => token,
        Err(error) => return refused(error),
    };
    let (store, now) = (mail.store.clone(), mail.clock.now_seconds());
    match tokio::task::spawn_blocking(move || store.confirm_address(&token.address, now)).await {
        Ok(Ok(true)) => page(StatusCode::OK, "Confirmed", "You will get an e-mail when someone replies to your comments."),
        Ok(Ok(false)) => page(StatusCode::NOT_FOUND, "Unknown address", "This address asked for nothing here."),
        Ok(Err(error)) => failed(&error.to_string()),
        Err(error) => failed(&error.to_string()),
    }
}

/// The token, if this server signed it for one of `actions` and it is still good.
fn checked(mail: &Mail, token: &str, actions: &[Action]) -> Result<Token, TokenError> {
    match mail.keys().verify(token, mail.clock.now_seconds())? {
        token if actions.contains(&token.action) => Ok(token),
        _ => Err(TokenError::Invalid),
    }
}

/// The page that says why a link does nothing.
fn refused(error: TokenError) -> Response {
    match error {
        TokenError::Invalid => page(
            StatusCode::BAD_REQUEST,
            "Link not valid",
            "This link is not one of ours, or was cut: open it whole from the message.",
        ),
        TokenError::Expired => page(
            StatusCode::GONE,
            "Link expired",
            "This confirmation link has expired. Ask again for notifications with your next comment.",
        ),
    }
}

fn failed(error: &str) -> Response {
    eprintln!("error: mail link: {error}");
    page(StatusCode::INTERNAL_SERVER_ERROR, "Not done", "Something went wrong on our side; try again later.")
}

/// A page whose button posts to the same link.
fn button_page(status: StatusCode, title: &str, text: &str, path: &str, token: &str, button: &str) -> Response {
    let form = format!(
        "<form method=\"post\" action=\"{path}?token={token}\">\
         <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
         <button type=\"submit\">{button}</button></form>",
        token = escape(token),
    );
    html(status, title, text, &form)
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    html(status, title, text, "")
}

fn html(status: StatusCode, title: &str, text: &str, form: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p>{text}</p>{form}</main></body></html>",
        title = escape(title),
        text = escape(text),
    );
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; form-action 'self'"),
    ];
    (status, headers, body).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
