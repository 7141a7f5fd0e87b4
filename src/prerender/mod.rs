//! The server-rendered first paint: the backend's answers that a server rendered the widget
//! with, and how the browser takes that render over.
//!
//! The data travels as the backend's own answers (URL, status, the headers its decoders read,
//! body), recorded when the server asked the backend through the widget's own adapter
//! ([`record`]). Both sides read them with the same adapter and decoders, synchronously,
//! into what the first render shows ([`take_over`]): the server renders from that, and the
//! browser's first render, from the same answers, is the same markup, which Yew's hydration
//! then takes over in place. Nothing the render shows is asked for again; what it does not
//! hold (a section whose answer did not come, the captcha's question, the next pages) is
//! asked for as usual once the widget runs.
//!
//! A fragment (`render_fragment`, with the feature `ssr`):
//! ```html
//! <article-widget article="…" lang="fr" timezone="+00:00" …>
//!   <template shadowrootmode="open"><style>…</style><div data-aw-render="…" data-aw-shape="…">…</div></template>
//!   <script type="application/ld+json">…</script>
//!   <script type="application/json" data-article-widget-answers>…</script>
//! </article-widget>
//! ```

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::comment::CommentPage;
use article_widget_core::error::LoadError;
use article_widget_core::json::{self, Value};

use crate::backend::{self, Backend, HttpRequest, HttpResponse, LocalFuture, Method, Order, Transport};
use crate::config::{Api, Config};
use crate::zone::Zone;

#[cfg(feature = "ssr")]
mod fragment;
#[cfg(feature = "ssr")]
pub use fragment::{render_fragment, FragmentError};

/// Names the code that renders: the browser takes a server's markup over only when the code
/// that rendered it is its own.
pub const RENDER_ID: &str = include_str!(concat!(env!("OUT_DIR"), "/render_id.txt"));

/// The widget's stylesheet (www/widget.css, minified by build.rs): adopted in each shadow root
/// the browser makes, and put in each server-rendered fragment's `<style>`, whose hash a
/// strict CSP names (`style-src 'sha256-…'`).
pub const STYLESHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

/// The attribute of the light DOM's `<script>` that holds the answers.
pub const ANSWERS_ATTRIBUTE: &str = "data-article-widget-answers";

/// Why the browser renders anew rather than take a server's markup over in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TakeoverProblem {
    /// The answers' `<script>` is not what a server writes.
    Unreadable,
    /// The markup was rendered by other code than the browser's (`RENDER_ID`).
    OtherVersion { server: String, browser: &'static str },
    /// The markup's shape is not the one the server wrote: something altered it on its way.
    Altered,
}

impl std::fmt::Display for TakeoverProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TakeoverProblem::Unreadable => write!(f, "the server's answers in `script[{ANSWERS_ATTRIBUTE}]` cannot be read; the widget loads as without a server's render"),
            TakeoverProblem::OtherVersion { server, browser } => write!(
                f,
                "the server's markup was rendered by another version of the widget ({server}, this one is {browser}); rendered again in the browser from the same answers"
            ),
            TakeoverProblem::Altered => f.write_str(
                "the server's markup was altered on its way (its elements are not those the server rendered); rendered again in the browser from the same answers",
            ),
        }
    }
}

/// One answer of the backend, as the widget's adapter asked for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The URL as the adapter asked for it (before the page resolves it).
    pub url: String,
    pub status: u16,
    /// The headers the decoders read (a mapping's counts); no other header travels.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The answers a render was made from, and when: relative dates count from `now_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Answers {
    pub now_ms: f64,
    pub list: Vec<Answer>,
}

impl Answers {
    /// As JSON for a `<script>` element: every `<` written `\u003c`, so that nothing in a
    /// backend's text can end the element (`</script>`) or open a comment in it.
    pub fn to_script_json(&self) -> String {
        let answers = self.list.iter().map(|answer| {
            let headers = answer.headers.iter().map(|(name, value)| Value::Array(vec![name.as_str().into(), value.as_str().into()]));
            Value::object([
                ("url", answer.url.as_str().into()),
                ("status", u64::from(answer.status).into()),
                ("headers", Value::Array(headers.collect())),
                ("body", answer.body.as_str().into()),
            ])
        });
        let value = Value::object([("now", (self.now_ms as u64).into()), ("answers", Value::Array(answers.collect()))]);
        value.to_string().replace('<', "\\u003c")
    }

    /// Reads [`Answers::to_script_json`]'s text; `None` when it is not that.
    pub fn from_json(text: &str) -> Option<Answers> {
        let value = json::parse(text).ok()?;
        let text = |value: &Value| value.as_str().map(str::to_owned);
        let list = value.get("answers")?.as_array()?.iter().map(|answer| {
            let headers = answer.get("headers")?.as_array()?.iter().map(|pair| {
                let pair = pair.as_array()?;
                Some((text(pair.first()?)?, text(pair.get(1)?)?))
            });
            Some(Answer {
                url: text(answer.get("url")?)?,
                status: u16::try_from(answer.get("status")?.as_u64()?).ok()?,
                headers: headers.collect::<Option<_>>()?,
                body: text(answer.get("body")?)?,
            })
        });
        Some(Answers { now_ms: value.get("now")?.as_u64()? as f64, list: list.collect::<Option<_>>()? })
    }
}

