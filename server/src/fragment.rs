//! `GET /fragment`: an article's `<article-widget>` element, rendered by the widget's own
//! code (`article_widget::prerender`) from the answers of its API, for a publisher's page to
//! include (SSI, ESI, a template). The API is this server's own, asked in-process, or an
//! upstream of the configuration; the settings are checked here, the element written there.
//! A fragment is kept a short time ([`FragmentCache`]) and answered with a strong ETag; when
//! its API fails, the answer is the element the browser renders by itself, never an error.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use article_widget::backend::Transport;
use article_widget::config::Config;
use article_widget::prerender;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::runtime::Handle;
use tokio::sync::{OnceCell, Semaphore};

use crate::api::ApiQuery;
use crate::clock::Clock;
use crate::config::{FragmentOptions, FragmentSettings};
use crate::error::ApiError;
use crate::fragment_cache::{Cached, FragmentCache};
use crate::transport::{Fetch, InProcess, Limits};
use crate::upstream::{MappingSource, Upstream, Upstreams};

/// Fragments kept at once: enough for every article a site shows in its TTL.
pub const CACHE_ENTRIES: usize = 1024;
/// How long the element without its rendering is kept and may be cached, after a failure:
/// long enough to spare an upstream that is down, short enough to show it soon once it is up.
const FALLBACK_SECONDS: u64 = 5;
/// The query parameters of `/fragment`, which are the settings of [`FragmentSettings`].
const PARAMETERS: [&str; 6] = ["article", "lang", "theme", "comments", "timezone", "upstream"];

/// What renders fragments, shared by the endpoint and the `fragment` subcommand.
pub struct Fragments {
    upstreams: Upstreams,
    /// This server's API routes, at the root (what `/api` nests), asked in-process.
    api: Router,
    /// The API's URL as browsers reach it: the `backend` attribute of its fragments.
    api_url: String,
    limits: Limits,
    ttl: Duration,
    cache: Arc<FragmentCache>,
    clock: Arc<Clock>,
    /// The server's runtime, where requests of a render run; renders run on its blocking
    /// threads, each on a current-thread runtime of its own (the widget's futures are not `Send`).
    runtime: Handle,
    /// Renders under way at once, at most: a burst of misses waits rather than taking every thread.
    renders: Semaphore,
    /// The fragments being rendered, by cache key, each with the answer its render will give.
    under_way: Mutex<HashMap<String, Arc<OnceCell<Answer>>>>,
}

/// A fragment's settings once checked: the element's attributes and where its data comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub attributes: Vec<(String, String)>,
    upstream: Option<Upstream>,
    article: String,
}

/// A fragment ready to answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub body: Bytes,
    pub etag: Arc<str>,
    pub max_age: u64,
}

impl Fragments {
    /// `cache` is shared with the API, which forgets an article's fragments when a comment is
    /// posted on it.
    pub fn new(
        options: &FragmentOptions,
        api: Router,
        cache: Arc<FragmentCache>,
        clock: Arc<Clock>,
        runtime: Handle,
    ) -> Result<Fragments, String> {
        let renders = std::thread::available_parallelism().map_or(2, |cores| cores.get() * 2);
        Ok(Fragments {
            upstreams: Upstreams::new(&options.upstreams)?,
            api,
            api_url: options.api_url.trim_end_matches('/').to_owned(),
            limits: options.limits(),
            ttl: Duration::from_secs(options.fragment_ttl),
            cache,
            clock,
            runtime,
            renders: Semaphore::new(renders),
            under_way: Mutex::default(),
        })
    }

