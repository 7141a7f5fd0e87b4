//! The comment section: count, order, the thread with replies, paging, and the form.
//! The thread is arranged once per change of its comments, and only the threads the state
//! shows are rendered (`WidgetState`: a slice at a time).

use std::rc::Rc;

use article_widget_core::comment::{Comment, CommentStatus};
use article_widget_core::error::LoadError;
use article_widget_core::locale::{fill, isolate, Locale};
use article_widget_core::thread::{self, Entry, Segment};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlSelectElement, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

use super::form::CommentForm;
use super::hooks::use_effect_on;
use super::own::own_parts;
use super::StateHandle;
use super::status::{error_block, placeholder};
use crate::backend::Order;
use crate::platform::Services;
use crate::state::{Action, Change, More, OwnComment, Remote, RepliesLoading, Section, Thread, WidgetState};

#[derive(Properties, PartialEq)]
pub struct CommentsSectionProps {
    pub state: StateHandle,
    pub services: Services,
    pub locale: Locale,
    pub id_prefix: AttrValue,
}

#[function_component]
pub fn CommentsSection(props: &CommentsSectionProps) -> Html {
    let CommentsSectionProps { state, locale, .. } = props;
    let m = locale.messages();
    let heading_id = format!("{}-comments", props.id_prefix);
    let dispatcher = state.dispatcher();
    let retry = Callback::from(move |_| dispatcher.dispatch(Action::Retry(Section::Comments)));
    let form = |reply_to: Option<&str>| {
        html! {
            <CommentForm
                state={state.clone()}
                services={props.services.clone()}
                locale={*locale}
                id_prefix={props.id_prefix.clone()}
                reply_to_author={reply_to.map(|author| AttrValue::from(author.to_owned()))}
            />
        }
    };
    // A backend may give comments without a way to post them (a read-only mapping).
    let open = props.services.backend.accepts_comments();
    let reply_target = state.form.reply_to.clone().filter(|_| open);
    let comments = match &state.thread {
        Remote::Ready(thread) => Some(thread.comments.clone()),
        _ => None,
    };
    let arranged = use_memo(comments, |comments| comments.as_deref().map(arrange).unwrap_or_default());
    let shown = match &state.thread {
        Remote::Ready(thread) => &arranged[..thread.shown.min(arranged.len())],
        _ => &[],
    };
    // The form goes under the comment answered when that comment is shown; else at the end.
    let form_slot = reply_target.as_deref().and_then(|target| {
        let comment = shown.iter().find_map(|entry| entry.find(target))?;
        Some((comment.id.clone(), form(Some(&comment.author))))
    });
    let replying_in_thread = form_slot.is_some();
    let (heading, body) = match &state.thread {
        Remote::Loading => (m.comments_heading.to_owned(), placeholder(*locale, Section::Comments)),
        Remote::Failed(error) => (m.comments_heading.to_owned(), error_block(error, *locale, Section::Comments, retry)),
        Remote::Ready(thread) => (
            locale.comment_count(thread.shown_total()),
            html! { <ThreadView thread={thread.clone()} threads={arranged.clone()} state={state.clone()} locale={*locale} {open} {form_slot} /> },
        ),
    };
    let section_ref = use_node_ref();
    use_show_when_near(&section_ref, state);
    html! {
        <section class="aw-comments" aria-labelledby={heading_id.clone()} ref={section_ref}>
            <div class="aw-comments__header">
                <h2 class="aw-comments__heading" id={heading_id}>{ heading }</h2>
                { order_picker(state.order, state.dispatcher(), *locale, &props.id_prefix) }
            </div>
            { body }
            if !state.own_pending.is_empty() {
                <ul class="aw-thread aw-thread--pending">
                    { for state.own_pending.iter().map(|comment| {
                        let own = own_parts(comment, &state.own, state.change.as_ref(), &state.dispatcher(), *locale);
                        html! { <li>{ comment_view(comment, *locale, None, None, None, true, own) }</li> }
                    }) }
                </ul>
            }
            if !open {
                <p class="aw-comments__closed">{ m.comments_closed }</p>
            } else if !replying_in_thread {
                { form(None) }
            }
        </section>
    }
}

