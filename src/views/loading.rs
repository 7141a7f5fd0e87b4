//! Every request the widget's state asks for, each in an effect that runs when its attempt
//! counter moves, and the marks and events that say what is on screen. Answers reach the
//! state with their dates settled in the zone they are shown in (`crate::zone`).

use std::cell::Cell;
use std::rc::Rc;

use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{CommentPage, PostedComment};
use article_widget_core::error::LoadError;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::hooks::{deliver_unless_cleaned_up, nothing_to_undo, use_effect_on, CleanUp};
use super::{WidgetEvent, WidgetProps};
use crate::backend::LocalFuture;
use crate::platform::{Platform, Timer, ARTICLE_RENDERED, COMMENTS_RENDERED};
use crate::state::{Action, More, Proof, Remote, RepliesLoading, Submission, WidgetState, PLACEHOLDER_DELAY_MS};
use crate::zone::Zone;

/// Comments in a page from which the reducer receives it in the task after the one that
/// decoded it. Decoding takes about 25 µs a comment in the release build (README,
/// Benchmarks: 5,000 in one answer), rendering the first slice about 50 ms: from a thousand
/// comments on, the two could add up to a long task. Smaller pages, such as the widget's own
/// API's, are rendered at once, with no timer in between.
const LARGE_PAGE: usize = 1_000;

