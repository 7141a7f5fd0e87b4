//! The article as the widget shows it, whatever backend it came from.
//!
//! Invariants, upheld by every decoder: texts are plain text (never HTML), the headline is
//! not blank, heading levels are 2 to 4 (the headline is the page's `h1`), and every URL is
//! a [`SafeUrl`].

use crate::datetime::DateTime;
use crate::url::SafeUrl;

#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    pub id: String,
    /// The article's language tag, if the backend says it (`fr`); set as `lang` on it.
    pub lang: Option<String>,
    /// The small label above the headline ("Monde", "Analyse").
    pub kicker: Option<String>,
    pub headline: String,
    pub standfirst: Option<String>,
    pub authors: Vec<Author>,
    pub published: DateTime,
    pub updated: Option<DateTime>,
    pub hero: Option<Image>,
    pub body: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Author {
    pub name: String,
    pub url: Option<SafeUrl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub src: SafeUrl,
    /// What the image shows, for readers who cannot see it; empty for a decorative image.
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Intrinsic size, so that the page does not jump when the image arrives.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Heading { level: HeadingLevel, text: String },
    Quote { content: Vec<Inline>, attribution: Option<String> },
    List { ordered: bool, items: Vec<Vec<Inline>> },
    Image(Image),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadingLevel {
    H2,
    H3,
    H4,
}

impl HeadingLevel {
    pub fn from_number(level: u64) -> Option<HeadingLevel> {
        match level {
            2 => Some(HeadingLevel::H2),
            3 => Some(HeadingLevel::H3),
            4 => Some(HeadingLevel::H4),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            HeadingLevel::H2 => "h2",
            HeadingLevel::H3 => "h3",
            HeadingLevel::H4 => "h4",
        }
    }
}

/// Running text: plain strings with emphasis and links, nested as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Link { href: SafeUrl, content: Vec<Inline> },
}

impl Inline {
    /// The text a reader sees, without its formatting.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut text = String::new();
        fn walk(inlines: &[Inline], text: &mut String) {
            for inline in inlines {
                match inline {
                    Inline::Text(t) => text.push_str(t),
                    Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } => walk(c, text),
                }
            }
        }
        walk(inlines, &mut text);
        text
    }
}

/// A story shown under the article.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedStory {
    pub title: String,
    pub url: SafeUrl,
    pub published: Option<DateTime>,
    pub thumbnail: Option<Image>,
}