/// Dispatches [`Action::ShowComments`] once the section comes within a screen of the
/// viewport, so that readers who never scroll that far cost the backend nothing. It watches
/// only once the article is in (or has failed): above the article's short placeholder, the
/// section would be within reach on every page view.
#[hook]
fn use_show_when_near(section: &NodeRef, state: &UseReducerHandle<WidgetState>) {
    let dispatcher = state.dispatcher();
    let watch = !state.comments_visible && !matches!(state.article, Remote::Loading);
    let section = section.clone();
    use_effect_on((section.clone(), watch), move || {
        let observer = watch.then(|| section.cast::<web_sys::Element>()).flatten().and_then(|element| {
            let on_change = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
                let near = entries.iter().any(|e| e.unchecked_into::<IntersectionObserverEntry>().is_intersecting());
                if near {
                    dispatcher.dispatch(Action::ShowComments);
                }
            });
            let options = IntersectionObserverInit::new();
            options.set_root_margin("100% 0px");
            let observer = IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &options).ok()?;
            observer.observe(&element);
            Some((observer, on_change))
        });
        // Disconnecting on clean-up leaves no observer behind an unmounted widget.
        Box::new(move || {
            if let Some((observer, _on_change)) = observer {
                observer.disconnect();
            }
        })
    });
}

fn order_picker(order: Order, dispatcher: UseReducerDispatcher<WidgetState>, locale: Locale, id_prefix: &str) -> Html {
    let m = locale.messages();
    let id = format!("{id_prefix}-order");
    let onchange = Callback::from(move |event: Event| {
        let order = match event.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
            "newest" => Order::Newest,
            _ => Order::Oldest,
        };
        dispatcher.dispatch(Action::SetOrder(order));
    });
    html! {
        <p class="aw-order">
            <label for={id.clone()}>{ m.order_label }</label>
            <select id={id} class="aw-select" {onchange}>
                <option value="oldest" selected={order == Order::Oldest}>{ m.order_oldest }</option>
                <option value="newest" selected={order == Order::Newest}>{ m.order_newest }</option>
            </select>
        </p>
    }
}

/// Every top-level thread of the comments received, arranged for the views.
fn arrange(comments: &[Rc<Comment>]) -> Vec<Rc<OwnedEntry>> {
    // Owned entries for the view: the tree borrows from the comments it arranges.
    thread::build(comments).into_iter().map(|entry| Rc::new(OwnedEntry::from(entry))).collect()
}

#[derive(Properties, PartialEq)]
struct ThreadViewProps {
    thread: Thread,
    /// The thread arranged; the first `thread.shown` are rendered.
    threads: Rc<Vec<Rc<OwnedEntry>>>,
    state: StateHandle,
    locale: Locale,
    /// Whether readers can answer (a reply button under each comment).
    open: bool,
    /// The reply form and the id of the comment it goes under.
    form_slot: Option<(String, Html)>,
}

#[function_component]
fn ThreadView(props: &ThreadViewProps) -> Html {
    let ThreadViewProps { thread, threads, state, locale, open, form_slot } = props;
    let m = locale.messages();
    let entries = &**threads;
    if entries.is_empty() && thread.skipped == 0 {
        // Closed, the section says so instead of inviting a first comment.
        return if *open { html! { <p class="aw-comments__empty">{ m.comments_empty }</p> } } else { Html::default() };
    }
    let dispatcher = state.dispatcher();
    let load_more = Callback::from(move |_| dispatcher.dispatch(Action::LoadMore));
    let failed = match &state.more {
        More::Failed(error) => Some((m.more_failed, &**error)),
        _ => None,
    };
    // Threads received but not shown are revealed by "show more" too, without a request.
    let more = thread.shown < entries.len() || thread.next.is_some();
    let replies_left = |root: &str| {
        let left = thread.more_replies.iter().find(|more| more.root == root)?;
        Some(RepliesLeft {
            count: left.count,
            loading: matches!(&state.replies, RepliesLoading::Loading(asked) if asked == root),
            failed: match &state.replies {
                RepliesLoading::Failed(asked, error) if asked == root => Some(error.clone()),
                _ => None,
            },
        })
    };
    html! {
        <>
            if !entries.is_empty() {
                <ol class="aw-thread">
                    { for entries.iter().take(thread.shown).map(|entry| html! {
                        <EntryView key={entry.comment.id.clone()} entry={entry.clone()} dispatcher={state.dispatcher()}
                            locale={*locale} now={thread.now} open={*open} own={state.own.clone()} change={state.change.clone()}
                            form_slot={form_slot.as_ref().filter(|(target, _)| entry.find(target).is_some()).cloned()}
                            replies_left={replies_left(&entry.comment.id)} />
                    }) }
                </ol>
            }
            // Discreet: what could not be read is the backend's to fix (the console says
            // what and where); the reader needs only to know that the thread is not whole.
            if thread.skipped > 0 {
                <p class="aw-comments__skipped">{ locale.skipped_comments(thread.skipped) }</p>
            }
            if more {
                { more_block(*locale, failed, state.more == More::Loading, m.load_more.to_owned(), load_more) }
            }
        </>
    }
}

