//! What a publisher configures, and how it is read from an element's attributes.

use std::fmt;

/// Where the native API lives when the publisher says nothing: the reference server's routes.
pub const DEFAULT_ARTICLE_URL: &str = "/api/articles/{id}";
pub const DEFAULT_RELATED_URL: &str = "/api/articles/{id}/related";
pub const DEFAULT_COMMENTS_URL: &str = "/api/articles/{id}/comments";
pub const DEFAULT_CAPTCHA_URL: &str = "/api/captcha";

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    Missing { attribute: &'static str },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { attribute } => {
                write!(f, "article widget: the attribute `{attribute}` is required and was not found on the element")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `data-article`, `data-article-url`, `data-related-url`, `data-comments-url`,
    /// `data-captcha-url` (each optional one may be `none`) and `data-lang` through
    /// `attribute`, which returns an attribute's value.
    pub fn from_attributes(attribute: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let given = |name| attribute(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let optional = |name, default: &str| match given(name) {
            Some(none) if none == "none" => None,
            Some(url) => Some(url),
            None => Some(default.to_owned()),
        };
        Ok(Config {
            article: given("data-article").ok_or(ConfigError::Missing { attribute: "data-article" })?,
            article_url: given("data-article-url").unwrap_or_else(|| DEFAULT_ARTICLE_URL.to_owned()),
            related_url: optional("data-related-url", DEFAULT_RELATED_URL),
            comments_url: optional("data-comments-url", DEFAULT_COMMENTS_URL),
            captcha_url: optional("data-captcha-url", DEFAULT_CAPTCHA_URL),
            lang: given("data-lang"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let attributes: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_attributes(|name| attributes.get(name).cloned())
    }

    #[test]
    fn reads_attributes_with_defaults() {
        let config = read(&[("data-article", " a1 "), ("data-lang", "fr")]).unwrap();
        assert_eq!(
            config,
            Config {
                article: "a1".into(),
                article_url: DEFAULT_ARTICLE_URL.into(),
                related_url: Some(DEFAULT_RELATED_URL.into()),
                comments_url: Some(DEFAULT_COMMENTS_URL.into()),
                captcha_url: Some(DEFAULT_CAPTCHA_URL.into()),
                lang: Some("fr".into()),
            }
        );
        let config = read(&[
            ("data-article", "a1"),
            ("data-article-url", "/x/{id}.json"),
            ("data-related-url", "none"),
            ("data-comments-url", "/c/{id}"),
            ("data-captcha-url", "none"),
        ])
        .unwrap();
        assert_eq!((config.article_url.as_str(), config.related_url, config.lang), ("/x/{id}.json", None, None));
        assert_eq!((config.comments_url.as_deref(), config.captcha_url), (Some("/c/{id}"), None));
    }

    #[test]
    fn a_missing_article_is_named() {
        for pairs in [&[][..], &[("data-article", "  ")]] {
            let error = read(pairs).unwrap_err();
            assert_eq!(error, ConfigError::Missing { attribute: "data-article" });
            assert!(error.to_string().contains("`data-article`"));
        }
    }
}
