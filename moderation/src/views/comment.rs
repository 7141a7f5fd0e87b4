//! A comment of the queue: what a decision needs, shown as text, and its actions (approve,
//! reject, spam; edit, delete and ban in an inline form).

use article_widget_core::locale::fill;
use article_widget_core::moderation::messages::{messages, status_name};
use article_widget_core::moderation::{AdminComment, BanKind, BanTarget, NewBan, Status};
use yew::prelude::*;

use super::{when, Ctx, FormValues};
use crate::state::{ids, Action, Done, Open};

pub fn view(ctx: &Ctx, comment: &AdminComment) -> Html {
    let locale = ctx.state.locale;
    let m = messages(locale);
    let id = ids::comment(&comment.id);
    let title = format!("{id}-title");
    let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| m.none.to_owned());
    let fact = |name: &'static str, value: String| html! { <div><dt>{ name }</dt><dd>{ value }</dd></div> };
    let open = ctx.state.open.as_ref().filter(|open| open.id() == comment.id);
    let below = match open {
        Some(Open::Edit(_)) => edit_form(ctx, comment),
        Some(Open::Delete(_)) => confirm_delete(ctx, comment),
        Some(Open::Ban(_)) => ban_form(ctx, comment),
        None => actions(ctx, comment),
    };
    html! {
        <li>
            <article class="mod-comment" id={id} tabindex="-1" aria-labelledby={title.clone()} data-status={comment.status.code()}>
                <h3 id={title}><bdi>{ if comment.author.is_empty() { m.none } else { &comment.author } }</bdi>{ " — " }{ status_name(locale, comment.status) }</h3>
                <dl class="mod-facts">
                    { fact(m.article, comment.article.clone()) }
                    { fact(m.email, comment.email.clone()) }
                    { fact(m.website, or_none(&comment.website)) }
                    { fact(m.address, or_none(&comment.client_prefix)) }
                    { fact(m.date, when(locale, &comment.created)) }
                    if let Some(edited) = &comment.edited { { fact(m.edited, when(locale, edited)) } }
                    { fact(m.links, locale.format_count(comment.links)) }
                    { fact(m.replies, locale.format_count(comment.replies)) }
                </dl>
                if let Some(parent) = &comment.parent { <p class="mod-parent">{ fill(m.in_reply_to, &[("id", parent)]) }</p> }
                <div class="mod-body">{ for comment.body.lines().map(|line| html! { <p>{ line }</p> }) }</div>
                { below }
            </article>
        </li>
    }
}

/// A status change, said in the notice when the server confirms it.
fn set_status(ctx: &Ctx, id: &str, status: Status) -> Callback<MouseEvent> {
    let (ctx, id) = (ctx.clone(), id.to_owned());
    Callback::from(move |_| {
        let id = id.clone();
        ctx.act(|api, csrf| async move {
            match api.set_status(&csrf, &id, status).await {
                Ok(comment) => Action::Changed { done: Done::of(status), comment },
                Err(failure) => Action::Failed(failure),
            }
        });
    })
}

fn open(ctx: &Ctx, open: Open) -> Callback<MouseEvent> {
    let ctx = ctx.clone();
    Callback::from(move |_| ctx.dispatch(Action::Open(open.clone())))
}

fn close(ctx: &Ctx) -> Callback<MouseEvent> {
    let ctx = ctx.clone();
    Callback::from(move |_| ctx.dispatch(Action::Close))
}

fn actions(ctx: &Ctx, comment: &AdminComment) -> Html {
    let m = messages(ctx.state.locale);
    let busy = ctx.state.busy;
    let status = comment.status;
    let change = |label: &'static str, to: Status| {
        (status != to && status != Status::Deleted).then(|| html! {
            <button type="button" data-action={to.code()} disabled={busy} onclick={set_status(ctx, &comment.id, to)}>{ label }</button>
        })
    };
    let id = &comment.id;
    html! {
        <p class="mod-actions">
            { change(m.approve, Status::Published) }
            { change(m.reject, Status::Rejected) }
            { change(m.spam, Status::Spam) }
            if status != Status::Deleted {
                <button type="button" data-action="edit" disabled={busy} onclick={open(ctx, Open::Edit(id.clone()))}>{ m.edit }</button>
                <button type="button" data-action="delete" disabled={busy} onclick={open(ctx, Open::Delete(id.clone()))}>{ m.delete }</button>
            }
            <button type="button" data-action="ban" disabled={busy} onclick={open(ctx, Open::Ban(id.clone()))}>{ m.ban }</button>
        </p>
    }
}