/// A "show more" button, with why its last request failed: the thread's next page, or a
/// thread's replies its page cut. While its request is on its way, it says so, disabled.
fn more_block(locale: Locale, failed: Option<(&str, &LoadError)>, loading: bool, label: String, onclick: Callback<MouseEvent>) -> Html {
    let m = locale.messages();
    html! {
        <div class="aw-more">
            if let Some((failed, error)) = failed {
                <p class="aw-more__error" role="alert">{ failed }{ " " }{ locale.describe(error) }</p>
            }
            <button type="button" class="aw-button aw-button--secondary" {onclick} disabled={loading}>
                { if loading { m.loading_more.to_owned() } else { label } }
            </button>
        </div>
    }
}

/// The replies of a thread its page cut: how many, and whether they are on their way or failed.
#[derive(Clone, PartialEq)]
struct RepliesLeft {
    count: u64,
    loading: bool,
    failed: Option<Rc<LoadError>>,
}

/// A [`thread::Entry`] that shares its comment, so that the arranged thread can be memoised.
/// Comparing two is cheap for the same comments: `Rc<Comment>` compares pointers first.
#[derive(PartialEq, Eq)]
struct OwnedEntry {
    comment: Rc<Comment>,
    in_reply_to: Option<AttrValue>,
    replies: Vec<OwnedEntry>,
}

impl OwnedEntry {
    /// The comment with this id, if it is this one or among its replies.
    fn find(&self, id: &str) -> Option<&Comment> {
        if self.comment.id == id {
            return Some(&self.comment);
        }
        self.replies.iter().find_map(|reply| reply.find(id))
    }
}

impl From<Entry<'_, Rc<Comment>>> for OwnedEntry {
    fn from(entry: Entry<'_, Rc<Comment>>) -> Self {
        OwnedEntry {
            comment: entry.comment.clone(),
            in_reply_to: entry.in_reply_to.map(|a| AttrValue::from(a.to_owned())),
            replies: entry.replies.into_iter().map(OwnedEntry::from).collect(),
        }
    }
}

/// A comment with its replies. A component, so that Yew renders it again only when its
/// props change: a page of "show more" renders the new comments, not the whole thread
/// (README, Benchmarks: tasks of a 10,000-comment thread).
#[derive(Properties, PartialEq)]
struct EntryViewProps {
    entry: Rc<OwnedEntry>,
    dispatcher: UseReducerDispatcher<WidgetState>,
    locale: Locale,
    now: i64,
    open: bool,
    /// The reader's own comments they may change, and the change under way.
    own: Rc<[OwnComment]>,
    change: Option<Change>,
    /// The reply form, for the entry that holds the comment it answers, and that comment's id.
    form_slot: Option<(String, Html)>,
    /// The replies its page cut, if it did: "show more replies" after those shown.
    replies_left: Option<RepliesLeft>,
}

#[function_component]
fn EntryView(props: &EntryViewProps) -> Html {
    let EntryViewProps { entry, dispatcher, locale, now, open, own, change, form_slot, replies_left } = props;
    let more = replies_left.as_ref().map(|left| {
        let (root, dispatcher) = (entry.comment.id.clone(), dispatcher.clone());
        let onclick = Callback::from(move |_| dispatcher.dispatch(Action::LoadReplies(root.clone())));
        let failed = left.failed.as_deref().map(|error| (locale.messages().replies_failed, error));
        more_block(*locale, failed, left.loading, locale.more_replies(left.count), onclick)
    });
    let reader = Reader { own, change: change.as_ref(), dispatcher, locale: *locale, now: *now, open: *open, form_slot };
    entry_html(entry, &reader, more.unwrap_or_default())
}

/// What a thread's entries are rendered for: the reader's own comments and change, whether
/// they can answer, the reply form's place.
struct Reader<'a> {
    own: &'a [OwnComment],
    change: Option<&'a Change>,
    dispatcher: &'a UseReducerDispatcher<WidgetState>,
    locale: Locale,
    now: i64,
    open: bool,
    form_slot: &'a Option<(String, Html)>,
}

