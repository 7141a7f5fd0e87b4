//! The widget in headless Chromium: a fresh element per test, a fake transport behind the
//! real backend adapter, and real DOM events.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use article_widget::backend::{HttpResponse, LocalFuture, NoResponse, Transport};
use article_widget::config::Config;
use article_widget::embed;
use gloo_timers::future::sleep;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const SEED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial.json");
const SEED_RELATED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial/related.json");
const ORIGIN: &str = "https://backend.test";
const ARTICLE: &str = "/api/articles/nouvel-ordre-mondial";
const RELATED: &str = "/api/articles/nouvel-ordre-mondial/related";

/// Answers each path from a table that a test may change; an unknown path gets no response.
/// Each answer comes after a short delay, as over a network.
#[derive(Default)]
struct FakeTransport {
    answers: RefCell<HashMap<String, (u16, String)>>,
}

impl FakeTransport {
    fn with(answers: &[(&str, u16, &str)]) -> Rc<FakeTransport> {
        let fake = Rc::new(FakeTransport::default());
        for (path, status, body) in answers {
            fake.answer(path, *status, body);
        }
        fake
    }

    fn answer(&self, path: &str, status: u16, body: &str) {
        self.answers.borrow_mut().insert(path.to_owned(), (status, body.to_owned()));
    }
}

impl Transport for FakeTransport {
    fn get(&self, url: &str) -> LocalFuture<Result<(String, HttpResponse), NoResponse>> {
        let absolute = format!("{ORIGIN}{url}");
        let answer = self.answers.borrow().get(url).cloned();
        Box::pin(async move {
            sleep(Duration::from_millis(20)).await;
            match answer {
                Some((status, body)) => Ok((absolute, HttpResponse { status, body })),
                None => Err(NoResponse { url: absolute, detail: "TypeError: Failed to fetch".into() }),
            }
        })
    }
}

fn config(lang: &str) -> Config {
    Config {
        article: "nouvel-ordre-mondial".into(),
        article_url: "/api/articles/{id}".into(),
        related_url: Some("/api/articles/{id}/related".into()),
        lang: Some(lang.into()),
    }
}

/// A new element in the page, for one widget.
fn fresh_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// Waits up to two seconds for `check` to give something.
async fn until<T>(what: impl Fn() -> String, check: impl Fn() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(found) = check() {
            return found;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("waited in vain for {}", what());
}

async fn eventually(what: &str, check: impl Fn() -> bool) {
    until(|| what.to_owned(), || check().then_some(())).await
}

/// Waits for `selector` to match inside `root`.
async fn find(root: &Element, selector: &str) -> Element {
    until(|| format!("{selector} in {}", root.inner_html()), || root.query_selector(selector).unwrap()).await
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length()).map(|i| nodes.item(i).unwrap().text_content().unwrap_or_default()).collect()
}

fn attributes(root: &Element, selector: &str, attribute: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().dyn_into::<Element>().unwrap().get_attribute(attribute).unwrap_or_default())
        .collect()
}

fn click(element: &Element) {
    element.dyn_ref::<HtmlElement>().unwrap().click();
}