/// Every request the state asks for: each effect runs when its attempt counter moves.
#[hook]
pub(super) fn use_loading_effects(props: &WidgetProps, state: &UseReducerHandle<WidgetState>) {
    let services = &props.services;
    // Not a request: the moment the placeholders are due, if the article is late
    // (`WidgetState::quiet_start`). The article's answer ends the quiet start, and the
    // clean-up then cancels the timer.
    let (dispatcher, platform, quiet_start) = (state.dispatcher(), services.platform.clone(), state.quiet_start);
    use_effect_on((services.clone(), quiet_start), move || {
        let due = Box::new(move || dispatcher.dispatch(Action::PlaceholdersDue));
        let timer = quiet_start.then(|| platform.schedule(PLACEHOLDER_DELAY_MS, due));
        Box::new(move || drop(timer))
    });

    // The first render of a server's markup is the server's: the widget runs from then on.
    let (dispatcher, platform) = (state.dispatcher(), services.platform.clone());
    use_effect_on(services.clone(), move || {
        dispatcher.dispatch(Action::Interactive { now: (platform.now_ms() / 1000.0) as i64 });
        nothing_to_undo()
    });

    // Each section is asked for while it is loading: a server-rendered widget has its
    // sections from the server's answers, and asks again only at a Retry.
    let (dispatcher, backend, zone) = (state.dispatcher(), services.backend.clone(), services.zone.clone());
    let article_wanted = matches!(state.article, Remote::Loading);
    use_effect_on((services.clone(), state.article_attempt), move || {
        deliver_unless_cleaned_up(article_wanted.then(|| backend.article()), move |result| {
            dispatcher.dispatch(Action::ArticleLoaded(result.map(|article| Rc::new(zone.show_article(article)))))
        })
    });

    // Some backends need the article's answer for their other URLs (WordPress asked by slug).
    let ready = matches!(state.article, Remote::Ready(_));
    let can_ask = ready || !services.backend.needs_article_first();
    let (dispatcher, backend, zone) = (state.dispatcher(), services.backend.clone(), services.zone.clone());
    let related_wanted = matches!(state.related, Remote::Loading);
    use_effect_on((services.clone(), state.related_attempt, can_ask), move || {
        let related = (can_ask && related_wanted).then(|| backend.related().unwrap_or_else(|| Box::pin(async { Ok(Vec::new()) })));
        deliver_unless_cleaned_up(related, move |result| {
            dispatcher.dispatch(Action::RelatedLoaded(result.map(|stories| Rc::from(zone.show_related(stories)))))
        })
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
    // The comments shown change with the comments received and with the threads revealed.
    let comments_shown = match &state.thread {
        Remote::Ready(thread) => Some((thread.comments.len(), thread.shown)),
        _ => None,
    };
    let platform = services.platform.clone();
    use_effect_on((services.clone(), comments_shown), move || {
        if comments_shown.is_some() {
            platform.mark(COMMENTS_RENDERED);
        }
        nothing_to_undo()
    });

    let (dispatcher, backend, platform, zone) = (state.dispatcher(), services.backend.clone(), services.platform.clone(), services.zone.clone());
    let wanted = state.comments_visible && services.backend.has_comments() && can_ask;
    let thread_wanted = wanted && matches!(state.thread, Remote::Loading);
    let (order, attempt) = (state.order, state.thread_attempt);
    use_effect_on((services.clone(), order, attempt, wanted), move || {
        let page = thread_wanted.then(|| backend.comments(order, None));
        let clock = platform.clone();
        deliver_page(page, platform, zone, Box::new(move |result| {
            let now = (clock.now_ms() / 1000.0) as i64;
            dispatcher.dispatch(Action::ThreadLoaded { attempt, result, now })
        }))
    });

    let (dispatcher, backend, platform, zone) = (state.dispatcher(), services.backend.clone(), services.platform.clone(), services.zone.clone());
    let cursor = match (&state.more, &state.thread) {
        (More::Loading, Remote::Ready(thread)) => thread.next.clone(),
        _ => None,
    };
    let attempt = state.more_attempt;
    use_effect_on((services.clone(), attempt), move || {
        let page = cursor.map(|cursor| backend.comments(order, Some(cursor)));
        deliver_page(page, platform, zone, Box::new(move |result| dispatcher.dispatch(Action::MoreLoaded { attempt, result })))
    });

    let (dispatcher, backend, platform, zone) = (state.dispatcher(), services.backend.clone(), services.platform.clone(), services.zone.clone());
    let replies_asked = match (&state.replies, &state.thread) {
        (RepliesLoading::Loading(root), Remote::Ready(thread)) => {
            thread.more_replies.iter().find(|more| &more.root == root).map(|more| (root.clone(), more.cursor.clone()))
        }
        _ => None,
    };
    let attempt = state.replies_attempt;
    use_effect_on((services.clone(), attempt), move || {
        let page = replies_asked.map(|(root, cursor)| backend.replies(&root, cursor));
        deliver_page(page, platform, zone, Box::new(move |result| dispatcher.dispatch(Action::RepliesLoaded { attempt, result })))
    });

    let (dispatcher, backend, platform) = (state.dispatcher(), services.backend.clone(), services.platform.clone());
    use_effect_on((services.clone(), state.challenge_attempt, wanted), move || {
        // The question is fetched when the form can be seen, not for every page view.
        let challenge = wanted.then(|| -> LocalFuture<_> {
            let seed = platform.random_u64();
            match backend.challenge(seed) {
                Some(server_made) => server_made,
                None => Box::pin(async move { Ok(Challenge::local(seed)) }),
            }
        });
        deliver_unless_cleaned_up(challenge, move |result| {
            dispatcher.dispatch(Action::ChallengeLoaded { result, shown_at: platform.now_ms() })
        })
    });

    // The proof of work, searched for while the state says so: a new attempt (a new
    // challenge, a submit after a failure) drops the search before it (`crate::proof`).
    let dispatcher = state.dispatcher();
    let solving = match (&state.form.proof, &state.form.challenge) {
        (Proof::Solving { .. }, Remote::Ready(challenge)) => challenge.pow.as_ref().map(crate::proof::solver_input),
        _ => None,
    };
    let attempt = state.proof_attempt;
    use_effect_on((services.clone(), attempt), move || -> CleanUp {
        #[cfg(target_arch = "wasm32")]
        {
            use crate::proof::{self, Progress};
            let search = solving.map(|input| {
                proof::start(
                    input,
                    Box::new(move |progress| {
                        dispatcher.dispatch(match progress {
                            Progress::Tried(tried) => Action::ProofProgress { attempt, tried },
                            Progress::Found(payload) => Action::ProofFound { attempt, payload },
                            Progress::Failed => Action::ProofFailed { attempt },
                        })
                    }),
                )
            });
            Box::new(move || drop(search))
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            // Effects run in the browser only.
            let _ = (solving, dispatcher);
            nothing_to_undo()
        }
    });

    let (dispatcher, backend, on_event, zone) = (state.dispatcher(), services.backend.clone(), props.on_event.clone(), services.zone.clone());
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
                if let Ok(posted) = &result {
                    let pending = posted.comment.status == article_widget_core::comment::CommentStatus::Pending;
                    on_event.emit(WidgetEvent::CommentPosted { id: posted.comment.id.clone(), pending });
                }
                dispatcher.dispatch(Action::Posted(result.map(|posted| PostedComment { comment: zone.show_comment(posted.comment), ..posted })));
            });
        }
        nothing_to_undo()
    });
}

/// Hands a page of comments, its dates settled in `zone`, to `deliver` unless the effect was
/// cleaned up first: a large one in the task after the one that decoded it (a timer of 0 ms,
/// which the clean-up cancels), so that decoding it and rendering its first slice are two
/// tasks, not one long one. The dates are settled in the decoding task, with the decoding.
fn deliver_page(page: Option<LocalFuture<Result<CommentPage, LoadError>>>, platform: Rc<dyn Platform>, zone: Rc<Zone>, deliver: Box<dyn FnOnce(Result<CommentPage, LoadError>)>) -> CleanUp {
    let waiting: Rc<Cell<Option<Timer>>> = Rc::default();
    let kept = waiting.clone();
    let stop = deliver_unless_cleaned_up(page, move |result: Result<CommentPage, LoadError>| {
        let result = result.map(|page| zone.show_page(page));
        if matches!(&result, Ok(page) if page.comments.len() >= LARGE_PAGE) {
            kept.set(Some(platform.schedule(0, Box::new(move || deliver(result)))));
        } else {
            deliver(result);
        }
    });
    Box::new(move || {
        stop();
        drop(waiting.take());
    })
}