/// Asks the backend of `config`, through `transport`, for what the first render shows (the
/// article, its related stories, the first page of comments), and keeps every answer. `Err`
/// when the article cannot be read: there is then nothing to render.
pub async fn record(config: &Config, transport: Rc<dyn Transport>, now_ms: f64) -> Result<Answers, LoadError> {
    let recorder = Rc::new(Recorder { inner: transport, headers: headers_read(config), kept: Rc::default() });
    let backend = backend::connect(config, recorder.clone());
    backend.article().await?;
    if let Some(related) = backend.related() {
        let _ = related.await;
    }
    if backend.has_comments() {
        let _ = backend.comments(Order::default(), None).await;
    }
    Ok(Answers { now_ms, list: recorder.kept.take() })
}

/// What a server-rendered widget showed, read from its answers: the state of its first
/// render. A section whose answer is not there is loading (and then asked for).
#[derive(Clone, Debug, PartialEq)]
pub struct FirstRender {
    pub article: Rc<Article>,
    pub related: Option<Result<Rc<[RelatedStory]>, LoadError>>,
    pub comments: Option<Result<CommentPage, LoadError>>,
    /// When the answers were recorded, in unix seconds: relative dates count from it.
    pub now: i64,
}

/// Connects the backend of `config` over the recorded `answers` (each answered once, from
/// memory; every other request goes on to `network`), and reads through it what the first
/// render shows, its dates settled in `zone`. The backend returned is the one to keep: it
/// holds what the article's answer provides for the other endpoints. `None` for the render
/// when the article's answer is not there or cannot be read.
pub fn take_over(config: &Config, answers: Answers, network: Rc<dyn Transport>, zone: &Zone) -> (Rc<dyn Backend>, Option<FirstRender>) {
    let replay = Rc::new(Replay { recorded: RefCell::new(answers.list), offline: Cell::new(true), network });
    let backend = backend::connect(config, replay.clone());
    let first = read_now(backend.article()).and_then(Result::ok).map(|article| {
        let related = backend.related().and_then(read_now).map(|result| result.map(|stories| Rc::from(zone.show_related(stories))));
        let comments = backend.has_comments().then(|| read_now(backend.comments(Order::default(), None))).flatten();
        FirstRender {
            article: Rc::new(zone.show_article(article)),
            related,
            comments: comments.map(|result| result.map(|page| zone.show_page(page))),
            now: (answers.now_ms / 1000.0) as i64,
        }
    });
    replay.offline.set(false);
    (backend, first)
}

/// A future's output if it has it at once: the adapters over [`Replay`] answer without
/// waiting, so that the first render has its data before it is made.
fn read_now<T>(future: LocalFuture<T>) -> Option<T> {
    match pin!(future).as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

/// The headers the decoders of `config`'s API read.
fn headers_read(config: &Config) -> Vec<String> {
    match &config.api {
        Api::Native(_) => Vec::new(),
        #[cfg(feature = "mappings")]
        Api::Mapped { mapping, .. } => mapping.headers_read(),
        #[cfg(not(feature = "mappings"))]
        Api::Mapped { mapping, .. } => match **mapping {},
    }
}

/// Keeps each answer of the GETs it passes on.
struct Recorder {
    inner: Rc<dyn Transport>,
    headers: Vec<String>,
    kept: Rc<RefCell<Vec<Answer>>>,
}

impl Transport for Recorder {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let asked = (request.method == Method::Get).then(|| request.url.clone());
        let sent = self.inner.send(request);
        let (kept, headers) = (self.kept.clone(), self.headers.clone());
        Box::pin(async move {
            let result = sent.await;
            if let (Some(url), Ok((_, response))) = (asked, &result) {
                let headers = response.headers.iter().filter(|(name, _)| headers.contains(&name.to_ascii_lowercase())).cloned().collect();
                kept.borrow_mut().push(Answer { url, status: response.status, headers, body: response.body.clone() });
            }
            result
        })
    }
}

/// Answers the recorded GETs from memory, each once; passes every other request on, unless
/// it is `offline` (while the first render is read: an answer not recorded stays loading,
/// rather than start a request that nobody waits for).
struct Replay {
    recorded: RefCell<Vec<Answer>>,
    offline: Cell<bool>,
    network: Rc<dyn Transport>,
}

impl Transport for Replay {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let mut recorded = self.recorded.borrow_mut();
        let found = recorded.iter().position(|answer| request.method == Method::Get && answer.url == request.url);
        if let Some(answer) = found.map(|at| recorded.remove(at)) {
            let response = HttpResponse { status: answer.status, body: answer.body, headers: answer.headers };
            return Box::pin(async move { Ok((answer.url, response)) });
        }
        if self.offline.get() {
            return Box::pin(std::future::pending());
        }
        self.network.send(request)
    }
}
