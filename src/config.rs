//! What a publisher configures, read from an element's attributes or from a JSON object,
//! with errors that name the setting at fault.

use std::fmt;
use std::rc::Rc;

use article_widget_core::datetime::parse_offset;
use article_widget_core::error::{LoadError, Problem};
use article_widget_core::json::{self, Node, Value};
#[cfg(feature = "mappings")]
use article_widget_core::mapping::Mapping;

/// The build without the mapping language (the `mappings` feature off) has no mapping to
/// hold: `Api::Mapped` cannot be made, and a `mapping` setting is refused by name.
#[cfg(not(feature = "mappings"))]
#[derive(Clone, Debug, PartialEq)]
pub enum Mapping {}

/// Where the native API lives when the publisher says nothing: the reference server.
pub const DEFAULT_BACKEND: &str = "/api";
const ARTICLE_PATH: &str = "{backend}/articles/{id}";
const RELATED_PATH: &str = "{backend}/articles/{id}/related";
const COMMENTS_PATH: &str = "{backend}/articles/{id}/comments";
const CAPTCHA_PATH: &str = "{backend}/captcha";

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The article's id, put in the URL templates' `{id}`.
    pub article: String,
    pub api: Api,
    /// The reader's language as the publisher sets it; else the page's, else the browser's.
    pub lang: Option<String>,
    pub comments_loading: CommentsLoading,
    /// Where dates are shown when the backend does not give the site's offset; else the
    /// reader's own zone.
    pub timezone: Option<TimeZone>,
}

/// A time zone as a publisher sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeZone {
    /// A fixed offset, in minutes east of UTC: `+02:00`.
    Offset(i16),
    /// An IANA zone (`Europe/Paris`), whose offset at each moment the platform knows.
    Named(String),
}

/// What the `timezone` setting takes.
const TIMEZONE_EXPECTED: &str = "an IANA time zone such as `Europe/Paris`, `UTC`, or an offset such as `+02:00`";

impl TimeZone {
    /// An offset as RFC 3339 writes it, or a name shaped like the IANA database's (`UTC`,
    /// `Europe/Paris`: parts of letters, digits, `_`, `-` and `+`, each starting with a
    /// letter, separated by `/`), which only the browser can say exists
    /// ([`Config::check_time_zone`]).
    fn parse(text: &str) -> Option<TimeZone> {
        let b = text.as_bytes();
        if matches!(b.first(), Some(b'+' | b'-')) {
            return parse_offset(text).map(TimeZone::Offset);
        }
        let part_starts = |i: usize| i == 0 || b[i - 1] == b'/';
        let shaped = b.iter().enumerate().all(|(i, &c)| {
            if part_starts(i) { c.is_ascii_alphabetic() } else { c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'/') }
        });
        (shaped && b.len() <= 64 && b.last() != Some(&b'/')).then(|| TimeZone::Named(text.to_owned()))
    }
}

/// Which kind of API the widget reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Api {
    /// The widget's own API (`docs/openapi.yaml`).
    Native(NativeEndpoints),
    /// Any other JSON API, described by a mapping (`docs/mapping.md`), whose URLs are
    /// joined to `base`.
    Mapped { mapping: Rc<Mapping>, base: String },
}

/// Where the widget's own API answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeEndpoints {
    /// URL template of the article, resolved against the page.
    pub article_url: String,
    /// URL template of the related stories; `None` hides the section.
    pub related_url: Option<String>,
    /// URL template of the comments (GET a page, POST a new one); `None` hides the section.
    pub comments_url: Option<String>,
    /// URL of signed captcha challenges; `None` for a backend without them, in which case
    /// the widget makes its own question and checks the answer in the browser.
    pub captcha_url: Option<String>,
}

