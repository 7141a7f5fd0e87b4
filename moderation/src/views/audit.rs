//! The audit log: every moderator's action, newest first, a page at a time.

use article_widget_core::moderation::messages::{action_name, messages};
use yew::prelude::*;

use super::{unready, when, Ctx};
use crate::state::{ids, Action, Remote};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

fn load(ctx: &Ctx, before: Option<String>) {
    let more = before.is_some();
    ctx.run(|api| async move { Action::AuditLoaded { more, result: api.audit(before.as_deref()).await } });
}

#[function_component]
pub fn AuditPage(props: &Props) -> Html {
    let ctx = &props.ctx;
    let locale = ctx.state.locale;
    let m = messages(locale);
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| load(&ctx, None));
    }
    let retry = {
        let ctx = ctx.clone();
        Callback::from(move |_| load(&ctx, None))
    };
    html! {
        <section aria-labelledby={ids::HEADING}>
            <h2 id={ids::HEADING} tabindex="-1">{ m.audit }</h2>
            { unready(locale, &ctx.state.audit, retry) }
            if let Remote::Ready(log) = &ctx.state.audit {
                if log.entries.is_empty() {
                    <p>{ m.no_entries }</p>
                } else {
                    <table class="mod-table">
                        <thead><tr>
                            <th scope="col">{ m.date }</th><th scope="col">{ m.moderator }</th><th scope="col">{ m.action }</th>
                            <th scope="col">{ m.comment }</th><th scope="col">{ m.detail }</th>
                        </tr></thead>
                        <tbody>
                            { for log.entries.iter().map(|entry| html! {
                                <tr>
                                    <td>{ when(locale, &entry.at) }</td>
                                    <td><bdi>{ entry.moderator.clone() }</bdi></td>
                                    <td>{ action_name(locale, entry.action) }</td>
                                    <td>{ entry.comment.clone().unwrap_or_else(|| m.none.to_owned()) }</td>
                                    <td>{ entry.detail.clone() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                if let Some(next) = log.next.clone() {
                    <button type="button" class="mod-more" disabled={ctx.state.audit_more_loading} onclick={
                        let ctx = ctx.clone();
                        move |_| {
                            ctx.dispatch(Action::AuditMoreSent);
                            load(&ctx, Some(next.clone()));
                        }
                    }>{ m.older }</button>
                }
            }
        </section>
    }
}
