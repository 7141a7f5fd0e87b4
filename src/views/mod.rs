//! Function components: state in, HTML out. No browser API is called here (effects aside),
//! so that the same components render on a server.

mod article;
mod related;
mod status;

use std::cell::Cell;
use std::rc::Rc;

use article_widget_core::locale::Locale;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::backend::{BackendHandle, LocalFuture};
use crate::state::{Action, Remote, Section, WidgetState};

pub use article::{ArticleView, ArticleViewProps};
pub use related::{RelatedList, RelatedListProps};
pub use status::{ErrorBlock, Placeholder};

#[derive(Properties, PartialEq)]
pub struct WidgetProps {
    pub backend: BackendHandle,
    pub locale: Locale,
}

/// The whole widget: the article, then its related stories, each loaded on its own.
#[function_component]
pub fn Widget(props: &WidgetProps) -> Html {
    let state = use_reducer(WidgetState::default);

    let dispatcher = state.dispatcher();
    use_effect_with((props.backend.clone(), state.article_attempt), move |(backend, _)| {
        deliver_unless_cleaned_up(backend.0.article(), move |result| dispatcher.dispatch(Action::ArticleLoaded(result.map(Rc::new))))
    });
    let dispatcher = state.dispatcher();
    use_effect_with((props.backend.clone(), state.related_attempt), move |(backend, _)| {
        let related = backend.0.related().unwrap_or_else(|| Box::pin(async { Ok(Vec::new()) }));
        deliver_unless_cleaned_up(related, move |result| dispatcher.dispatch(Action::RelatedLoaded(result.map(Rc::from))))
    });

    let locale = props.locale;
    let retry = |section| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Retry(section)))
    };
    let article = match &state.article {
        Remote::Loading => html! { <Placeholder {locale} section={Section::Article} /> },
        Remote::Ready(article) => html! { <ArticleView article={article.clone()} {locale} /> },
        Remote::Failed(error) => {
            html! { <ErrorBlock error={error.clone()} {locale} section={Section::Article} on_retry={retry(Section::Article)} /> }
        }
    };
    let related = match &state.related {
        Remote::Loading => html! { <Placeholder {locale} section={Section::Related} /> },
        Remote::Ready(stories) if stories.is_empty() => html! {},
        Remote::Ready(stories) => html! { <RelatedList stories={stories.clone()} {locale} /> },
        Remote::Failed(error) => {
            html! { <ErrorBlock error={error.clone()} {locale} section={Section::Related} on_retry={retry(Section::Related)} /> }
        }
    };
    html! {
        <div class="aw-widget" lang={locale.tag()}>
            { article }
            { related }
        </div>
    }
}

/// Runs `future` and hands its output to `deliver`, unless the returned clean-up ran first:
/// a retry or a new backend supersedes a request still on its way, and an unmounted widget
/// receives nothing.
fn deliver_unless_cleaned_up<T: 'static>(future: LocalFuture<T>, deliver: impl FnOnce(T) + 'static) -> impl FnOnce() {
    let wanted = Rc::new(Cell::new(true));
    let still_wanted = wanted.clone();
    spawn_local(async move {
        let output = future.await;
        if still_wanted.get() {
            deliver(output);
        }
    });
    move || wanted.set(false)
}
