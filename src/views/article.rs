//! The article: header, hero image and body, as semantic HTML. Every text is a text node.

use std::rc::Rc;

use article_widget_core::article::{Article, Author, Block, Image, Inline};
use article_widget_core::datetime::DateTime;
use article_widget_core::locale::Locale;
use yew::prelude::*;


#[derive(Properties)]
pub struct ArticleViewProps {
    pub article: Rc<Article>,
    pub locale: Locale,
}

/// The same article is the same `Rc`: each answer makes a new one. Comparing addresses
/// rather than contents keeps a deep comparison of the whole article out of the download.
impl PartialEq for ArticleViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.article, &other.article) && self.locale == other.locale
    }
}

#[function_component]
pub fn ArticleView(props: &ArticleViewProps) -> Html {
    let ArticleViewProps { article, locale } = props;
    let m = locale.messages();
    html! {
        <article class="aw-article" lang={article.lang.clone()}>
            <header class="aw-article__header">
                if let Some(kicker) = &article.kicker {
                    <p class="aw-kicker">{ kicker }</p>
                }
                <h1 class="aw-headline">{ &article.headline }</h1>
                if let Some(standfirst) = &article.standfirst {
                    <p class="aw-standfirst">{ standfirst }</p>
                }
                <div class="aw-meta">
                    if !article.authors.is_empty() {
                        <p class="aw-byline">{ m.byline_prefix }{ " " }{ byline(&article.authors, m.and) }</p>
                    }
                    <p class="aw-dates">
                        <span class="aw-dates__published">
                            { m.published }{ " " }
                            { time(&article.published, locale.format_datetime(&article.published)) }
                        </span>
                        if let Some(updated) = article.updated {
                            <span class="aw-dates__updated">
                                { m.updated }{ " " }
                                { time(&updated, locale.format_datetime(&updated)) }
                            </span>
                        }
                    </p>
                </div>
            </header>
            if let Some(hero) = &article.hero {
                { figure(hero, *locale, true) }
            }
            <div class="aw-body">
                { for article.body.iter().map(|block| block_html(block, *locale)) }
            </div>
        </article>
    }
}

/// "Jean Delaunay", "A et B", "A, B and C": names, linked when the backend gives a page.
fn byline(authors: &[Author], and: &str) -> Html {
    let last = authors.len() - 1;
    html! {
        { for authors.iter().enumerate().map(|(index, author)| {
            let separator = match index {
                0 => String::new(),
                i if i == last => format!(" {and} "),
                _ => ", ".to_owned(),
            };
            let name = match &author.url {
                Some(url) => html! { <a class="aw-author" rel="author" href={url.to_string()}>{ &author.name }</a> },
                None => html! { <span class="aw-author">{ &author.name }</span> },
            };
            html! { <>{ separator }{ name }</> }
        }) }
    }
}

fn block_html(block: &Block, locale: Locale) -> Html {
    match block {
        Block::Paragraph(content) => html! { <p>{ inlines(content) }</p> },
        Block::Heading { level, text } => html! { <@{level.tag()} class="aw-subheading">{ text }</@> },
        Block::Quote { content, attribution } => html! {
            <figure class="aw-quote">
                <blockquote><p>{ inlines(content) }</p></blockquote>
                if let Some(attribution) = attribution {
                    <figcaption class="aw-quote__attribution">{ attribution }</figcaption>
                }
            </figure>
        },
        Block::List { ordered, items } => {
            let items = items.iter().map(|item| html! { <li>{ inlines(item) }</li> });
            if *ordered {
                html! { <ol class="aw-list">{ for items }</ol> }
            } else {
                html! { <ul class="aw-list">{ for items }</ul> }
            }
        }
        Block::Image(image) => figure(image, locale, false),
    }
}

fn inlines(content: &[Inline]) -> Html {
    html! {
        { for content.iter().map(|inline| match inline {
            Inline::Text(text) => html! { { text } },
            Inline::Emphasis(content) => html! { <em>{ inlines(content) }</em> },
            Inline::Strong(content) => html! { <strong>{ inlines(content) }</strong> },
            Inline::Link { href, content } => html! { <a href={href.to_string()}>{ inlines(content) }</a> },
        }) }
    }
}

/// An image with its caption and credit.
fn figure(image: &Image, locale: Locale, eager: bool) -> Html {
    let has_caption = image.caption.is_some() || image.credit.is_some();
    html! {
        <figure class="aw-figure">
            { picture(image, eager) }
            if has_caption {
                <figcaption class="aw-figure__caption">
                    if let Some(caption) = &image.caption {
                        <span class="aw-figure__text">{ caption }</span>
                    }
                    if let Some(credit) = &image.credit {
                        <span class="aw-figure__credit">
                            <span class="aw-visually-hidden">{ locale.messages().credit }</span>
                            { credit }
                        </span>
                    }
                </figcaption>
            }
        </figure>
    }
}

/// An image; the hero is what the reader sees first and is fetched at once, the others
/// when they come near.
pub(super) fn picture(image: &Image, eager: bool) -> Html {
    html! {
        <img
            class="aw-image"
            src={image.src.to_string()}
            alt={image.alt.clone()}
            width={image.width.map(|w| w.to_string())}
            height={image.height.map(|h| h.to_string())}
            loading={if eager { "eager" } else { "lazy" }}
            decoding="async"
        />
    }
}

/// A date for people, with its machine-readable form.
pub(super) fn time(at: &DateTime, text: String) -> Html {
    html! { <time datetime={at.to_string()}>{ text }</time> }
}
