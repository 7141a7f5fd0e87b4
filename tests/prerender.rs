//! Native: a server's render of the whole widget from the backend's answers, as the reference
//! server writes it into pages (`src/prerender/`).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use article_widget::backend::{HttpRequest, HttpResponse, LocalFuture, Transport};
use article_widget::config::Config;
use article_widget::core::error::{LoadError, Problem};
use article_widget::core::shape;
use article_widget::prerender::{record, render_fragment, Answers, FragmentError, RENDER_ID, STYLESHEET};

const ARTICLE: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial.json");
const RELATED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial/related.json");
const COMMENTS: &str = r#"{"total": 2, "comments": [
    {"id": "c1", "author": "Claire </script><script>alert(1)</script>", "created": "2024-10-11T15:00:00+02:00", "status": "published", "body": "Premier <b>commentaire</b>."},
    {"id": "c2", "parent": "c1", "author": "Marc", "created": "2024-10-11T15:30:00+02:00", "status": "published", "body": "Une réponse."}
]}"#;
/// When the answers were recorded: an hour after the second comment.
const NOW_MS: f64 = 1_728_657_000_000.0;

/// The reference server's native API, answering from the demo's files; it counts requests.
#[derive(Default)]
struct DemoApi {
    asked: RefCell<Vec<String>>,
}

impl Transport for DemoApi {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        self.asked.borrow_mut().push(request.url.clone());
        let body = match request.url.as_str() {
            "/api/articles/nouvel-ordre-mondial" => Some(ARTICLE),
            "/api/articles/nouvel-ordre-mondial/related" => Some(RELATED),
            url if url.starts_with("/api/articles/nouvel-ordre-mondial/comments") => Some(COMMENTS),
            _ => None,
        };
        let (status, body) = body.map_or((404, ""), |body| (200, body));
        Box::pin(async move { Ok((request.url, HttpResponse { status, body: body.into(), headers: Vec::new() })) })
    }
}

fn attributes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

async fn recorded(pairs: &[(&str, &str)]) -> Answers {
    let config = Config::from_attributes(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()), |_| None).unwrap();
    record(&config, Rc::new(DemoApi::default()), NOW_MS).await.unwrap()
}

/// The markup inside the template's `<div>`, and the shape the server wrote for it.
fn rendered_markup(fragment: &str) -> (&str, &str) {
    let start = fragment.find("data-aw-shape=\"").unwrap() + 15;
    let shape = &fragment[start..start + 16];
    let markup = &fragment[start + 18..fragment.find("</div></template>").unwrap()];
    (shape, markup)
}

