//! The backend's tests' fakes: a transport that answers from a table, answers, a comment
//! ready to post, and the native adapter over that transport.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use article_widget_core::captcha::{Challenge, Signature};
use article_widget_core::error::{LoadError, Problem};

use super::{HttpRequest, HttpResponse, LocalFuture, NativeBackend, NewComment, Transport};
use crate::config::NativeEndpoints;

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

pub(super) const ARTICLE: &str = "/api/a%20b";

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
        challenge: Challenge { seed: 42, signed: Some(Signature { expires: "2024-10-11T15:10:00Z".into(), signature: "ab".into() }), pow: None, notify: false },
        answer: "huit".into(),
        proof: None,
        notify: false,
        idempotency_key: "k".repeat(22),
    }
}
