//! Any JSON API, through a [`Mapping`] (`docs/mapping.md`): the mapping builds the URLs and
//! bodies and reads the answers; this adapter sends and reports like [`super::NativeBackend`].

use std::cell::RefCell;
use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{CommentPage, PostedComment};
use article_widget_core::error::{CaptchaRefusal, LoadError, PostError, Problem};
use article_widget_core::json::Decoded;
use article_widget_core::mapping::{Mapping, Provided};

use super::send::{load, post, report};
use super::{Backend, HttpRequest, HttpResponse, LocalFuture, Method, NewComment, Order, Transport};

/// What a request for something the mapping lacks meets: the views ask only for what
/// [`Backend::has_comments`], [`Backend::accepts_comments`] and [`Backend::related`] offer,
/// so in practice no reader sees it.
const NOT_IN_MAPPING: Problem = Problem::Status { status: 405 };

/// The values of the templates, owned: `{id}`, `{slug}`, and what the article provides.
type OwnedValues = Vec<(String, String)>;

pub struct MappedBackend {
    transport: Rc<dyn Transport>,
    mapping: Rc<Mapping>,
    /// The API root the mapping's URLs are joined to.
    base: String,
    /// The article setting as the templates' `{id}`, and as `{slug}` when it is not a
    /// number, so that a mapping can ask for a post by slug or by id (`docs/mapping.md`).
    setting: Rc<OwnedValues>,
    /// What the article's latest answer provided (the mapping's `provides`); the views ask
    /// for the other endpoints once it is in ([`Backend::needs_article_first`]).
    provided: Rc<RefCell<Provided>>,
    /// Set when another endpoint reads the article's own document (a JSON Feed's related
    /// stories are the feed's other items): the views then ask for it once the article is
    /// in, and the transport hands it the answer already downloaded.
    shares_article_document: bool,
}

impl MappedBackend {
    pub fn new(mapping: Rc<Mapping>, base: &str, article: &str, transport: Rc<dyn Transport>) -> MappedBackend {
        let mut setting = vec![("id".to_owned(), article.to_owned())];
        if !article.bytes().all(|b| b.is_ascii_digit()) {
            setting.push(("slug".to_owned(), article.to_owned()));
        }
        let article_url = mapping.article_url(base, &borrowed(&setting));
        let same_document = |url: Option<String>| url.as_deref() == Some(article_url.as_str());
        let shares_article_document = same_document(mapping.related_url(base, &borrowed(&setting)))
            || same_document(mapping.comments_url(base, &borrowed(&setting), None));
        let transport: Rc<dyn Transport> = if shares_article_document {
            Rc::new(Remembering { inner: transport, url: article_url, answer: Rc::default() })
        } else {
            transport
        };
        MappedBackend {
            transport,
            mapping,
            base: base.to_owned(),
            setting: Rc::new(setting),
            provided: Rc::default(),
            shares_article_document,
        }
    }

    /// The values for every endpoint but the article's: what the article provided first,
    /// then the setting's.
    fn values(&self) -> OwnedValues {
        self.provided.borrow().iter().chain(self.setting.iter()).cloned().collect()
    }

    /// GETs `url` and reads the answer with `decode`, which is given the mapping and the
    /// `values` the URL was built with; `None` from it is a part the mapping lacks.
    fn get<T: 'static>(
        &self,
        url: String,
        values: OwnedValues,
        decode: impl FnOnce(&Mapping, &[(&str, &str)], &HttpResponse) -> Option<Result<Decoded<T>, Problem>> + 'static,
    ) -> LocalFuture<Result<T, LoadError>> {
        let mapping = self.mapping.clone();
        let decode = move |response: &HttpResponse| decode(&mapping, &borrowed(&values), response).unwrap_or(Err(NOT_IN_MAPPING));
        load(self.transport.clone(), HttpRequest::get(url), Box::new(decode))
    }
}

/// A transport that keeps the first successful answer for one URL and gives it again to
/// whoever asks for that URL later, rather than downloading the same document twice.
/// Failures are not kept, so a retry goes to the network.
struct Remembering {
    inner: Rc<dyn Transport>,
    url: String,
    answer: Rc<RefCell<Option<(String, HttpResponse)>>>,
}