#[tokio::test]
async fn the_whole_widget_arrives_in_a_declarative_shadow_root_with_its_answers() {
    let pairs = [("article", "nouvel-ordre-mondial"), ("lang", "fr"), ("theme", "light")];
    let answers = recorded(&pairs).await;
    assert_eq!(answers.list.len(), 3, "the article, its related stories, the first page of comments");
    let fragment = render_fragment(&attributes(&pairs), &answers, |_| None).await.unwrap();

    assert!(fragment.starts_with(r#"<article-widget article="nouvel-ordre-mondial" lang="fr" theme="light" timezone="+00:00"><template shadowrootmode="open"><style>"#));
    assert!(fragment.contains(&format!(r#"<div data-aw-render="{RENDER_ID}" data-aw-shape="#)));
    for expected in [
        "<h1 class=\"aw-headline\">« Nouvel ordre mondial » ? Poutine et Pezeshkian",
        r#"<time datetime="2024-10-11T14:05:00+02:00">11 octobre 2024 à 14 h 05</time>"#,
        "Premier &lt;b&gt;commentaire&lt;/b&gt;.",
        "Une réponse.",
        r#"<fieldset disabled="disabled" class="aw-form__fields">"#,
        r#"<noscript class="aw-form__noscript">Pour commenter, activez JavaScript.</noscript>"#,
        r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"« Nouvel ordre mondial »"#,
        r#"<script type="application/json" data-article-widget-answers>{"now":1728657000000,"answers":[{"url":"/api/articles/nouvel-ordre-mondial","#,
    ] {
        assert!(fragment.contains(expected), "missing {expected}");
    }
    // The captcha's question expires: the widget asks for it when it takes over.
    assert!(!fragment.contains("captcha\" name=\"captcha\""));
    let (shape_written, markup) = rendered_markup(&fragment);
    assert_eq!(shape_written, format!("{:016x}", shape::of_markup(markup)));
    assert!(markup.starts_with("<!--<[") && markup.ends_with("]>-->"), "hydratable: the components are marked");
}

#[tokio::test]
async fn backend_text_never_ends_the_answers_script() {
    let pairs = [("article", "nouvel-ordre-mondial")];
    let fragment = render_fragment(&attributes(&pairs), &recorded(&pairs).await, |_| None).await.unwrap();
    let scripts = &fragment[fragment.find("</template>").unwrap()..];
    assert_eq!(scripts.matches("</script>").count(), 2, "only the two scripts' own end tags: {scripts}");
    assert!(!scripts.contains("<script>alert"));
    assert!(scripts.contains(r#"Claire \u003c/script>\u003cscript>alert(1)\u003c/script>"#));
}

#[tokio::test]
async fn answers_read_back_as_written() {
    let answers = recorded(&[("article", "nouvel-ordre-mondial")]).await;
    assert_eq!(Answers::from_json(&answers.to_script_json()), Some(answers));
    assert_eq!(Answers::from_json(r#"{"now": 1, "answers": [{"url": 3}]}"#), None);
}

#[tokio::test]
async fn what_a_server_cannot_render_alike_is_refused_by_name() {
    let answers = recorded(&[("article", "nouvel-ordre-mondial")]).await;
    let refused = |pairs: &'static [(&'static str, &'static str)]| {
        let answers = answers.clone();
        async move { render_fragment(&attributes(pairs), &answers, |_| None).await.unwrap_err() }
    };
    assert_eq!(refused(&[("article", "nouvel-ordre-mondial"), ("onclick", "x")]).await, FragmentError::Attribute("onclick".into()));
    assert_eq!(refused(&[("article", "nouvel-ordre-mondial"), ("timezone", "Europe/Paris")]).await, FragmentError::NamedZone("Europe/Paris".into()));
    assert_eq!(refused(&[("article", "autre-article")]).await, FragmentError::NoArticle);
}

#[tokio::test]
async fn a_failed_article_records_nothing_to_render() {
    let config = Config::from_attributes(|name| (name == "article").then(|| "absent".to_string()), |_| None).unwrap();
    let error = record(&config, Rc::new(DemoApi::default()), NOW_MS).await.unwrap_err();
    assert_eq!((error.url.as_str(), error.problem), ("/api/articles/absent", Problem::Status { status: 404 }));
}

/// The fragment that the browser tests take over (`tests/web.rs`), kept the same as today's
/// render: `AW_BLESS=1 cargo test --features ssr --test prerender` writes it anew after a
/// change of the views. The render's id stands as `RENDER_ID` and the stylesheet as
/// `STYLESHEET`, which the browser tests put back, so that the file changes only when the
/// markup does.
#[tokio::test]
async fn the_fragment_the_browser_tests_take_over_is_todays() {
    let pairs = [("article", "nouvel-ordre-mondial"), ("lang", "fr")];
    let fragment = render_fragment(&attributes(&pairs), &recorded(&pairs).await, |_| None).await.unwrap().replace(RENDER_ID, "RENDER_ID").replace(STYLESHEET, "STYLESHEET");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fragment.html");
    if std::env::var_os("AW_BLESS").is_some() {
        std::fs::write(path, &fragment).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(kept == fragment, "tests/fixtures/fragment.html is not today's render: run AW_BLESS=1 cargo test --features ssr --test prerender");
}
