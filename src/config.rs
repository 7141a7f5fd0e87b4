//! What a publisher configures, read from an element's attributes or from a JSON object,
//! with errors that name the setting at fault.

use std::fmt;

use article_widget_core::json::{self, Node};

/// Where the native API lives when the publisher says nothing: the reference server.
pub const DEFAULT_BACKEND: &str = "/api";
const ARTICLE_PATH: &str = "{backend}/articles/{id}";
const RELATED_PATH: &str = "{backend}/articles/{id}/related";
const COMMENTS_PATH: &str = "{backend}/articles/{id}/comments";
const CAPTCHA_PATH: &str = "{backend}/captcha";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The article's id, put in the URL templates' `{id}`.
    pub article: String,
    /// URL template of the article, resolved against the page.
    pub article_url: String,
    /// URL template of the related stories; `None` hides the section.
    pub related_url: Option<String>,
    /// URL template of the comments (GET a page, POST a new one); `None` hides the section.
    pub comments_url: Option<String>,
    /// URL of signed captcha challenges; `None` for a backend without them, in which case
    /// the widget makes its own question and checks the answer in the browser.
    pub captcha_url: Option<String>,
    /// The reader's language as the publisher sets it; else the page's, else the browser's.
    pub lang: Option<String>,
    pub comments_loading: CommentsLoading,
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
    backend: Option<String>,
    lang: Option<String>,
    comments: Option<String>,
    article_url: Option<String>,
    related_url: Endpoint,
    comments_url: Endpoint,
    captcha_url: Endpoint,
}

impl Config {
    /// Reads the settings from attributes: `article`, `backend`, `lang`, `comments`
    /// (`lazy` or `eager`), `article-url`, `related-url`, `comments-url` and `captcha-url`
    /// (the last three may be `none`). `attribute` returns an attribute's value by name.
    pub fn from_attributes(attribute: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let given = |name: &str| attribute(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let endpoint = |name: &str| match given(name) {
            None => Endpoint::Default,
            Some(none) if none == "none" => Endpoint::Off,
            Some(url) => Endpoint::Url(url),
        };
        Given {
            article: given("article"),
            backend: given("backend"),
            lang: given("lang"),
            comments: given("comments"),
            article_url: given("article-url"),
            related_url: endpoint("related-url"),
            comments_url: endpoint("comments-url"),
            captcha_url: endpoint("captcha-url"),
        }
        .resolve()
    }

    /// Reads the settings from a JSON object: `article`, `backend`, `lang`, `comments`, and
    /// `endpoints` with `article`, `related`, `comments`, `captcha` (`null` switches one off).
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let value = json::parse(text).map_err(|problem| ConfigError::NotJson { detail: format!("{problem:?}") })?;
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
        Given {
            article: text(root.get("article"))?,
            backend: text(root.get("backend"))?,
            lang: text(root.get("lang"))?,
            comments: text(root.get("comments"))?,
            article_url: match endpoint("article")? {
                Endpoint::Url(url) => Some(url),
                _ => None,
            },
            related_url: endpoint("related")?,
            comments_url: endpoint("comments")?,
            captcha_url: endpoint("captcha")?,
        }
        .resolve()
    }
}

impl Given {
    fn resolve(self) -> Result<Config, ConfigError> {
        let backend = self.backend.unwrap_or_else(|| DEFAULT_BACKEND.to_owned());
        // The backend is a URL prefix, not a value: it goes in as written.
        let with_backend = |template: &str| template.replace("{backend}", backend.trim_end_matches('/'));
        let endpoint = |given: Endpoint, default: &str| match given {
            Endpoint::Default => Some(with_backend(default)),
            Endpoint::Off => None,
            Endpoint::Url(url) => Some(with_backend(&url)),
        };
        let comments_loading = match self.comments.as_deref() {
            None | Some("lazy") => CommentsLoading::Lazy,
            Some("eager") => CommentsLoading::Eager,
            Some(other) => {
                return Err(ConfigError::Invalid { setting: "comments".into(), expected: "`lazy` or `eager`", found: format!("`{other}`") })
            }
        };
        Ok(Config {
            article: self.article.ok_or(ConfigError::Missing { setting: "article".into() })?,
            article_url: with_backend(self.article_url.as_deref().unwrap_or(ARTICLE_PATH)),
            related_url: endpoint(self.related_url, RELATED_PATH),
            comments_url: endpoint(self.comments_url, COMMENTS_PATH),
            captcha_url: endpoint(self.captcha_url, CAPTCHA_PATH),
            lang: self.lang,
            comments_loading,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let attributes: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_attributes(|name| attributes.get(name).cloned())
    }

    #[test]
    fn attributes_with_defaults_on_the_reference_server() {
        let config = read(&[("article", " a1 "), ("lang", "fr")]).unwrap();
        assert_eq!(
            config,
            Config {
                article: "a1".into(),
                article_url: "/api/articles/{id}".into(),
                related_url: Some("/api/articles/{id}/related".into()),
                comments_url: Some("/api/articles/{id}/comments".into()),
                captcha_url: Some("/api/captcha".into()),
                lang: Some("fr".into()),
                comments_loading: CommentsLoading::Lazy,
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
        assert_eq!(config.article_url, "/static/{id}.json");
        assert_eq!((config.related_url, config.captcha_url), (None, None));
        assert_eq!(config.comments_url.as_deref(), Some("https://news.example/api/threads/{id}"));
        assert_eq!(config.comments_loading, CommentsLoading::Eager);
    }

    #[test]
    fn json_reads_the_same_settings() {
        let config = Config::from_json(
            r#"{"article": "a1", "backend": "https://news.example/api", "lang": "en",
                "endpoints": {"related": null, "captcha": "https://captcha.example/new"}}"#,
        )
        .unwrap();
        assert_eq!(config.article_url, "https://news.example/api/articles/{id}");
        assert_eq!(config.related_url, None);
        assert_eq!(config.comments_url.as_deref(), Some("https://news.example/api/articles/{id}/comments"));
        assert_eq!(config.captcha_url.as_deref(), Some("https://captcha.example/new"));
        assert_eq!(config.lang.as_deref(), Some("en"));
    }

    #[test]
    fn errors_name_the_setting() {
        let cases = [
            (read(&[]), "the setting `article` is required"),
            (read(&[("article", "  ")]), "the setting `article` is required"),
            (read(&[("article", "a"), ("comments", "sometimes")]), "the setting `comments` must be `lazy` or `eager`, not `sometimes`"),
            (Config::from_json(r#"{"article": 7}"#), "the setting `article` must be a string, not a number"),
            (Config::from_json(r#"{"article": "a", "endpoints": {"comments": false}}"#), "the setting `endpoints.comments` must be a string, not a boolean"),
            (Config::from_json("[1]"), "not a JSON object"),
        ];
        for (result, message) in cases {
            let error = result.unwrap_err().to_string();
            assert!(error.contains(message), "{error:?} lacks {message:?}");
        }
    }
}