    /// Checks a request's settings: each a value a publisher could write, none a URL, and the
    /// upstream one of the configuration. The error names the parameter.
    pub fn check(&self, settings: &FragmentSettings) -> Result<Checked, ApiError> {
        let invalid = |parameter: &str, message: &str| ApiError::InvalidParameter {
            parameter: parameter.to_owned(),
            message: format!("{parameter}: {message}"),
        };
        let FragmentSettings { article, lang, theme, comments, timezone, upstream } = settings;
        for (parameter, value) in [("article", Some(article)), ("lang", lang.as_ref()), ("theme", theme.as_ref()),
            ("comments", comments.as_ref()), ("timezone", timezone.as_ref()), ("upstream", upstream.as_ref())]
        {
            if value.is_some_and(|value| value.contains("//")) {
                let message = "a fragment's parameters never carry a URL: its API is this server's, \
                               or an upstream of its configuration by name";
                return Err(invalid(parameter, message));
            }
        }
        if !is_article_id(article) {
            return Err(invalid("article", "required, 1 to 200 letters, digits, '-', '_' or '.'"));
        }
        if lang.as_deref().is_some_and(|lang| !is_language_tag(lang)) {
            return Err(invalid("lang", "a language tag such as fr or en-GB"));
        }
        if theme.as_deref().is_some_and(|theme| !matches!(theme, "light" | "dark" | "auto")) {
            return Err(invalid("theme", "light, dark or auto"));
        }
        if comments.as_deref().is_some_and(|comments| !matches!(comments, "lazy" | "eager")) {
            return Err(invalid("comments", "lazy or eager"));
        }
        if timezone.as_deref().is_some_and(|zone| !is_offset(zone)) {
            return Err(invalid(
                "timezone",
                "a fixed offset such as +02:00: a server renders dates at one offset, and knows no named zone's rules",
            ));
        }
        let upstream = match upstream {
            None => None,
            Some(name) => Some(self.upstreams.get(name).cloned().ok_or_else(|| {
                invalid("upstream", "no upstream of this name in the server's configuration (--upstream NAME=MAPPING,URL)")
            })?),
        };
        let mut attributes = vec![("article".to_owned(), article.clone())];
        match &upstream {
            None => attributes.push(("backend".into(), self.api_url.clone())),
            Some(upstream) => {
                attributes.push(("backend".into(), upstream.url.clone()));
                let mapping = match &upstream.mapping {
                    MappingSource::Builtin(name) => name.clone(),
                    MappingSource::Document(_) => format!("#{}", mapping_element_id(upstream)),
                };
                attributes.push(("mapping".into(), mapping));
            }
        }
        for (name, value) in [("lang", lang), ("theme", theme), ("comments", comments), ("timezone", timezone)] {
            if let Some(value) = value {
                attributes.push((name.to_owned(), value.clone()));
            }
        }
        Ok(Checked { attributes, upstream, article: article.clone() })
    }

    /// The fragment of `checked`: kept, else rendered (and kept), else the plain element.
    pub async fn answer(&self, checked: Checked) -> Answer {
        let key = cache_key(&checked);
        let now_ms = self.clock.now_millis();
        if let Some(cached) = self.cache.get(&key, now_ms) {
            let max_age = u64::try_from((cached.expires_ms - now_ms) / 1000).unwrap_or(0);
            return Answer { body: cached.body, etag: cached.etag, max_age };
        }
        // One render of a fragment at a time: the requests that come while it is made get it.
        let render = self.under_way.lock().unwrap_or_else(PoisonError::into_inner).entry(key.clone()).or_default().clone();
        let answer = render.get_or_init(|| self.render_and_keep(key.clone(), &checked, now_ms)).await.clone();
        let mut under_way = self.under_way.lock().unwrap_or_else(PoisonError::into_inner);
        if under_way.get(&key).is_some_and(|current| Arc::ptr_eq(current, &render)) {
            under_way.remove(&key);
        }
        answer
    }

    async fn render_and_keep(&self, key: String, checked: &Checked, now_ms: i64) -> Answer {
        let (body, seconds) = match self.render(checked, now_ms).await {
            Ok(html) => (html, self.ttl.as_secs()),
            Err(problem) => {
                let (article, source) = (&checked.article, self.source_name(checked));
                eprintln!("warning: fragment of {article} from {source}: {problem}; answered with the element alone");
                (plain_element(checked), FALLBACK_SECONDS)
            }
        };
        let body = Bytes::from(body);
        let etag: Arc<str> = strong_etag(&body).into();
        let native_article = checked.upstream.is_none().then(|| checked.article.clone());
        let expires_ms = now_ms + i64::try_from(seconds * 1000).unwrap_or(i64::MAX);
        let cached = Cached { body: body.clone(), etag: etag.clone(), expires_ms, native_article };
        self.cache.put(key, cached, now_ms);
        Answer { body, etag, max_age: seconds }
    }

    fn source_name(&self, checked: &Checked) -> String {
        checked.upstream.as_ref().map_or_else(|| format!("this server's API ({})", self.api_url), ToString::to_string)
    }

