//! The article's request started at mount, before the first render.
//!
//! The views ask for the article from an effect, and Yew runs effects only after the first
//! render, often after a frame of placeholder too: on a page that preloads the article, its
//! answer was in long before anyone asked for it (README "Benchmarks"). A [`HeadStart`]
//! asks at once and hands the answer to the views' first request.

use std::cell::RefCell;
use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{Comment, CommentPage, PostedComment};
use article_widget_core::error::{LoadError, PostError};
use yew::platform::pinned::oneshot;

use super::{Backend, LocalFuture, NewComment, Order};

/// `inner`, whose first article request was made early; every other request goes to it.
pub struct HeadStart {
    inner: Rc<dyn Backend>,
    early: RefCell<Option<oneshot::Receiver<Result<Article, LoadError>>>>,
}

/// Asks `backend` for the article now. The returned future carries the request and must be
/// spawned; the returned backend gives its answer to the first [`Backend::article`] call.
pub fn head_start(backend: Rc<dyn Backend>) -> (Rc<dyn Backend>, LocalFuture<()>) {
    let (answer, early) = oneshot::channel();
    let request = backend.article();
    let run = Box::pin(async move {
        // Nobody to tell when the widget was unmounted meanwhile.
        let _ = answer.send(request.await);
    });
    (Rc::new(HeadStart { inner: backend, early: RefCell::new(Some(early)) }), run)
}

impl Backend for HeadStart {
    fn article(&self) -> LocalFuture<Result<Article, LoadError>> {
        let Some(early) = self.early.borrow_mut().take() else { return self.inner.article() };
        let inner = self.inner.clone();
        Box::pin(async move {
            match early.await {
                Ok(answer) => answer,
                // The early request was dropped without an answer: ask again.
                Err(_) => inner.article().await,
            }
        })
    }

    fn needs_article_first(&self) -> bool {
        self.inner.needs_article_first()
    }

    fn related(&self) -> Option<LocalFuture<Result<Vec<RelatedStory>, LoadError>>> {
        self.inner.related()
    }

    fn has_comments(&self) -> bool {
        self.inner.has_comments()
    }

    fn accepts_comments(&self) -> bool {
        self.inner.accepts_comments()
    }

    fn comments(&self, order: Order, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>> {
        self.inner.comments(order, cursor)
    }

    fn replies(&self, root: &str, cursor: Option<String>) -> LocalFuture<Result<CommentPage, LoadError>> {
        self.inner.replies(root, cursor)
    }

    fn challenge(&self, seed: u64) -> Option<LocalFuture<Result<Challenge, LoadError>>> {
        self.inner.challenge(seed)
    }

    fn post_comment(&self, comment: NewComment) -> LocalFuture<Result<PostedComment, PostError>> {
        self.inner.post_comment(comment)
    }

    fn own_comments_scope(&self) -> Option<&str> {
        self.inner.own_comments_scope()
    }

    fn edit_comment(&self, id: &str, secret: &str, body: &str) -> LocalFuture<Result<Comment, PostError>> {
        self.inner.edit_comment(id, secret, body)
    }

    fn delete_comment(&self, id: &str, secret: &str) -> LocalFuture<Result<(), PostError>> {
        self.inner.delete_comment(id, secret)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use article_widget_core::error::Problem;

    use super::super::fakes::{backend, response, ARTICLE};
    use super::*;

    #[tokio::test]
    async fn the_first_article_request_takes_the_early_answer_and_later_ones_ask_again() {
        let (native, transport) = backend(&[(ARTICLE, response(503, ""))]);
        let (backend, run) = head_start(Rc::new(native));
        assert_eq!(transport.sent.borrow().len(), 0, "a future starts when it runs");
        run.await;
        assert_eq!(transport.sent.borrow().len(), 1, "asked before anyone wanted it");

        let unavailable = LoadError { url: format!("https://news.example{ARTICLE}"), problem: Problem::Status { status: 503 } };
        assert_eq!(backend.article().await, Err(unavailable.clone()), "the early answer");
        assert_eq!(transport.sent.borrow().len(), 1);
        assert_eq!(backend.article().await, Err(unavailable), "a retry asks again");
        assert_eq!(transport.sent.borrow().len(), 2);
    }

    #[tokio::test]
    async fn an_early_request_dropped_unanswered_is_made_again() {
        let (native, transport) = backend(&[(ARTICLE, response(503, ""))]);
        let (backend, run) = head_start(Rc::new(native));
        drop(run);
        assert!(backend.article().await.is_err());
        assert_eq!(transport.sent.borrow().len(), 1, "asked once, by the views");
    }
}
