//! The widget's [`Transport`] on the server, for rendering fragments: this server's own API
//! answered in-process ([`InProcess`]), and an upstream over HTTP(S) with a time and a size
//! limit ([`Fetch`]). Each sends only to the one API it was made for.

use std::time::Duration;

use article_widget::backend::{HttpRequest, HttpResponse, LocalFuture, Method, Transport};
use article_widget_core::error::{LoadError, Problem};
use axum::body::Body;
use axum::Router;
use tokio::runtime::Handle;
use tower::ServiceExt;

/// How long and how large an upstream's answer may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub time: Duration,
    pub bytes: usize,
}

fn network(url: String, detail: impl Into<String>) -> LoadError {
    LoadError { url, problem: Problem::Network { detail: detail.into() } }
}

/// The path of `url` on an API whose root is `root`, if `url` is on it.
fn below<'a>(url: &'a str, root: &str) -> Option<&'a str> {
    let rest = url.strip_prefix(root)?;
    (rest.is_empty() || rest.starts_with(['/', '?'])).then_some(rest)
}

/// This server's API, asked through its own router: the answers are those a browser gets
/// from `/api` (without the rate limit, which counts readers, not the server itself).
pub struct InProcess {
    /// The API's routes, at the root (what `/api` nests).
    pub api: Router,
    /// The API's root as browsers are told it (`/api`, `https://comments.example/api`): the
    /// widget's adapter builds its URLs on it.
    pub public_root: String,
    /// The server's runtime, where the API answers as it answers browsers.
    pub runtime: Handle,
}

impl Transport for InProcess {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let api = self.api.clone();
        let path = below(&request.url, &self.public_root).map(|rest| if rest.is_empty() { "/".to_owned() } else { rest.to_owned() });
        let runtime = self.runtime.clone();
        Box::pin(async move {
            let url = request.url;
            let path = path.ok_or_else(|| network(url.clone(), "not on this server's API"))?;
            if request.method != Method::Get {
                return Err(network(url, "a fragment only reads"));
            }
            let asked = axum::http::Request::get(path).body(Body::empty()).map_err(|error| network(url.clone(), error.to_string()))?;
            let answered = runtime.spawn(async move {
                let Ok(response) = api.oneshot(asked).await;
                let status = response.status().as_u16();
                let headers: Vec<(String, String)> = response
                    .headers()
                    .iter()
                    .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
                    .collect();
                let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|error| error.to_string())?;
                let body = String::from_utf8(body.to_vec()).map_err(|_| "an answer not in UTF-8".to_owned())?;
                Ok::<_, String>(HttpResponse { status, body, headers })
            });
            match answered.await {
                Ok(Ok(response)) => Ok((url, response)),
                Ok(Err(detail)) => Err(network(url, detail)),
                Err(error) => Err(network(url, error.to_string())),
            }
        })
    }
}

/// An upstream over HTTP or HTTPS, only at its own origin, within [`Limits`]. Each request
/// waits on one of the server runtime's blocking threads, so that the widget's requests made
/// together travel together.
pub struct Fetch {
    /// `scheme://host[:port]`: a URL elsewhere is refused, never fetched.
    pub origin: String,
    pub agent: ureq::Agent,
    pub limits: Limits,
    /// The server's runtime, on whose blocking threads requests wait for their answers.
    pub runtime: Handle,
}

impl Fetch {
    pub fn new(origin: String, limits: Limits, runtime: Handle) -> Fetch {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(limits.time))
            // A redirect elsewhere would be a request the configuration did not name.
            .max_redirects(0)
            .build()
            .into();
        Fetch { origin, agent, limits, runtime }
    }
}

impl Transport for Fetch {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let on_origin = below(&request.url, &self.origin).is_some();
        let (agent, limits, runtime) = (self.agent.clone(), self.limits, self.runtime.clone());
        Box::pin(async move {
            let url = request.url;
            if !on_origin {
                return Err(network(url, "not on the upstream's origin"));
            }
            if request.method != Method::Get {
                return Err(network(url, "a fragment only reads"));
            }
            let fetched = url.clone();
            let answer = runtime.spawn_blocking(move || fetch(&agent, &fetched, limits)).await;
            match answer {
                Ok(Ok(response)) => Ok((url, response)),
                Ok(Err(problem)) => Err(LoadError { url, problem }),
                Err(error) => Err(network(url, error.to_string())),
            }
        })
    }
}

fn fetch(agent: &ureq::Agent, url: &str, limits: Limits) -> Result<HttpResponse, Problem> {
    let timeout = |error: &ureq::Error| matches!(error, ureq::Error::Timeout(_));
    let problem = |error: ureq::Error| match error {
        error if timeout(&error) => Problem::Timeout { seconds: limits.time.as_secs().max(1) as u32 },
        ureq::Error::BodyExceedsLimit(_) => Problem::Network { detail: format!("an answer over {} bytes", limits.bytes) },
        error => Problem::Network { detail: error.to_string() },
    };
    let mut response = agent.get(url).header("accept", "application/json").call().map_err(problem)?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let body = response.body_mut().with_config().limit(limits.bytes as u64).read_to_string().map_err(problem)?;
    Ok(HttpResponse { status, body, headers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_below_a_root_only_at_a_segment_boundary() {
        assert_eq!(below("/api/articles/a", "/api"), Some("/articles/a"));
        assert_eq!(below("https://a.example/x?y", "https://a.example"), Some("/x?y"));
        assert_eq!(below("https://a.example", "https://a.example"), Some(""));
        assert_eq!(below("https://a.example.evil/x", "https://a.example"), None);
        assert_eq!(below("https://a.example@evil/x", "https://a.example"), None);
        assert_eq!(below("/apix/articles", "/api"), None);
    }
}
