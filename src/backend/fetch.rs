//! The browser's `fetch`, as a [`Transport`].

use gloo_net::http::Request;

use super::{HttpResponse, LocalFuture, NoResponse, Transport};

/// Fetches with the page's credentials policy left at its default (same-origin cookies only),
/// so that a backend on another origin never receives the reader's cookies.
#[derive(Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn get(&self, url: &str) -> LocalFuture<Result<(String, HttpResponse), NoResponse>> {
        let url = absolute(url);
        Box::pin(async move {
            let failed = |detail: String| NoResponse { url: url.clone(), detail };
            let response = Request::get(&url)
                .header("Accept", "application/json")
                .send()
                .await
                .map_err(|e| failed(e.to_string()))?;
            let status = response.status();
            let body = response.text().await.map_err(|e| failed(e.to_string()))?;
            Ok((url.clone(), HttpResponse { status, body }))
        })
    }
}

/// `url` resolved against the page's base URL, as `fetch` will; unchanged if it cannot be.
fn absolute(url: &str) -> String {
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
    base.and_then(|base| web_sys::Url::new_with_base(url, &base).ok()).map_or_else(|| url.to_owned(), |u| u.href())
}
