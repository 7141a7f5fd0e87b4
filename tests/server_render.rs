//! The views render on a server (Yew SSR) from the seed data, as semantic HTML in which
//! backend text is always escaped text.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use article_widget::backend::{self, HttpRequest, HttpResponse, LocalFuture, Transport};
use article_widget::config::Config;
use article_widget::core::article::Article;
use article_widget::core::error::LoadError;
use article_widget::core::locale::Locale;
use article_widget::core::native::{decode_article, decode_related};
use article_widget::platform::{Platform, Timer};
use article_widget::views::{ArticleView, ArticleViewProps, RelatedList, RelatedListProps};
use article_widget::zone::Zone;
use serde_json::{json, Value};
use yew::LocalServerRenderer;

const SEED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial.json");
const SEED_RELATED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial/related.json");

async fn article_html(json: &str, locale: Locale) -> String {
    render_article(Rc::new(decode_article(json).unwrap().value), locale).await
}

async fn render_article(article: Rc<Article>, locale: Locale) -> String {
    LocalServerRenderer::<ArticleView>::with_props(ArticleViewProps { article, locale })
        .hydratable(false)
        .render()
        .await
}

/// A server has no reader, and no zone rules: the platform's defaults.
struct Server;

impl Platform for Server {
    fn now_ms(&self) -> f64 {
        1_728_658_800_000.0
    }
    fn random_u64(&self) -> u64 {
        4
    }
    fn load(&self, _: &str) -> Option<String> {
        None
    }
    fn save(&self, _: &str, _: &str) {}
    fn remove(&self, _: &str) {}
    fn schedule(&self, _: u32, _: Box<dyn FnOnce()>) -> Timer {
        unreachable!("the article is read without timers")
    }
}

/// A backend that answers every request with `body`.
struct Answering(&'static str);

impl Transport for Answering {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let response = HttpResponse { status: 200, body: self.0.into(), headers: Vec::new() };
        Box::pin(async move { Ok((request.url, response)) })
    }
}

/// The article read as the widget reads it, through the backend the configuration names,
/// its dates settled in the configured zone as the widget's effects settle them.
async fn article_through(config: Value, answer: &'static str) -> Rc<Article> {
    let config = Config::from_json(&config.to_string(), |_| None).unwrap();
    let article = backend::connect(&config, Rc::new(Answering(answer))).article().await.unwrap();
    Rc::new(Zone::new(config.timezone, Rc::new(Server)).show_article(article))
}

