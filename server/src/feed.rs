//! Atom feeds (RFC 4287) of published comments: one per article
//! (`/api/articles/{id}/comments.atom`) and one of the whole site (`/api/comments.atom`),
//! the newest first, for feed readers and newsrooms' own tools.

use std::collections::HashMap;
use std::sync::Arc;

use article_widget_core::datetime::DateTime;
use article_widget_core::native::decode_article;
use article_widget_core::url::SafeUrl;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::{ApiPath, AppState};
use crate::error::ApiError;
use crate::fragment::{matches_etag, strong_etag};
use crate::store::FeedComment;

/// Entries in a feed: feed readers look at the newest.
const ENTRIES: u32 = 50;
/// Feed readers poll; a minute keeps a popular feed from costing a query per reader.
const MAX_AGE_SECONDS: u32 = 60;

/// What a feed says of an article: its headline and page, as its content file has them.
struct ArticleInfo {
    headline: String,
    url: Option<SafeUrl>,
}

pub(crate) async fn article_feed(
    State(state): State<Arc<AppState>>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let info = article_info(&state, &id).await?;
    let entries = state.store.latest(Some(&id), ENTRIES).await?;
    let base = base_url(&state, &headers)?;
    let feed = Feed {
        id: format!("{base}/api/articles/{id}/comments.atom"),
        base,
        title: format!("Commentaires : {}", info.headline),
        alternate: info.url.as_ref().map(|url| url.as_str().to_owned()),
        entries: &entries,
        articles: &HashMap::from([(id, info)]),
        site_wide: false,
    };
    Ok(answer(&headers, feed.to_xml()))
}

pub(crate) async fn site_feed(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let entries = state.store.latest(None, ENTRIES).await?;
    let mut articles = HashMap::new();
    for entry in &entries {
        if !articles.contains_key(&entry.article) {
            // An article whose file went since is still named, by its id.
            let info = article_info(&state, &entry.article)
                .await
                .unwrap_or_else(|_| ArticleInfo { headline: entry.article.clone(), url: None });
            articles.insert(entry.article.clone(), info);
        }
    }
    let base = base_url(&state, &headers)?;
    let feed = Feed {
        id: format!("{base}/api/comments.atom"),
        base,
        title: "Derniers commentaires".into(),
        alternate: None,
        entries: &entries,
        articles: &articles,
        site_wide: true,
    };
    Ok(answer(&headers, feed.to_xml()))
}

async fn article_info(state: &AppState, id: &str) -> Result<ArticleInfo, ApiError> {
    let text = state.content.article(id).await?;
    let article =
        decode_article(&text).map_err(|problem| ApiError::Internal(format!("article {id}: {problem}")))?.value;
    let url = state.article_url.as_ref().and_then(|template| SafeUrl::parse(&template.replace("{id}", id)));
    Ok(ArticleInfo { headline: article.headline, url })
}

/// The feed's own address: `--public-url`, else the request's `Host` over plain HTTP (a
/// server behind a proxy should say its public address).
fn base_url(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    if let Some(public) = &state.public_url {
        return Ok(public.trim_end_matches('/').to_owned());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b)))
        .ok_or_else(|| ApiError::InvalidQuery("a feed needs the Host header or the server's --public-url".into()))?;
    Ok(format!("http://{host}"))
}

fn answer(headers: &HeaderMap, xml: String) -> Response {
    let etag = strong_etag(xml.as_bytes());
    let cache = [(header::ETAG, etag.clone()), (header::CACHE_CONTROL, format!("public, max-age={MAX_AGE_SECONDS}"))];
    if matches_etag(headers, &etag) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (cache, [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8".to_owned())], xml).into_response()
}

struct Feed<'a> {
    /// The server's public address, without the final slash.
    base: String,
    id: String,
    title: String,
    alternate: Option<String>,
    entries: &'a [FeedComment],
    articles: &'a HashMap<String, ArticleInfo>,
    /// Entries' titles name their article.
    site_wide: bool,
}

impl Feed<'_> {
    fn to_xml(&self) -> String {
        let updated =
            self.entries.iter().map(|entry| entry.comment.edited.unwrap_or(entry.comment.created).unix_seconds()).max();
        // A feed without entries is as old as the epoch: nothing in it changed since.
        let updated = DateTime::from_unix_seconds(updated.unwrap_or(0));
        let mut xml =
            String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        xml += &format!("<id>{}</id>\n", text(&self.id));
        xml += &format!("<title>{}</title>\n", text(&self.title));
        xml += &format!("<updated>{updated}</updated>\n");
        xml += &format!("<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", text(&self.id));
        if let Some(alternate) = &self.alternate {
            xml += &format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", text(alternate));
        }
        xml += "<generator>article-widget</generator>\n";
        for entry in self.entries {
            xml += &self.entry(entry);
        }
        xml + "</feed>\n"
    }

    fn entry(&self, entry: &FeedComment) -> String {
        let FeedComment { article, comment } = entry;
        let info = self.articles.get(article);
        let title = match (self.site_wide, info) {
            (true, Some(info)) => format!("{} sur « {} »", comment.author, info.headline),
            _ => comment.author.clone(),
        };
        let updated = comment.edited.unwrap_or(comment.created);
        let mut xml = String::from("<entry>\n");
        // The feed's address and the comment's id: unique, and the same at every reading.
        // The same in both feeds, and at every reading.
        xml +=
            &format!("<id>{}/api/articles/{}/comments/{}</id>\n", text(&self.base), text(article), text(&comment.id));
        xml += &format!("<title>{}</title>\n", text(&title));
        xml += &format!("<author><name>{}</name>", text(&comment.author));
        if let Some(website) = &comment.website {
            xml += &format!("<uri>{}</uri>", text(website.as_str()));
        }
        xml += "</author>\n";
        xml += &format!("<published>{}</published>\n<updated>{updated}</updated>\n", comment.created);
        if let Some(url) = info.and_then(|info| info.url.as_ref()) {
            xml += &format!(
                "<link rel=\"alternate\" type=\"text/html\" href=\"{}#aw-comment-{}\"/>\n",
                text(url.as_str()),
                text(&comment.id)
            );
        }
        xml += &format!("<content type=\"text\">{}</content>\n</entry>\n", text(&comment.body));
        xml
    }
}

/// Text as XML character data or an attribute value: escaped, and without the characters
/// XML 1.0 cannot carry (which a comment imported from elsewhere might hold).
fn text(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_what_xml_cannot_carry_is_left_out() {
        assert_eq!(text("<b>\"Tom\" & Jerry</b>\u{1}\u{FFFF}\n"), "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;\n");
    }
}
