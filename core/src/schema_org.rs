//! The article as schema.org `NewsArticle` JSON-LD, for crawlers that read a page's markup
//! and run no script: a server-rendered widget writes it in its element's light DOM, where a
//! crawler that builds no shadow root still finds it.
//!
//! ```
//! use article_widget_core::native::decode_article;
//! use article_widget_core::schema_org::news_article;
//!
//! let article = decode_article(r#"{"id": "a", "headline": "Un titre", "published": "2024-10-11T14:05:00+02:00",
//!     "authors": [{"name": "Jean Delaunay"}], "body": [{"type": "paragraph", "content": "Texte."}]}"#).unwrap().value;
//! assert_eq!(
//!     news_article(&article).to_string(),
//!     r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Un titre","datePublished":"2024-10-11T14:05:00+02:00","author":[{"@type":"Person","name":"Jean Delaunay"}]}"#
//! );
//! ```

use crate::article::Article;
use crate::json::Value;

/// The `NewsArticle` of `article`: headline, description, dates, authors and image, each only
/// when the article has it.
pub fn news_article(article: &Article) -> Value {
    let authors = article.authors.iter().map(|author| {
        let url = author.url.as_ref().map(|url| ("url", Value::from(url.as_str())));
        Value::object([("@type", "Person".into()), ("name", author.name.as_str().into())].into_iter().chain(url))
    });
    let optional = [
        ("description", article.standfirst.as_deref().map(Value::from)),
        ("inLanguage", article.lang.as_deref().map(Value::from)),
        ("dateModified", article.updated.map(|at| Value::from(at.to_string()))),
        ("image", article.hero.as_ref().map(|hero| Value::Array(vec![hero.src.as_str().into()]))),
    ];
    let members = [
        ("@context", Value::from("https://schema.org")),
        ("@type", "NewsArticle".into()),
        ("headline", article.headline.as_str().into()),
        ("datePublished", article.published.to_string().into()),
    ];
    let authors: Vec<Value> = authors.collect();
    let author = (!authors.is_empty()).then_some(("author", Value::Array(authors)));
    Value::object(members.into_iter().chain(optional.into_iter().filter_map(|(key, value)| Some((key, value?)))).chain(author))
}
