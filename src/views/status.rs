//! What stands in for a section that is not there: its placeholder, or why it failed.

use std::rc::Rc;

use article_widget_core::error::LoadError;
use article_widget_core::locale::Locale;
use yew::prelude::*;

use crate::state::Section;

#[derive(Properties, PartialEq)]
pub struct PlaceholderProps {
    pub locale: Locale,
    pub section: Section,
}

/// Grey shapes where the section will be, so that nothing jumps when it arrives.
#[function_component]
pub fn Placeholder(props: &PlaceholderProps) -> Html {
    let m = props.locale.messages();
    let (label, shapes) = match props.section {
        Section::Article => (
            m.loading_article,
            html! {
                <>
                    <span class="aw-skeleton aw-skeleton--kicker"></span>
                    <span class="aw-skeleton aw-skeleton--headline"></span>
                    <span class="aw-skeleton aw-skeleton--headline aw-skeleton--short"></span>
                    <span class="aw-skeleton aw-skeleton--line"></span>
                    <span class="aw-skeleton aw-skeleton--line aw-skeleton--short"></span>
                    <span class="aw-skeleton aw-skeleton--image"></span>
                    { for (0..6).map(|_| html! { <span class="aw-skeleton aw-skeleton--line"></span> }) }
                </>
            },
        ),
        Section::Related => (
            m.loading_related,
            html! {
                <>
                    <span class="aw-skeleton aw-skeleton--heading"></span>
                    { for (0..3).map(|_| html! { <span class="aw-skeleton aw-skeleton--story"></span> }) }
                </>
            },
        ),
        Section::Comments => (
            m.loading_comments,
            html! {
                <>
                    <span class="aw-skeleton aw-skeleton--heading"></span>
                    { for (0..3).map(|_| html! { <span class="aw-skeleton aw-skeleton--comment"></span> }) }
                </>
            },
        ),
    };
    html! {
        <div class={classes!("aw-placeholder", section_class(props.section))} role="status" aria-busy="true">
            <span class="aw-visually-hidden">{ label }</span>
            <div aria-hidden="true">{ shapes }</div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorBlockProps {
    pub error: Rc<LoadError>,
    pub locale: Locale,
    pub section: Section,
    pub on_retry: Callback<MouseEvent>,
}

/// What failed, why in words, at which URL, and a way to try again.
#[function_component]
pub fn ErrorBlock(props: &ErrorBlockProps) -> Html {
    let m = props.locale.messages();
    let title = match props.section {
        Section::Article => m.article_failed,
        Section::Related => m.related_failed,
        Section::Comments => m.comments_failed,
    };
    html! {
        <div class={classes!("aw-error", section_class(props.section))} role="alert">
            <p class="aw-error__title">{ title }</p>
            <p class="aw-error__detail">{ props.locale.describe(&props.error) }</p>
            <p class="aw-error__url">{ m.address }{ " " }<code>{ &props.error.url }</code></p>
            <button type="button" class="aw-button" onclick={props.on_retry.clone()}>{ m.retry }</button>
        </div>
    }
}

fn section_class(section: Section) -> &'static str {
    match section {
        Section::Article => "aw-section--article",
        Section::Related => "aw-section--related",
        Section::Comments => "aw-section--comments",
    }
}
