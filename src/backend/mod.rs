//! The one seam between the widget and the network.
//!
//! A [`Backend`] answers in the core's model; an adapter knows one API's URLs and JSON
//! ([`NativeBackend`] the widget's own, [`MappedBackend`] any other through a mapping) and
//! leaves the bytes to a [`Transport`]: `fetch` in the browser ([`fetch::FetchTransport`]),
//! a fake in tests. Every failure is typed, names the URL, and is also written to the
//! console for the integrator.

#[cfg(target_arch = "wasm32")]
pub mod fetch;
mod head_start;
#[cfg(feature = "mappings")]
mod mapped;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{Comment, CommentPage, ValidComment};
use article_widget_core::error::{CaptchaRefusal, LoadError, PostError, Problem};
use article_widget_core::native::{self, ApiError};
use article_widget_core::url::expand_template;

use crate::config::{Api, Config, NativeEndpoints};
pub use head_start::head_start;
#[cfg(feature = "mappings")]
pub use mapped::MappedBackend;

pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    #[default]
    Oldest,
    Newest,
}

impl Order {
    pub fn code(self) -> &'static str {
        match self {
            Order::Oldest => "oldest",
            Order::Newest => "newest",
        }
    }
}

/// A comment ready to go: checked, with its captcha answer and the key that makes a retry
/// of the same post safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComment {
    pub comment: ValidComment,
    pub parent: Option<String>,
    pub challenge: Challenge,
    pub answer: String,
    pub idempotency_key: String,
}

/// Where the widget's content comes from, in the core's model.
pub trait Backend {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>>;
    /// Whether the other endpoints need values from the article's answer (a mapping's
    /// `provides`), so that they are asked for only once the article is in.
    fn needs_article_first(&self) -> bool;
    /// `None` when this backend has no related stories to show.
    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>>;
    /// Whether this backend has comments at all.
    fn has_comments(&self) -> bool;
    /// Whether readers can post comments here (a mapping may give read-only comments).
    fn accepts_comments(&self) -> bool;
    /// One page of comments; `cursor` is the previous page's `next`.
    fn comments(&self, order: Order, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>>;
    /// A server's signed challenge, or `None` when the backend issues none (the widget then
    /// makes its own and checks the answer itself).
    fn challenge(&self) -> Option<LocalFuture<Result<Challenge, LoadError>>>;
    fn post_comment(&self, comment: NewComment) -> LocalFuture<Result<Comment, PostError>>;
}

/// The backend a configuration names, sending through `transport`.
pub fn connect(config: &Config, transport: Rc<dyn Transport>) -> Rc<dyn Backend> {
    match &config.api {
        Api::Native(endpoints) => Rc::new(NativeBackend::new(&config.article, endpoints, transport)),
        #[cfg(feature = "mappings")]
        Api::Mapped { mapping, base } => Rc::new(MappedBackend::new(mapping.clone(), base, &config.article, transport)),
        #[cfg(not(feature = "mappings"))]
        Api::Mapped { mapping, .. } => match **mapping {},
    }
}

/// The widget's own API (`docs/openapi.yaml`) at configured URLs.
pub struct NativeBackend {
    transport: Rc<dyn Transport>,
    article_url: String,
    related_url: Option<String>,
    comments_url: Option<String>,
    captcha_url: Option<String>,
}

/// Top-level comments per page.
const PAGE_SIZE: u32 = 20;

impl NativeBackend {
    pub fn new(article: &str, endpoints: &NativeEndpoints, transport: Rc<dyn Transport>) -> NativeBackend {
        let expand = |template: &str| expand_template(template, &[("id", article)]);
        NativeBackend {
            transport,
            article_url: expand(&endpoints.article_url),
            related_url: endpoints.related_url.as_deref().map(expand),
            comments_url: endpoints.comments_url.as_deref().map(expand),
            captcha_url: endpoints.captcha_url.clone(),
        }
    }
}

impl Backend for NativeBackend {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>> {
        load(self.transport.clone(), HttpRequest::get(&self.article_url), Box::new(|r| native::decode_article(&r.body)))
    }

    fn needs_article_first(&self) -> bool {
        false
    }

    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>> {
        let request = HttpRequest::get(self.related_url.as_deref()?);
        Some(load(self.transport.clone(), request, Box::new(|r| native::decode_related(&r.body))))
    }

