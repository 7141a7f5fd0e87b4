//! The widget's state, the one [`Action`] enum that changes it, and the reducer.
//!
//! Each section is loading, shown or failed as a whole: there is no state in which half an
//! article is on screen.

use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::error::LoadError;
use yew::Reducible;

/// Something fetched: on its way, here, or failed with the reason.
#[derive(Clone, Debug, PartialEq)]
pub enum Remote<T> {
    Loading,
    Ready(T),
    Failed(Rc<LoadError>),
}

impl<T> Remote<T> {
    fn from_result(result: Result<T, LoadError>) -> Remote<T> {
        result.map_or_else(|error| Remote::Failed(Rc::new(error)), Remote::Ready)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Article,
    Related,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WidgetState {
    pub article: Remote<Rc<Article>>,
    pub related: Remote<Rc<[RelatedStory]>>,
    /// Bumped by each retry of a section: the effects that load it depend on it.
    pub article_attempt: u32,
    pub related_attempt: u32,
}

impl Default for WidgetState {
    fn default() -> Self {
        WidgetState { article: Remote::Loading, related: Remote::Loading, article_attempt: 0, related_attempt: 0 }
    }
}

#[derive(Debug)]
pub enum Action {
    ArticleLoaded(Result<Rc<Article>, LoadError>),
    RelatedLoaded(Result<Rc<[RelatedStory]>, LoadError>),
    Retry(Section),
}

impl Reducible for WidgetState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::ArticleLoaded(result) => next.article = Remote::from_result(result),
            Action::RelatedLoaded(result) => next.related = Remote::from_result(result),
            Action::Retry(Section::Article) => {
                next.article = Remote::Loading;
                next.article_attempt += 1;
            }
            Action::Retry(Section::Related) => {
                next.related = Remote::Loading;
                next.related_attempt += 1;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use article_widget_core::error::Problem;

    fn error() -> LoadError {
        LoadError { url: "https://x/a".into(), problem: Problem::Status { status: 500 } }
    }

    #[test]
    fn a_retry_reloads_only_its_section() {
        let state = Rc::new(WidgetState::default())
            .reduce(Action::ArticleLoaded(Err(error())))
            .reduce(Action::RelatedLoaded(Ok(Rc::from([]))));
        assert_eq!(state.article, Remote::Failed(Rc::new(error())));
        let retried = state.clone().reduce(Action::Retry(Section::Article));
        assert_eq!(retried.article, Remote::Loading);
        assert_eq!((retried.article_attempt, retried.related_attempt), (1, 0));
        assert_eq!(retried.related, state.related);
        let retried = retried.reduce(Action::Retry(Section::Related));
        assert_eq!((retried.related.clone(), retried.related_attempt), (Remote::Loading, 1));
    }
}
