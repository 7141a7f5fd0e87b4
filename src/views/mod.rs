//! Function components: state in, HTML out. Browser capabilities are reached only through
//! [`Services`] from effects and callbacks, so that the same components render on a server.

mod article;
mod comments;
mod form;
mod related;
mod status;

use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use article_widget_core::captcha::Challenge;
use article_widget_core::locale::Locale;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::backend::LocalFuture;
use crate::config::CommentsLoading;
use crate::platform::{Services, ARTICLE_RENDERED, COMMENTS_RENDERED};
use crate::state::{Action, More, Remote, Section, StoredDraft, StoredIdentity, Submission, WidgetState, PLACEHOLDER_DELAY_MS};
use crate::storage;

pub use article::{ArticleView, ArticleViewProps};
pub use comments::CommentsSection;
pub use related::{RelatedList, RelatedListProps};
use status::{error_block, placeholder};

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
/// own; all state in one reducer, all loading in the effects below.
#[function_component]
pub fn Widget(props: &WidgetProps) -> Html {
    let comments_loading = props.comments_loading;
    let state = use_reducer(move || WidgetState::new(comments_loading == CommentsLoading::Eager));
    use_loading_effects(props, &state);
    use_storage_effects(props, &state);

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

/// Every request the state asks for: each effect runs when its attempt counter moves.
#[hook]
fn use_loading_effects(props: &WidgetProps, state: &UseReducerHandle<WidgetState>) {
    let services = &props.services;
    // Not a request: the moment the placeholders are due, if the article is late
    // (`WidgetState::quiet_start`).
    let dispatcher = state.dispatcher();
    use_effect_on(services.clone(), move || {
        let delay: LocalFuture<()> = Box::pin(sleep(Duration::from_millis(PLACEHOLDER_DELAY_MS)));
        deliver_unless_cleaned_up(Some(delay), move |()| dispatcher.dispatch(Action::PlaceholdersDue))
    });

    let (dispatcher, backend) = (state.dispatcher(), services.backend.clone());
    use_effect_on((services.clone(), state.article_attempt), move || {
        deliver_unless_cleaned_up(Some(backend.article()), move |result| dispatcher.dispatch(Action::ArticleLoaded(result.map(Rc::new))))
    });

    // Some backends need the article's answer for their other URLs (WordPress asked by slug).
    let ready = matches!(state.article, Remote::Ready(_));
    let can_ask = ready || !services.backend.needs_article_first();
    let (dispatcher, backend) = (state.dispatcher(), services.backend.clone());
    use_effect_on((services.clone(), state.related_attempt, can_ask), move || {
        let related = can_ask.then(|| backend.related().unwrap_or_else(|| Box::pin(async { Ok(Vec::new()) })));
        deliver_unless_cleaned_up(related, move |result| dispatcher.dispatch(Action::RelatedLoaded(result.map(Rc::from))))
    });

    // Effects run once the DOM holds what was rendered: the mark times what readers see,
    // and the page hears of the article when it is on screen.
    let (platform, on_event) = (services.platform.clone(), props.on_event.clone());
    use_effect_on((services.clone(), props.on_event.clone(), ready), move || {
        if ready {
            platform.mark(ARTICLE_RENDERED);
            on_event.emit(WidgetEvent::Ready);
        }
        nothing_to_undo()
    });
    let comments_shown = match &state.thread {
        Remote::Ready(thread) => Some(thread.comments.len()),
        _ => None,
    };
    let platform = services.platform.clone();
    use_effect_on((services.clone(), comments_shown), move || {
        if comments_shown.is_some() {
            platform.mark(COMMENTS_RENDERED);
        }
        nothing_to_undo()
    });

    let (dispatcher, backend, platform) = (state.dispatcher(), services.backend.clone(), services.platform.clone());
    let wanted = state.comments_visible && services.backend.has_comments() && can_ask;
    let order = state.order;
    use_effect_on((services.clone(), order, state.thread_attempt, wanted), move || {
        let page = wanted.then(|| backend.comments(order, None));
        deliver_unless_cleaned_up(page, move |result| {
            let now = (platform.now_ms() / 1000.0) as i64;
            dispatcher.dispatch(Action::ThreadLoaded { result, now })
        })
    });

    let (dispatcher, backend) = (state.dispatcher(), services.backend.clone());
    let cursor = match (&state.more, &state.thread) {
        (More::Loading, Remote::Ready(thread)) => thread.next.clone(),
        _ => None,
    };
    use_effect_on((services.clone(), state.more_attempt), move || {
        let page = cursor.map(|cursor| backend.comments(order, Some(cursor)));
        deliver_unless_cleaned_up(page, move |result| dispatcher.dispatch(Action::MoreLoaded(result)))
    });

    let (dispatcher, backend, platform) = (state.dispatcher(), services.backend.clone(), services.platform.clone());
    use_effect_on((services.clone(), state.challenge_attempt, wanted), move || {
        // The question is fetched when the form can be seen, not for every page view.
        let challenge = wanted.then(|| -> LocalFuture<_> {
            match backend.challenge() {
                Some(signed) => signed,
                None => {
                    let seed = platform.random_u64();
                    Box::pin(async move { Ok(Challenge::local(seed)) })
                }
            }
        });
        deliver_unless_cleaned_up(challenge, move |result| {
            dispatcher.dispatch(Action::ChallengeLoaded { result, shown_at: platform.now_ms() })
        })
    });

    let (dispatcher, backend, on_event) = (state.dispatcher(), services.backend.clone(), props.on_event.clone());
    let sending = match &state.form.submission {
        Submission::Sending(comment) => Some(comment.clone()),
        _ => None,
    };
    use_effect_on((services.clone(), props.on_event.clone(), state.post_attempt), move || {
        // A post is never superseded: its answer is delivered whatever renders meanwhile.
        if let Some(comment) = sending {
            let post = backend.post_comment((*comment).clone());
            spawn_local(async move {
                let result = post.await;
                if let Ok(comment) = &result {
                    let pending = comment.status == article_widget_core::comment::CommentStatus::Pending;
                    on_event.emit(WidgetEvent::CommentPosted { id: comment.id.clone(), pending });
                }
                dispatcher.dispatch(Action::Posted(result));
            });
        }
        nothing_to_undo()
    });
}

/// Reads the draft and remembered details once, then keeps storage in step with the form:
/// the draft while the reader types (gone once the backend confirms the comment), the
/// details only while "remember me" is on.
#[hook]
fn use_storage_effects(props: &WidgetProps, state: &UseReducerHandle<WidgetState>) {
    let (dispatcher, platform, article) = (state.dispatcher(), props.services.platform.clone(), props.article.clone());
    use_effect_on((props.services.clone(), props.article.clone()), move || {
        dispatcher.dispatch(Action::Restore {
            draft: storage::load_draft(platform.as_ref(), &article),
            identity: storage::load_identity(platform.as_ref()),
        });
        nothing_to_undo()
    });

    let form = &state.form;
    let draft = StoredDraft { body: form.draft.body.clone(), reply_to: form.reply_to.clone() };
    let (platform, article, restored) = (props.services.platform.clone(), props.article.clone(), form.restored);
    use_effect_on((props.services.clone(), props.article.clone(), draft.clone(), restored), move || {
        if restored {
            storage::save_draft(platform.as_ref(), &article, &draft);
        }
        nothing_to_undo()
    });

    let identity = form.remember.then(|| StoredIdentity {
        name: form.draft.name.clone(),
        email: form.draft.email.clone(),
        website: form.draft.website.clone(),
    });
    let platform = props.services.platform.clone();
    use_effect_on((props.services.clone(), identity.clone(), restored), move || {
        if restored {
            storage::save_identity(platform.as_ref(), identity.as_ref());
        }
        nothing_to_undo()
    });
}

/// The widget's state as the components under [`Widget`] receive it, with the revision it
/// had when they were rendered. Two handles are equal when their revisions are: comparing
/// props costs one number, not a walk through a thread of thousands of comments (nor the
/// code of such a walk in the download). Yew's own handle cannot be compared by address:
/// every clone reads the latest state.
#[derive(Clone)]
pub struct StateHandle {
    handle: UseReducerHandle<WidgetState>,
    revision: u64,
}

impl StateHandle {
    fn new(handle: &UseReducerHandle<WidgetState>) -> StateHandle {
        StateHandle { handle: handle.clone(), revision: handle.revision }
    }
}

impl PartialEq for StateHandle {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl std::ops::Deref for StateHandle {
    type Target = UseReducerHandle<WidgetState>;

    fn deref(&self) -> &Self::Target {
        &self.handle
    }
}

/// An ARIA state's value: a text that is never allocated.
fn aria_bool(state: bool) -> AttrValue {
    AttrValue::Static(if state { "true" } else { "false" })
}

/// Runs `future`, if any, and hands its output to `deliver`, unless the returned clean-up
/// ran first: a retry or a new backend supersedes a request still on its way, and an
/// unmounted widget receives nothing.
fn deliver_unless_cleaned_up<T: 'static>(future: Option<LocalFuture<T>>, deliver: impl FnOnce(T) + 'static) -> CleanUp {
    let wanted = Rc::new(Cell::new(true));
    if let Some(future) = future {
        let still_wanted = wanted.clone();
        spawn_local(async move {
            let output = future.await;
            if still_wanted.get() {
                deliver(output);
            }
        });
    }
    Box::new(move || wanted.set(false))
}

/// What an effect leaves to undo when its dependencies change or its widget goes.
type CleanUp = Box<dyn FnOnce()>;

fn nothing_to_undo() -> CleanUp {
    Box::new(|| {})
}

/// `use_effect_with` compiled once: the dependencies are compared behind a trait object and
/// the effect is boxed, so that every effect shares one instance of Yew's effect hook rather
/// than adding its own (about 700 B of wasm each). The effect captures what it needs: it
/// runs, as with `use_effect_with`, only when `deps` differ from the last render's.
#[hook]
fn use_effect_on<D: PartialEq + 'static>(deps: D, effect: impl FnOnce() -> CleanUp + 'static) {
    use_boxed_effect(Dependencies(Box::new(deps)), Box::new(effect));
}

#[hook]
fn use_boxed_effect(deps: Dependencies, effect: Box<dyn FnOnce() -> CleanUp>) {
    use_effect_with(deps, move |_| effect());
}

struct Dependencies(Box<dyn ComparableDependencies>);

trait ComparableDependencies {
    fn as_any(&self) -> &dyn Any;
    fn equals(&self, other: &dyn Any) -> bool;
}

impl<D: PartialEq + 'static> ComparableDependencies for D {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn equals(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<D>() == Some(self)
    }
}

impl PartialEq for Dependencies {
    fn eq(&self, other: &Self) -> bool {
        self.0.equals(other.0.as_any())
    }
}

#[cfg(test)]
mod tests {
    use super::Dependencies;

    #[test]
    fn dependencies_compare_by_value_behind_the_trait_object() {
        let deps = |value: (u32, Option<&'static str>)| Dependencies(Box::new(value));
        assert!(deps((1, Some("a"))) == deps((1, Some("a"))));
        assert!(deps((1, Some("a"))) != deps((2, Some("a"))));
        assert!(deps((1, Some("a"))) != deps((1, None)));
    }
}
