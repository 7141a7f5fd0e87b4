//! The views: [`App`] holds the state, renders the sign-in form or the signed-in layout (its
//! sections, the announced notice), and moves focus where the state says after each render.
//! The sections load what they show in effects; every request is sent by a callback or an
//! effect through [`Ctx`], which dispatches its answer.

mod audit;
mod bans;
mod comment;
mod queue;
mod settings;
mod sign_in;

use std::future::Future;

use article_widget_core::datetime::DateTime;
use article_widget_core::locale::{fill, Locale};
use article_widget_core::moderation::messages::messages;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::api::Api;
use crate::state::{ids, Action, Page, Remote, SessionState, State};

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub api: Api,
    pub locale: Locale,
}

/// What a section needs: the state, and how to send requests and dispatch their answers.
#[derive(Clone, PartialEq)]
pub struct Ctx {
    pub state: UseReducerHandle<State>,
    pub api: Api,
}

impl Ctx {
    pub fn dispatch(&self, action: Action) {
        self.state.dispatch(action);
    }

    /// Runs `work` (a request) and dispatches the action it ends with.
    pub fn run<F: Future<Output = Action> + 'static>(&self, work: impl FnOnce(Api) -> F) {
        let future = work(self.api.clone());
        let dispatcher = self.state.dispatcher();
        yew::platform::spawn_local(async move { dispatcher.dispatch(future.await) });
    }

    /// An action of the moderator's (a state-changing request, with the session's token):
    /// one at a time, said in the notice when it ends.
    pub fn act<F: Future<Output = Action> + 'static>(&self, work: impl FnOnce(Api, String) -> F) {
        let Some(csrf) = self.state.csrf().map(str::to_owned) else { return };
        if self.state.busy {
            return;
        }
        self.dispatch(Action::Sent);
        self.run(|api| work(api, csrf));
    }
}

/// A date as the moderator reads it, in UTC (the server's times are UTC).
pub fn when(locale: Locale, at: &DateTime) -> String {
    format!("{} UTC", locale.format_datetime(at))
}

/// The values of a submitted form's controls, by name.
pub struct FormValues(web_sys::HtmlFormElement);

impl FormValues {
    /// The submitted form; the browser's own submission is stopped.
    pub fn of(event: &SubmitEvent) -> FormValues {
        event.prevent_default();
        FormValues(event.target_unchecked_into())
    }

    fn property(&self, name: &str, property: &str) -> wasm_bindgen::JsValue {
        let control = self.0.elements().named_item(name);
        control.and_then(|control| js_sys::Reflect::get(&control, &property.into()).ok()).unwrap_or_default()
    }

    /// A control's value (a radio group's: the checked one's).
    pub fn text(&self, name: &str) -> String {
        self.property(name, "value").as_string().unwrap_or_default()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.property(name, "checked").as_bool().unwrap_or(false)
    }
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let locale = props.locale;
    let state = use_reducer(|| State::new(locale));
    let ctx = Ctx { state: state.clone(), api: props.api.clone() };
    {
        let ctx = ctx.clone();
        use_effect_with((), move |_| ctx.run(|api| async move { Action::SessionChecked(api.session().await) }));
    }
    use_effect_with(state.focus.serial, {
        let id = state.focus.id.clone();
        move |_| {
            let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id));
            if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = element.focus();
            }
        }
    });
    let m = messages(locale);
    let (account, main) = match &state.session {
        SessionState::Checking => (Html::default(), html! { <main><p role="status">{ m.checking }</p></main> }),
        SessionState::SignedOut { sending, error } => (Html::default(), sign_in::view(&ctx, *sending, error.as_ref())),
        SessionState::SignedIn(session) => (account(&ctx, &session.name, &session.csrf), signed_in(&ctx)),
    };
    html! {
        <>
            <header class="mod-bar">
                <h1>{ m.title }</h1>
                { account }
            </header>
            { main }
        </>
    }
}

/// Who is signed in, the sign-out, and the sections.
fn account(ctx: &Ctx, name: &str, csrf: &str) -> Html {
    let m = messages(ctx.state.locale);
    let on_sign_out = {
        let (ctx, csrf) = (ctx.clone(), csrf.to_owned());
        Callback::from(move |_| {
            let csrf = csrf.clone();
            ctx.run(|api| async move { Action::SignedOut(api.sign_out(&csrf).await) });
        })
    };
    let nav_button = |page: Page, label: &'static str| {
        let ctx = ctx.clone();
        let current = (ctx.state.page == page).then_some("page");
        html! { <li><button type="button" aria-current={current} onclick={move |_| ctx.dispatch(Action::Show(page))}>{ label }</button></li> }
    };
    html! {
        <>
            <p class="mod-account">
                { fill(m.signed_in_as, &[("name", name)]) }{ " " }
                <button type="button" onclick={on_sign_out}>{ m.sign_out }</button>
            </p>
            <nav aria-label={m.sections}>
                <ul class="mod-nav">
                    { nav_button(Page::Queue, m.queue) }
                    { nav_button(Page::Bans, m.bans) }
                    { nav_button(Page::Audit, m.audit) }
                    { nav_button(Page::Settings, m.settings) }
                </ul>
            </nav>
        </>
    }
}

/// The section shown, under the notice that says how the latest action went.
fn signed_in(ctx: &Ctx) -> Html {
    let notice = ctx.state.notice.as_ref();
    html! {
        <main>
            <p id={ids::NOTICE} class="mod-notice" role="status" aria-live="polite" tabindex="-1"
                data-state={notice.map(|n| if n.failed { "failed" } else { "done" })}>
                { notice.map(|n| n.text.clone()).unwrap_or_default() }
            </p>
            {
                match ctx.state.page {
                    Page::Queue => html! { <queue::QueuePage ctx={ctx.clone()} /> },
                    Page::Bans => html! { <bans::BansPage ctx={ctx.clone()} /> },
                    Page::Audit => html! { <audit::AuditPage ctx={ctx.clone()} /> },
                    Page::Settings => html! { <settings::SettingsPage ctx={ctx.clone()} /> },
                }
            }
        </main>
    }
}

/// What a section shows while it loads or when it failed (with a retry).
pub fn unready<T>(locale: Locale, remote: &Remote<T>, retry: Callback<MouseEvent>) -> Html {
    let m = messages(locale);
    match remote {
        Remote::Loading => html! { <p class="mod-loading">{ m.loading }</p> },
        Remote::Failed(failure) => html! {
            <div class="mod-failed" role="alert">
                <p>{ failure.describe(locale) }</p>
                <button type="button" onclick={retry}>{ m.retry }</button>
            </div>
        },
        Remote::Ready(_) => Html::default(),
    }
}
