//! The reader's own comments: kept in storage with their secrets, their "Edit" and "Delete"
//! while the window lasts (a platform timer drops them when it ends), the edit box and the
//! inline confirmation of a deletion, and the requests that make the change.

use article_widget_core::comment::Comment;
use article_widget_core::locale::Locale;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::hooks::{nothing_to_undo, use_effect_on, CleanUp};
use super::WidgetProps;
use crate::state::{Action, Change, ChangeKind, OwnComment, WidgetState};
use crate::storage;

/// Reads the reader's own comments from storage once, then keeps storage in step; drops
/// each when its window ends; sends the change the reader confirmed.
#[hook]
pub(super) fn use_own_comment_effects(props: &WidgetProps, state: &UseReducerHandle<WidgetState>) {
    let services = &props.services;
    let (dispatcher, platform, backend) = (state.dispatcher(), services.platform.clone(), services.backend.clone());
    use_effect_on(services.clone(), move || {
        if let Some(scope) = backend.own_comments_scope() {
            let own = storage::load_own(platform.as_ref(), scope);
            dispatcher.dispatch(Action::OwnRestored { own, now: (platform.now_ms() / 1000.0) as i64 });
        }
        nothing_to_undo()
    });

    // Saved once storage was read (`form.restored`, read in the same task), so that the empty
    // list of the first render never erases it.
    let (platform, backend, own, restored) = (services.platform.clone(), services.backend.clone(), state.own.clone(), state.form.restored);
    use_effect_on((services.clone(), own.clone(), restored), move || {
        if let (Some(scope), true) = (backend.own_comments_scope(), restored) {
            storage::save_own(platform.as_ref(), scope, &own);
        }
        nothing_to_undo()
    });

    // The next window to end, on the platform's clock: its buttons go then.
    let (dispatcher, platform, own) = (state.dispatcher(), services.platform.clone(), state.own.clone());
    use_effect_on((services.clone(), own.clone()), move || {
        let next = own.iter().map(|own| own.ownership.editable_until.unix_seconds()).min();
        let timer = next.map(|until| {
            let wait = (until as f64 * 1000.0 - platform.now_ms()).clamp(0.0, f64::from(u32::MAX));
            platform.schedule(wait as u32, Box::new(move || dispatcher.dispatch(Action::OwnWindowsChecked { now: until })))
        });
        Box::new(move || drop(timer))
    });

    // A change is never superseded: its answer is delivered whatever renders meanwhile.
    let (dispatcher, backend, zone) = (state.dispatcher(), services.backend.clone(), services.zone.clone());
    let sending = state.change.clone().filter(|change| change.sending);
    let secret = sending.as_ref().and_then(|change| state.own.iter().find(|own| own.id == change.id)).map(|own| own.ownership.secret.clone());
    use_effect_on((services.clone(), state.change_attempt), move || {
        if let Some(Change { id, kind, .. }) = sending {
            let secret = secret.unwrap_or_default();
            let request = match &kind {
                ChangeKind::Edit(body) => {
                    let edit = backend.edit_comment(&id, &secret, body);
                    Box::pin(async move { edit.await.map(|comment| Some(zone.show_comment(comment))) }) as crate::backend::LocalFuture<_>
                }
                ChangeKind::Delete => {
                    let delete = backend.delete_comment(&id, &secret);
                    Box::pin(async move { delete.await.map(|()| None) })
                }
            };
            spawn_local(async move { dispatcher.dispatch(Action::Changed(request.await)) });
        }
        nothing_to_undo()
    });
}

