//! The one seam between the widget and the network.
//!
//! A [`Backend`] answers in the core's model; an adapter (only [`NativeBackend`] so far)
//! knows one API's URLs and JSON and leaves the bytes to a [`Transport`]: `fetch` in the
//! browser ([`fetch::FetchTransport`]), a fake in tests. Every failure becomes a
//! [`LoadError`] naming the URL, and is also written to the console for the integrator.

#[cfg(target_arch = "wasm32")]
pub mod fetch;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::error::{LoadError, Problem};
use article_widget_core::native;
use article_widget_core::url::expand_template;

use crate::config::Config;

pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// A failed request: the absolute URL it went to and why no answer came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoResponse {
    pub url: String,
    pub detail: String,
}

/// How bytes are fetched.
pub trait Transport {
    /// Resolves `url` against the page and GETs it: `Ok((absolute URL, response))` for any
    /// HTTP answer, `Err` when none came.
    fn get(&self, url: &str) -> LocalFuture<Result<(String, HttpResponse), NoResponse>>;
}

/// Where the widget's content comes from, in the core's model.
pub trait Backend {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>>;
    /// `None` when this backend has no related stories to show.
    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>>;
}

/// A shared backend that components can take as a property: equal when it is the same one.
#[derive(Clone)]
pub struct BackendHandle(pub Rc<dyn Backend>);

impl PartialEq for BackendHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The widget's own API (see `docs/openapi.yaml`) at the URLs of a [`Config`].
pub struct NativeBackend {
    transport: Rc<dyn Transport>,
    article_url: String,
    related_url: Option<String>,
}

impl NativeBackend {
    pub fn new(config: &Config, transport: Rc<dyn Transport>) -> NativeBackend {
        let expand = |template: &str| expand_template(template, &[("id", &config.article)]);
        NativeBackend {
            transport,
            article_url: expand(&config.article_url),
            related_url: config.related_url.as_deref().map(expand),
        }
    }
}

impl Backend for NativeBackend {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>> {
        Box::pin(load(self.transport.clone(), self.article_url.clone(), native::decode_article))
    }

    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>> {
        let url = self.related_url.clone()?;
        Some(Box::pin(load(self.transport.clone(), url, native::decode_related)))
    }
}

/// GETs `url` and decodes a 2xx body; anything else is a [`LoadError`], also reported.
async fn load<T>(
    transport: Rc<dyn Transport>,
    url: String,
    decode: fn(&str) -> Result<T, Problem>,
) -> Result<T, LoadError> {
    let result = match transport.get(&url).await {
        Err(NoResponse { url, detail }) => Err(LoadError { url, problem: Problem::Network { detail } }),
        Ok((url, response)) if !(200..300).contains(&response.status) => {
            Err(LoadError { url, problem: Problem::Status { status: response.status } })
        }
        Ok((url, response)) => decode(&response.body).map_err(|problem| LoadError { url, problem }),
    };
    if let Err(error) = &result {
        report(error);
    }
    result
}

/// The integrator's view of a failure: English, with every detail, in the console.
fn report(error: &LoadError) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&format!("article widget: {error}").into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = error;
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use article_widget_core::error::{Expected, Found, ShapeError};
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// Answers from a table; a URL not in it gets no response. Records what was asked.
    #[derive(Default)]
    struct TableTransport {
        answers: HashMap<String, HttpResponse>,
        asked: RefCell<Vec<String>>,
    }

    impl Transport for TableTransport {
        fn get(&self, url: &str) -> LocalFuture<Result<(String, HttpResponse), NoResponse>> {
            self.asked.borrow_mut().push(url.to_owned());
            let absolute = format!("https://news.example{url}");
            let answer = match self.answers.get(url) {
                Some(response) => Ok((absolute, response.clone())),
                None => Err(NoResponse { url: absolute, detail: "TypeError: Failed to fetch".into() }),
            };
            Box::pin(async move { answer })
        }
    }

    fn backend(answers: Answers, related_url: Option<&str>) -> (NativeBackend, Rc<TableTransport>) {
        let transport = Rc::new(TableTransport {
            answers: answers
                .iter()
                .map(|(url, status, body)| (url.to_string(), HttpResponse { status: *status, body: body.to_string() }))
                .collect(),
            ..Default::default()
        });
        let config = Config {
            article: "a b".into(),
            article_url: "/api/{id}".into(),
            related_url: related_url.map(str::to_owned),
            lang: None,
        };
        (NativeBackend::new(&config, transport.clone()), transport)
    }

    type Answers<'a> = &'a [(&'a str, u16, &'a str)];

    const MINIMAL: &str = r#"{"id":"a b","headline":"H","published":"2024-01-01T00:00:00Z","body":[]}"#;

    #[tokio::test]
    async fn each_failure_names_the_absolute_url_and_the_problem() {
        let url = "https://news.example/api/a%20b";
        let cases: [(Answers, Problem); 4] = [
            (&[], Problem::Network { detail: "TypeError: Failed to fetch".into() }),
            (&[("/api/a%20b", 404, MINIMAL)], Problem::Status { status: 404 }),
            (
                &[("/api/a%20b", 200, "{\"id\": ")],
                Problem::Syntax { line: 1, column: 7, detail: "EOF while parsing a value".into() },
            ),
            (
                &[("/api/a%20b", 200, r#"{"id":"x","published":"2024-01-01T00:00:00Z","body":[]}"#)],
                Problem::Shape(ShapeError { path: "/headline".into(), expected: Expected::NonBlankText, found: Found::Missing }),
            ),
        ];
        for (answers, problem) in cases {
            let (backend, _) = backend(answers, None);
            assert_eq!(backend.article().await, Err(LoadError { url: url.into(), problem }));
        }
    }

    #[tokio::test]
    async fn a_2xx_answer_decodes_and_related_follows_its_template() {
        let (backend, transport) = backend(
            &[("/api/a%20b", 200, MINIMAL), ("/api/a%20b/related", 200, r#"{"items":[]}"#)],
            Some("/api/{id}/related"),
        );
        assert_eq!(backend.article().await.unwrap().headline, "H");
        assert_eq!(backend.related().unwrap().await, Ok(vec![]));
        assert_eq!(*transport.asked.borrow(), ["/api/a%20b", "/api/a%20b/related"]);
        assert!(self::backend(&[], None).0.related().is_none());
    }
}