#[wasm_bindgen_test]
async fn shows_a_placeholder_then_the_seed_article_and_its_related_stories() {
    let root = fresh_root();
    let fake = FakeTransport::with(&[(ARTICLE, 200, SEED), (RELATED, 200, SEED_RELATED)]);
    let mut widget = embed::mount(root.clone(), &config("fr"), fake);

    let placeholder = find(&root, ".aw-placeholder.aw-section--article").await;
    assert_eq!(placeholder.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(root.query_selector("h1").unwrap().is_none());

    let h1 = find(&root, "article h1").await;
    assert_eq!(
        h1.text_content().unwrap(),
        "« Nouvel ordre mondial » ? Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat"
    );
    assert_eq!(texts(&root, ".aw-kicker"), ["Monde"]);
    assert_eq!(texts(&root, ".aw-byline"), ["Par Jean Delaunay"]);
    assert_eq!(texts(&root, "article time"), ["11 octobre 2024 à 14 h 05", "11 octobre 2024 à 16 h 42"]);
    assert_eq!(
        texts(&root, ".aw-hero figcaption .aw-figure__text"),
        ["Iranian President Massoud Pezeshkian at a meeting with Vladimir Putin in Ashgabat, Turkmenistan"]
    );
    assert!(!attributes(&root, ".aw-hero img", "alt")[0].is_empty());
    assert_eq!(texts(&root, "article h2"), ["Augmentation des tentatives d’assassinat et de sabotage"]);
    let quote = texts(&root, "article blockquote");
    assert!(quote.len() == 1 && quote[0].starts_with('«') && quote[0].ends_with('»'), "{quote:?}");

    find(&root, "nav.aw-related").await;
    assert_eq!(attributes(&root, "nav.aw-related", "aria-label"), ["À lire aussi"]);
    let hrefs = attributes(&root, ".aw-related__link", "href");
    let titles = texts(&root, ".aw-related__link");
    assert_eq!(hrefs.len(), 4);
    assert_eq!(hrefs[0], "https://www.example.com/fr/monde/2024/10/09/drones-iraniens-ukraine-sanctions");
    assert_eq!(titles[0], "Drones iraniens en Ukraine : Kyiv réclame de nouvelles sanctions contre Téhéran");
    assert_eq!(attributes(&root, ".aw-related__thumbnail", "src").len(), 4);
    assert!(root.query_selector(".aw-placeholder").unwrap().is_none());

    widget.unmount();
    eventually("the element is emptied", || root.child_element_count() == 0).await;
}

#[wasm_bindgen_test]
async fn each_failure_shows_an_error_block_whose_retry_recovers() {
    let without_headline = {
        let mut seed: serde_json::Value = serde_json::from_str(SEED).unwrap();
        seed.as_object_mut().unwrap().remove("headline");
        seed.to_string()
    };
    let cases: [(Option<(u16, &str)>, &str); 5] = [
        (Some((404, "{}")), "Le serveur a répondu avec le code 404 : ressource introuvable."),
        (Some((500, "oops")), "Le serveur a répondu avec le code 500 : erreur du serveur."),
        (Some((200, "{\"id\": \"x\",\n  \"headline\": }")), "La réponse n’est pas du JSON valide (ligne 2, colonne 15)."),
        (Some((200, &without_headline)), "Le champ /headline manque : un texte non vide attendu."),
        (None, "Le serveur n’a pas répondu."),
    ];
    for (answer, message) in cases {
        let root = fresh_root();
        let fake = FakeTransport::with(&[(RELATED, 200, SEED_RELATED)]);
        if let Some((status, body)) = answer {
            fake.answer(ARTICLE, status, body);
        }
        let _widget = embed::mount(root.clone(), &config("fr"), fake.clone());

        let error = find(&root, ".aw-error.aw-section--article").await;
        assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
        assert_eq!(texts(&error, ".aw-error__title"), ["L’article n’a pas pu être chargé."]);
        let detail = texts(&error, ".aw-error__detail").remove(0);
        assert!(detail.starts_with(message), "{detail:?} should start with {message:?}");
        assert_eq!(texts(&error, ".aw-error__url code"), [format!("{ORIGIN}{ARTICLE}")]);
        assert!(root.query_selector("article").unwrap().is_none(), "no half-rendered article");
        find(&root, "nav.aw-related").await;

        fake.answer(ARTICLE, 200, SEED);
        let retry = error.query_selector("button").unwrap().unwrap();
        assert_eq!(retry.text_content().unwrap(), "Réessayer");
        click(&retry);
        find(&root, ".aw-placeholder.aw-section--article").await;
        find(&root, "article h1").await;
        assert!(root.query_selector(".aw-error").unwrap().is_none());
    }
}

#[wasm_bindgen_test]
async fn failed_related_stories_leave_the_article_and_retry_on_their_own() {
    let root = fresh_root();
    let fake = FakeTransport::with(&[(ARTICLE, 200, SEED), (RELATED, 503, "")]);
    let _widget = embed::mount(root.clone(), &config("en"), fake.clone());

    let error = find(&root, ".aw-error.aw-section--related").await;
    find(&root, "article h1").await;
    assert_eq!(texts(&error, ".aw-error__title"), ["Related stories could not be loaded."]);
    assert_eq!(texts(&error, ".aw-error__detail"), ["The server answered with status 503: server error."]);
    assert_eq!(texts(&root, ".aw-byline"), ["By Jean Delaunay"]);
    assert_eq!(texts(&root, ".aw-dates__published time"), ["October 11, 2024, 2:05 PM"]);

    fake.answer(RELATED, 200, SEED_RELATED);
    click(&error.query_selector("button").unwrap().unwrap());
    find(&root, "nav.aw-related").await;
    assert_eq!(attributes(&root, "nav.aw-related", "aria-label"), ["Related stories"]);
    assert_eq!(texts(&root, "article h1").len(), 1);
}

#[wasm_bindgen_test]
fn an_element_without_an_article_says_so() {
    let root = fresh_root();
    assert!(embed::mount_element(root.clone()).is_err());
    assert!(root.text_content().unwrap().contains("`data-article`"));
}