    fn has_comments(&self) -> bool {
        self.comments_url.is_some()
    }

    fn accepts_comments(&self) -> bool {
        self.has_comments()
    }

    fn comments(&self, order: Order, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>> {
        let base = self.comments_url.clone().unwrap_or_default();
        let mut query = vec![("order", order.code().to_owned()), ("limit", PAGE_SIZE.to_string())];
        query.extend(cursor.map(|cursor| ("cursor", cursor)));
        let request = HttpRequest::get(with_query(&base, &query));
        load(self.transport.clone(), request, Box::new(|r| native::decode_comment_page(&r.body)))
    }

    fn challenge(&self) -> Option<LocalFuture<Result<Challenge, LoadError>>> {
        let request = HttpRequest::get(self.captcha_url.as_deref()?);
        Some(load(self.transport.clone(), request, Box::new(|r| native::decode_challenge(&r.body))))
    }

    fn post_comment(&self, new: NewComment) -> LocalFuture<Result<Comment, PostError>> {
        let request = HttpRequest {
            method: Method::Post,
            url: self.comments_url.clone().unwrap_or_default(),
            headers: vec![
                ("Content-Type", "application/json".to_owned()),
                ("Idempotency-Key", new.idempotency_key.clone()),
            ],
            body: Some(native::encode_new_comment(&new.comment, new.parent.as_deref(), &new.challenge, &new.answer)),
        };
        post(self.transport.clone(), request, Box::new(native::decode_comment), Box::new(native::decode_error))
    }
}

/// How an answer becomes the model, whichever the API. Decoders are boxed so that the sending
/// code around them exists once per model type, not once per API and endpoint: the
/// publisher's readers download every copy.
type Decoder<In, Out> = Box<dyn FnOnce(&In) -> Out>;

/// Sends a new comment and reads the answer with an API's decoders; a failure is also
/// reported.
fn post(
    transport: Rc<dyn Transport>,
    request: HttpRequest,
    decode_comment: Decoder<str, Result<Comment, Problem>>,
    decode_error: Decoder<str, Option<ApiError>>,
) -> LocalFuture<Result<Comment, PostError>> {
    Box::pin(async move {
        let result = match transport.send(request).await {
            Err(error) => Err(PostError::Failed(error)),
            Ok((url, response)) if (200..300).contains(&response.status) => {
                decode_comment(&response.body).map_err(|problem| PostError::Failed(LoadError { url, problem }))
            }
            Ok((url, response)) => Err(refusal(url, &response, decode_error(&response.body))),
        };
        if let Err(error) = &result {
            if !matches!(error, PostError::Failed(LoadError { problem: Problem::Aborted, .. })) {
                report(&error.to_string());
            }
        }
        result
    })
}

/// What a refused post means. The codes are those of the widget's own API and of
/// WordPress; any other API's refusal with a code is shown in its own words.
fn refusal(url: String, response: &HttpResponse, error: Option<ApiError>) -> PostError {
    let (code, message) = error.map(|e| (e.code, e.message)).unzip();
    let rate_limited = PostError::RateLimited { retry_after_seconds: response.retry_after() };
    match (response.status, code) {
        (422, Some(code)) if code == "captcha_wrong" => PostError::Captcha(CaptchaRefusal::Wrong),
        (422, Some(code)) if code == "too_fast" => PostError::Captcha(CaptchaRefusal::TooFast),
        (422, Some(code)) if code.starts_with("captcha_") => PostError::Captcha(CaptchaRefusal::Stale),
        (429, _) => rate_limited,
        // WordPress answers a flood with 400.
        (_, Some(code)) if code == "comment_flood" => rate_limited,
        (status @ 400..=499, Some(code)) => PostError::Refused { status, code, message: message.unwrap_or_default() },
        (status, _) => PostError::Failed(LoadError { url, problem: Problem::Status { status } }),
    }
}

/// `url` with `query` appended, percent-encoded.
fn with_query(url: &str, query: &[(&str, String)]) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    let pairs: Vec<String> = query.iter().map(|(name, value)| format!("{name}={}", encode_query_value(value))).collect();
    format!("{url}{separator}{}", pairs.join("&"))
}

fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends a GET and decodes a 2xx answer; anything else is a [`LoadError`], also reported.
fn load<T: 'static>(
    transport: Rc<dyn Transport>,
    request: HttpRequest,
    decode: Decoder<HttpResponse, Result<T, Problem>>,
) -> LocalFuture<Result<T, LoadError>> {
    Box::pin(async move {
        let result = match transport.send(request).await {
            Err(error) => Err(error),
            Ok((url, response)) if !(200..300).contains(&response.status) => {
                Err(LoadError { url, problem: Problem::Status { status: response.status } })
            }
            Ok((url, response)) => decode(&response).map_err(|problem| LoadError { url, problem }),
        };
        match &result {
            Err(error) if error.problem != Problem::Aborted => report(&error.to_string()),
            _ => {}
        }
        result
    })
}

