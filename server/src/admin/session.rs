//! Signing in and out. The session's token is 32 random bytes in an `HttpOnly`,
//! `SameSite=Strict` cookie, of which the database keeps only the SHA-256; its CSRF token,
//! 32 more, is given in the answer's JSON and sent back in `X-CSRF-Token`, compared in
//! constant time.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{password, SignedIn};
use crate::api::{blocking, ApiJson, AppState};
use crate::client::Clients;
use crate::error::{ApiError, Limit};
use crate::store::Actor;

pub const COOKIE: &str = "aw_moderator";
const CSRF_HEADER: &str = "x-csrf-token";
/// Longer names are no moderator's (`moderator add` refuses them).
pub const MAX_NAME_CHARS: usize = 64;
const COOKIE_ATTRIBUTES: &str = "HttpOnly; SameSite=Strict; Path=/api/admin";

#[derive(Deserialize)]
pub(super) struct SignIn {
    name: String,
    password: String,
}

pub(super) async fn sign_in(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(SignIn { name, password }): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let prefix = state.clients.key(peer.ip(), &headers);
    let name: String = name.chars().take(MAX_NAME_CHARS + 1).collect();
    let limit = &state.moderation.sign_ins;
    if let Err(retry_after_seconds) = limit.check(prefix, &name, state.clock.now_millis()) {
        return Err(ApiError::RateLimited { retry_after_seconds, limit: Limit::SignIn });
    }
    let credentials = state.store.credentials(&name).await?;
    let stored = credentials.as_ref().map(|found| found.password_hash.clone());
    // Argon2 takes tens of milliseconds of CPU: off the async workers.
    let verified = blocking(move || {
        Ok(match stored {
            Some(stored) => password::verify(&password, &stored),
            // As long as a wrong password takes.
            None => {
                password::verify_nobody(&password);
                false
            }
        })
    })
    .await?;
    let Some(credentials) = credentials.filter(|_| verified) else {
        limit.fail(prefix, &name, state.clock.now_millis());
        return Err(ApiError::BadCredentials);
    };
    let (token, csrf) = (random_token()?, random_token()?);
    let actor = Actor { name: &name, now: state.clock.now_seconds() };
    state.store.open_session(credentials.id, &hash(&token), &csrf, actor).await?;
    let cookie = format!("{COOKIE}={token}; {COOKIE_ATTRIBUTES}{}", secure(&state, peer.ip(), &headers));
    Ok(with_cookie(cookie, Json(json!({ "name": name, "csrf": csrf })).into_response()))
}

pub(super) async fn current(Extension(signed_in): Extension<SignedIn>) -> Json<serde_json::Value> {
    Json(json!({ "name": signed_in.name, "csrf": signed_in.csrf }))
}

pub(super) async fn sign_out(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(signed_in): Extension<SignedIn>,
) -> Result<Response, ApiError> {
    let actor = Actor { name: &signed_in.name, now: state.clock.now_seconds() };
    state.store.close_session(&signed_in.token_hash, actor).await?;
    let cookie = format!("{COOKIE}=; Max-Age=0; {COOKIE_ATTRIBUTES}{}", secure(&state, peer.ip(), &headers));
    Ok(with_cookie(cookie, StatusCode::NO_CONTENT.into_response()))
}

/// The SHA-256 (hex) of the session cookie's token, if the request has one.
pub(super) fn token_hash(headers: &HeaderMap) -> Option<String> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|cookie| cookie.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
    (!token.is_empty()).then(|| hash(token))
}

/// Whether the request's `X-CSRF-Token` is `csrf`, compared in constant time.
pub(super) fn csrf_matches(headers: &HeaderMap, csrf: &str) -> bool {
    headers.get(CSRF_HEADER).is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(csrf.as_bytes())))
}

/// `; Secure` when the cookie should only travel over HTTPS: always with
/// `--secure-cookies`, else when a trusted proxy says the request came over HTTPS.
fn secure(state: &AppState, peer: IpAddr, headers: &HeaderMap) -> &'static str {
    if state.moderation.secure_cookies || forwarded_https(&state.clients, peer, headers) {
        "; Secure"
    } else {
        ""
    }
}

/// Whether the peer is a trusted proxy whose `X-Forwarded-Proto` (its last entry: the one it
/// wrote) is `https`. From anyone else, the header is the client's own word.
fn forwarded_https(clients: &Clients, peer: IpAddr, headers: &HeaderMap) -> bool {
    let trusted = clients.trusted_proxies.iter().any(|proxy| proxy.contains(peer));
    let last = headers
        .get_all("x-forwarded-proto")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next());
    trusted && last.is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

fn with_cookie(cookie: String, mut response: Response) -> Response {
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().insert(header::SET_COOKIE, value);
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => ApiError::Internal(format!("cookie: {error}")).into_response(),
    }
}

/// 32 random bytes, base64url without padding.
fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| ApiError::Internal(format!("random token: {error}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn hash(token: &str) -> String {
    crate::hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::parse_proxy;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let token = token_hash(&headers(&[("cookie", "a=1; aw_moderator=abc; b=2")]));
        assert_eq!(token, Some(hash("abc")));
        assert_eq!(token_hash(&headers(&[("cookie", "aw_moderator_x=abc")])), None);
        assert_eq!(token_hash(&headers(&[("cookie", "aw_moderator=")])), None);
        assert_eq!(token_hash(&headers(&[("cookie", "a=1"), ("cookie", "aw_moderator=abc")])), Some(hash("abc")));
    }

    #[test]
    fn https_is_believed_from_trusted_proxies_only() {
        let clients =
            Clients { trusted_proxies: vec![parse_proxy("10.0.0.1").unwrap()], ipv4_prefix: 32, ipv6_prefix: 64 };
        let (proxy, other): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "192.0.2.1".parse().unwrap());
        assert!(forwarded_https(&clients, proxy, &headers(&[("x-forwarded-proto", "https")])));
        assert!(forwarded_https(&clients, proxy, &headers(&[("x-forwarded-proto", "http, HTTPS")])));
        assert!(!forwarded_https(&clients, proxy, &headers(&[("x-forwarded-proto", "https, http")])));
        assert!(!forwarded_https(&clients, proxy, &headers(&[])));
        assert!(!forwarded_https(&clients, other, &headers(&[("x-forwarded-proto", "https")])));
    }

    #[test]
    fn tokens_are_32_random_bytes() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, b);
    }
}
