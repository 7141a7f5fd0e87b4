//! The widget's own API (`docs/openapi.yaml`): its URLs from the configured templates, its
//! JSON read and written by the core's `native` format.

use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{Comment, CommentPage, PostedComment};
use article_widget_core::json::Decoded;
use article_widget_core::error::{LoadError, PostError};
use article_widget_core::native;
use article_widget_core::url::{expand_template, percent_encode, with_query};

use super::send::{load, post};
use super::{Backend, HttpRequest, LocalFuture, Method, NewComment, Order, Transport};
use crate::config::NativeEndpoints;

/// The widget's own API (`docs/openapi.yaml`) at configured URLs.
pub struct NativeBackend {
    transport: Rc<dyn Transport>,
    article_url: String,
    related_url: Option<String>,
    comments_url: Option<String>,
    captcha_url: Option<String>,
}

/// Top-level comments per page (with all their replies); the views render as many at a time
/// whatever the API (`state::THREADS_PER_SLICE`).
pub const PAGE_SIZE: usize = 20;

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
        let limit = PAGE_SIZE.to_string();
        let mut query = vec![("order", order.code()), ("limit", limit.as_str())];
        query.extend(cursor.as_deref().map(|cursor| ("cursor", cursor)));
        let request = HttpRequest::get(with_query(&base, &query));
        load(self.transport.clone(), request, Box::new(|r| native::decode_comment_page(&r.body)))
    }

    /// `{comments URL}/{root}/replies`, its query kept after the path.
    fn replies(&self, root: &str, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>> {
        let url = below_comments(self.comments_url.as_deref().unwrap_or_default(), &format!("{}/replies", percent_encode(root)));
        let request = HttpRequest::get(match cursor.as_deref() {
            Some(cursor) => with_query(&url, &[("cursor", cursor)]),
            None => url,
        });
        load(self.transport.clone(), request, Box::new(|r| native::decode_comment_page(&r.body)))
    }

    fn challenge(&self, _seed: u64) -> Option<LocalFuture<Result<Challenge, LoadError>>> {
        let request = HttpRequest::get(self.captcha_url.as_deref()?);
        Some(load(self.transport.clone(), request, Box::new(|r| native::decode_challenge(&r.body))))
    }

    fn post_comment(&self, new: NewComment) -> LocalFuture<Result<PostedComment, PostError>> {
        let request = HttpRequest {
            method: Method::Post,
            url: self.comments_url.clone().unwrap_or_default(),
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Idempotency-Key".to_owned(), new.idempotency_key.clone()),
            ],
            body: Some(native::encode_new_comment(&new.comment, new.parent.as_deref(), &new.challenge, &new.answer, new.proof.as_deref(), new.notify)),
        };
        post(self.transport.clone(), request, Box::new(native::decode_posted_comment), Box::new(native::decode_error))
    }

    fn own_comments_scope(&self) -> Option<&str> {
        self.comments_url.as_deref()
    }

    fn edit_comment(&self, id: &str, secret: &str, body: &str) -> LocalFuture<Result<Comment, PostError>> {
        let request = HttpRequest {
            method: Method::Patch,
            url: self.comment_url(id),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(native::encode_comment_edit(secret, body)),
        };
        post(self.transport.clone(), request, Box::new(native::decode_comment), Box::new(native::decode_error))
    }

    /// The secret in `X-Comment-Secret`: a `DELETE` has no body.
    fn delete_comment(&self, id: &str, secret: &str) -> LocalFuture<Result<(), PostError>> {
        let request = HttpRequest {
            method: Method::Delete,
            url: self.comment_url(id),
            headers: vec![("X-Comment-Secret".to_owned(), secret.to_owned())],
            body: None,
        };
        post(self.transport.clone(), request, Box::new(|_| Ok(Decoded { value: (), warnings: Vec::new() })), Box::new(native::decode_error))
    }
}

impl NativeBackend {
    /// `{comments URL}/{id}`, the comments URL's query kept after the path.
    fn comment_url(&self, id: &str) -> String {
        below_comments(self.comments_url.as_deref().unwrap_or_default(), &percent_encode(id))
    }
}

