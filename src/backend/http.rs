//! An HTTP exchange as the adapters see it, and the [`Transport`] that carries it.

use std::future::Future;
use std::pin::Pin;

use article_widget_core::error::LoadError;

pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// The adapters' own, or a mapping's (`post.headers`); `String`s as the response's are.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn get(url: impl Into<String>) -> HttpRequest {
        HttpRequest { method: Method::Get, url: url.into(), headers: Vec::new(), body: None }
    }
}

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// The headers the browser lets the page read (CORS), names in lower case.
    pub headers: Vec<(String, String)>,
}

impl HttpResponse {
    /// A header's value; `name` in lower case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(header, _)| header == name).map(|(_, value)| value.as_str())
    }

    /// `Retry-After` in seconds, when the server sent one.
    pub fn retry_after(&self) -> Option<u64> {
        self.header("retry-after")?.trim().parse().ok()
    }
}

/// How bytes travel.
pub trait Transport {
    /// Resolves the request's URL against the page and sends it: `Ok((absolute URL,
    /// response))` for any HTTP answer; `Err` with a network or timeout problem otherwise.
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>>;
}