/// A comment and its replies, then `more` (a top-level comment's "show more replies").
fn entry_html(entry: &OwnedEntry, reader: &Reader, more: Html) -> Html {
    let Reader { dispatcher, locale, now, open, form_slot, .. } = *reader;
    let (id, for_reply) = (entry.comment.id.clone(), dispatcher.clone());
    // A placeholder cannot be answered: its comment is gone.
    let open = open && entry.comment.status != CommentStatus::Deleted;
    let on_reply = open.then(|| Callback::from(move |_| for_reply.dispatch(Action::ReplyTo(Some(id.clone())))));
    let own = own_parts(&entry.comment, reader.own, reader.change, dispatcher, locale);
    let form_here = form_slot.as_ref().filter(|(target, _)| *target == entry.comment.id).map(|(_, form)| form.clone());
    html! {
        <li class="aw-thread__item" key={entry.comment.id.clone()}>
            { comment_view(&entry.comment, locale, Some(now), entry.in_reply_to.as_deref(), on_reply, false, own) }
            { form_here.unwrap_or_default() }
            if !entry.replies.is_empty() {
                <ol class="aw-thread aw-thread--replies">
                    { for entry.replies.iter().map(|reply| entry_html(reply, reader, Html::default())) }
                </ol>
            }
            { more }
        </li>
    }
}

/// One comment. `now` is the moment relative dates count from (`None`: absolute dates);
/// `in_reply_to` names the author answered when the nesting no longer shows it; `own`, the
/// reader's controls of their own comment and the change under way ([`own_parts`]). A
/// deleted comment kept for its replies says so in place of its author and text.
fn comment_view(
    comment: &Comment,
    locale: Locale,
    now: Option<i64>,
    in_reply_to: Option<&str>,
    on_reply: Option<Callback<MouseEvent>>,
    pending: bool,
    (controls, change): (Html, Option<Html>),
) -> Html {
    let m = locale.messages();
    if comment.status == CommentStatus::Deleted {
        return html! {
            <article class="aw-comment" data-state="deleted" id={format!("aw-comment-{}", comment.id)}>
                <p class="aw-comment__deleted">{ m.comment_deleted }</p>
            </article>
        };
    }
    let edited = comment.edited.as_ref().map(|edited| {
        let title = fill(m.edited_at, &[("date", &locale.format_datetime(edited))]);
        html! { <time class="aw-comment__edited" datetime={edited.to_string()} {title}>{ m.edited }</time> }
    });
    let absolute = locale.format_datetime(&comment.created);
    let shown = now.and_then(|now| locale.relative_time(&comment.created, now)).unwrap_or_else(|| absolute.clone());
    // Each name in a bidi isolate: a right-to-left override in it cannot reorder the date
    // and the words after it (the body is a paragraph of its own, which ends any override).
    let author = match &comment.website {
        Some(url) => html! { <a class="aw-comment__author" href={url.to_string()} rel="nofollow ugc noopener"><bdi>{ &comment.author }</bdi></a> },
        None => html! { <bdi class="aw-comment__author">{ &comment.author }</bdi> },
    };
    html! {
        <article class="aw-comment" data-state={pending.then_some("pending")} id={format!("aw-comment-{}", comment.id)}>
            <header class="aw-comment__header">
                { author }
                <time class="aw-comment__date" datetime={comment.created.to_string()} title={absolute}>{ shown }</time>
                { edited.unwrap_or_default() }
                if let Some(author) = in_reply_to {
                    <span class="aw-comment__context">{ fill(m.in_reply_to, &[("author", &isolate(author))]) }</span>
                }
            </header>
            if pending {
                <p class="aw-comment__pending">{ m.awaiting_moderation }</p>
            }
            if let Some(change) = change {
                { change }
            } else {
                <p class="aw-comment__body">{ comment_text(&comment.body) }</p>
            }
            { controls }
            if let Some(on_reply) = on_reply {
                <button type="button" class="aw-link-button" onclick={on_reply}
                    aria-label={fill(m.reply_to, &[("author", &comment.author)])}>{ m.reply }</button>
            }
        </article>
    }
}

/// The author's text as text, with line breaks and clickable http(s) links.
fn comment_text(body: &str) -> Html {
    html! {
        { for thread::segments(body).into_iter().map(|segment| match segment {
            Segment::Text(text) => html! { { text } },
            Segment::LineBreak => html! { <br /> },
            Segment::Link(url) => html! { <a href={url.to_string()} rel="nofollow ugc noopener">{ url.to_string() }</a> },
        }) }
    }
}