/// `{comments URL}/{path}`, its query kept after the path.
fn below_comments(comments: &str, path: &str) -> String {
    let (base, query) = comments.split_once('?').map_or((comments, None), |(base, query)| (base, Some(query)));
    let url = format!("{}/{path}", base.trim_end_matches('/'));
    match query {
        Some(query) => format!("{url}?{query}"),
        None => url,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::backend::fakes::{backend, new_comment, response, with_headers, ARTICLE};
    use article_widget_core::comment::CommentStatus;
    use article_widget_core::error::{CaptchaRefusal, EditRefusal, Expected, Found, Problem, ShapeError};

    const MINIMAL: &str = r#"{"id":"a b","headline":"H","published":"2024-01-01T00:00:00Z","body":[]}"#;
    const COMMENTS: &str = "/api/a%20b/comments";

    /// An edit is a PATCH of the comment's URL with the secret and the text; a deletion a
    /// DELETE with the secret in `X-Comment-Secret`; their refusals say why.
    #[tokio::test]
    async fn an_authors_edit_and_deletion_carry_the_secret_and_their_refusals_say_why() {
        let edited = r#"{"id":"9","parent":null,"author":"Marie","body":"Corrigé","created":"2024-10-11T15:00:00Z","edited":"2024-10-11T15:05:00Z","status":"published"}"#;
        let (native, transport) = backend(&[(&format!("{COMMENTS}/9"), response(200, edited))]);
        assert_eq!(native.own_comments_scope(), Some(COMMENTS));
        let comment = native.edit_comment("9", "s3cr3t", "Corrigé").await.unwrap();
        assert_eq!((comment.body.as_str(), comment.edited.map(|at| at.unix_seconds() - comment.created.unix_seconds())), ("Corrigé", Some(300)));
        let sent = transport.sent.borrow()[0].clone();
        assert_eq!((sent.method, sent.url.as_str()), (Method::Patch, "/api/a%20b/comments/9"));
        assert_eq!(sent.body.as_deref(), Some(r#"{"secret":"s3cr3t","body":"Corrigé"}"#));

        let (native, transport) = backend(&[(&format!("{COMMENTS}/9"), response(204, ""))]);
        assert_eq!(native.delete_comment("9", "s3cr3t").await, Ok(()));
        let sent = transport.sent.borrow()[0].clone();
        assert_eq!((sent.method, sent.body.clone()), (Method::Delete, None));
        assert_eq!(sent.headers, [("X-Comment-Secret".to_owned(), "s3cr3t".to_owned())]);

        for (status, code, refusal) in [
            (409, "edit_window_closed", EditRefusal::WindowClosed),
            (409, "has_replies", EditRefusal::HasReplies),
            (403, "secret_mismatch", EditRefusal::NotYours),
        ] {
            let error = format!(r#"{{"error": {{"code": "{code}", "message": "m"}}}}"#);
            let (native, _) = backend(&[(&format!("{COMMENTS}/9"), response(status, &error))]);
            assert_eq!(native.edit_comment("9", "s", "b").await, Err(PostError::Edit(refusal)));
        }
    }

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


    #[tokio::test]
    async fn a_comment_that_cannot_be_read_is_left_out_of_its_page_and_counted() {
        let page = r#"{"total":2,"comments":[
            {"id":"1","parent":null,"author":"A","website":"javascript:alert(1)","body":"x","created":"2024-10-11T15:00:00Z","status":"published"},
            {"id":"2","parent":null,"author":"","body":"x","created":"2024-10-11T15:00:00Z","status":"published"}],"next":null}"#;
        let (backend, _) = backend(&[("/api/a%20b/comments?order=oldest&limit=20", response(200, page))]);
        let page = backend.comments(Order::Oldest, None).await.unwrap();
        let shown: Vec<_> = page.comments.iter().map(|c| (c.id.as_str(), c.website.is_some())).collect();
        assert_eq!((shown, page.total, page.skipped), (vec![("1", false)], 2, 1));
    }

    #[tokio::test]
    async fn the_replies_a_page_cut_are_asked_for_below_the_comments_url() {
        let replies = r#"{"total":2,"comments":[{"id":"3","parent":"1","author":"A","body":"x","created":"2024-10-11T15:00:00Z","status":"published"}],"next":"c/3"}"#;
        let (backend, transport) = backend(&[
            ("/api/a%20b/comments/1%2F2/replies", response(200, replies)),
            ("/api/a%20b/comments/1/replies?cursor=c%2F3", response(200, replies)),
        ]);
        let page = backend.replies("1/2", None).await.unwrap();
        assert_eq!((page.comments.len(), page.next.as_deref()), (1, Some("c/3")));
        backend.replies("1", Some("c/3".into())).await.unwrap();
        let urls: Vec<String> = transport.sent.borrow().iter().map(|r| r.url.clone()).collect();
        assert_eq!(urls, ["/api/a%20b/comments/1%2F2/replies", "/api/a%20b/comments/1/replies?cursor=c%2F3"]);
    }

    #[tokio::test]
    async fn a_post_sends_json_with_its_idempotency_key_and_reads_the_comment_back() {
        let stored = r#"{"id":"9","parent":"7","author":"Marie","website":null,"body":"Bonjour","created":"2024-10-11T15:00:00Z","status":"pending"}"#;
        let (backend, transport) = backend(&[(COMMENTS, response(201, stored))]);
        let comment = backend.post_comment(new_comment()).await.unwrap().comment;
        assert_eq!((comment.id.as_str(), comment.status), ("9", CommentStatus::Pending));
        let sent = transport.sent.borrow()[0].clone();
        assert_eq!(sent.method, Method::Post);
        assert!(sent.headers.contains(&("Idempotency-Key".to_owned(), "k".repeat(22))));
        let body: serde_json::Value = serde_json::from_str(&sent.body.unwrap()).unwrap();
        assert_eq!(body["parent"], "7");
        assert_eq!(body["captcha"]["seed"], "42");
        assert_eq!(body["captcha"]["answer"], "huit");
        assert_eq!(body["email"], "marie@example.fr");
        assert!(body.get("altcha").is_none(), "no proof of work asked for");
        let (backend, transport) = crate::backend::fakes::backend(&[(COMMENTS, response(201, stored))]);
        backend.post_comment(NewComment { proof: Some("eyJj".into()), ..new_comment() }).await.unwrap();
        let body: serde_json::Value = serde_json::from_str(transport.sent.borrow()[0].body.as_deref().unwrap()).unwrap();
        assert_eq!(body["altcha"], "eyJj", "the payload, a top-level member");
        assert!(body.get("notify").is_none(), "not asked for");
        let (backend, transport) = crate::backend::fakes::backend(&[(COMMENTS, response(201, stored))]);
        backend.post_comment(NewComment { notify: true, ..new_comment() }).await.unwrap();
        let body: serde_json::Value = serde_json::from_str(transport.sent.borrow()[0].body.as_deref().unwrap()).unwrap();
        assert_eq!(body["notify"], true, "asked for reply notifications");
    }

    #[tokio::test]
    async fn each_refusal_becomes_a_typed_post_error() {
        let error = |code: &str| format!(r#"{{"error":{{"code":"{code}","message":"Said the server.","field":"captcha"}}}}"#);
        let url = || "https://news.example/api/a%20b/comments".to_owned();
        let cases = [
            (response(422, &error("captcha_wrong")), PostError::Captcha(CaptchaRefusal::Wrong)),
            (response(422, &error("captcha_expired")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("captcha_used")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("pow_missing")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("pow_invalid")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("pow_expired")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("pow_replayed")), PostError::Captcha(CaptchaRefusal::Stale)),
            (response(422, &error("too_fast")), PostError::Captcha(CaptchaRefusal::TooFast)),
            (response(422, &error("trap_filled")), PostError::Captcha(CaptchaRefusal::TooFast)),
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