impl Transport for Remembering {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        if request.url != self.url || request.method != Method::Get {
            return self.inner.send(request);
        }
        if let Some(answer) = self.answer.borrow().clone() {
            return Box::pin(async move { Ok(answer) });
        }
        let (sent, kept) = (self.inner.send(request), self.answer.clone());
        Box::pin(async move {
            let answer = sent.await?;
            if (200..300).contains(&answer.1.status) {
                *kept.borrow_mut() = Some(answer.clone());
            }
            Ok(answer)
        })
    }
}

fn borrowed(values: &[(String, String)]) -> Vec<(&str, &str)> {
    values.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
}

impl Backend for MappedBackend {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>> {
        let setting = self.setting.to_vec();
        let url = self.mapping.article_url(&self.base, &borrowed(&setting));
        let provided = self.provided.clone();
        self.get(url, setting, move |mapping, values, response| {
            Some(mapping.decode_article_and_values(&response.body, values).map(|decoded| {
                decoded.map(|(article, values)| {
                    *provided.borrow_mut() = values;
                    article
                })
            }))
        })
    }

    fn needs_article_first(&self) -> bool {
        self.mapping.needs_article_values() || self.shares_article_document
    }

    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>> {
        let values = self.values();
        let url = self.mapping.related_url(&self.base, &borrowed(&values))?;
        Some(self.get(url, values, |mapping, values, response| mapping.decode_related(&response.body, values)))
    }

    fn has_comments(&self) -> bool {
        self.mapping.has_comments()
    }

    fn accepts_comments(&self) -> bool {
        self.mapping.can_post_comments()
    }

