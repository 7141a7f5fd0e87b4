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
            let words = mail.language().1;
            let page = match token.action {
                Action::UnsubscribeHeld => words.unsubscribe_held,
                _ => words.unsubscribe_replies,
            };
            button_page(&mail, StatusCode::OK, page, "unsubscribe", &query.token, words.unsubscribe_button)
        }
        Err(error) => refused(&mail, error),
    }
}

async fn unsubscribe(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    let token = match checked(&mail, &query.token, &[Action::UnsubscribeReplies, Action::UnsubscribeHeld]) {
        Ok(token) => token,
        Err(error) => return refused(&mail, error),
    };
    let done = match token.action {
        Action::UnsubscribeHeld => mail.store.unsubscribe_held(&token.address, mail.clock.now_seconds()).await,
        _ => mail.store.unsubscribe_replies(&token.address).await,
    };
    match done {
        Ok(()) => page(&mail, StatusCode::OK, mail.language().1.unsubscribed),
        Err(error) => failed(&mail, &error.detail()),
    }
}

async fn show_confirm(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    match checked(&mail, &query.token, &[Action::Confirm]) {
        Ok(_) => {
            let words = mail.language().1;
            button_page(&mail, StatusCode::OK, words.confirm, "confirm", &query.token, words.confirm_button)
        }
        Err(error) => refused(&mail, error),
    }
}

async fn confirm(State(mail): State<Arc<Mail>>, ApiQuery(query): ApiQuery<TokenQuery>) -> Response {
    let token = match checked(&mail, &query.token, &[Action::Confirm]) {
        Ok(token) => token,
        Err(error) => return refused(&mail, error),
    };
    let words = mail.language().1;
    match mail.store.confirm_address(&token.address, mail.clock.now_seconds()).await {
        Ok(true) => page(&mail, StatusCode::OK, words.confirmed),
        Ok(false) => page(&mail, StatusCode::NOT_FOUND, words.unknown_address),
        Err(error) => failed(&mail, &error.detail()),
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
fn refused(mail: &Mail, error: TokenError) -> Response {
    let words = mail.language().1;
    match error {
        TokenError::Invalid => page(mail, StatusCode::BAD_REQUEST, words.link_invalid),
        TokenError::Expired => page(mail, StatusCode::GONE, words.link_expired),
    }
}

fn failed(mail: &Mail, error: &str) -> Response {
    eprintln!("error: mail link: {error}");
    page(mail, StatusCode::INTERNAL_SERVER_ERROR, mail.language().1.failed)
}

/// A page whose button posts to the same link.
fn button_page(
    mail: &Mail,
    status: StatusCode,
    words: (&str, &str),
    path: &str,
    token: &str,
    button: &str,
) -> Response {
    let form = format!(
        "<form method=\"post\" action=\"{path}?token={token}\">\
         <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
         <button type=\"submit\">{button}</button></form>",
        token = escape(token),
        button = escape(button),
    );
    html(mail, status, words, &form)
}

/// A page of a title and a text, in the messages' language.
fn page(mail: &Mail, status: StatusCode, words: (&str, &str)) -> Response {
    html(mail, status, words, "")
}

fn html(mail: &Mail, status: StatusCode, (title, text): (&str, &str), form: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p>{text}</p>{form}</main></body></html>",
        lang = mail.language().0.tag(),
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
