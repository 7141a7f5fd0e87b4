//! The sign-in form: name and password, and why the last attempt failed.

use article_widget_core::moderation::messages::messages;
use yew::prelude::*;

use super::{Ctx, FormValues};
use crate::api::Failure;
use crate::state::{ids, Action};

pub fn view(ctx: &Ctx, sending: bool, error: Option<&Failure>) -> Html {
    let locale = ctx.state.locale;
    let m = messages(locale);
    let onsubmit = {
        let ctx = ctx.clone();
        Callback::from(move |event: SubmitEvent| {
            let form = FormValues::of(&event);
            let (name, password) = (form.text("name"), form.text("password"));
            ctx.dispatch(Action::SignInSent);
            ctx.run(|api| async move { Action::SignedIn(api.sign_in(&name, &password).await) });
        })
    };
    html! {
        <main>
            <h2 id={ids::HEADING} tabindex="-1">{ m.sign_in_heading }</h2>
            if let Some(error) = error {
                <p id={ids::SIGN_IN_ERROR} class="mod-error" role="alert" tabindex="-1">{ error.describe(locale) }</p>
            }
            <form class="mod-sign-in" {onsubmit}>
                <p>
                    <label for="mod-name">{ m.name }</label>
                    <input id="mod-name" name="name" autocomplete="username" required=true />
                </p>
                <p>
                    <label for="mod-password">{ m.password }</label>
                    <input id="mod-password" name="password" type="password" autocomplete="current-password" required=true />
                </p>
                <button type="submit" disabled={sending}>{ if sending { m.signing_in } else { m.sign_in } }</button>
            </form>
        </main>
    }
}