    fn comments(&self, order: Order, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>> {
        let values = self.values();
        let with_order: Vec<(&str, &str)> = borrowed(&values).into_iter().chain([("order", order.code())]).collect();
        let url = self.mapping.comments_url(&self.base, &with_order, cursor.as_deref()).unwrap_or_default();
        self.get(url, values, move |mapping, _, response| {
            mapping.decode_comment_page(&response.body, &response.headers, cursor.as_deref())
        })
    }

    /// Never asked: a mapping's pages hold every reply they read (no `more_replies`).
    fn replies(&self, _root: &str, _cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>> {
        let error = LoadError { url: self.base.clone(), problem: NOT_IN_MAPPING };
        Box::pin(async { Err(error) })
    }

    /// The widget's own question, as no mapped API checks one; with the proof of work's
    /// challenge when the mapping asks for one (`comments.post.challenge`), `None` otherwise.
    fn challenge(&self, seed: u64) -> Option<LocalFuture<Result<Challenge, LoadError>>> {
        let values = self.values();
        let url = self.mapping.challenge_url(&self.base, &borrowed(&values))?;
        Some(self.get(url, values, move |mapping, _, response| {
            let decoded = mapping.decode_challenge(&response.body)?;
            Some(decoded.map(|decoded| decoded.map(|pow| Challenge { pow: Some(pow), ..Challenge::local(seed) })))
        }))
    }

    fn post_comment(&self, new: NewComment) -> LocalFuture<Result<PostedComment, PostError>> {
        // First, so that no value the article provides under these names replaces them.
        let proof = new.proof.iter().map(|payload| ("altcha".to_owned(), payload.clone()));
        let key = ("idempotency_key".to_owned(), new.idempotency_key.clone());
        let values: OwnedValues = proof.chain([key]).chain(self.values()).collect();
        let values = borrowed(&values);
        let url = self.mapping.post_comment_url(&self.base, &values);
        let request = self.mapping.new_comment_request(&new.comment, new.parent.as_deref(), &values);
        let (Some(url), Some((headers, body))) = (url, request) else {
            let error = PostError::Failed(LoadError { url: self.base.clone(), problem: NOT_IN_MAPPING });
            report(&error.to_string());
            return Box::pin(async { Err(error) });
        };
        // Only the headers the mapping names: another (an `Idempotency-Key` that WordPress's
        // CORS rules do not allow) would fail the preflight and so every post.
        let request = HttpRequest { method: Method::Post, url, headers, body: Some(body) };
        let (for_comment, for_error, for_refusal) = (self.mapping.clone(), self.mapping.clone(), self.mapping.clone());
        let sent = post(
            self.transport.clone(),
            request,
            Box::new(move |body| Ok(for_comment.decode_posted_comment(body).unwrap_or(Err(NOT_IN_MAPPING))?.map(PostedComment::from))),
            Box::new(move |body| for_error.decode_error(body)),
        );
        Box::pin(async move {
            match sent.await {
                // The proof of work refused (expired, used already): a new challenge, solved
                // anew, as for the widget's own API's `pow_*` codes (`refusal.rs`).
                Err(PostError::Refused { code, .. }) if for_refusal.refuses_proof(&code) => Err(PostError::Captcha(CaptchaRefusal::Stale)),
                other => other,
            }
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::backend::fakes::{new_comment, response, with_headers, TableTransport};
    use article_widget_core::article::{Block, HeadingLevel};
    use article_widget_core::comment::CommentStatus;
    use article_widget_core::error::{Expected, Found, ShapeError};
    use serde_json::{json, Value};

    const WP_POST: &str = include_str!("../../core/tests/fixtures/wordpress_post.json");
    const WP_POSTS: &str = include_str!("../../core/tests/fixtures/wordpress_posts.json");
    const WP_COMMENTS: &str = include_str!("../../core/tests/fixtures/wordpress_comments.json");
    /// A real WordPress's comments, one imported with a `javascript:` website.
    const WP_REAL_COMMENTS: &str = include_str!("../../core/tests/fixtures/wordpress-real/comments.json");
    const WP_COMMENT_CREATED: &str = include_str!("../../core/tests/fixtures/wordpress_comment_created.json");
    const FEED: &str = include_str!("../../core/tests/fixtures/jsonfeed.json");

    const SITE: &str = "https://news.example.org";
    const WP_ARTICLE: &str = "https://news.example.org/wp-json/wp/v2/posts/4127?_embed=author,wp:featuredmedia,wp:term";
    /// Posts of the article's category or tags (`categories` 3, `tags` 12 and 15 in the fixture).
    const WP_RELATED: &str = "https://news.example.org/wp-json/wp/v2/posts?categories=3&tags=12%2C15&tax_relation=OR&exclude=4127&per_page=4&_embed=wp:featuredmedia";
    const WP_BY_SLUG: &str = "https://news.example.org/wp-json/wp/v2/posts?slug=putin-pezeshkian-ashgabat&_embed=author,wp:featuredmedia,wp:term";
    const WP_COMMENTS_PAGE_1: &str =
        "https://news.example.org/wp-json/wp/v2/comments?post=4127&page=1&per_page=100&orderby=date_gmt&order=desc";
    const WP_COMMENTS_PAGE_2: &str =
        "https://news.example.org/wp-json/wp/v2/comments?post=4127&page=2&per_page=100&orderby=date_gmt&order=asc";
    const WP_POST_COMMENT: &str = "https://news.example.org/wp-json/wp/v2/comments";

    fn wordpress(answers: &[(&str, HttpResponse)]) -> (MappedBackend, Rc<TableTransport>) {
        let transport = TableTransport::new(answers);
        let mapping = Rc::new(Mapping::builtin("wordpress").unwrap());
        (MappedBackend::new(mapping, SITE, "4127", transport.clone()), transport)
    }

    #[tokio::test]
    async fn a_wordpress_post_with_its_related_posts_and_paged_comments() {
        let paging = [("x-wp-total", "12"), ("x-wp-totalpages", "2")];
        let (backend, transport) = wordpress(&[
            (WP_ARTICLE, response(200, WP_POST)),
            (WP_RELATED, response(200, WP_POSTS)),
            (WP_COMMENTS_PAGE_1, with_headers(response(200, WP_COMMENTS), &paging)),
            (WP_COMMENTS_PAGE_2, with_headers(response(200, "[]"), &paging)),
        ]);
        let article = backend.article().await.unwrap();
        assert_eq!(article.headline, "“New world order”? Putin and Pezeshkian meet in Ashgabat – Analysis");
        assert_eq!(article.hero.unwrap().caption.as_deref(), Some("Massoud Pezeshkian and Vladimir Putin in Ashgabat, Turkmenistan © Reuters"));
        assert_eq!(article.body[1], Block::Heading { level: HeadingLevel::H2, text: "A “very close” partnership".into() });

        let related = backend.related().unwrap().await.unwrap();
        assert_eq!(related.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(), ["BRICS summit: what to expect in Kazan…", "Iran’s oil exports hit a record"]);

        assert!(backend.has_comments() && backend.challenge(7).is_none());
        let page = backend.comments(Order::Newest, None).await.unwrap();
        assert_eq!((page.total, page.next.as_deref()), (12, Some("2")));
        let ids: Vec<_> = page.comments.iter().map(|c| (c.id.as_str(), c.parent.as_deref())).collect();
        assert_eq!(ids, [("982", None), ("985", Some("982"))]);
        let last = backend.comments(Order::Oldest, page.next).await.unwrap();
        assert_eq!((last.total, last.comments.len(), last.next), (12, 0, None));

        let urls: Vec<String> = transport.sent.borrow().iter().map(|r| r.url.clone()).collect();
        assert_eq!(urls, [WP_ARTICLE, WP_RELATED, WP_COMMENTS_PAGE_1, WP_COMMENTS_PAGE_2]);
    }

    #[tokio::test]
    async fn a_wordpress_post_by_slug_gives_its_numeric_id_and_terms_to_the_other_endpoints() {
        let transport = TableTransport::new(&[
            (WP_BY_SLUG, response(200, &format!("[{WP_POST}]"))),
            (WP_RELATED, response(200, WP_POSTS)),
            (WP_COMMENTS_PAGE_1, response(200, WP_COMMENTS)),
            (WP_POST_COMMENT, response(201, WP_COMMENT_CREATED)),
        ]);
        let mapping = Rc::new(Mapping::builtin("wordpress").unwrap());
        let backend = MappedBackend::new(mapping, SITE, "putin-pezeshkian-ashgabat", transport.clone());
        assert!(backend.needs_article_first(), "the views wait for the article");
        assert_eq!(backend.article().await.unwrap().id, "4127");
        backend.related().unwrap().await.unwrap();
        assert_eq!(backend.comments(Order::Newest, None).await.unwrap().comments.len(), 2);
        backend.post_comment(new_comment()).await.unwrap();
        let sent = transport.sent.borrow();
        let urls: Vec<&str> = sent.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, [WP_BY_SLUG, WP_RELATED, WP_COMMENTS_PAGE_1, WP_POST_COMMENT]);
        let body: Value = serde_json::from_str(sent[3].body.as_deref().unwrap()).unwrap();
        assert_eq!(body["post"], json!(4127));
    }

    #[tokio::test]
    async fn an_untagged_post_has_related_posts_of_its_category_and_a_failed_answer_provides_nothing() {
        let mut untagged: Value = serde_json::from_str(WP_POST).unwrap();
        untagged["tags"] = json!([]);
        let by_category = "https://news.example.org/wp-json/wp/v2/posts?categories=3&exclude=4127&per_page=4&_embed=wp:featuredmedia";
        let latest = "https://news.example.org/wp-json/wp/v2/posts?exclude=4127&per_page=4&_embed=wp:featuredmedia";
        let (backend, transport) = wordpress(&[(WP_ARTICLE, response(200, &untagged.to_string()))]);
        backend.article().await.unwrap();
        let _ = backend.related().unwrap().await;
        let (failing, failing_transport) = wordpress(&[(WP_ARTICLE, response(503, ""))]);
        assert!(failing.article().await.is_err());
        let _ = failing.related().unwrap().await;
        assert_eq!(transport.sent.borrow()[1].url, by_category);
        assert_eq!(failing_transport.sent.borrow()[1].url, latest);
    }

    #[tokio::test]
    async fn a_wordpress_answer_of_the_wrong_shape_names_the_url_and_the_json_pointer() {
        let mut post: Value = serde_json::from_str(WP_POST).unwrap();
        post["title"] = json!({"raw": "no rendered title"});
        let (backend, _) = wordpress(&[(WP_ARTICLE, response(200, &post.to_string()))]);
        let problem = Problem::Shape(ShapeError { path: "/title/rendered".into(), expected: Expected::NonBlankText, found: Found::Missing });
        assert_eq!(backend.article().await, Err(LoadError { url: WP_ARTICLE.into(), problem }));
        let (backend, _) = wordpress(&[(WP_ARTICLE, response(404, r#"{"code":"rest_post_invalid_id"}"#))]);
        assert_eq!(backend.article().await, Err(LoadError { url: WP_ARTICLE.into(), problem: Problem::Status { status: 404 } }));
    }

    #[tokio::test]
    async fn a_hostile_website_costs_a_wordpress_comment_its_link_and_nothing_more() {
        let mut comments: Value = serde_json::from_str(WP_REAL_COMMENTS).unwrap();
        let (backend, _) = wordpress(&[(WP_COMMENTS_PAGE_1, with_headers(response(200, &comments.to_string()), &[("x-wp-total", "5")]))]);
        let page = backend.comments(Order::Newest, None).await.unwrap();
        let shown: Vec<_> = page.comments.iter().map(|c| (c.id.as_str(), c.website.is_some())).collect();
        assert_eq!(shown, [("2", true), ("3", false), ("4", true), ("5", true), ("6", false)]);
        assert_eq!((page.total, page.skipped), (5, 0));

        comments[1]["date_gmt"] = json!(null);
        let (backend, _) = wordpress(&[(WP_COMMENTS_PAGE_1, with_headers(response(200, &comments.to_string()), &[("x-wp-total", "5")]))]);
        let page = backend.comments(Order::Newest, None).await.unwrap();
        assert_eq!((page.comments.len(), page.total, page.skipped), (4, 5, 1), "the undated reply is left out and counted");
    }

    #[tokio::test]
    async fn a_comment_is_posted_as_wordpress_wants_it_and_a_held_one_is_pending() {
        let (backend, transport) = wordpress(&[(WP_POST_COMMENT, response(201, WP_COMMENT_CREATED))]);
        let posted = backend.post_comment(new_comment()).await.unwrap();
        assert_eq!((posted.ownership, backend.own_comments_scope()), (None, None), "a mapped API lets no author change a comment");
        let stored = posted.comment;
        assert_eq!((stored.id.as_str(), stored.parent.as_deref(), stored.status), ("991", Some("982"), CommentStatus::Pending));

        let sent = transport.sent.borrow()[0].clone();
        assert_eq!(sent.method, Method::Post);
        assert_eq!(sent.headers, [("Content-Type".to_owned(), "application/json".to_owned())], "nothing a CORS preflight would refuse");
        let body: Value = serde_json::from_str(&sent.body.unwrap()).unwrap();
        assert_eq!(body, json!({"post": 4127, "parent": 7, "author_name": "Marie", "author_email": "marie@example.fr", "content": "Bonjour"}));
        let with_website = NewComment {
            comment: article_widget_core::comment::ValidComment {
                website: article_widget_core::url::SafeUrl::parse("https://marie.example"),
                ..new_comment().comment
            },
            parent: None,
            ..new_comment()
        };
        backend.post_comment(with_website).await.unwrap();
        let body: Value = serde_json::from_str(transport.sent.borrow()[1].body.as_deref().unwrap()).unwrap();
        assert_eq!((body["author_url"].as_str(), body.get("parent")), (Some("https://marie.example"), None));
    }

    #[tokio::test]
    async fn each_wordpress_refusal_becomes_a_typed_post_error() {
        let error = |code: &str, message: &str, status: u16| json!({"code": code, "message": message, "data": {"status": status}}).to_string();
        let refused = |status, code: &str, message: &str| PostError::Refused { status, code: code.into(), message: message.into() };
        let flood = "You are posting comments too quickly. Slow down.";
        let duplicate = "Duplicate comment detected; it looks as though you&#8217;ve already said that!";
        let login = "Sorry, you must be logged in to comment.";
        let author = "Creating a comment requires valid author name and email values.";
        let cases = [
            (response(400, &error("comment_flood", flood, 400)), PostError::RateLimited { retry_after_seconds: None }),
            (
                with_headers(response(429, &error("comment_flood", flood, 429)), &[("retry-after", "30")]),
                PostError::RateLimited { retry_after_seconds: Some(30) },
            ),
            (
                response(409, &error("comment_duplicate", duplicate, 409)),
                refused(409, "comment_duplicate", "Duplicate comment detected; it looks as though you’ve already said that!"),
            ),
            (response(401, &error("rest_comment_login_required", login, 401)), refused(401, "rest_comment_login_required", login)),
            (response(400, &error("rest_comment_author_data_required", author, 400)), refused(400, "rest_comment_author_data_required", author)),
            (response(403, &error("rest_comment_closed", "Sorry, you are not allowed to create a comment on this post.", 403)),
                refused(403, "rest_comment_closed", "Sorry, you are not allowed to create a comment on this post.")),
            (
                response(500, &error("db_insert_error", "Could not insert comment into the database.", 500)),
                PostError::Failed(LoadError { url: WP_POST_COMMENT.into(), problem: Problem::Status { status: 500 } }),
            ),
            (response(502, "<html>Bad gateway</html>"), PostError::Failed(LoadError { url: WP_POST_COMMENT.into(), problem: Problem::Status { status: 502 } })),
        ];
        for (answer, expected) in cases {
            let (backend, _) = wordpress(&[(WP_POST_COMMENT, answer)]);
            assert_eq!(backend.post_comment(new_comment()).await, Err(expected));
        }
    }

    #[tokio::test]
    async fn json_feed_items_are_the_article_and_its_related_stories_without_comments() {
        let feed_url = "https://news.example.org/feed.json";
        let transport = TableTransport::new(&[(feed_url, response(200, FEED))]);
        let backend = MappedBackend::new(Rc::new(Mapping::builtin("jsonfeed").unwrap()), feed_url, "4120", transport.clone());
        assert_eq!(backend.article().await.unwrap().headline, "BRICS summit: what to expect in Kazan");
        let related = backend.related().unwrap().await.unwrap();
        let urls: Vec<&str> = related.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(urls, ["https://news.example.org/2024/10/11/putin-pezeshkian-ashgabat/", "https://partner.example.com/iran-oil"]);
        assert!(!backend.has_comments());
        assert!(backend.needs_article_first(), "the related stories wait for the feed the article brings");
        assert_eq!(transport.sent.borrow().len(), 1, "the feed is downloaded once");
    }

    #[tokio::test]
    async fn a_shared_document_that_failed_is_asked_for_again() {
        let feed_url = "https://news.example.org/feed.json";
        let transport = TableTransport::new(&[(feed_url, response(503, "busy"))]);
        let backend = MappedBackend::new(Rc::new(Mapping::builtin("jsonfeed").unwrap()), feed_url, "4120", transport.clone());
        let unavailable = LoadError { url: feed_url.into(), problem: Problem::Status { status: 503 } };
        assert_eq!(backend.article().await, Err(unavailable.clone()));
        assert_eq!(backend.article().await, Err(unavailable));
        assert_eq!(transport.sent.borrow().len(), 2, "a failure is not kept");
    }

    #[test]
    fn endpoints_on_their_own_urls_do_not_wait_for_the_article() {
        let (backend, _) = wordpress(&[]);
        assert!(!backend.shares_article_document);
    }

    /// The reference server's own API read through a mapping, its proof of work included.
    const REFERENCE: &str = include_str!("../../core/mappings/reference-server.json");
    const REFERENCE_CAPTCHA: &str = "https://news.example.org/api/captcha";
    const REFERENCE_POST: &str = "https://news.example.org/api/articles/a1/comments";

    fn reference(answers: &[(&str, HttpResponse)]) -> (MappedBackend, Rc<TableTransport>) {
        let transport = TableTransport::new(answers);
        let mapping = Rc::new(Mapping::parse(REFERENCE).unwrap());
        (MappedBackend::new(mapping, SITE, "a1", transport.clone()), transport)
    }

    fn captcha_answer(cost: u32) -> String {
        json!({"seed": "99", "expires": "2030-01-01T00:00:00Z", "signature": "cafe", "pow": {
            "parameters": {"algorithm": "SHA-256", "cost": cost, "keyLength": 32, "keyPrefix": "0a", "nonce": "00ff", "salt": "01", "expiresAt": 1},
            "signature": "ab"}})
        .to_string()
    }

    #[tokio::test]
    async fn a_mapped_challenge_brings_the_proof_of_work_with_the_widgets_own_question() {
        let (backend, transport) = reference(&[(REFERENCE_CAPTCHA, response(200, &captcha_answer(1)))]);
        let challenge = backend.challenge(7).expect("the mapping asks for a proof of work").await.unwrap();
        assert_eq!((challenge.seed, challenge.signed.clone()), (7, None), "the widget's own question, checked here");
        let pow = challenge.pow.expect("the challenge at /pow");
        assert_eq!((pow.signature.as_str(), pow.task.cost), ("ab", 1));
        assert_eq!(transport.sent.borrow()[0].url, REFERENCE_CAPTCHA);

        let (backend, _) = reference(&[(REFERENCE_CAPTCHA, response(200, &captcha_answer(0)))]);
        let problem = Problem::Shape(ShapeError { path: "/pow/parameters/cost".into(), expected: Expected::PositiveInteger, found: Found::Number });
        assert_eq!(backend.challenge(7).unwrap().await, Err(LoadError { url: REFERENCE_CAPTCHA.into(), problem }));
        let (wordpress, _) = wordpress(&[]);
        assert!(wordpress.challenge(7).is_none(), "no challenge in the mapping: the widget makes its own question");
    }

    #[tokio::test]
    async fn a_mapped_post_sends_the_payload_and_a_refused_proof_asks_for_a_new_challenge() {
        let stored = r#"{"id":"9","parent":"7","author":"Marie","website":null,"body":"Bonjour","created":"2024-10-11T15:00:00Z","status":"published"}"#;
        let (backend, transport) = reference(&[(REFERENCE_POST, response(201, stored))]);
        let comment = backend.post_comment(NewComment { proof: Some("eyJj".into()), ..new_comment() }).await.unwrap();
        assert_eq!(comment.comment.id, "9");
        let sent = transport.sent.borrow()[0].clone();
        assert_eq!(sent.headers, [("Content-Type".to_owned(), "application/json".to_owned()), ("Idempotency-Key".to_owned(), "k".repeat(22))]);
        let body: Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
        assert_eq!(body, json!({"name": "Marie", "email": "marie@example.fr", "body": "Bonjour", "parent": "7", "altcha": "eyJj"}));

        let expired = json!({"error": {"code": "pow_expired", "message": "fetch a new one"}}).to_string();
        let (backend, _) = reference(&[(REFERENCE_POST, response(422, &expired))]);
        assert_eq!(backend.post_comment(new_comment()).await, Err(PostError::Captcha(CaptchaRefusal::Stale)));

        // An API that refuses a proof with a code of its own, which its mapping names.
        let mapping = r#"{"article": {"fields": {"headline": "/t", "published": "/d", "body": "/b"}},
            "comments": {"url": "/c", "fields": {"id": "/id", "body": "/text", "created": "/at"},
                "post": {"url": "/c", "form": true, "challenge": {"url": "/altcha", "refused": ["wp_die"]}, "body": {"text": "{body}", "altcha": "{altcha}"}}},
            "error": {"code": "/code", "message": "/message"}}"#;
        let refusal = |code: &str| response(403, &json!({"code": code, "message": "[ALTCHA] Sorry, your request could not be processed."}).to_string());
        for (code, expected) in [
            ("wp_die", PostError::Captcha(CaptchaRefusal::Stale)),
            ("rest_comment_closed", PostError::Refused { status: 403, code: "rest_comment_closed".into(), message: "[ALTCHA] Sorry, your request could not be processed.".into() }),
        ] {
            let transport = TableTransport::new(&[("https://api.example/c", refusal(code))]);
            let backend = MappedBackend::new(Rc::new(Mapping::parse(mapping).unwrap()), "https://api.example", "a1", transport.clone());
            assert_eq!(backend.post_comment(NewComment { proof: Some("eyJ+".into()), ..new_comment() }).await, Err(expected));
            let sent = transport.sent.borrow()[0].clone();
            assert_eq!((sent.body.as_deref(), sent.headers[0].1.as_str()), (Some("text=Bonjour&altcha=eyJ%2B"), "application/x-www-form-urlencoded"));
        }
    }

    #[tokio::test]
    async fn a_post_to_read_only_comments_fails_without_a_request() {
        let read_only = r#"{"article": {"fields": {"headline": "/t", "published": "/d", "body": "/b"}},
            "comments": {"url": "/comments/{id}", "fields": {"id": "/id", "body": "/text", "created": "/at"}}}"#;
        let transport = TableTransport::new(&[]);
        let backend = MappedBackend::new(Rc::new(Mapping::parse(read_only).unwrap()), "https://api.example", "a1", transport.clone());
        let refused = PostError::Failed(LoadError { url: "https://api.example".into(), problem: NOT_IN_MAPPING });
        assert!(!backend.accepts_comments(), "the views show no form");
        assert_eq!(backend.post_comment(new_comment()).await, Err(refused));
        assert!(transport.sent.borrow().is_empty());
    }
}
