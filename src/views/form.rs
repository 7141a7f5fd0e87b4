//! The comment form: labelled fields with their errors bound to them, the captcha question
//! in the answer's label, and a status line announced to screen readers.

use article_widget_core::comment::{Field, FieldError, BODY_MAX_CHARS};
use article_widget_core::error::PostError;
use article_widget_core::locale::{fill, isolate, Locale};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::hooks::{nothing_to_undo, use_effect_on};
use super::StateHandle;
use crate::platform::{random_key, Services};
use crate::state::{Action, Input, Proof, Remote, Submission};

#[derive(Properties, PartialEq)]
pub struct CommentFormProps {
    pub state: StateHandle,
    pub services: Services,
    pub locale: Locale,
    pub id_prefix: AttrValue,
    /// Set when the form answers a comment, under which it is then shown.
    pub reply_to_author: Option<AttrValue>,
}

#[function_component]
pub fn CommentForm(props: &CommentFormProps) -> Html {
    let CommentFormProps { state, locale, .. } = props;
    let m = locale.messages();
    let form = &state.form;
    let id = |name: &str| format!("{}-{name}", props.id_prefix);
    let status_ref = use_node_ref();
    let body_ref = use_node_ref();

    // A reply starts where the reader will type; a confirmed post moves focus to its news.
    let replying = props.reply_to_author.is_some();
    use_effect_on(props.reply_to_author.clone(), {
        let body_ref = body_ref.clone();
        move || {
            if replying {
                if let Some(body) = body_ref.cast::<HtmlTextAreaElement>() {
                    let _ = body.focus();
                }
            }
            nothing_to_undo()
        }
    });
    let sent = matches!(form.submission, Submission::Sent { .. });
    use_effect_on(sent, {
        let status_ref = status_ref.clone();
        move || {
            if sent {
                if let Some(status) = status_ref.cast::<web_sys::HtmlElement>() {
                    let _ = status.focus();
                }
            }
            nothing_to_undo()
        }
    });

    let onsubmit = {
        let (dispatcher, platform) = (state.dispatcher(), props.services.platform.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            dispatcher.dispatch(Action::Submit { now: platform.now_ms(), fresh_key: random_key(platform.as_ref()) });
        })
    };
    let edit = |input: Input| {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let value = event
                .target_dyn_into::<HtmlInputElement>()
                .map(|input| input.value())
                .or_else(|| event.target_dyn_into::<HtmlTextAreaElement>().map(|area| area.value()))
                .unwrap_or_default();
            dispatcher.dispatch(Action::Edit(input, value));
        })
    };
    let error_of = |field: Field| form.errors.iter().find(|e| e.field == field);
    let sending = matches!(form.submission, Submission::Sending(_) | Submission::Proving { .. });
    // The proof of work starts when the reader first comes to the form.
    let used = form.used;
    let onfocusin = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: FocusEvent| {
            if !used {
                dispatcher.dispatch(Action::FormUsed);
            }
        })
    };

    let text_field = |field: Field, input: Input, value: &str, kind: &'static str, autocomplete: &'static str, required: bool, hint: Option<&str>| {
        let name = field.code();
        let error = error_of(field);
        let label = match field {
            Field::Name => m.label_name,
            Field::Email => m.label_email,
            _ => m.label_website,
        };
        let described_by = [hint.map(|_| id(&format!("{name}-hint"))), error.map(|_| id(&format!("{name}-error")))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        html! {
            <div class="aw-field">
                <label for={id(name)}>
                    { label }{ " " }
                    <span class="aw-field__marker">{ "(" }{ if required { m.required } else { m.optional } }{ ")" }</span>
                </label>
                if let Some(hint) = hint {
                    <p class="aw-field__hint" id={id(&format!("{name}-hint"))}>{ hint }</p>
                }
                <input id={id(name)} name={name} type={kind} autocomplete={autocomplete} value={value.to_owned()}
                    required={required} aria-required={aria_bool(required)}
                    aria-invalid={aria_bool(error.is_some())}
                    aria-describedby={(!described_by.is_empty()).then_some(described_by)}
                    oninput={edit(input)} />
                { field_error(error, &id(&format!("{name}-error")), *locale) }
            </div>
        }
    };

    let body_error = error_of(Field::Body);
    let body_length = form.draft.body.chars().count();
    let counter = fill(m.characters, &[("count", &locale.format_count(body_length as u64)), ("max", &locale.format_count(BODY_MAX_CHARS as u64))]);
    let body_described_by = [Some(id("body-counter")), body_error.map(|_| id("body-error"))].into_iter().flatten().collect::<Vec<_>>().join(" ");

    let captcha_error = error_of(Field::Captcha);
    let question = match &form.challenge {
        Remote::Ready(challenge) => Some(challenge.puzzle().question(*locale)),
        _ => None,
    };
    let new_question = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::NewQuestion))
    };
    let remember = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher.dispatch(Action::SetRemember(event.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let notify = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher.dispatch(Action::SetNotify(event.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let offers_notify = matches!(&form.challenge, Remote::Ready(challenge) if challenge.notify);
    let forget = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::SetRemember(false)))
    };
    let cancel_reply = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::ReplyTo(None)))
    };

    let heading = match &props.reply_to_author {
        Some(author) => fill(m.reply_heading, &[("author", &isolate(author))]),
        None => m.form_heading.to_owned(),
    };
    let status = match &form.submission {
        Submission::Failed(error) => Some(("error", locale.describe_post_error(error))),
        Submission::Sent { pending: true } => Some(("ok", m.awaiting_moderation.to_owned())),
        Submission::Sent { pending: false } => Some(("ok", m.posted.to_owned())),
        Submission::Sending(_) => Some(("busy", m.submitting.to_owned())),
        Submission::Proving { .. } => {
            let tried = match form.proof {
                Proof::Solving { tried } => tried,
                _ => 0,
            };
            Some(("busy", locale.proof_progress(tried)))
        }
        Submission::Editing if form.proof == Proof::Failed => Some(("error", m.proof_failed.to_owned())),
        Submission::Editing => None,
    };
    let field_summary = match &form.submission {
        Submission::Failed(error) if matches!(**error, PostError::Fields(_)) => form.errors.clone(),
        _ => Vec::new(),
    };

    html! {
        <form class="aw-form" novalidate=true {onsubmit} {onfocusin} aria-labelledby={id("form-heading")}>
            <h3 class="aw-form__heading" id={id("form-heading")}>{ heading }</h3>
            <div class="aw-form__status-region" role="status" aria-live="polite">
                if let Some((state, message)) = status {
                    <div class="aw-form__status" data-state={state} tabindex="-1" ref={status_ref}>
                        <p>{ message }</p>
                        if !field_summary.is_empty() {
                            <ul>
                                { for field_summary.iter().map(|error| html! {
                                    <li><a href={format!("#{}", id(error.field.code()))}>{ locale.describe_field_error(error) }</a></li>
                                }) }
                            </ul>
                        }
                    </div>
                }
            </div>
            // Disabled in a server's render until the widget runs: what is typed into a form
            // that no code reads would be lost at the takeover.
            if !state.interactive {
                <noscript class="aw-form__noscript">{ m.needs_javascript }</noscript>
            }
            <fieldset class="aw-form__fields" disabled={!state.interactive}>
            { text_field(Field::Name, Input::Name, &form.draft.name, "text", "name", true, None) }
            { text_field(Field::Email, Input::Email, &form.draft.email, "email", "email", true, Some(m.email_hint)) }
            { text_field(Field::Website, Input::Website, &form.draft.website, "url", "url", false, None) }
            <div class="aw-field">
                <label for={id("body")}>{ m.label_body }{ " " }<span class="aw-field__marker">{ "(" }{ m.required }{ ")" }</span></label>
                <textarea id={id("body")} name="body" rows="6" ref={body_ref} value={form.draft.body.clone()}
                    required=true aria-required="true" aria-invalid={aria_bool(body_error.is_some())}
                    aria-describedby={body_described_by} oninput={edit(Input::Body)} />
                <p class="aw-field__counter" data-state={(body_length > BODY_MAX_CHARS).then_some("over")} id={id("body-counter")}>{ counter }</p>
                { field_error(body_error, &id("body-error"), *locale) }
            </div>
            <div class="aw-field aw-captcha">
                if let Some(question) = question {
                    <label for={id("captcha")}>{ fill(m.captcha_label, &[("question", &question)]) }</label>
                    <p class="aw-field__hint" id={id("captcha-hint")}>{ m.captcha_hint }</p>
                    <div class="aw-captcha__row">
                        <input id={id("captcha")} name="captcha" type="text" inputmode="text" autocomplete="off" size="8"
                            value={form.answer.clone()} required=true aria-required="true"
                            aria-invalid={aria_bool(captcha_error.is_some())}
                            aria-describedby={[Some(id("captcha-hint")), captcha_error.map(|_| id("captcha-error"))].into_iter().flatten().collect::<Vec<_>>().join(" ")}
                            oninput={edit(Input::Answer)} />
                        <button type="button" class="aw-button aw-button--secondary" onclick={new_question.clone()}>{ m.captcha_new }</button>
                    </div>
                    { field_error(captcha_error, &id("captcha-error"), *locale) }
                } else if let Remote::Failed(error) = &form.challenge {
                    <p class="aw-field__error" role="alert">{ locale.describe(error) }</p>
                    <button type="button" class="aw-button aw-button--secondary" onclick={new_question}>{ m.captcha_new }</button>
                } else {
                    <p class="aw-field__hint">{ m.loading_more }</p>
                }
            </div>
            // Robots fill every field; people never see this one.
            <div class="aw-trap" aria-hidden="true">
                <label for={id("trap")}>{ "Fax" }</label>
                <input id={id("trap")} name="fax" type="text" tabindex="-1" autocomplete="off" value={form.trap.clone()} oninput={edit(Input::Trap)} />
            </div>
            // Offered only by a server that sends mail (its challenge says so).
            if offers_notify {
                <div class="aw-field aw-field--checkbox">
                    <input id={id("notify")} name="notify" type="checkbox" checked={form.notify} onchange={notify} />
                    <label for={id("notify")}>{ m.notify_replies }</label>
                </div>
            }
            <div class="aw-field aw-field--checkbox">
                <input id={id("remember")} type="checkbox" checked={form.remember} onchange={remember} />
                <label for={id("remember")}>{ m.remember_me }</label>
                if form.remember {
                    <button type="button" class="aw-link-button" onclick={forget}>{ m.forget_me }</button>
                }
            </div>
            <div class="aw-form__actions">
                <button type="submit" class="aw-button" aria-disabled={aria_bool(sending)}>
                    { if sending { m.submitting } else { m.submit } }
                </button>
                if props.reply_to_author.is_some() {
                    <button type="button" class="aw-button aw-button--secondary" onclick={cancel_reply}>{ m.cancel_reply }</button>
                }
            </div>
            </fieldset>
        </form>
    }
}

fn field_error(error: Option<&FieldError>, id: &str, locale: Locale) -> Html {
    match error {
        Some(error) => html! { <p class="aw-field__error" id={id.to_owned()}>{ locale.describe_field_error(error) }</p> },
        None => html! {},
    }
}

/// An ARIA state's value: a text that is never allocated.
fn aria_bool(state: bool) -> AttrValue {
    AttrValue::Static(if state { "true" } else { "false" })
}