    /// Asks the fragment's API through the widget's adapter, then renders; on a blocking
    /// thread with a current-thread runtime, as the widget's futures are not `Send`. An
    /// upstream read with a mapping file has it read as the browser reads it, from the element
    /// that carries it, which comes before the widget's.
    async fn render(&self, checked: &Checked, now_ms: i64) -> Result<String, String> {
        let _permit = self.renders.acquire().await.map_err(|error| error.to_string())?;
        let transport = TransportFor {
            upstream: checked.upstream.clone(),
            api: self.api.clone(),
            api_url: self.api_url.clone(),
            limits: self.limits,
            runtime: self.runtime.clone(),
        };
        let attributes = checked.attributes.clone();
        let mapping = match &checked.upstream {
            Some(upstream @ Upstream { mapping: MappingSource::Document(document), .. }) => Some((mapping_element_id(upstream), document.clone())),
            _ => None,
        };
        let rendered = tokio::task::spawn_blocking(move || -> Result<String, String> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|error| error.to_string())?;
            let element_text = |id: &str| mapping.as_ref().filter(|(mapping_id, _)| mapping_id == id).map(|(_, document)| document.clone());
            tokio::task::LocalSet::new().block_on(&runtime, async move {
                let attribute = |name: &str| attributes.iter().find(|(given, _)| given == name).map(|(_, value)| value.clone());
                let config = Config::from_attributes(attribute, element_text).map_err(|error| error.to_string())?;
                let answers = prerender::record(&config, transport.make(), now_ms as f64).await.map_err(|error| error.to_string())?;
                prerender::render_fragment(&attributes, &answers, element_text).await.map_err(|error| error.to_string())
            })
        })
        .await;
        let fragment = rendered.map_err(|error| format!("the render stopped: {error}"))??;
        Ok(format!("{}{fragment}", mapping_element(checked.upstream.as_ref())))
    }
}

