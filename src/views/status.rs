//! What stands in for a section that is not there: its placeholder, or why it failed.

use article_widget_core::error::LoadError;
use article_widget_core::locale::Locale;
use yew::prelude::*;

use crate::state::Section;

/// The grey shapes of each section's placeholder, in the order they stand, as `data-shape`
/// values (`.aw-skeleton[data-shape~=…]` in the stylesheet): what the section will look like.
const ARTICLE_SHAPES: &[&str] =
    &["kicker", "headline", "headline short", "line", "line short", "image", "line", "line", "line", "line", "line", "line"];
const RELATED_SHAPES: &[&str] = &["heading", "story", "story", "story"];
const COMMENTS_SHAPES: &[&str] = &["heading", "comment", "comment", "comment"];

/// Grey shapes where the section will be, so that nothing jumps when it arrives.
pub fn placeholder(locale: Locale, section: Section) -> Html {
    let m = locale.messages();
    let (label, shapes) = match section {
        Section::Article => (m.loading_article, ARTICLE_SHAPES),
        Section::Related => (m.loading_related, RELATED_SHAPES),
        Section::Comments => (m.loading_comments, COMMENTS_SHAPES),
    };
    html! {
        <div class="aw-placeholder" data-section={section_name(section)} role="status" aria-busy="true">
            <span class="aw-visually-hidden">{ label }</span>
            <div aria-hidden="true">
                { for shapes.iter().map(|shape| html! { <span class="aw-skeleton" data-shape={*shape}></span> }) }
            </div>
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