/// When the comments are fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommentsLoading {
    /// When the section comes near the viewport: readers who never scroll cost nothing.
    #[default]
    Lazy,
    /// With the article.
    Eager,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    Missing { setting: String },
    Invalid { setting: String, expected: &'static str, found: String },
    NotJson { detail: String },
    /// A mapping document that cannot be read; `origin` says where it was given.
    Mapping { origin: String, problem: Problem },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("article widget: ")?;
        match self {
            ConfigError::Missing { setting } => write!(f, "the setting `{setting}` is required and was not given"),
            ConfigError::Invalid { setting, expected, found } => {
                write!(f, "the setting `{setting}` must be {expected}, not {found}")
            }
            ConfigError::NotJson { detail } => write!(f, "the configuration is not a JSON object: {detail}"),
            // The problem is worded as for a document fetched from a URL, the origin in its place.
            ConfigError::Mapping { origin, problem } => {
                let error = LoadError { url: origin.clone(), problem: problem.clone() };
                write!(f, "the mapping is not valid (see docs/mapping.md): {error}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// An optional endpoint as given: left out (the default), switched off, or set.
enum Endpoint {
    Default,
    Off,
    Url(String),
}

/// The settings as a publisher gave them, before defaults.
struct Given {
    article: Option<String>,
    mapping: Option<Mapping>,
    backend: Option<String>,
    lang: Option<String>,
    comments: Option<String>,
    timezone: Option<String>,
    endpoints: GivenEndpoints,
}

/// The endpoints of the widget's own API as given.
struct GivenEndpoints {
    article_url: Option<String>,
    related_url: Endpoint,
    comments_url: Endpoint,
    captcha_url: Endpoint,
}

impl Config {
    /// Reads the settings from attributes: `article`, `backend`, `lang`, `comments`
    /// (`lazy` or `eager`), `timezone` (`Europe/Paris`, `+02:00`, `UTC`), `mapping` (`wordpress`, `jsonfeed` or `#id`), and, for the
    /// widget's own API, `article-url`, `related-url`, `comments-url` and `captcha-url` (the
    /// last three may be `none`). `attribute` returns an attribute's value by name,
    /// `element_text` the text of the page's element with a given id.
    pub fn from_attributes(
        attribute: impl Fn(&str) -> Option<String>,
        element_text: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let given = |name: &str| attribute(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let endpoint = |name: &str| match given(name) {
            None => Endpoint::Default,
            Some(none) if none == "none" => Endpoint::Off,
            Some(url) => Endpoint::Url(url),
        };
        Given {
            article: given("article"),
            mapping: given("mapping").map(|name| named_mapping(&name, &element_text)).transpose()?,
            backend: given("backend"),
            lang: given("lang"),
            comments: given("comments"),
            timezone: given("timezone"),
            endpoints: GivenEndpoints {
                article_url: given("article-url"),
                related_url: endpoint("related-url"),
                comments_url: endpoint("comments-url"),
                captcha_url: endpoint("captcha-url"),
            },
        }
        .resolve()
    }

    /// Reads the settings from a JSON object: `article`, `backend`, `lang`, `comments`,
    /// `timezone`, `mapping` (a name as in the attribute, or the mapping document itself), and, for the
    /// widget's own API, `endpoints` with `article`, `related`, `comments`, `captcha` (`null`
    /// switches one off). `element_text` is as for [`Config::from_attributes`].
    pub fn from_json(text: &str, element_text: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let value = json::parse(text).map_err(|problem| ConfigError::NotJson { detail: problem.to_string() })?;
        let root = Node::root(&value);
        let invalid = |node: &Node, expected| ConfigError::Invalid {
            setting: node.path().trim_start_matches('/').replace('/', "."),
            expected,
            found: node.found().to_string(),
        };
        root.object().map_err(|_| ConfigError::NotJson { detail: "not an object".into() })?;
        let text = |node: Node| -> Result<Option<String>, ConfigError> {
            match node.optional_text() {
                Ok(text) => Ok(text),
                Err(_) => Err(invalid(&node, "a string")),
            }
        };
        let endpoints = root.get("endpoints");
        let endpoint = |name: &str| -> Result<Endpoint, ConfigError> {
            let node = endpoints.get(name);
            if node.is_missing() {
                return Ok(Endpoint::Default);
            }
            Ok(text(node)?.map_or(Endpoint::Off, Endpoint::Url))
        };
        let mapping = root.get("mapping");
        let mapping = match mapping.value() {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(named_mapping(name, &element_text)?),
            Some(document @ Value::Object(_)) => Some(parse_mapping(&document.to_string(), "the setting `mapping`")?),
            Some(_) => return Err(invalid(&mapping, MAPPING_EXPECTED)),
        };
        Given {
            article: text(root.get("article"))?,
            mapping,
            backend: text(root.get("backend"))?,
            lang: text(root.get("lang"))?,
            comments: text(root.get("comments"))?,
            timezone: text(root.get("timezone"))?,
            endpoints: GivenEndpoints {
                article_url: match endpoint("article")? {
                    Endpoint::Url(url) => Some(url),
                    _ => None,
                },
                related_url: endpoint("related")?,
                comments_url: endpoint("comments")?,
                captcha_url: endpoint("captcha")?,
            },
        }
        .resolve()
    }

    /// Refuses a zone name that `known` does not know: the browser's `Intl` knows every zone
    /// of the IANA database, and settles what the name's shape alone cannot.
    pub fn check_time_zone(self, known: impl Fn(&str) -> bool) -> Result<Config, ConfigError> {
        match &self.timezone {
            Some(TimeZone::Named(name)) if !known(name) => Err(ConfigError::Invalid {
                setting: "timezone".into(),
                expected: TIMEZONE_EXPECTED,
                found: format!("`{name}`, which this browser does not know"),
            }),
            _ => Ok(self),
        }
    }
}

/// What the `mapping` setting takes.
const MAPPING_EXPECTED: &str = "`wordpress`, `jsonfeed`, or `#` and the id of an element of the page holding a mapping";

/// A built-in mapping by name, or the mapping in the text of the page's element `#id`.
fn named_mapping(name: &str, element_text: impl Fn(&str) -> Option<String>) -> Result<Mapping, ConfigError> {
    let invalid = |found| ConfigError::Invalid { setting: "mapping".into(), expected: MAPPING_EXPECTED, found };
    let Some(id) = name.strip_prefix('#') else {
        return builtin_mapping(name).ok_or_else(|| invalid(format!("`{name}`")))?;
    };
    let text = element_text(id).ok_or_else(|| invalid(format!("`{name}`, which is not in the page")))?;
    parse_mapping(&text, &format!("the element {name}"))
}

#[cfg(feature = "mappings")]
fn builtin_mapping(name: &str) -> Option<Result<Mapping, ConfigError>> {
    Mapping::builtin(name).map(Ok)
}

#[cfg(feature = "mappings")]
fn parse_mapping(text: &str, origin: &str) -> Result<Mapping, ConfigError> {
    Mapping::parse(text).map_err(|problem| ConfigError::Mapping { origin: origin.to_owned(), problem })
}

/// What a build without mappings says to a `mapping` setting.
#[cfg(not(feature = "mappings"))]
fn no_mappings() -> ConfigError {
    ConfigError::Invalid {
        setting: "mapping".into(),
        expected: "absent in this build, which reads the widget's own API only (the package's article-widget.js loads the build with mappings when `mapping` is set)",
        found: "a mapping".into(),
    }
}

#[cfg(not(feature = "mappings"))]
fn builtin_mapping(_: &str) -> Option<Result<Mapping, ConfigError>> {
    Some(Err(no_mappings()))
}

#[cfg(not(feature = "mappings"))]
fn parse_mapping(_: &str, _: &str) -> Result<Mapping, ConfigError> {
    Err(no_mappings())
}

impl Given {
    fn resolve(self) -> Result<Config, ConfigError> {
        let comments_loading = match self.comments.as_deref() {
            None | Some("lazy") => CommentsLoading::Lazy,
            Some("eager") => CommentsLoading::Eager,
            Some(other) => {
                return Err(ConfigError::Invalid { setting: "comments".into(), expected: "`lazy` or `eager`", found: format!("`{other}`") })
            }
        };
        let timezone = match self.timezone {
            None => None,
            Some(text) => Some(TimeZone::parse(&text).ok_or(ConfigError::Invalid {
                setting: "timezone".into(),
                expected: TIMEZONE_EXPECTED,
                found: format!("`{text}`"),
            })?),
        };
        let api = match self.mapping {
            None => Api::Native(self.endpoints.resolve(self.backend.as_deref().unwrap_or(DEFAULT_BACKEND))),
            Some(_) if !self.endpoints.are_default() => {
                return Err(ConfigError::Invalid {
                    setting: "mapping".into(),
                    expected: "given without the endpoint settings of the widget's own API (the mapping has the URLs)",
                    found: "with them".into(),
                })
            }
            // No default base: a mapped API is never the reference server.
            Some(mapping) => Api::Mapped {
                mapping: Rc::new(mapping),
                base: self.backend.ok_or(ConfigError::Missing { setting: "backend".into() })?,
            },
        };
        Ok(Config {
            article: self.article.ok_or(ConfigError::Missing { setting: "article".into() })?,
            api,
            lang: self.lang,
            comments_loading,
            timezone,
        })
    }
}

impl GivenEndpoints {
    fn are_default(&self) -> bool {
        let optional = [&self.related_url, &self.comments_url, &self.captcha_url];
        self.article_url.is_none() && optional.iter().all(|endpoint| matches!(endpoint, Endpoint::Default))
    }

    fn resolve(self, backend: &str) -> NativeEndpoints {
        // The backend is a URL prefix, not a value: it goes in as written.
        let with_backend = |template: &str| template.replace("{backend}", backend.trim_end_matches('/'));
        let endpoint = |given: Endpoint, default: &str| match given {
            Endpoint::Default => Some(with_backend(default)),
            Endpoint::Off => None,
            Endpoint::Url(url) => Some(with_backend(&url)),
        };
        NativeEndpoints {
            article_url: with_backend(self.article_url.as_deref().unwrap_or(ARTICLE_PATH)),
            related_url: endpoint(self.related_url, RELATED_PATH),
            comments_url: endpoint(self.comments_url, COMMENTS_PATH),
            captcha_url: endpoint(self.captcha_url, CAPTCHA_PATH),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let attributes: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_attributes(|name| attributes.get(name).cloned(), page)
    }

    fn from_json(text: &str) -> Result<Config, ConfigError> {
        Config::from_json(text, page)
    }

    /// The page's elements by id: one holding a mapping, one holding a broken one.
    fn page(id: &str) -> Option<String> {
        match id {
            "my-api" => Some(r#"{"article": {"url": "/posts/{id}", "fields": {"headline": "/t", "published": "/d", "body": "/b"}}}"#.into()),
            "broken-api" => Some(r#"{"article": {"fields": {"headline": "t", "published": "/d", "body": "/b"}}}"#.into()),
            _ => None,
        }
    }

    fn native(config: Config) -> NativeEndpoints {
        match config.api {
            Api::Native(endpoints) => endpoints,
            Api::Mapped { .. } => panic!("a mapped API: {config:?}"),
        }
    }

    #[cfg(feature = "mappings")]
    fn mapped(config: Config) -> (Mapping, String) {
        match config.api {
            Api::Mapped { mapping, base } => ((*mapping).clone(), base),
            Api::Native(_) => panic!("the native API: {config:?}"),
        }
    }

    #[test]
    fn attributes_with_defaults_on_the_reference_server() {
        let config = read(&[("article", " a1 "), ("lang", "fr")]).unwrap();
        assert_eq!(
            config,
            Config {
                article: "a1".into(),
                api: Api::Native(NativeEndpoints {
                    article_url: "/api/articles/{id}".into(),
                    related_url: Some("/api/articles/{id}/related".into()),
                    comments_url: Some("/api/articles/{id}/comments".into()),
                    captcha_url: Some("/api/captcha".into()),
                }),
                lang: Some("fr".into()),
                comments_loading: CommentsLoading::Lazy,
                timezone: None,
            }
        );
    }

    #[test]
    fn attributes_set_the_backend_and_each_endpoint() {
        let config = read(&[
            ("article", "a1"),
            ("backend", "https://news.example/api/"),
            ("article-url", "/static/{id}.json"),
            ("related-url", "none"),
            ("comments-url", "{backend}/threads/{id}"),
            ("captcha-url", "none"),
            ("comments", "eager"),
        ])
        .unwrap();
        assert_eq!(config.comments_loading, CommentsLoading::Eager);
        let endpoints = native(config);
        assert_eq!(endpoints.article_url, "/static/{id}.json");
        assert_eq!((endpoints.related_url, endpoints.captcha_url), (None, None));
        assert_eq!(endpoints.comments_url.as_deref(), Some("https://news.example/api/threads/{id}"));
    }

    #[test]
    fn json_reads_the_same_settings() {
        let config = from_json(
            r#"{"article": "a1", "backend": "https://news.example/api", "lang": "en",
                "endpoints": {"related": null, "captcha": "https://captcha.example/new"}}"#,
        )
        .unwrap();
        assert_eq!(config.lang.as_deref(), Some("en"));
        let endpoints = native(config);
        assert_eq!(endpoints.article_url, "https://news.example/api/articles/{id}");
        assert_eq!(endpoints.related_url, None);
        assert_eq!(endpoints.comments_url.as_deref(), Some("https://news.example/api/articles/{id}/comments"));
        assert_eq!(endpoints.captcha_url.as_deref(), Some("https://captcha.example/new"));
    }

    #[test]
    fn errors_name_the_setting() {
        let cases = [
            (read(&[]), "the setting `article` is required"),
            (read(&[("article", "  ")]), "the setting `article` is required"),
            (read(&[("article", "a"), ("comments", "sometimes")]), "the setting `comments` must be `lazy` or `eager`, not `sometimes`"),
            (from_json(r#"{"article": 7}"#), "the setting `article` must be a string, not a number"),
            (from_json(r#"{"article": "a", "endpoints": {"comments": false}}"#), "the setting `endpoints.comments` must be a string, not a boolean"),
            (from_json("[1]"), "not a JSON object"),
        ];
        for (result, message) in cases {
            let error = result.unwrap_err().to_string();
            assert!(error.contains(message), "{error:?} lacks {message:?}");
        }
    }

    #[test]
    fn a_time_zone_by_name_or_offset() {
        let zone = |text: &str| read(&[("article", "a"), ("timezone", text)]).map(|config| config.timezone);
        let cases = [
            ("Europe/Paris", TimeZone::Named("Europe/Paris".into())),
            (" America/Argentina/Buenos_Aires ", TimeZone::Named("America/Argentina/Buenos_Aires".into())),
            ("Etc/GMT-14", TimeZone::Named("Etc/GMT-14".into())),
            ("Japan", TimeZone::Named("Japan".into())),
            ("UTC", TimeZone::Named("UTC".into())),
            ("+02:00", TimeZone::Offset(120)),
            ("-03:30", TimeZone::Offset(-210)),
            ("+05:45", TimeZone::Offset(345)),
        ];
        for (text, expected) in cases {
            assert_eq!(zone(text), Ok(Some(expected)), "{text}");
        }
        assert_eq!(zone(""), Ok(None), "left empty, the reader's zone");
        let json = from_json(r#"{"article": "a", "timezone": "Europe/Paris"}"#).unwrap();
        assert_eq!(json.timezone, Some(TimeZone::Named("Europe/Paris".into())));
    }

    #[test]
    fn a_time_zone_that_is_none_is_refused_by_name() {
        let expected = "the setting `timezone` must be an IANA time zone such as `Europe/Paris`, `UTC`, or an offset such as `+02:00`";
        for text in ["Europe Paris", "+2", "+0200", "+24:00", "GMT+2:00", "../etc/passwd", "Europe/", "/Paris", "Europe/Paris\u{301}", "2024/Paris"] {
            let error = read(&[("article", "a"), ("timezone", text)]).unwrap_err().to_string();
            assert!(error.contains(expected) && error.ends_with(&format!("not `{text}`")), "{text:?}: {error}");
        }
        let error = from_json(r#"{"article": "a", "timezone": 2}"#).unwrap_err().to_string();
        assert!(error.contains("the setting `timezone` must be a string, not a number"), "{error}");

        // A well-shaped name the browser does not know is refused by the check it makes.
        let knows_paris = |name: &str| name == "Europe/Paris";
        let paris = read(&[("article", "a"), ("timezone", "Europe/Paris")]).unwrap();
        assert_eq!(paris.clone().check_time_zone(knows_paris), Ok(paris));
        let offset = read(&[("article", "a"), ("timezone", "+02:00")]).unwrap();
        assert_eq!(offset.clone().check_time_zone(|_| false), Ok(offset), "an offset needs no zone rules");
        let error = read(&[("article", "a"), ("timezone", "Europe/Pariss")]).unwrap().check_time_zone(knows_paris).unwrap_err();
        assert_eq!(error.to_string(), format!("article widget: {expected}, not `Europe/Pariss`, which this browser does not know"));
    }

    #[test]
    #[cfg(feature = "mappings")]
    fn a_mapping_by_name_by_element_or_inline_with_its_base() {
        let wordpress = read(&[("article", "4127"), ("mapping", "wordpress"), ("backend", "https://news.example.org")]).unwrap();
        assert_eq!(mapped(wordpress), (Mapping::builtin("wordpress").unwrap(), "https://news.example.org".into()));
        let (feed, _) = mapped(from_json(r#"{"article": "4120", "mapping": "jsonfeed", "backend": "/feed.json"}"#).unwrap());
        assert_eq!(feed, Mapping::builtin("jsonfeed").unwrap());

        let (from_element, base) = mapped(read(&[("article", "a1"), ("mapping", "#my-api"), ("backend", "https://cms.example")]).unwrap());
        assert_eq!(from_element.article_url(&base, &[("id", "a1")]), "https://cms.example/posts/a1");
        let (also_from_element, _) = mapped(from_json(r##"{"article": "a1", "mapping": "#my-api", "backend": "/"}"##).unwrap());
        assert_eq!(also_from_element, from_element);
        let inline = from_json(&format!(r#"{{"article": "a1", "backend": "https://cms.example", "mapping": {}}}"#, page("my-api").unwrap()));
        assert_eq!(mapped(inline.unwrap()).0, from_element);
    }

    #[test]
    #[cfg(feature = "mappings")]
    fn mapping_errors_name_the_setting_and_the_mapping_key() {
        let with_mapping = |mapping: &str| read(&[("article", "a"), ("backend", "https://cms.example"), ("mapping", mapping)]);
        let cases = [
            (with_mapping("drupal"), "the setting `mapping` must be `wordpress`, `jsonfeed`, or `#` and the id of an element of the page holding a mapping, not `drupal`"),
            (with_mapping("#nowhere"), "not `#nowhere`, which is not in the page"),
            (
                with_mapping("#broken-api"),
                "the mapping is not valid (see docs/mapping.md): the element #broken-api: at /article/fields/headline: expected a JSON Pointer",
            ),
            (
                from_json(r#"{"article": "a", "backend": "/", "mapping": {"article": {"fields": {"headline": "/t", "published": "/d", "body": "/b", "kicker": 3}}}}"#),
                "the mapping is not valid (see docs/mapping.md): the setting `mapping`: at /article/fields/kicker: expected a field",
            ),
            (from_json(r#"{"article": "a", "backend": "/", "mapping": 3}"#), "the setting `mapping` must be `wordpress`, `jsonfeed`, or `#`"),
            (read(&[("article", "a"), ("mapping", "wordpress")]), "the setting `backend` is required"),
            (
                read(&[("article", "a"), ("backend", "/"), ("mapping", "wordpress"), ("related-url", "none")]),
                "the setting `mapping` must be given without the endpoint settings",
            ),
            (from_json(r#"{"article": "a", "backend": "/", "mapping": "wordpress", "endpoints": {"related": null}}"#), "without the endpoint settings"),
        ];
        for (result, message) in cases {
            let error = result.unwrap_err().to_string();
            assert!(error.contains(message), "{error:?} lacks {message:?}");
        }
    }

    #[test]
    #[cfg(not(feature = "mappings"))]
    fn the_build_without_mappings_refuses_one_and_says_which_build_has_them() {
        let json = r#"{"article": "a", "backend": "/", "mapping": {"article": {}}}"#;
        for result in [read(&[("article", "a"), ("backend", "/"), ("mapping", "wordpress")]), read(&[("article", "a"), ("mapping", "#my-api")]), from_json(json)] {
            let error = result.unwrap_err().to_string();
            assert!(error.contains("the setting `mapping` must be absent in this build"), "{error}");
            assert!(error.contains("loads the build with mappings"), "{error}");
        }
        assert!(matches!(read(&[("article", "a")]).unwrap().api, Api::Native(_)));
    }
}
