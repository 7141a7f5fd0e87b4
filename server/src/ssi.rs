//! Server-side includes in the HTML pages the server serves, in the syntax nginx and Apache
//! read (`<!--#include virtual="…" -->`, `<!--#echo var="…" -->`), so that a page written
//! for either works here unchanged. The caller says what a directive becomes; a directive
//! it does not know, or one that fails, stays as it is: an HTML comment, which the page shows
//! nothing of. [`page`] serves the static folder's files, with the pages' includes of
//! `/fragment` and the style hash replaced.

use std::future::Future;

use crate::fragment::style_hash;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The variable `<!--#echo -->` replaces: the hash of the fragments' style, for the page's
/// Content-Security-Policy.
pub const STYLE_HASH_VAR: &str = "article_widget_style_hash";
/// Pages larger than this are sent as they are.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The static folder, and the routes that answer its pages' includes.
#[derive(Clone)]
pub struct Pages {
    pub files: ServeDir,
    /// `/fragment`, the only path a page may include.
    pub includes: Router,
}

/// A file of the static folder. A page (`.html`, `.htm`, or a folder's `index.html`) with a
/// directive is read as written (not a compressed sibling, whatever the request accepts),
/// its directives replaced, and sent with `Cache-Control: no-cache`, as what it includes
/// changes while the file does not; any other file is served as it is.
pub async fn page(State(pages): State<Pages>, request: Request) -> Response {
    let path = request.uri().path();
    let is_page = path.ends_with('/') || path.ends_with(".html") || path.ends_with(".htm");
    if !is_page || request.method() != Method::GET {
        return serve(&pages, request).await;
    }
    let mut plain = Request::new(Body::empty());
    *plain.uri_mut() = request.uri().clone();
    let written = serve(&pages, plain).await;
    let content_type = written.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let is_html = content_type.is_some_and(|value| value.starts_with("text/html"));
    if written.status() != StatusCode::OK || !is_html {
        return serve(&pages, request).await;
    }
    let read = axum::body::to_bytes(written.into_body(), MAX_PAGE_BYTES).await;
    let html = match read.map(|bytes| String::from_utf8(bytes.to_vec())) {
        Ok(Ok(html)) if has_directive(&html) => html,
        _ => return serve(&pages, request).await,
    };
    let expanded = expand(&html, |directive| include(&pages.includes, directive)).await;
    let mut response = expanded.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn serve(pages: &Pages, request: Request) -> Response {
    let Ok(response) = pages.files.clone().oneshot(request).await;
    response.into_response()
}

/// What a directive of a page becomes: `/fragment`'s answer, or the style hash.
async fn include(includes: &Router, directive: Directive<'_>) -> Option<String> {
    match directive {
        Directive::Echo { var } => (var == STYLE_HASH_VAR).then(style_hash),
        Directive::Include { path } if path == "/fragment" || path.starts_with("/fragment?") => {
            let request = Request::get(path).body(Body::empty()).ok()?;
            let Ok(response) = includes.clone().oneshot(request).await;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), MAX_PAGE_BYTES).await.ok()?;
            let body = String::from_utf8(body.to_vec()).ok()?;
            if status != StatusCode::OK {
                eprintln!("warning: a page's include of {path}: {status} {body}; the directive is left in the page");
                return None;
            }
            Some(body)
        }
        Directive::Include { .. } => None,
    }
}

/// A directive the server may replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive<'a> {
    /// `<!--#include virtual="/path?query" -->`: the answer to that path on this server.
    Include { path: &'a str },
    /// `<!--#echo var="name" -->`: a variable's value.
    Echo { var: &'a str },
}

/// Whether `html` has a directive at all: pages without one are sent as they are.
pub fn has_directive(html: &str) -> bool {
    html.contains("<!--#")
}

/// `html` with each directive that `replace` answers replaced by its answer.
pub async fn expand<'h, F, Fut>(html: &'h str, replace: F) -> String
where
    F: Fn(Directive<'h>) -> Fut,
    Fut: Future<Output = Option<String>>,
{
    let mut expanded = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--#") {
        let Some(length) = rest[start..].find("-->").map(|end| end + "-->".len()) else { break };
        let written = &rest[start..start + length];
        expanded.push_str(&rest[..start]);
        let replacement = match parse(&written[5..length - 3]) {
            Some(directive) => replace(directive).await,
            None => None,
        };
        expanded.push_str(replacement.as_deref().unwrap_or(written));
        rest = &rest[start + length..];
    }
    expanded.push_str(rest);
    expanded
}

/// `include virtual="…"` or `echo var="…"`, as between `<!--#` and `-->`; nginx also
/// allows a space after the `#`. Values in double or single quotes.
fn parse(inside: &str) -> Option<Directive<'_>> {
    let inside = inside.trim();
    let (command, parameters) = inside.split_once(|c: char| c.is_ascii_whitespace())?;
    let (name, value) = parameter(parameters.trim())?;
    match (command, name) {
        ("include", "virtual") => Some(Directive::Include { path: value }),
        ("echo", "var") => Some(Directive::Echo { var: value }),
        _ => None,
    }
}

/// The only `name="value"` of a directive; a directive with more is not one this server knows.
fn parameter(text: &str) -> Option<(&str, &str)> {
    let (name, quoted) = text.split_once('=')?;
    let quote = quoted.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let value = quoted[1..].strip_suffix(quote)?;
    (!value.contains(quote)).then_some((name.trim(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(html: &str) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(expand(html, |directive| async move {
            match directive {
                Directive::Include { path } if path.starts_with("/fragment?") => Some(format!("[{path}]")),
                Directive::Echo { var: "article_widget_style_hash" } => Some("sha256-x".into()),
                _ => None,
            }
        }))
    }

    #[test]
    fn known_directives_are_replaced_and_all_else_kept() {
        assert_eq!(
            expanded(r#"<p>a</p><!--#include virtual="/fragment?article=x&lang=fr" --><p>b</p>"#),
            "<p>a</p>[/fragment?article=x&lang=fr]<p>b</p>"
        );
        assert_eq!(expanded("<!--# include virtual='/fragment?a' -->"), "[/fragment?a]", "nginx's spacing, single quotes");
        assert_eq!(
            expanded(r#"style-src 'self' '<!--#echo var="article_widget_style_hash" -->'"#),
            "style-src 'self' 'sha256-x'"
        );
        for kept in [
            "<!-- a comment --><p>é</p>",
            r#"<!--#include virtual="/other" -->"#,
            r#"<!--#include file="x.html" -->"#,
            r#"<!--#echo var="DATE_LOCAL" -->"#,
            r#"<!--#echo var="article_widget_style_hash" encoding="none" -->"#,
            r#"<!--#config timefmt="%A" -->"#,
            r#"<!--#include virtual="/fragment?a -->"#,
            "<!--#include virtual=\"/fragment?a\" unclosed",
            "<!--#-->",
        ] {
            assert_eq!(expanded(kept), kept);
        }
        assert!(has_directive("<!--#echo var=\"x\" -->") && !has_directive("<!-- # -->"));
    }
}
