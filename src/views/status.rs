//! What stands in for a section that is not there: its placeholder, or why it failed.

use article_widget_core::error::LoadError;
use article_widget_core::locale::Locale;
use yew::prelude::*;

use crate::state::Section;

/// Grey shapes where the section will be, so that nothing jumps when it arrives.
pub fn placeholder(locale: Locale, section: Section) -> Html {
    let m = locale.messages();
    let (label, shapes) = match section {
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
        <div class="aw-placeholder" data-section={section_name(section)} role="status" aria-busy="true">
            <span class="aw-visually-hidden">{ label }</span>
            <div aria-hidden="true">{ shapes }</div>
        </div>
    }
}

/// What failed, why in words, at which URL, and a way to try again.
pub fn error_block(error: &LoadError, locale: Locale, section: Section, on_retry: Callback<MouseEvent>) -> Html {
    let m = locale.messages();
    let title = match section {
        Section::Article => m.article_failed,
        Section::Related => m.related_failed,
        Section::Comments => m.comments_failed,
    };
    html! {
        <div class="aw-error" data-section={section_name(section)} role="alert">
            <p class="aw-error__title">{ title }</p>
            <p class="aw-error__detail">{ locale.describe(error) }</p>
            <p class="aw-error__url">{ m.address }{ " " }<code>{ &error.url }</code></p>
            <button type="button" class="aw-button" onclick={on_retry}>{ m.retry }</button>
        </div>
    }
}

fn section_name(section: Section) -> &'static str {
    match section {
        Section::Article => "article",
        Section::Related => "related",
        Section::Comments => "comments",
    }
}
