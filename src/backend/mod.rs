//! The one seam between the widget and the network.
//!
//! A [`Backend`] answers in the core's model; an adapter knows one API's URLs and JSON
//! ([`NativeBackend`] the widget's own, [`MappedBackend`] any other through a mapping) and
//! leaves the bytes to a [`Transport`]: `fetch` in the browser ([`fetch::FetchTransport`]),
//! a fake in tests. Every failure is typed, names the URL, and is also written to the
//! console for the integrator.
//!
//! One job a file: the HTTP exchange and the [`Transport`] trait (`http.rs`), sending and
//! reporting shared by the adapters (`send.rs`), what a refused post means (`refusal.rs`),
//! the adapters (`native.rs`, `mapped.rs`), the article asked for at mount (`head_start.rs`)
//! and the browser's transport (`fetch.rs`).

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fakes;
mod head_start;
mod http;
#[cfg(feature = "mappings")]
mod mapped;
mod native;
mod refusal;
mod send;

use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{Comment, CommentPage, PostedComment, ValidComment};
use article_widget_core::error::{LoadError, PostError};

use crate::config::{Api, Config};
pub use head_start::head_start;
pub use http::{HttpRequest, HttpResponse, LocalFuture, Method, Transport};
#[cfg(feature = "mappings")]
pub use mapped::MappedBackend;
pub use native::{NativeBackend, PAGE_SIZE as NATIVE_PAGE_SIZE};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    #[default]
    Oldest,
    Newest,
}

impl Order {
    pub fn code(self) -> &'static str {
        match self {
            Order::Oldest => "oldest",
            Order::Newest => "newest",
        }
    }
}

/// A comment ready to go: checked, with its captcha answer, the proof of work's payload when
/// the challenge asked for one, and the key that makes a retry of the same post safe.
#[derive(Clone, Debug, PartialEq)]
pub struct NewComment {
    pub comment: ValidComment,
    pub parent: Option<String>,
    pub challenge: Challenge,
    pub answer: String,
    pub proof: Option<String>,
    /// The author asks to be told of replies by e-mail (offered when the challenge says so).
    pub notify: bool,
    pub idempotency_key: String,
}

/// Where the widget's content comes from, in the core's model.
pub trait Backend {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>>;
    /// Whether the other endpoints need values from the article's answer (a mapping's
    /// `provides`), so that they are asked for only once the article is in.
    fn needs_article_first(&self) -> bool;
    /// `None` when this backend has no related stories to show.
    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>>;
    /// Whether this backend has comments at all.
    fn has_comments(&self) -> bool;
    /// Whether readers can post comments here (a mapping may give read-only comments).
    fn accepts_comments(&self) -> bool;
    /// One page of comments; `cursor` is the previous page's `next`.
    fn comments(&self, order: Order, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>>;
    /// A page of the replies of `root` that its page cut (`CommentPage::more_replies`), from
    /// `cursor`: asked for only of a backend whose pages cut replies.
    fn replies(&self, root: &str, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>>;
    /// A server's signed challenge, or `None` when the backend issues none (the widget then
    /// makes its own of `seed` and checks the answer itself). An API whose mapping asks for
    /// a proof of work gives the widget's own question of `seed` with its challenge.
    fn challenge(&self, seed: u64) -> Option<LocalFuture<Result<Challenge, LoadError>>>;
    /// The comment as stored, with the secret that lets its author change it when the
    /// backend gives one.
    fn post_comment(&self, comment: NewComment) -> LocalFuture<Result<PostedComment, PostError>>;
    /// Where the secrets of the reader's own comments are kept apart from other backends'
    /// and articles' (its comments URL), when the author of a comment may edit or delete it
    /// here with the secret its post answered: the widget's own API, not a mapped one.
    fn own_comments_scope(&self) -> Option<&str> {
        None
    }
    /// The comment `id` with its text replaced; asked for only of a backend with an
    /// [`own_comments_scope`](Backend::own_comments_scope).
    fn edit_comment(&self, id: &str, secret: &str, body: &str) -> LocalFuture<Result<Comment, PostError>> {
        let _ = (id, secret, body);
        not_offered()
    }
    /// Deletes the comment `id`; the same.
    fn delete_comment(&self, id: &str, secret: &str) -> LocalFuture<Result<(), PostError>> {
        let _ = (id, secret);
        not_offered()
    }
}

/// What a backend that does not let authors change their comments answers, should it be asked.
fn not_offered<T: 'static>() -> LocalFuture<Result<T, PostError>> {
    Box::pin(async { Err(PostError::Edit(article_widget_core::error::EditRefusal::NotYours)) })
}

/// The backend a configuration names, sending through `transport`.
pub fn connect(config: &Config, transport: Rc<dyn Transport>) -> Rc<dyn Backend> {
    match &config.api {
        Api::Native(endpoints) => Rc::new(NativeBackend::new(&config.article, endpoints, transport)),
        #[cfg(feature = "mappings")]
        Api::Mapped { mapping, base } => Rc::new(MappedBackend::new(mapping.clone(), base, &config.article, transport)),
        #[cfg(not(feature = "mappings"))]
        Api::Mapped { mapping, .. } => match **mapping {},
    }
}
