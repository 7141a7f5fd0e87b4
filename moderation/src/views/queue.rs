//! The queue: the search, a filter per status with its count, the comments, and "more".

use article_widget_core::moderation::messages::{list_name, messages};
use article_widget_core::moderation::{CommentQuery, Status, StatusFilter};
use yew::prelude::*;

use super::{comment, unready, Ctx, FormValues};
use crate::state::{ids, Action, Remote};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

/// Asks for the queue's list of the latest search, whenever there is a new one.
fn load(ctx: &Ctx, query: CommentQuery, more: bool) {
    let attempt = ctx.state.queue.attempt;
    ctx.run(|api| async move { Action::QueueLoaded { attempt, more, result: api.comments(&query).await } });
}

#[function_component]
pub fn QueuePage(props: &Props) -> Html {
    let ctx = &props.ctx;
    let state = &ctx.state;
    let locale = state.locale;
    let m = messages(locale);
    {
        let ctx = ctx.clone();
        use_effect_with(state.queue.attempt, move |_| {
            if ctx.state.queue.list == Remote::Loading {
                load(&ctx, ctx.state.queue.query.clone(), false);
            }
        });
    }
    let query = &state.queue.query;
    let search = |query: CommentQuery| {
        let ctx = ctx.clone();
        move || ctx.dispatch(Action::Search(query.clone()))
    };
    let onsubmit = {
        let (ctx, status) = (ctx.clone(), query.status);
        Callback::from(move |event: SubmitEvent| {
            let form = FormValues::of(&event);
            let query = CommentQuery { status, text: form.text("q"), author: form.text("author"), article: form.text("article"), before: None };
            ctx.dispatch(Action::Search(query));
        })
    };
    let list = match &state.queue.list {
        Remote::Ready(list) => Some(list),
        _ => None,
    };
    let filter_button = |filter: StatusFilter| {
        let count = list.map(|list| match filter {
            StatusFilter::Only(status) => list.counts.get(status),
            StatusFilter::All => list.counts.total(),
        });
        let label = match count {
            Some(count) => format!("{} ({})", list_name(locale, filter), locale.format_count(count)),
            None => list_name(locale, filter).to_owned(),
        };
        let pressed = if filter == query.status { "true" } else { "false" };
        let show = search(CommentQuery { status: filter, ..query.clone() });
        html! {
            <li><button type="button" aria-pressed={pressed} data-status={filter.code()} onclick={move |_| show()}>{ label }</button></li>
        }
    };
    let retry = {
        let show = search(query.clone());
        Callback::from(move |_| show())
    };
    let more = list.and_then(|list| list.next.clone()).map(|next| {
        let ctx = ctx.clone();
        let onclick = Callback::from(move |_| {
            ctx.dispatch(Action::MoreSent);
            load(&ctx, CommentQuery { before: Some(next.clone()), ..ctx.state.queue.query.clone() }, true);
        });
        html! { <button type="button" class="mod-more" disabled={state.queue.more_loading} {onclick}>{ m.more }</button> }
    });
    html! {
        <section aria-labelledby={ids::HEADING}>
            <h2 id={ids::HEADING} tabindex="-1">{ m.queue }</h2>
            <form class="mod-search" role="search" aria-label={m.search} {onsubmit}>
                <p><label for="mod-q">{ m.search_text }</label><input id="mod-q" name="q" type="search" value={query.text.clone()} /></p>
                <p><label for="mod-author">{ m.search_author }</label><input id="mod-author" name="author" type="search" value={query.author.clone()} /></p>
                <p><label for="mod-article">{ m.search_article }</label><input id="mod-article" name="article" type="search" value={query.article.clone()} /></p>
                <button type="submit">{ m.search }</button>
            </form>
            <ul class="mod-filters" aria-label={m.filters}>
                { for Status::ALL.into_iter().map(StatusFilter::Only).chain([StatusFilter::All]).map(filter_button) }
            </ul>
            { unready(locale, &state.queue.list, retry) }
            if let Some(list) = list {
                if list.comments.is_empty() {
                    <p class="mod-empty">{ m.no_comments }</p>
                } else {
                    <ol class="mod-comments">
                        { for list.comments.iter().map(|c| comment::view(ctx, c)) }
                    </ol>
                }
            }
            { more.unwrap_or_default() }
        </section>
    }
}
