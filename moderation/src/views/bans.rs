//! The bans: those in force, lifted one by one, and a new one by e-mail or address prefix.

use article_widget_core::moderation::messages::{ban_kind_name, messages};
use article_widget_core::moderation::{Ban, BanKind, BanTarget, NewBan};
use yew::prelude::*;

use super::comment::until_end_of;
use super::{unready, when, Ctx, FormValues};
use crate::state::{ids, Action, Remote};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

fn load(ctx: &Ctx) {
    ctx.run(|api| async move { Action::BansLoaded(api.bans().await) });
}

#[function_component]
pub fn BansPage(props: &Props) -> Html {
    let ctx = &props.ctx;
    let locale = ctx.state.locale;
    let m = messages(locale);
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| load(&ctx));
    }
    let onsubmit = {
        let ctx = ctx.clone();
        Callback::from(move |event: SubmitEvent| {
            let form = FormValues::of(&event);
            let value = form.text("value");
            let target = if form.text("kind") == BanKind::Prefix.code() { BanTarget::Prefix(value) } else { BanTarget::Email(value) };
            let ban = NewBan { target, until: until_end_of(&form.text("until")), reason: form.text("reason") };
            ctx.act(|api, csrf| async move {
                match api.ban(&csrf, &ban).await {
                    Ok(ban) => Action::Banned(ban),
                    Err(failure) => Action::Failed(failure),
                }
            });
        })
    };
    let retry = {
        let ctx = ctx.clone();
        Callback::from(move |_| load(&ctx))
    };
    let row = |ban: &Ban| {
        let onclick = {
            let (ctx, id) = (ctx.clone(), ban.id.clone());
            Callback::from(move |_| {
                let id = id.clone();
                ctx.act(|api, csrf| async move {
                    match api.unban(&csrf, &id).await {
                        Ok(()) => Action::Unbanned { id },
                        Err(failure) => Action::Failed(failure),
                    }
                });
            })
        };
        html! {
            <tr>
                <td>{ ban_kind_name(locale, ban.kind) }</td>
                <td><bdi>{ ban.label.clone() }</bdi></td>
                <td>{ ban.until.as_ref().map_or_else(|| m.forever.to_owned(), |until| when(locale, until)) }</td>
                <td>{ ban.reason.clone() }</td>
                <td>{ when(locale, &ban.created) }</td>
                <td><bdi>{ ban.by.clone() }</bdi></td>
                <td><button type="button" disabled={ctx.state.busy} {onclick}>{ m.unban }</button></td>
            </tr>
        }
    };
    html! {
        <section aria-labelledby={ids::HEADING}>
            <h2 id={ids::HEADING} tabindex="-1">{ m.bans }</h2>
            <form class="mod-inline" aria-labelledby="mod-new-ban" {onsubmit}>
                <h3 id="mod-new-ban">{ m.new_ban }</h3>
                <p><label for="mod-ban-kind">{ m.kind }</label>
                    <select id="mod-ban-kind" name="kind">
                        <option value={BanKind::Email.code()}>{ ban_kind_name(locale, BanKind::Email) }</option>
                        <option value={BanKind::Prefix.code()}>{ ban_kind_name(locale, BanKind::Prefix) }</option>
                    </select></p>
                <p><label for="mod-ban-value">{ m.ban_value }</label><input id="mod-ban-value" name="value" required=true /></p>
                <p><label for="mod-ban-until">{ m.until }</label><input id="mod-ban-until" name="until" type="date" /></p>
                <p><label for="mod-ban-reason">{ m.reason }</label><input id="mod-ban-reason" name="reason" /></p>
                <button type="submit" disabled={ctx.state.busy}>{ m.ban }</button>
            </form>
            { unready(locale, &ctx.state.bans, retry) }
            if let Remote::Ready(bans) = &ctx.state.bans {
                if bans.is_empty() {
                    <p>{ m.no_bans }</p>
                } else {
                    <table class="mod-table">
                        <thead><tr>
                            <th scope="col">{ m.kind }</th><th scope="col">{ m.whom }</th><th scope="col">{ m.until }</th>
                            <th scope="col">{ m.reason }</th><th scope="col">{ m.created }</th><th scope="col">{ m.by }</th>
                            <td></td>
                        </tr></thead>
                        <tbody>{ for bans.iter().map(row) }</tbody>
                    </table>
                }
            }
        </section>
    }
}