/// The integrator's view of a failure: English, with every detail, in the console.
fn report(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&format!("article widget: {message}").into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use article_widget_core::captcha::Signature;
    use article_widget_core::comment::CommentStatus;
    use article_widget_core::error::{Expected, Found, ShapeError};
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// Answers from a table keyed by URL; an unknown one gets no response. Records every
    /// request. Relative URLs are on `https://news.example`.
    #[derive(Default)]
    pub(super) struct TableTransport {
        answers: HashMap<String, HttpResponse>,
        pub(super) sent: RefCell<Vec<HttpRequest>>,
    }

    impl TableTransport {
        pub(super) fn new(answers: &[(&str, HttpResponse)]) -> Rc<TableTransport> {
            let answers = answers.iter().map(|(url, r)| (url.to_string(), r.clone())).collect();
            Rc::new(TableTransport { answers, ..Default::default() })
        }
    }

    impl Transport for TableTransport {
        fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
            let origin = if request.url.starts_with("https:") { "" } else { "https://news.example" };
            let absolute = format!("{origin}{}", request.url);
            let answer = match self.answers.get(&request.url) {
                Some(response) => Ok((absolute, response.clone())),
                None => Err(LoadError { url: absolute, problem: Problem::Network { detail: "TypeError: Failed to fetch".into() } }),
            };
            self.sent.borrow_mut().push(request);
            Box::pin(async move { answer })
        }
    }

    pub(super) fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, body: body.into(), headers: Vec::new() }
    }

    pub(super) fn with_headers(response: HttpResponse, headers: &[(&str, &str)]) -> HttpResponse {
        let headers = headers.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        HttpResponse { headers, ..response }
    }

    pub(super) fn backend(answers: &[(&str, HttpResponse)]) -> (NativeBackend, Rc<TableTransport>) {
        let transport = TableTransport::new(answers);
        let endpoints = NativeEndpoints {
            article_url: "/api/{id}".into(),
            related_url: Some("/api/{id}/related".into()),
            comments_url: Some("/api/{id}/comments".into()),
            captcha_url: Some("/api/captcha".into()),
        };
        (NativeBackend::new("a b", &endpoints, transport.clone()), transport)
    }

    const MINIMAL: &str = r#"{"id":"a b","headline":"H","published":"2024-01-01T00:00:00Z","body":[]}"#;
    pub(super) const ARTICLE: &str = "/api/a%20b";
    const COMMENTS: &str = "/api/a%20b/comments";

    #[tokio::test]
    async fn each_load_failure_names_the_absolute_url_and_the_problem() {
        let url = "https://news.example/api/a%20b";
        let cases = [
            (None, Problem::Network { detail: "TypeError: Failed to fetch".into() }),
            (Some(response(404, MINIMAL)), Problem::Status { status: 404 }),
            (Some(response(200, "{\"id\": ")), Problem::Syntax { line: 1, column: 7, detail: "EOF while parsing a value".into() }),
            (
                Some(response(200, r#"{"id":"x","published":"2024-01-01T00:00:00Z","body":[]}"#)),
                Problem::Shape(ShapeError { path: "/headline".into(), expected: Expected::NonBlankText, found: Found::Missing }),
            ),
        ];
        for (answer, problem) in cases {
            let answers: Vec<_> = answer.into_iter().map(|r| (ARTICLE, r)).collect();
            let (backend, _) = backend(&answers);
            assert_eq!(backend.article().await, Err(LoadError { url: url.into(), problem }));
        }
    }

    #[tokio::test]
    async fn urls_follow_the_templates_and_pages_carry_order_and_cursor() {
        let page = r#"{"total":1,"comments":[{"id":"1","parent":null,"author":"A","body":"x","created":"2024-10-11T15:00:00Z","status":"published"}],"next":"c/2"}"#;
        let (backend, transport) = backend(&[
            (ARTICLE, response(200, MINIMAL)),
            ("/api/a%20b/related", response(200, r#"{"items":[]}"#)),
            ("/api/a%20b/comments?order=newest&limit=20&cursor=c%2F2", response(200, page)),
        ]);
        assert_eq!(backend.article().await.unwrap().headline, "H");
        assert_eq!(backend.related().unwrap().await, Ok(vec![]));
        let page = backend.comments(Order::Newest, Some("c/2".into())).await.unwrap();
        assert_eq!((page.total, page.comments.len(), page.next.as_deref()), (1, 1, Some("c/2")));
        let urls: Vec<String> = transport.sent.borrow().iter().map(|r| r.url.clone()).collect();
        assert_eq!(urls, [ARTICLE, "/api/a%20b/related", "/api/a%20b/comments?order=newest&limit=20&cursor=c%2F2"]);
    }

    pub(super) fn new_comment() -> NewComment {
        let comment = article_widget_core::comment::validate(&article_widget_core::comment::CommentDraft {
            name: "Marie".into(),
            email: "marie@example.fr".into(),
            website: String::new(),
            body: "Bonjour".into(),
        })
        .unwrap();
        NewComment {
            comment,
            parent: Some("7".into()),
            challenge: Challenge { seed: 42, signed: Some(Signature { expires: "2024-10-11T15:10:00Z".into(), signature: "ab".into() }) },
            answer: "huit".into(),
            idempotency_key: "k".repeat(22),
        }
    }

    #[tokio::test]
    async fn a_post_sends_json_with_its_idempotency_key_and_reads_the_comment_back() {
        let stored = r#"{"id":"9","parent":"7","author":"Marie","website":null,"body":"Bonjour","created":"2024-10-11T15:00:00Z","status":"pending"}"#;
        let (backend, transport) = backend(&[(COMMENTS, response(201, stored))]);
        let comment = backend.post_comment(new_comment()).await.unwrap();
        assert_eq!((comment.id.as_str(), comment.status), ("9", CommentStatus::Pending));
        let sent = transport.sent.borrow()[0].clone();
        assert_eq!(sent.method, Method::Post);
        assert!(sent.headers.contains(&("Idempotency-Key", "k".repeat(22))));
        let body: serde_json::Value = serde_json::from_str(&sent.body.unwrap()).unwrap();
        assert_eq!(body["parent"], "7");
        assert_eq!(body["captcha"]["seed"], "42");
        assert_eq!(body["captcha"]["answer"], "huit");
        assert_eq!(body["email"], "marie@example.fr");
    }

    #[tokio::test]
    async fn each_refusal_becomes_a_typed_post_error() {
        let error = |code: &str| format!(r#"{{"error":{{"code":"{code}","message":"Said the server.","field":"captcha"}}}}"#);
        let url = || "https://news.example/api/a%20b/comments".to_owned();
        let cases = [
            (response(422, &error("captcha_wrong")), PostError::Captcha(CaptchaRefusal::Wrong)),
            (response(422, &error("captcha_expired")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("captcha_used")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("too_fast")), PostError::Captcha(CaptchaRefusal::TooFast)),
            (with_headers(response(429, &error("rate_limited")), &[("retry-after", "42")]), PostError::RateLimited { retry_after_seconds: Some(42) }),
            (
                response(409, &error("idempotency_conflict")),
                PostError::Refused { status: 409, code: "idempotency_conflict".into(), message: "Said the server.".into() },
            ),
            (response(404, "Not Found"), PostError::Failed(LoadError { url: url(), problem: Problem::Status { status: 404 } })),
            (response(503, &error("unavailable")), PostError::Failed(LoadError { url: url(), problem: Problem::Status { status: 503 } })),
        ];
        for (answer, expected) in cases {
            let (backend, _) = backend(&[(COMMENTS, answer)]);
            assert_eq!(backend.post_comment(new_comment()).await, Err(expected));
        }
        let (backend, _) = backend(&[]);
        assert!(matches!(backend.post_comment(new_comment()).await, Err(PostError::Failed(LoadError { problem: Problem::Network { .. }, .. }))));
    }
}
