//! The root components: [`Mount`], one Yew app per host element, and [`Widget`], the
//! article, its related stories and its comments, with the state they share.

use std::rc::Rc;

use article_widget_core::locale::Locale;
use yew::prelude::*;

use super::loading::use_loading_effects;
use super::own::use_own_comment_effects;
use super::status::{error_block, placeholder};
use super::storage_sync::use_storage_effects;
use super::{ArticleView, CommentsSection, RelatedList, StateHandle};
use crate::config::CommentsLoading;
use crate::platform::Services;
use crate::prerender::FirstRender;
use crate::state::{Action, Remote, Section, WidgetState};

#[derive(Clone, Properties, PartialEq)]
pub struct WidgetProps {
    pub services: Services,
    pub locale: Locale,
    /// The article's id: drafts are kept per article.
    pub article: AttrValue,
    /// Prefix of the element ids of this widget, unique on the page.
    pub id_prefix: AttrValue,
    #[prop_or_default]
    pub comments_loading: CommentsLoading,
    /// Hears what the host page may want to know.
    #[prop_or_default]
    pub on_event: Callback<WidgetEvent>,
    /// What a server rendered, for a widget that takes that render over: its first render
    /// shows the same, and asks for none of it again.
    #[prop_or_default]
    pub first_render: Option<Rc<FirstRender>>,
}

#[derive(Properties, PartialEq)]
pub struct MountProps {
    /// The widget to show, or `None` for nothing.
    pub widget: Option<WidgetProps>,
}

/// The root of a host element's Yew app, which lives as long as the element: a mount shows
/// a widget in it, an unmount shows nothing. Yew keeps its event listeners for the life of
/// the page, so one app per element (rather than one per mount) keeps a single-page app
/// that mounts and unmounts all day from gathering listeners. Each widget is keyed by its
/// id prefix, unique per mount: a remount starts from a fresh state.
#[function_component]
pub fn Mount(props: &MountProps) -> Html {
    match &props.widget {
        Some(widget) => html! { <Widget key={widget.id_prefix.to_string()} ..widget.clone() /> },
        None => html! {},
    }
}

/// What a widget tells its page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WidgetEvent {
    /// The article is on screen.
    Ready,
    /// The backend confirmed a comment; `pending` when it awaits moderation.
    CommentPosted { id: String, pending: bool },
}

/// The whole widget: the article, its related stories and its comments, each loaded on its
/// own; all state in one reducer, all loading in its effects (`loading.rs`, `storage_sync.rs`).
#[function_component]
pub fn Widget(props: &WidgetProps) -> Html {
    let (comments_loading, first_render) = (props.comments_loading, props.first_render.clone());
    let state = use_reducer(move || match first_render {
        Some(first) => WidgetState::first_render(&first),
        None => WidgetState::new(comments_loading == CommentsLoading::Eager),
    });
    use_loading_effects(props, &state);
    use_storage_effects(props, &state);
    use_own_comment_effects(props, &state);

    let locale = props.locale;
    if state.quiet_start && matches!(state.article, Remote::Loading) {
        return html! { <div class="aw-widget" lang={locale.tag()}></div> };
    }
    let retry = |section| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::Retry(section)))
    };
    let article = match &state.article {
        Remote::Loading => placeholder(locale, Section::Article),
        Remote::Ready(article) => html! { <ArticleView article={article.clone()} {locale} /> },
        Remote::Failed(error) => error_block(error, locale, Section::Article, retry(Section::Article)),
    };
    // What waits for the article cannot load while it has failed: its error block, with its
    // Retry, stands alone rather than beside placeholders that would never resolve.
    let waits_for_failed_article = matches!(state.article, Remote::Failed(_)) && props.services.backend.needs_article_first();
    let related = match &state.related {
        Remote::Loading if waits_for_failed_article => html! {},
        Remote::Loading => placeholder(locale, Section::Related),
        Remote::Ready(stories) if stories.is_empty() => html! {},
        Remote::Ready(stories) => html! { <RelatedList stories={stories.clone()} {locale} /> },
        Remote::Failed(error) => error_block(error, locale, Section::Related, retry(Section::Related)),
    };
    html! {
        <div class="aw-widget" lang={locale.tag()}>
            { article }
            { related }
            if props.services.backend.has_comments() && !waits_for_failed_article {
                <CommentsSection state={StateHandle::new(&state)} services={props.services.clone()} {locale} id_prefix={props.id_prefix.clone()} />
            }
        </div>
    }
}