fn edit_form(ctx: &Ctx, comment: &AdminComment) -> Html {
    let m = messages(ctx.state.locale);
    let onsubmit = {
        let (ctx, id) = (ctx.clone(), comment.id.clone());
        Callback::from(move |event: SubmitEvent| {
            let form = FormValues::of(&event);
            let (id, author, website, body) = (id.clone(), form.text("author"), form.text("website"), form.text("body"));
            ctx.act(|api, csrf| async move {
                match api.edit(&csrf, &id, &author, &website, &body).await {
                    Ok(comment) => Action::Changed { done: Done::Edited, comment },
                    Err(failure) => Action::Failed(failure),
                }
            });
        })
    };
    let field = |name: &str| format!("mod-edit-{}-{name}", comment.id);
    html! {
        <form class="mod-inline" {onsubmit}>
            <p><label for={ids::OPEN_FORM}>{ m.author }</label>
                <input id={ids::OPEN_FORM} name="author" value={comment.author.clone()} required=true /></p>
            <p><label for={field("website")}>{ m.website }</label>
                <input id={field("website")} name="website" type="url" value={comment.website.clone().unwrap_or_default()} /></p>
            <p><label for={field("body")}>{ m.text }</label>
                <textarea id={field("body")} name="body" rows="6" required=true value={comment.body.clone()} /></p>
            <p class="mod-actions">
                <button type="submit" disabled={ctx.state.busy}>{ m.save }</button>
                <button type="button" onclick={close(ctx)}>{ m.cancel }</button>
            </p>
        </form>
    }
}

fn confirm_delete(ctx: &Ctx, comment: &AdminComment) -> Html {
    let m = messages(ctx.state.locale);
    let onclick = {
        let (ctx, id) = (ctx.clone(), comment.id.clone());
        Callback::from(move |_| {
            let id = id.clone();
            ctx.act(|api, csrf| async move {
                match api.delete(&csrf, &id).await {
                    Ok(()) => Action::Deleted { id },
                    Err(failure) => Action::Failed(failure),
                }
            });
        })
    };
    html! {
        <div class="mod-inline" role="group" aria-labelledby="mod-confirm-delete">
            <p id="mod-confirm-delete">{ m.confirm_delete }</p>
            <p class="mod-actions">
                <button type="button" id={ids::OPEN_FORM} data-action="confirm-delete" disabled={ctx.state.busy} {onclick}>{ m.confirm_delete_yes }</button>
                <button type="button" onclick={close(ctx)}>{ m.cancel }</button>
            </p>
        </div>
    }
}

/// A date input's day (`2027-01-31`) as the end of that day in UTC; empty: forever.
pub fn until_end_of(day: &str) -> Option<String> {
    let day = day.trim();
    (!day.is_empty()).then(|| format!("{day}T23:59:59Z"))
}

fn ban_form(ctx: &Ctx, comment: &AdminComment) -> Html {
    let m = messages(ctx.state.locale);
    let onsubmit = {
        let (ctx, id) = (ctx.clone(), comment.id.clone());
        Callback::from(move |event: SubmitEvent| {
            let form = FormValues::of(&event);
            let kind = if form.text("kind") == BanKind::Prefix.code() { BanKind::Prefix } else { BanKind::Email };
            let ban = NewBan { target: BanTarget::Comment { kind, id: id.clone() }, until: until_end_of(&form.text("until")), reason: form.text("reason") };
            ctx.act(|api, csrf| async move {
                match api.ban(&csrf, &ban).await {
                    Ok(ban) => Action::Banned(ban),
                    Err(failure) => Action::Failed(failure),
                }
            });
        })
    };
    let field = |name: &str| format!("mod-ban-{}-{name}", comment.id);
    html! {
        <form class="mod-inline" {onsubmit}>
            <fieldset>
                <legend>{ m.ban_whom }</legend>
                <p><input type="radio" id={ids::OPEN_FORM} name="kind" value={BanKind::Email.code()} checked=true />
                    <label for={ids::OPEN_FORM}>{ m.ban_email }{ " (" }{ comment.email.clone() }{ ")" }</label></p>
                if let Some(prefix) = &comment.client_prefix {
                    <p><input type="radio" id={field("prefix")} name="kind" value={BanKind::Prefix.code()} />
                        <label for={field("prefix")}>{ fill(m.ban_prefix, &[("prefix", prefix)]) }</label></p>
                }
            </fieldset>
            <p><label for={field("until")}>{ m.until }</label><input id={field("until")} name="until" type="date" /></p>
            <p><label for={field("reason")}>{ m.reason }</label><input id={field("reason")} name="reason" /></p>
            <p class="mod-actions">
                <button type="submit" disabled={ctx.state.busy}>{ m.ban }</button>
                <button type="button" onclick={close(ctx)}>{ m.cancel }</button>
            </p>
        </form>
    }
}