/// "Edit" and "Delete" under the reader's own comment, while its window lasts: a function,
/// not a component, as it holds no state of its own.
fn own_controls(comment: &str, dispatcher: &UseReducerDispatcher<WidgetState>, locale: Locale) -> Html {
    let m = locale.messages();
    let start = |delete: bool| {
        let (dispatcher, id) = (dispatcher.clone(), comment.to_owned());
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::StartChange { id: id.clone(), delete }))
    };
    html! {
        <p class="aw-own">
            <button type="button" class="aw-link-button" onclick={start(false)} aria-label={m.edit_label}>{ m.edit }</button>
            <button type="button" class="aw-link-button" onclick={start(true)} aria-label={m.delete_label}>{ m.delete }</button>
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct ChangeViewProps {
    pub change: Change,
    pub comment: AttrValue,
    pub dispatcher: UseReducerDispatcher<WidgetState>,
    pub locale: Locale,
}

/// The change under way to the reader's own comment: its text in an edit box (in place of
/// the text), or the question whether to delete it. Focus goes to the box, or to "Cancel"
/// (the safe answer), when it opens, and back to "Edit" when it closes; a refusal is said
/// beside it, the text kept.
#[function_component]
pub(super) fn ChangeView(props: &ChangeViewProps) -> Html {
    let ChangeViewProps { change, comment, dispatcher, locale } = props;
    let m = locale.messages();
    let first = use_node_ref();
    use_effect_on(matches!(change.kind, ChangeKind::Delete), {
        let (first, comment) = (first.clone(), comment.clone());
        move || -> CleanUp {
            let Some(element) = first.cast::<web_sys::HtmlElement>() else { return nothing_to_undo() };
            let _ = element.focus();
            // Once the change is over (saved, cancelled), the focus goes back to the
            // comment's "Edit", rendered anew after this clean-up; a deleted comment has none.
            let root = element.get_root_node();
            Box::new(move || {
                spawn_local(async move {
                    let edit = root.dyn_into::<web_sys::ShadowRoot>().ok().and_then(|root| {
                        root.query_selector(&format!("#aw-comment-{comment} .aw-own button")).ok().flatten()
                    });
                    if let Some(edit) = edit.and_then(|edit| edit.dyn_into::<web_sys::HtmlElement>().ok()) {
                        let _ = edit.focus();
                    }
                });
            })
        }
    });
    let action = |action: fn() -> Action| {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(action()))
    };
    let error_id = format!("aw-change-{comment}-error");
    let error = change.error.as_ref().map(|error| html! {
        <p class="aw-field__error" id={error_id.clone()} role="alert">{ locale.describe_post_error(error) }</p>
    });
    let cancel = html! {
        <button type="button" class="aw-button aw-button--secondary" onclick={action(|| Action::CancelChange)} disabled={change.sending}
            ref={matches!(change.kind, ChangeKind::Delete).then(|| first.clone()).unwrap_or_default()}>{ m.cancel }</button>
    };
    match &change.kind {
        ChangeKind::Edit(text) => {
            let id = format!("aw-change-{comment}");
            let dispatcher = dispatcher.clone();
            let oninput = Callback::from(move |event: InputEvent| {
                dispatcher.dispatch(Action::ChangeText(event.target_unchecked_into::<HtmlTextAreaElement>().value()));
            });
            let send = props.dispatcher.clone();
            let onsubmit = Callback::from(move |event: SubmitEvent| {
                event.prevent_default();
                send.dispatch(Action::SendChange);
            });
            html! {
                <form class="aw-form" novalidate=true {onsubmit}>
                    <div class="aw-field">
                        <label for={id.clone()}>{ m.edit_label }</label>
                        <textarea id={id} rows="4" ref={first} value={text.clone()} {oninput} readonly={change.sending}
                            aria-invalid={change.error.is_some().then_some("true")} aria-describedby={change.error.is_some().then_some(error_id)} />
                    </div>
                    { error.unwrap_or_default() }
                    <div class="aw-form__actions">
                        <button type="submit" class="aw-button" disabled={change.sending}>{ if change.sending { m.saving } else { m.save } }</button>
                        { cancel }
                    </div>
                </form>
            }
        }
        ChangeKind::Delete => {
            let question_id = format!("aw-change-{comment}-question");
            html! {
                <div class="aw-own" role="group" aria-labelledby={question_id.clone()}>
                    <p id={question_id}>{ m.delete_confirm }</p>
                    { error.unwrap_or_default() }
                    <div class="aw-form__actions">
                        <button type="button" class="aw-button" onclick={action(|| Action::SendChange)} disabled={change.sending}>{ m.delete_yes }</button>
                        { cancel }
                    </div>
                </div>
            }
        }
    }
}

/// What the reader may do with their own comment here: the change under way (in place of
/// its text), else "Edit" and "Delete" while its window lasts; nothing for others' comments.
pub(super) fn own_parts(comment: &Comment, own: &[OwnComment], change: Option<&Change>, dispatcher: &UseReducerDispatcher<WidgetState>, locale: Locale) -> (Html, Option<Html>) {
    let id = AttrValue::from(comment.id.clone());
    if let Some(change) = change.filter(|change| change.id == comment.id) {
        let view = html! { <ChangeView change={change.clone()} comment={id} dispatcher={dispatcher.clone()} {locale} /> };
        return (Html::default(), Some(view));
    }
    let controls = own.iter().any(|own| own.id == comment.id).then(|| own_controls(&comment.id, dispatcher, locale));
    (controls.unwrap_or_default(), None)
}
