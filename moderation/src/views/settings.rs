//! The held-comment rules: hold none, all, or by the rules (links, first-time authors, words).

use article_widget_core::moderation::messages::{hold_name, messages};
use article_widget_core::moderation::{Hold, Settings};
use yew::prelude::*;

use super::{unready, Ctx, FormValues};
use crate::state::{ids, Action, Remote};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ctx: Ctx,
}

fn load(ctx: &Ctx) {
    ctx.run(|api| async move { Action::SettingsLoaded(api.settings().await) });
}

/// The settings a submitted form says; a blank or unreadable number of links is no limit.
fn read(form: &FormValues) -> Settings {
    let hold = Hold::ALL.into_iter().find(|hold| hold.code() == form.text("hold")).unwrap_or(Hold::Rules);
    Settings {
        hold,
        max_links: form.text("max_links").trim().parse().ok(),
        first_time_authors: form.checked("first_time_authors"),
        words: form.text("words").lines().map(str::trim).filter(|word| !word.is_empty()).map(str::to_owned).collect(),
    }
}

#[function_component]
pub fn SettingsPage(props: &Props) -> Html {
    let ctx = &props.ctx;
    let locale = ctx.state.locale;
    let m = messages(locale);
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| load(&ctx));
    }
    let retry = {
        let ctx = ctx.clone();
        Callback::from(move |_| load(&ctx))
    };
    let onsubmit = {
        let ctx = ctx.clone();
        Callback::from(move |event: SubmitEvent| {
            let settings = read(&FormValues::of(&event));
            ctx.act(|api, csrf| async move {
                match api.save_settings(&csrf, &settings).await {
                    Ok(settings) => Action::SettingsSaved(settings),
                    Err(failure) => Action::Failed(failure),
                }
            });
        })
    };
    html! {
        <section aria-labelledby={ids::HEADING}>
            <h2 id={ids::HEADING} tabindex="-1">{ m.settings }</h2>
            { unready(locale, &ctx.state.settings, retry) }
            if let Remote::Ready(settings) = &ctx.state.settings {
                <form class="mod-inline" {onsubmit}>
                    <fieldset>
                        <legend>{ m.hold }</legend>
                        { for Hold::ALL.into_iter().map(|hold| {
                            let id = format!("mod-hold-{}", hold.code());
                            html! {
                                <p><input type="radio" id={id.clone()} name="hold" value={hold.code()} checked={settings.hold == hold} />
                                    <label for={id}>{ hold_name(locale, hold) }</label></p>
                            }
                        }) }
                    </fieldset>
                    <p><label for="mod-max-links">{ m.max_links }</label>
                        <input id="mod-max-links" name="max_links" type="number" min="0" step="1"
                            value={settings.max_links.map(|n| n.to_string()).unwrap_or_default()} /></p>
                    <p><input id="mod-first-time" name="first_time_authors" type="checkbox" checked={settings.first_time_authors} />
                        <label for="mod-first-time">{ m.first_time_authors }</label></p>
                    <p><label for="mod-words">{ m.words }</label>
                        <textarea id="mod-words" name="words" rows="5" value={settings.words.join("\n")} /></p>
                    <button type="submit" disabled={ctx.state.busy}>{ m.save }</button>
                </form>
            }
        </section>
    }
}
