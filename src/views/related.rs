//! The related stories under the article.

use std::rc::Rc;

use article_widget_core::article::RelatedStory;
use article_widget_core::locale::Locale;
use yew::prelude::*;

use super::article::{picture, time};

#[derive(Properties)]
pub struct RelatedListProps {
    pub stories: Rc<[RelatedStory]>,
    pub locale: Locale,
}

/// Compared by address, as the article is ([`super::ArticleViewProps`]).
impl PartialEq for RelatedListProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.stories, &other.stories) && self.locale == other.locale
    }
}

#[function_component]
pub fn RelatedList(props: &RelatedListProps) -> Html {
    let heading = props.locale.messages().related_heading;
    html! {
        <nav class="aw-related" aria-label={heading}>
            <h2 class="aw-related__heading">{ heading }</h2>
            <ul class="aw-related__list">
                { for props.stories.iter().map(|story| html! {
                    <li class="aw-related__item">
                        if let Some(thumbnail) = &story.thumbnail {
                            { picture(thumbnail, false) }
                        }
                        <a class="aw-related__link" href={story.url.to_string()}>{ &story.title }</a>
                        if let Some(published) = story.published {
                            { time(&published, props.locale.format_date(&published)) }
                        }
                    </li>
                }) }
            </ul>
        </nav>
    }
}