#[tokio::test]
async fn the_seed_article_renders_as_semantic_html() {
    let html = article_html(SEED, Locale::Fr).await;
    for expected in [
        r#"<article lang="fr" class="aw-article">"#,
        r#"<p class="aw-kicker">Monde</p>"#,
        "<h1 class=\"aw-headline\">« Nouvel ordre mondial » ? Poutine et Pezeshkian",
        r#"<p class="aw-byline">Par <span class="aw-author">Jean Delaunay</span></p>"#,
        r#"Publié le <time datetime="2024-10-11T14:05:00+02:00">11 octobre 2024 à 14 h 05</time>"#,
        r#"Mis à jour le <time datetime="2024-10-11T16:42:00+02:00">11 octobre 2024 à 16 h 42</time>"#,
        r#"src="/demo-api/media/achgabat-hero.svg""#,
        r#"width="1200" height="675" loading="eager""#,
        "<figcaption class=\"aw-figure__caption\"><span class=\"aw-figure__text\">Iranian President Massoud Pezeshkian at a meeting with Vladimir Putin in Ashgabat, Turkmenistan</span>",
        r#"<h2 class="aw-subheading">Augmentation des tentatives d’assassinat et de sabotage</h2>"#,
        "<blockquote><p>«\u{a0}Nous avons maintenant",
        r#"<a href="https://tass.com/"><em>Tass</em></a>"#,
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
}

#[tokio::test]
async fn english_dates_and_labels() {
    let html = article_html(SEED, Locale::En).await;
    assert!(html.contains(r#"Published <time datetime="2024-10-11T14:05:00+02:00">October 11, 2024, 2:05 PM</time>"#), "{html}");
    assert!(html.contains("By <span"), "{html}");
}

/// The same data and configuration give the browser's time text (tests/web.rs,
/// `a_server_render_and_the_browser_show_the_same_times`): a real WordPress's post published
/// at 14:05 in Paris, and a post written in UTC with the publisher's `timezone`.
#[tokio::test]
async fn times_are_the_sites_else_the_configured_zones_as_in_the_browser() {
    let wordpress = json!({"article": "4127", "mapping": "wordpress", "backend": "https://news.example.org", "lang": "fr"});
    let html = render_article(article_through(wordpress, include_str!("../core/tests/fixtures/wordpress-real/post.json")).await, Locale::Fr).await;
    assert!(html.contains(r#"Publié le <time datetime="2024-10-11T14:05:00+02:00">11 octobre 2024 à 14 h 05</time>"#), "{html}");
    assert!(html.contains(r#"Mis à jour le <time datetime="2024-10-11T16:42:00+02:00">11 octobre 2024 à 16 h 42</time>"#), "{html}");

    let in_utc = r#"{"id": "a1", "headline": "H", "published": "2024-10-11T12:05:00Z", "body": []}"#;
    let configured = json!({"article": "a1", "timezone": "+02:00"});
    let html = render_article(article_through(configured, in_utc).await, Locale::Fr).await;
    assert!(html.contains(r#"Publié le <time datetime="2024-10-11T14:05:00+02:00">11 octobre 2024 à 14 h 05</time>"#), "{html}");
    let html = render_article(article_through(json!({"article": "a1", "timezone": "-04:00"}), in_utc).await, Locale::En).await;
    assert!(html.contains(r#"Published <time datetime="2024-10-11T08:05:00-04:00">October 11, 2024, 8:05 AM</time>"#), "{html}");
}

#[tokio::test]
async fn backend_text_is_never_markup() {
    let hostile = r#"{"id":"x","headline":"<script>alert(1)</script>","published":"2024-01-01T00:00:00Z",
        "authors":[{"name":"<img src=x onerror=alert(1)>"}],
        "body":[{"type":"paragraph","content":["<b>bold</b>", {"type":"link","href":"/ok\" onmouseover=\"alert(1)","content":"x"}]}]}"#;
    let html = article_html(hostile, Locale::En).await;
    assert!(!html.contains("<script>") && !html.contains("<img src=x") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(!html.contains("\" onmouseover"), "{html}");
}

#[tokio::test]
async fn related_stories_are_a_labelled_navigation() {
    let stories: Rc<[_]> = decode_related(SEED_RELATED).unwrap().value.into();
    let count = stories.len();
    let html = LocalServerRenderer::<RelatedList>::with_props(RelatedListProps { stories, locale: Locale::Fr })
        .hydratable(false)
        .render()
        .await;
    assert!(html.starts_with(r#"<nav aria-label="À lire aussi" class="aw-related"><h2 class="aw-related__heading">À lire aussi</h2>"#), "{html}");
    assert_eq!(html.matches(r#"<a href="https://www.example.com/"#).count(), count, "{html}");
    assert_eq!(html.matches("loading=\"lazy\"").count(), count, "{html}");
    assert!(html.contains(r#"<time datetime="2024-10-09T08:30:00+02:00">9 octobre 2024</time>"#), "{html}");
}

/// Answers the article and a page of comments whose names carry a right-to-left override.
struct HostileNames;

/// Answers the article and a thread with an edited comment and a deleted one kept for its
/// reply.
struct EditedAndDeleted;

const EDITED_AND_DELETED: &str = r#"{"total": 2, "comments": [
    {"id": "1", "author": "Eve", "created": "2024-10-11T15:00:00Z", "edited": "2024-10-11T15:09:00Z", "status": "published", "body": "Corrigé."},
    {"id": "2", "author": "", "body": "", "created": "2024-10-11T15:10:00Z", "edited": null, "status": "deleted"},
    {"id": "3", "parent": "2", "author": "Léa", "created": "2024-10-11T15:20:00Z", "status": "published", "body": "Réponse."}
], "next": null}"#;

impl Transport for EditedAndDeleted {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let body = if request.url.contains("/comments") { EDITED_AND_DELETED } else { SEED };
        let response = HttpResponse { status: 200, body: body.into(), headers: Vec::new() };
        Box::pin(async move { Ok((request.url, response)) })
    }
}

/// The whole widget as a server renders it, from `transport`'s answers, in `lang`.
async fn widget_html(transport: Rc<dyn Transport>, lang: &str) -> String {
    use article_widget::prerender::{record, take_over};
    use article_widget::views::{Mount, MountProps, WidgetProps};
    let config = format!(r#"{{"article": "nouvel-ordre-mondial", "lang": "{lang}", "timezone": "+00:00"}}"#);
    let config = Config::from_json(&config, |_| None).unwrap();
    let answers = record(&config, transport.clone(), 1_728_662_400_000.0).await.unwrap();
    let platform: Rc<dyn Platform> = Rc::new(Server);
    let zone = Rc::new(Zone::new(config.timezone.clone(), platform.clone()));
    let (backend, first) = take_over(&config, answers, transport, &zone);
    let widget = WidgetProps {
        services: article_widget::platform::Services { backend, platform, zone },
        locale: if lang == "fr" { Locale::Fr } else { Locale::En },
        article: "nouvel-ordre-mondial".into(),
        id_prefix: "aw".into(),
        comments_loading: Default::default(),
        on_event: Default::default(),
        first_render: first.map(Rc::new),
    };
    LocalServerRenderer::<Mount>::with_props(MountProps { widget: Some(widget) }).hydratable(false).render().await
}

/// An edited comment says so after its date, the time of the edit in its title; a deleted
/// one kept for its reply says so in place of its author and text, its reply below it, and
/// cannot be answered. No "Edit" or "Delete": they depend on the reader's storage, which a
/// server has not.
#[tokio::test]
async fn an_edited_comment_and_a_deleted_placeholder_render_on_a_server() {
    let html = widget_html(Rc::new(EditedAndDeleted), "fr").await;
    for expected in [
        r#"il y a 1 heure</time><time datetime="2024-10-11T15:09:00Z" title="Modifié le 11 octobre 2024 à 15 h 09" class="aw-comment__edited">modifié</time>"#,
        r#"<article data-state="deleted" id="aw-comment-2" class="aw-comment"><p class="aw-comment__deleted">Commentaire supprimé</p></article><ol class="aw-thread aw-thread--replies">"#,
        "<bdi class=\"aw-comment__author\">Léa</bdi>",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    let placeholder = &html[html.find("aw-comment-2").unwrap()..html.find("aw-comment-3").unwrap()];
    assert!(!placeholder.contains("Répondre"), "a placeholder cannot be answered: {placeholder}");
    assert_eq!(html.matches("modifié").count(), 1, "the comments never edited say nothing: {html}");
    assert!(!html.contains("Modifier") && !html.contains("Supprimer"), "{html}");
    let english = widget_html(Rc::new(EditedAndDeleted), "en").await;
    assert!(english.contains(r#"title="Edited October 11, 2024, 3:09 PM" class="aw-comment__edited">edited</time>"#), "{english}");
    assert!(english.contains(">Comment deleted</p>"), "{english}");
}

const RTL_COMMENTS: &str = r#"{"total": 5, "comments": [
    {"id": "1", "author": "\u202eEve", "created": "2024-10-11T15:00:00Z", "status": "published", "body": "\u202eBonjour"},
    {"id": "2", "parent": "1", "author": "Marc", "website": "https://marc.example/", "created": "2024-10-11T15:30:00Z", "status": "published", "body": "Réponse."},
    {"id": "3", "parent": "2", "author": "Ana", "created": "2024-10-11T15:40:00Z", "status": "published", "body": "Réponse."},
    {"id": "4", "parent": "3", "author": "\u202eZoé", "created": "2024-10-11T15:50:00Z", "status": "published", "body": "Réponse."},
    {"id": "5", "parent": "4", "author": "Léa", "created": "2024-10-11T15:55:00Z", "status": "published", "body": "Réponse."}
], "next": null}"#;

impl Transport for HostileNames {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let body = if request.url.contains("/comments") { RTL_COMMENTS } else { SEED };
        let response = HttpResponse { status: 200, body: body.into(), headers: Vec::new() };
        Box::pin(async move { Ok((request.url, response)) })
    }
}

/// A name with a right-to-left override (U+202E) cannot reverse what follows it: each name is
/// a `<bdi>`, and a name inside a sentence is between FSI and PDI (tests/web.rs checks the
/// browser's layout).
#[tokio::test]
async fn each_commenters_name_is_a_bidi_isolate() {
    use article_widget::prerender::{record, take_over};
    use article_widget::views::{Mount, MountProps, WidgetProps};
    let config = Config::from_json(r#"{"article": "nouvel-ordre-mondial", "lang": "en", "timezone": "+00:00"}"#, |_| None).unwrap();
    let answers = record(&config, Rc::new(HostileNames), 1_728_662_400_000.0).await.unwrap();
    let platform: Rc<dyn Platform> = Rc::new(Server);
    let zone = Rc::new(Zone::new(config.timezone.clone(), platform.clone()));
    let (backend, first) = take_over(&config, answers, Rc::new(HostileNames), &zone);
    let widget = WidgetProps {
        services: article_widget::platform::Services { backend, platform, zone },
        locale: Locale::En,
        article: "nouvel-ordre-mondial".into(),
        id_prefix: "aw".into(),
        comments_loading: Default::default(),
        on_event: Default::default(),
        first_render: first.map(Rc::new),
    };
    let html = LocalServerRenderer::<Mount>::with_props(MountProps { widget: Some(widget) }).hydratable(false).render().await;
    for expected in [
        "<bdi class=\"aw-comment__author\">\u{202e}Eve</bdi><time",
        "<a href=\"https://marc.example/\" rel=\"nofollow ugc noopener\" class=\"aw-comment__author\"><bdi>Marc</bdi></a>",
        "<p class=\"aw-comment__body\">\u{202e}Bonjour</p>",
        "in reply to \u{2068}\u{202e}Zoé\u{2069}</span>",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
}
