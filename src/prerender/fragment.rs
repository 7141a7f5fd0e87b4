//! A server's render of the widget: the whole `<article-widget>` element, its markup in a
//! declarative shadow root, from the answers [`super::record`] kept.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use article_widget_core::error::{LoadError, Problem};
use article_widget_core::locale::Locale;
use article_widget_core::schema_org::news_article;
use article_widget_core::shape;
use yew::LocalServerRenderer;

use super::{take_over, Answers, ANSWERS_ATTRIBUTE, RENDER_ID, STYLESHEET};
use crate::backend::{HttpRequest, HttpResponse, LocalFuture, Transport};
use crate::config::{Config, ConfigError, TimeZone};
use crate::platform::{Platform, Services, Timer};
use crate::views::{Mount, MountProps, WidgetProps};
use crate::zone::Zone;

/// The attributes the widget reads (and `theme`, which its stylesheet reads): a fragment
/// carries these alone.
const ATTRIBUTES: [&str; 11] =
    ["article", "backend", "lang", "comments", "timezone", "mapping", "theme", "article-url", "related-url", "comments-url", "captcha-url"];

/// Why a fragment cannot be rendered: the page then gets the element without its markup,
/// rendered in the browser as without a server.
#[derive(Debug, Clone, PartialEq)]
pub enum FragmentError {
    /// An attribute the widget does not read.
    Attribute(String),
    Config(ConfigError),
    /// A time zone by name: the server knows no zone's rules, and a date shown in it could
    /// differ from the browser's.
    NamedZone(String),
    /// The answers hold no article that can be read.
    NoArticle,
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::Attribute(name) => write!(f, "the widget has no attribute `{name}`"),
            FragmentError::Config(error) => error.fmt(f),
            FragmentError::NamedZone(name) => {
                write!(f, "`timezone`: a server renders dates at a fixed offset such as `+02:00`, not in the zone `{name}`")
            }
            FragmentError::NoArticle => f.write_str("the backend's answers hold no article that can be read"),
        }
    }
}

/// The `<article-widget>` element with `attributes` (written as a publisher writes them),
/// its markup rendered from `answers` in a declarative shadow root with the stylesheet, the
/// article as schema.org JSON-LD and the answers in its light DOM. `lang` and `timezone` are
/// added when missing, so that the browser renders as the server did: the language the
/// server chose, and dates without the site's offset at UTC. `page_element_text` gives the
/// text of the page's elements that attributes name, as in the browser: a mapping given as
/// `mapping="#id"`, which the page then carries in that element.
pub async fn render_fragment(
    attributes: &[(String, String)],
    answers: &Answers,
    page_element_text: impl Fn(&str) -> Option<String>,
) -> Result<String, FragmentError> {
    if let Some((name, _)) = attributes.iter().find(|(name, _)| !ATTRIBUTES.contains(&name.as_str())) {
        return Err(FragmentError::Attribute(name.clone()));
    }
    let mut attributes = attributes.to_vec();
    let given = |name: &str| attributes.iter().find(|(given, _)| given == name).map(|(_, value)| value.clone());
    let config = Config::from_attributes(given, page_element_text).map_err(FragmentError::Config)?;
    let offset = match &config.timezone {
        None => {
            attributes.push(("timezone".into(), "+00:00".into()));
            0
        }
        Some(TimeZone::Offset(minutes)) => *minutes,
        Some(TimeZone::Named(name)) => return Err(FragmentError::NamedZone(name.clone())),
    };
    let locale = Locale::negotiate(config.lang.as_deref());
    if config.lang.is_none() {
        attributes.push(("lang".into(), locale.tag().into()));
    }

    let platform: Rc<dyn Platform> = Rc::new(RenderTime(answers.now_ms));
    let zone = Rc::new(Zone::new(Some(TimeZone::Offset(offset)), platform.clone()));
    let (backend, first) = take_over(&config, answers.clone(), Rc::new(Offline), &zone);
    let first = first.ok_or(FragmentError::NoArticle)?;
    let linked_data = news_article(&first.article).to_string().replace('<', "\\u003c");
    let widget = WidgetProps {
        services: Services { backend, platform, zone },
        locale,
        article: config.article.clone().into(),
        id_prefix: id_prefix(&attributes).into(),
        comments_loading: config.comments_loading,
        on_event: Default::default(),
        first_render: Some(Rc::new(first)),
    };
    let markup = LocalServerRenderer::<Mount>::with_props(MountProps { widget: Some(widget) }).hydratable(true).render().await;
    let attributes: String = attributes.iter().map(|(name, value)| format!(" {name}=\"{}\"", escape(value))).collect();
    Ok(format!(
        "<article-widget{attributes}><template shadowrootmode=\"open\"><style>{STYLESHEET}</style>\
         <div data-aw-render=\"{RENDER_ID}\" data-aw-shape=\"{:016x}\">{markup}</div></template>\
         <script type=\"application/ld+json\">{linked_data}</script>\
         <script type=\"application/json\" {ANSWERS_ATTRIBUTE}>{}</script></article-widget>",
        shape::of_markup(&markup),
        answers.to_script_json(),
    ))
}

/// The prefix of the element ids in a server's markup: the same for the same attributes, so
/// that a cached fragment does not change, and apart from the browser's (`aw1`, …), which the
/// takeover puts in its place.
fn id_prefix(attributes: &[(String, String)]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    attributes.hash(&mut hasher);
    format!("aws{:x}", hasher.finish() & 0xff_ffff)
}

/// An attribute value, escaped for a double-quoted attribute.
fn escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// A server's platform: the time the answers were recorded, no storage, no timers (a
/// server's render runs no effect).
struct RenderTime(f64);

impl Platform for RenderTime {
    fn now_ms(&self) -> f64 {
        self.0
    }
    fn random_u64(&self) -> u64 {
        0
    }
    fn load(&self, _: &str) -> Option<String> {
        None
    }
    fn save(&self, _: &str, _: &str) {}
    fn remove(&self, _: &str) {}
    fn schedule(&self, _: u32, _: Box<dyn FnOnce()>) -> Timer {
        Timer::new(|| ())
    }
}

/// The render reads the answers alone: every other request fails.
struct Offline;

impl Transport for Offline {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        Box::pin(async move { Err(LoadError { url: request.url, problem: Problem::Aborted }) })
    }
}