/// `sha256-…` of the style in every fragment, as a Content-Security-Policy names it
/// (`style-src 'sha256-…'`); it changes only with the widget's stylesheet.
pub fn style_hash() -> String {
    let digest = Sha256::digest(prerender::STYLESHEET.as_bytes());
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// What a render's transport is made of; the transport itself is made on the render's thread.
struct TransportFor {
    upstream: Option<Upstream>,
    api: Router,
    api_url: String,
    limits: Limits,
    runtime: Handle,
}

impl TransportFor {
    fn make(self) -> Rc<dyn Transport> {
        match self.upstream {
            None => Rc::new(InProcess { api: self.api, public_root: self.api_url, runtime: self.runtime }),
            Some(upstream) => Rc::new(Fetch::new(upstream.origin, self.limits, self.runtime)),
        }
    }
}

/// The settings as the cache tells fragments apart: the attributes, which name the API.
fn cache_key(checked: &Checked) -> String {
    checked.attributes.iter().map(|(name, value)| format!("{name}={value}\n")).collect()
}

/// `"…"`: the first 128 bits of the body's SHA-256, as hex.
pub(crate) fn strong_etag(body: &[u8]) -> String {
    format!("\"{}\"", crate::hex(&Sha256::digest(body)[..16]))
}

/// The id of the element that carries an upstream's mapping file for the browser.
fn mapping_element_id(upstream: &Upstream) -> String {
    format!("article-widget-mapping-{}", upstream.name)
}

/// For an upstream read with a mapping file, the element that carries it for the browser
/// (the widget's `mapping="#id"`), its `<` written `\u003c` so that nothing in it closes the
/// script; nothing for a built-in mapping.
fn mapping_element(upstream: Option<&Upstream>) -> String {
    match upstream {
        Some(upstream @ Upstream { mapping: MappingSource::Document(document), .. }) => format!(
            "<script type=\"application/json\" id=\"{}\">{}</script>",
            mapping_element_id(upstream),
            document.replace('<', "\\u003c")
        ),
        _ => String::new(),
    }
}

/// The element a publisher writes today, which the widget renders in the browser.
fn plain_element(checked: &Checked) -> String {
    let attributes: String =
        checked.attributes.iter().map(|(name, value)| format!(" {name}=\"{}\"", escape_attribute(value))).collect();
    format!("{}<article-widget{attributes}></article-widget>", mapping_element(checked.upstream.as_ref()))
}

fn escape_attribute(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// What a request may name as an article: an id or a slug, never a URL.
fn is_article_id(text: &str) -> bool {
    (1..=200).contains(&text.chars().count()) && text.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `fr`, `en-GB`, `zh-Hant-TW`: letters, then subtags of letters and digits.
fn is_language_tag(text: &str) -> bool {
    let mut subtags = text.split('-');
    let primary = subtags.next().unwrap_or_default();
    text.len() <= 35
        && (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags.all(|subtag| (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `+02:00`, `-05:30`: what the widget's `timezone` takes and a server can render at.
fn is_offset(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 6 && matches!(b[0], b'+' | b'-') && b[3] == b':' && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit())
}

/// Whether `If-None-Match` names `etag` (weak comparison, as for GET).
pub(crate) fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).any(
        |tag| {
            let tag = tag.trim();
            tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag
        },
    )
}

/// The query's parameters, each once and each known; its settings then checked.
pub fn settings(pairs: &[(String, String)]) -> Result<FragmentSettings, ApiError> {
    let mut settings = FragmentSettings::default();
    let mut seen = Vec::new();
    for (name, value) in pairs {
        let refused = |message: String| ApiError::InvalidParameter { parameter: name.clone(), message };
        if !PARAMETERS.contains(&name.as_str()) {
            return Err(refused(format!(
                "{name}: not a parameter of /fragment, which takes {}; its API is this server's, or an upstream of its configuration by name",
                PARAMETERS.join(", ")
            )));
        }
        if seen.contains(&name) {
            return Err(refused(format!("{name}: given twice")));
        }
        seen.push(name);
        let value = value.clone();
        match name.as_str() {
            "article" => settings.article = value,
            "lang" => settings.lang = Some(value),
            "theme" => settings.theme = Some(value),
            "comments" => settings.comments = Some(value),
            "timezone" => settings.timezone = Some(value),
            _ => settings.upstream = Some(value),
        }
    }
    Ok(settings)
}

/// The endpoint: 200 with the fragment (or the plain element), 304 when the client has it,
/// 400 naming the parameter at fault.
pub(crate) async fn endpoint(
    State(fragments): State<Arc<Fragments>>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let checked = fragments.check(&settings(&query)?)?;
    let answer = fragments.answer(checked).await;
    let cache_control = format!("public, max-age={}", answer.max_age);
    let etag = HeaderValue::from_str(&answer.etag).map_err(|error| ApiError::Internal(error.to_string()))?;
    let cache_control = HeaderValue::from_str(&cache_control).map_err(|error| ApiError::Internal(error.to_string()))?;
    let mut response = if matches_etag(&headers, &answer.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = answer.body.into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        response
    };
    response.headers_mut().insert(header::ETAG, etag);
    response.headers_mut().insert(header::CACHE_CONTROL, cache_control);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_what_a_publisher_writes() {
        assert!(is_article_id("nouvel-ordre-mondial") && is_article_id("4127") && is_article_id("été_2024.1"));
        assert!(!is_article_id("") && !is_article_id("a/b") && !is_article_id("a b") && !is_article_id(&"a".repeat(201)));
        assert!(is_language_tag("fr") && is_language_tag("en-GB") && is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag("f") && !is_language_tag("fr-") && !is_language_tag("fr_FR") && !is_language_tag("1a"));
        assert!(is_offset("+02:00") && is_offset("-05:30") && !is_offset("Europe/Paris") && !is_offset("+2:00"));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let mut headers = HeaderMap::new();
        headers.append(header::IF_NONE_MATCH, HeaderValue::from_static("\"a\", W/\"b\""));
        assert!(matches_etag(&headers, "\"a\"") && matches_etag(&headers, "\"b\"") && !matches_etag(&headers, "\"c\""));
        assert!(!matches_etag(&HeaderMap::new(), "\"a\""));
    }

    #[test]
    fn a_query_names_each_known_parameter_once() {
        let pairs = |list: &[(&str, &str)]| list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect::<Vec<_>>();
        let given = settings(&pairs(&[("article", "a"), ("lang", "fr"), ("upstream", "blog")])).unwrap();
        assert_eq!((given.article.as_str(), given.lang.as_deref(), given.upstream.as_deref()), ("a", Some("fr"), Some("blog")));
        for (query, parameter) in [(vec![("backend", "https://evil.example")], "backend"), (vec![("article", "a"), ("article", "b")], "article")] {
            match settings(&pairs(&query)) {
                Err(ApiError::InvalidParameter { parameter: named, message }) => {
                    assert_eq!(named, parameter);
                    assert!(message.starts_with(&format!("{parameter}: ")), "{message}");
                }
                other => panic!("{parameter}: {}", other.is_ok()),
            }
        }
    }

    #[test]
    fn the_plain_element_escapes_its_attributes() {
        let checked = Checked {
            attributes: vec![("article".into(), "a".into()), ("backend".into(), "/api?x=\"<&>".into())],
            upstream: None,
            article: "a".into(),
        };
        assert_eq!(plain_element(&checked), "<article-widget article=\"a\" backend=\"/api?x=&quot;&lt;&amp;&gt;\"></article-widget>");
    }
}
