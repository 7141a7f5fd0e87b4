//! The widget in headless Chromium: a fresh element per test, fakes for the network and the
//! platform behind the real backend adapter, and real DOM events.
//!
//! Time is the test's: the fake platform's clock moves only when a test advances it, and
//! runs the timers then due. A test waits only for events (Yew's renders, the fake
//! network's answers, an observer's report), never for a set time, so that what must not
//! happen is asserted once the test has driven time past the moment it would have.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use article_widget::backend::{HttpRequest, HttpResponse, LocalFuture, Method, Transport};
use article_widget::config::{Api, CommentsLoading, Config, NativeEndpoints, TimeZone};
use article_widget::core::captcha::Puzzle;
use article_widget::core::error::{LoadError, Problem};
use article_widget::embed::{self, WidgetHandle};
use article_widget::platform::{BrowserPlatform, Platform, Timer, COMMENTS_RENDERED};
use article_widget::state::PLACEHOLDER_DELAY_MS;
use gloo_timers::future::TimeoutFuture;
use serde_json::{json, Value};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, InputEvent, InputEventInit};
use yew::platform::pinned::oneshot;

wasm_bindgen_test_configure!(run_in_browser);

const SEED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial.json");
const SEED_RELATED: &str = include_str!("../www/demo-api/articles/nouvel-ordre-mondial/related.json");
const ORIGIN: &str = "https://backend.test";
const ARTICLE: &str = "/api/articles/nouvel-ordre-mondial";
const RELATED: &str = "/api/articles/nouvel-ordre-mondial/related";
const COMMENTS: &str = "/api/articles/nouvel-ordre-mondial/comments";
const FIRST_PAGE: &str = "/api/articles/nouvel-ordre-mondial/comments?order=oldest&limit=20";
const CAPTCHA: &str = "/api/captcha";
/// The seed of the fake server's challenges; the tests answer it with the shared core.
const CAPTCHA_SEED: u64 = 1_234_567;

/// Answers "METHOD path" from a table that a test may change; an unknown one gets no
/// response. Each answer comes in a later task, as over a network, or when the test releases
/// its route. Records requests, and the routes answered. Relative URLs are on [`ORIGIN`].
#[derive(Default)]
struct FakeTransport {
    answers: RefCell<HashMap<String, HttpResponse>>,
    sent: RefCell<Vec<HttpRequest>>,
    /// Routes whose answers wait until released, as over a slow network, with what
    /// releases each request waiting.
    held: RefCell<HashMap<String, Vec<oneshot::Sender<()>>>>,
    answered: Rc<RefCell<Vec<String>>>,
}

impl FakeTransport {
    fn with(answers: &[(&str, u16, &str)]) -> Rc<FakeTransport> {
        let fake = Rc::new(FakeTransport::default());
        for (route, status, body) in answers {
            fake.answer(route, *status, body);
        }
        fake
    }

    /// A backend with the seed article, its related stories, `comments` and a challenge.
    fn seeded(comments: Value) -> Rc<FakeTransport> {
        let challenge = json!({"seed": CAPTCHA_SEED.to_string(), "expires": "2030-01-01T00:00:00Z", "signature": "ab"});
        FakeTransport::with(&[
            (ARTICLE, 200, SEED),
            (RELATED, 200, SEED_RELATED),
            (FIRST_PAGE, 200, &comments.to_string()),
            (CAPTCHA, 200, &challenge.to_string()),
        ])
    }

    /// `route` is a URL for GET, or "POST URL".
    fn answer(&self, route: &str, status: u16, body: &str) {
        self.answer_with_headers(route, status, body, &[]);
    }

    /// As [`FakeTransport::answer`], with response headers (names in lower case).
    fn answer_with_headers(&self, route: &str, status: u16, body: &str, headers: &[(&str, &str)]) {
        let headers = headers.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        self.answers.borrow_mut().insert(route.to_owned(), HttpResponse { status, body: body.to_owned(), headers });
    }

    fn forget(&self, route: &str) {
        self.answers.borrow_mut().remove(route);
    }

    /// Requests for `route` from now on wait for [`FakeTransport::release`].
    fn hold(&self, route: &str) {
        self.held.borrow_mut().insert(route.to_owned(), Vec::new());
    }

    /// Lets the requests held for `route` have their answers; later ones are not held.
    fn release(&self, route: &str) {
        for waiting in self.held.borrow_mut().remove(route).into_iter().flatten() {
            let _ = waiting.send(());
        }
    }

    /// How many answers (or failures) the requests for `route` were given.
    fn answers_given(&self, route: &str) -> usize {
        self.answered.borrow().iter().filter(|answered| *answered == route).count()
    }

    fn posts(&self) -> Vec<HttpRequest> {
        self.sent.borrow().iter().filter(|r| r.method == Method::Post).cloned().collect()
    }
}

impl Transport for FakeTransport {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let origin = if request.url.starts_with("https:") { "" } else { ORIGIN };
        let absolute = format!("{origin}{}", request.url);
        let route = match request.method {
            Method::Get => request.url.clone(),
            Method::Post => format!("POST {}", request.url),
            Method::Patch => format!("PATCH {}", request.url),
            Method::Delete => format!("DELETE {}", request.url),
        };
        let answer = self.answers.borrow().get(&route).cloned();
        self.sent.borrow_mut().push(request);
        let release = self.held.borrow_mut().get_mut(&route).map(|waiting| {
            let (sender, receiver) = oneshot::channel();
            waiting.push(sender);
            receiver
        });
        let answered = self.answered.clone();
        Box::pin(async move {
            match release {
                // Released, or the fake is gone with its widget: nobody hears the answer then.
                Some(release) => drop(release.await),
                None => next_task().await,
            }
            answered.borrow_mut().push(route);
            match answer {
                Some(response) => Ok((absolute, response)),
                None => Err(LoadError { url: absolute, problem: Problem::Network { detail: "TypeError: Failed to fetch".into() } }),
            }
        })
    }
}

/// A clock the test moves, with the timers set on it; predictable randomness, storage in
/// memory, a reader whose zone the test sets (UTC unless it does), zones by name the
/// browser's own, and the performance marks set.
#[derive(Default)]
struct FakePlatform {
    now_ms: Cell<f64>,
    timers: Rc<RefCell<Vec<Scheduled>>>,
    timers_set: Cell<u64>,
    counter: Cell<u64>,
    storage: RefCell<HashMap<String, String>>,
    marks: RefCell<Vec<String>>,
    reader_offset_minutes: Cell<i32>,
}

/// A callback waiting for the fake clock.
struct Scheduled {
    /// In the order the timers were set: of two due at once, the first set runs first.
    id: u64,
    due_ms: f64,
    callback: Box<dyn FnOnce()>,
}

impl FakePlatform {
    fn new() -> Rc<FakePlatform> {
        let platform = FakePlatform::default();
        platform.now_ms.set(1_728_658_800_000.0); // 2024-10-11T15:00:00Z
        Rc::new(platform)
    }

    /// Moves the clock `ms` forward, running each timer due by then at its time, in order;
    /// `advance(0.0)` runs what was set for the next task.
    fn advance(&self, ms: f64) {
        let end = self.now_ms.get() + ms;
        loop {
            let due = {
                let mut timers = self.timers.borrow_mut();
                let next = timers
                    .iter()
                    .enumerate()
                    .filter(|(_, timer)| timer.due_ms <= end)
                    .min_by(|(_, a), (_, b)| a.due_ms.total_cmp(&b.due_ms).then(a.id.cmp(&b.id)))
                    .map(|(index, _)| index);
                next.map(|index| timers.remove(index))
            };
            let Some(timer) = due else { break };
            self.now_ms.set(timer.due_ms.max(self.now_ms.get()));
            (timer.callback)();
        }
        self.now_ms.set(end);
    }

    /// The timers still set, as the milliseconds each has left.
    fn timers_left(&self) -> Vec<f64> {
        self.timers.borrow().iter().map(|timer| timer.due_ms - self.now_ms.get()).collect()
    }
}

impl Platform for FakePlatform {
    fn now_ms(&self) -> f64 {
        self.now_ms.get()
    }
    fn utc_offset_minutes(&self, zone: Option<&str>, at_ms: f64) -> Option<i32> {
        match zone {
            Some(_) => BrowserPlatform.utc_offset_minutes(zone, at_ms),
            None => Some(self.reader_offset_minutes.get()),
        }
    }
    fn random_u64(&self) -> u64 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get().wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn load(&self, key: &str) -> Option<String> {
        self.storage.borrow().get(key).cloned()
    }
    fn save(&self, key: &str, value: &str) {
        self.storage.borrow_mut().insert(key.into(), value.into());
    }
    fn remove(&self, key: &str) {
        self.storage.borrow_mut().remove(key);
    }
    fn mark(&self, name: &str) {
        self.marks.borrow_mut().push(name.to_owned());
    }
    fn schedule(&self, ms: u32, callback: Box<dyn FnOnce()>) -> Timer {
        let id = self.timers_set.get();
        self.timers_set.set(id + 1);
        self.timers.borrow_mut().push(Scheduled { id, due_ms: self.now_ms.get() + f64::from(ms), callback });
        let timers = self.timers.clone();
        Timer::new(move || timers.borrow_mut().retain(|timer| timer.id != id))
    }
}

fn config(lang: &str) -> Config {
    Config {
        article: "nouvel-ordre-mondial".into(),
        api: Api::Native(NativeEndpoints {
            article_url: "/api/articles/{id}".into(),
            related_url: Some("/api/articles/{id}/related".into()),
            comments_url: Some("/api/articles/{id}/comments".into()),
            captcha_url: Some("/api/captcha".into()),
        }),
        lang: Some(lang.into()),
        comments_loading: CommentsLoading::Eager,
        timezone: None,
    }
}

/// Mounts a widget in a new host element; returns it with the element the widget renders
/// into, inside the host's shadow root.
fn mount(transport: Rc<FakeTransport>, platform: Rc<FakePlatform>, lang: &str) -> (WidgetHandle, Element) {
    mount_configured(&config(lang), transport, platform)
}

fn mount_configured(config: &Config, transport: Rc<FakeTransport>, platform: Rc<FakePlatform>) -> (WidgetHandle, Element) {
    let host = fresh_host();
    let widget = embed::mount_with_services(host.clone(), config, transport, platform);
    (widget, rendered_in(&host))
}

fn rendered_in(host: &HtmlElement) -> Element {
    host.shadow_root().expect("a shadow root").last_element_child().expect("the widget's element")
}

fn comment(id: &str, parent: Option<&str>, author: &str, body: &str, created: &str) -> Value {
    json!({"id": id, "parent": parent, "author": author, "website": null, "body": body, "created": created, "status": "published"})
}

fn page(comments: &[Value], total: u64) -> Value {
    json!({"total": total, "comments": comments, "next": null})
}

/// A new element in the page, for one widget.
fn fresh_host() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host.dyn_into().unwrap()
}

/// The browser's next task: what was queued before it (Yew's renders, answers of the fake
/// network, observers' reports) has run.
async fn next_task() {
    TimeoutFuture::new(0).await;
}

/// Once Yew has rendered every change dispatched so far and run the effects that follow.
async fn rendered() {
    yew::scheduler::flush().await;
}

/// Checks after each task until `check` gives something; fails after five seconds of real
/// time, which only bound a test that would otherwise hang.
async fn until<T>(what: impl Fn() -> String, check: impl Fn() -> Option<T>) -> T {
    let give_up_at = js_sys::Date::now() + 5_000.0;
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(js_sys::Date::now() < give_up_at, "waited in vain for {}", what());
        next_task().await;
    }
}

/// Whether `element` is within a screen of the viewport, as the browser first reports it to
/// a new observer. Observers watching it already, such as the widget's, have had their
/// report by then.
async fn near_the_viewport(element: &Element) -> bool {
    let report = js_sys::Promise::new(&mut |resolve, _| {
        let element = element.clone();
        let on_report = Closure::once_into_js(move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            observer.disconnect();
            let entry: web_sys::IntersectionObserverEntry = entries.get(0).unchecked_into();
            resolve.call1(&wasm_bindgen::JsValue::NULL, &entry.is_intersecting().into()).unwrap();
        });
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("100% 0px");
        web_sys::IntersectionObserver::new_with_options(on_report.unchecked_ref(), &options).unwrap().observe(&element);
    });
    wasm_bindgen_futures::JsFuture::from(report).await.unwrap().as_bool().unwrap()
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

/// The computed value of a CSS property, as the stylesheet in the shadow root gives it.
fn style(element: &Element, property: &str) -> String {
    let window = web_sys::window().unwrap();
    window.get_computed_style(element).unwrap().unwrap().get_property_value(property).unwrap()
}

fn click(element: &Element) {
    element.dyn_ref::<HtmlElement>().unwrap().click();
}

/// Types `text` into the form control named `name`, as a reader would: value, then an
/// `input` event that bubbles.
fn type_into(root: &Element, name: &str, text: &str) {
    let control = root.query_selector(&format!("form [name={name}]")).unwrap().unwrap_or_else(|| panic!("no field {name}"));
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        input.set_value(text);
    } else {
        control.dyn_ref::<HtmlTextAreaElement>().unwrap().set_value(text);
    }
    let init = InputEventInit::new();
    init.set_bubbles(true);
    control.dispatch_event(&InputEvent::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

fn value_of(root: &Element, name: &str) -> String {
    let control = root.query_selector(&format!("form [name={name}]")).unwrap().unwrap();
    match control.dyn_ref::<HtmlInputElement>() {
        Some(input) => input.value(),
        None => control.dyn_ref::<HtmlTextAreaElement>().unwrap().value(),
    }
}

fn answer() -> String {
    Puzzle::from_seed(CAPTCHA_SEED).answer().to_string()
}

async fn fill_form(root: &Element, body: &str) {
    find(root, "form [name=captcha]").await;
    type_into(root, "name", "Marie Curie");
    type_into(root, "email", "marie@example.fr");
    type_into(root, "body", body);
    type_into(root, "captcha", &answer());
}

async fn submit(root: &Element) {
    click(&find(root, "form button[type=submit]").await);
}

#[wasm_bindgen_test]
async fn shows_a_placeholder_then_the_seed_article_and_its_related_stories() {
    let fake = FakeTransport::seeded(page(&[], 0));
    fake.hold(ARTICLE);
    let platform = FakePlatform::new();
    let (mut widget, root) = mount(fake.clone(), platform.clone(), "fr");

    // Nothing at first, in case the article answers soon; placeholders once it is late.
    rendered().await;
    assert_eq!(platform.timers_left(), [f64::from(PLACEHOLDER_DELAY_MS)], "the placeholders' time is set on the platform's clock");
    platform.advance(f64::from(PLACEHOLDER_DELAY_MS) - 1.0);
    rendered().await;
    assert!(root.query_selector(".aw-widget *").unwrap().is_none(), "no flash of placeholders");
    platform.advance(1.0);
    rendered().await;
    let placeholder = root.query_selector(".aw-placeholder[data-section=article]").unwrap().expect("the placeholder, once due");
    assert_eq!(placeholder.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(root.query_selector("h1").unwrap().is_none());
    fake.release(ARTICLE);

    let h1 = find(&root, "article h1").await;
    assert_eq!(
        h1.text_content().unwrap(),
        "« Nouvel ordre mondial » ? Poutine et Pezeshkian se rencontrent pour la première fois à Achgabat"
    );
    assert_eq!(texts(&root, ".aw-kicker"), ["Monde"]);
    assert_eq!(texts(&root, ".aw-byline"), ["Par Jean Delaunay"]);
    assert_eq!(texts(&root, ".aw-article time"), ["11 octobre 2024 à 14 h 05", "11 octobre 2024 à 16 h 42"]);
    assert_eq!(
        texts(&root, ".aw-article > .aw-figure figcaption .aw-figure__text"),
        ["Iranian President Massoud Pezeshkian at a meeting with Vladimir Putin in Ashgabat, Turkmenistan"]
    );
    assert!(!attributes(&root, ".aw-article > .aw-figure img", "alt")[0].is_empty());
    assert_eq!(texts(&root, ".aw-article h2"), ["Augmentation des tentatives d’assassinat et de sabotage"]);
    let quote = texts(&root, ".aw-article blockquote");
    assert!(quote.len() == 1 && quote[0].starts_with('«') && quote[0].ends_with('»'), "{quote:?}");

    find(&root, "nav.aw-related").await;
    assert_eq!(attributes(&root, "nav.aw-related", "aria-label"), ["À lire aussi"]);
    let hrefs = attributes(&root, ".aw-related__link", "href");
    let titles = texts(&root, ".aw-related__link");
    assert_eq!(hrefs.len(), 4);
    assert_eq!(hrefs[0], "https://www.example.com/fr/monde/2024/10/09/drones-iraniens-ukraine-sanctions");
    assert_eq!(titles[0], "Drones iraniens en Ukraine : Kyiv réclame de nouvelles sanctions contre Téhéran");
    assert_eq!(attributes(&root, ".aw-related__item .aw-image", "src").len(), 4);
    find(&root, ".aw-comments__empty").await;
    assert!(root.query_selector(".aw-placeholder").unwrap().is_none());

    widget.unmount();
    eventually("the element is emptied", || root.child_element_count() == 0).await;
}

/// An article that answers before the placeholders are due appears without its own, and
/// the time they would have been due passes without them.
#[wasm_bindgen_test]
async fn a_prompt_article_appears_without_placeholders() {
    let platform = FakePlatform::new();
    let (_widget, root) = mount(FakeTransport::seeded(page(&[], 0)), platform.clone(), "fr");
    let seen = Rc::new(Cell::new(false));
    let watcher = {
        let (seen, root) = (seen.clone(), root.clone());
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if root.query_selector(".aw-placeholder[data-section=article]").unwrap().is_some() {
                seen.set(true);
            }
        })
    };
    let observer = web_sys::MutationObserver::new(watcher.as_ref().unchecked_ref()).unwrap();
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    observer.observe_with_options(&root, &options).unwrap();
    find(&root, ".aw-article h1").await;
    rendered().await;
    assert!(platform.timers_left().is_empty(), "the article's answer cancelled the placeholders' timer");
    platform.advance(f64::from(PLACEHOLDER_DELAY_MS));
    rendered().await;
    observer.disconnect();
    assert!(!seen.get(), "the article's placeholder was never shown");
}

#[wasm_bindgen_test]
async fn each_failure_shows_an_error_block_whose_retry_recovers() {
    let without_headline = {
        let mut seed: Value = serde_json::from_str(SEED).unwrap();
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
        let fake = FakeTransport::seeded(page(&[], 0));
        match answer {
            Some((status, body)) => fake.answer(ARTICLE, status, body),
            None => fake.forget(ARTICLE),
        }
        let (_widget, root) = mount(fake.clone(), FakePlatform::new(), "fr");

        let error = find(&root, ".aw-error[data-section=article]").await;
        assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
        assert_eq!(texts(&error, ".aw-error__title"), ["L’article n’a pas pu être chargé."]);
        let detail = texts(&error, ".aw-error__detail").remove(0);
        assert!(detail.starts_with(message), "{detail:?} should start with {message:?}");
        assert_eq!(texts(&error, ".aw-error__url code"), [format!("{ORIGIN}{ARTICLE}")]);
        assert!(root.query_selector(".aw-article").unwrap().is_none(), "no half-rendered article");
        find(&root, "nav.aw-related").await;

        fake.answer(ARTICLE, 200, SEED);
        fake.hold(ARTICLE);
        let retry = error.query_selector("button").unwrap().unwrap();
        assert_eq!(retry.text_content().unwrap(), "Réessayer");
        click(&retry);
        find(&root, ".aw-placeholder[data-section=article]").await;
        fake.release(ARTICLE);
        find(&root, ".aw-article h1").await;
        assert!(root.query_selector(".aw-error").unwrap().is_none());
    }
}

#[wasm_bindgen_test]
async fn failed_related_stories_leave_the_article_and_retry_on_their_own() {
    let fake = FakeTransport::seeded(page(&[], 0));
    fake.answer(RELATED, 503, "");
    let (_widget, root) = mount(fake.clone(), FakePlatform::new(), "en");

    let error = find(&root, ".aw-error[data-section=related]").await;
    find(&root, ".aw-article h1").await;
    assert_eq!(texts(&error, ".aw-error__title"), ["Related stories could not be loaded."]);
    assert_eq!(texts(&error, ".aw-error__detail"), ["The server answered with status 503: server error."]);
    assert_eq!(texts(&root, ".aw-byline"), ["By Jean Delaunay"]);
    assert_eq!(texts(&root, ".aw-dates__published time"), ["October 11, 2024, 2:05 PM"]);

    fake.answer(RELATED, 200, SEED_RELATED);
    click(&error.query_selector("button").unwrap().unwrap());
    find(&root, "nav.aw-related").await;
    assert_eq!(attributes(&root, "nav.aw-related", "aria-label"), ["Related stories"]);
    assert_eq!(texts(&root, ".aw-article h1").len(), 1);
}

#[wasm_bindgen_test]
fn an_element_without_an_article_says_so() {
    let host = fresh_host();
    assert!(embed::mount_element(host.clone()).is_err());
    assert!(host.text_content().unwrap().contains("the setting `article` is required"));
}

#[wasm_bindgen_test]
async fn the_thread_nests_replies_and_keeps_text_as_text() {
    let comments = [
        comment("1", None, "Paul", "Premier !\nDeuxième ligne https://example.org/source.", "2024-10-11T14:30:00Z"),
        comment("2", Some("1"), "Léa", "<b>pas du HTML</b>", "2024-10-11T14:50:00Z"),
        comment("3", None, "Ana", "Merci", "2024-10-01T09:00:00Z"),
    ];
    let (_widget, root) = mount(FakeTransport::seeded(page(&comments, 3)), FakePlatform::new(), "fr");

    find(&root, ".aw-thread .aw-comment").await;
    assert_eq!(texts(&root, ".aw-comments__heading"), ["3 commentaires"]);
    assert_eq!(texts(&root, ".aw-thread--replies .aw-comment__author"), ["Léa"]);
    assert_eq!(texts(&root, ".aw-comment__date"), ["il y a 30 minutes", "il y a 10 minutes", "1er octobre 2024 à 9 h 00"]);
    assert_eq!(attributes(&root, ".aw-comment__date", "title")[0], "11 octobre 2024 à 14 h 30");
    let first = root.query_selector(".aw-comment__body").unwrap().unwrap();
    assert_eq!(first.query_selector_all("br").unwrap().length(), 1);
    let link = first.query_selector("a").unwrap().unwrap();
    assert_eq!(link.get_attribute("href").as_deref(), Some("https://example.org/source"));
    assert_eq!(link.get_attribute("rel").as_deref(), Some("nofollow ugc noopener"));
    assert_eq!(texts(&root, ".aw-thread--replies .aw-comment__body"), ["<b>pas du HTML</b>"]);
    assert!(root.query_selector(".aw-comment__body b").unwrap().is_none());
}

/// A name with a right-to-left override (U+202E) is a bidi isolate: the date after it stays
/// to its right, and the next comment's name and text read in their own order.
#[wasm_bindgen_test]
async fn a_right_to_left_override_in_a_name_leaves_the_rest_of_the_line_in_order() {
    let comments = [
        comment("1", None, "\u{202e}Eve", "\u{202e}Bonjour", "2024-10-11T14:30:00Z"),
        comment("2", None, "Ana", "Merci", "2024-10-11T14:40:00Z"),
    ];
    let (_widget, root) = mount(FakeTransport::seeded(page(&comments, 2)), FakePlatform::new(), "en");
    let author = find(&root, ".aw-comment__author").await;
    assert_eq!(style(&author, "unicode-bidi"), "isolate");
    // Left edges and right ends within the comment's header, in CSS pixels.
    let boxes = |selector: &str| -> Vec<(i32, i32)> {
        let nodes = root.query_selector_all(selector).unwrap();
        (0..nodes.length())
            .map(|i| nodes.item(i).unwrap().dyn_into::<HtmlElement>().unwrap())
            .map(|element| (element.offset_left(), element.offset_left() + element.offset_width()))
            .collect()
    };
    let (names, dates) = (boxes(".aw-comment__author"), boxes(".aw-comment__date"));
    for (name, date) in names.iter().zip(&dates) {
        assert!(date.0 >= name.1, "the date ({date:?}) after the name ({name:?})");
    }
    let next_name = root.query_selector_all(".aw-comment__author").unwrap().item(1).unwrap().dyn_into::<Element>().unwrap();
    assert_eq!(style(&next_name, "direction"), "ltr");
    assert_eq!(texts(&root, ".aw-comment__author"), ["\u{202e}Eve", "Ana"]);
}

/// A thread whose replies its page cut has "show more replies" with the count not shown;
/// the button fetches them from the cursor the page gave, and they join their thread.
#[wasm_bindgen_test]
async fn show_more_replies_fetches_the_replies_a_page_cut_and_shows_them_in_their_thread() {
    let first = json!({"total": 5, "next": null,
        "comments": [comment("1", None, "Ana", "Un fil.", "2024-10-11T14:00:00Z"), comment("2", Some("1"), "Bob", "Oui.", "2024-10-11T14:01:00Z")],
        "more_replies": [{"root": "1", "count": 3, "cursor": "c-2"}]});
    let fake = FakeTransport::seeded(first);
    let replies_url = format!("{COMMENTS}/1/replies?cursor=c-2");
    let rest = json!({"total": 4, "next": null, "comments": [
        comment("3", Some("1"), "Cleo", "Non.", "2024-10-11T14:02:00Z"),
        comment("4", Some("3"), "Dan", "Si.", "2024-10-11T14:03:00Z"),
        comment("5", Some("1"), "Eve", "Peut-être.", "2024-10-11T14:04:00Z")]});
    fake.answer(&replies_url, 200, &rest.to_string());
    fake.hold(&replies_url);
    let (_widget, root) = mount(fake.clone(), FakePlatform::new(), "en");

    let button = find(&root, ".aw-thread__item .aw-more button").await;
    assert_eq!(button.text_content().unwrap(), "Show 3 more replies");
    assert_eq!(texts(&root, ".aw-comment__author"), ["Ana", "Bob"]);
    click(&button);
    eventually("the replies are asked for", || fake.sent.borrow().iter().any(|r| r.url == replies_url)).await;
    rendered().await;
    let button = root.query_selector(".aw-thread__item .aw-more button").unwrap().unwrap();
    assert_eq!((button.text_content().unwrap(), button.has_attribute("disabled")), ("Loading…".to_owned(), true));
    fake.release(&replies_url);
    eventually("the replies are shown", || texts(&root, ".aw-comment__author").len() == 5).await;
    assert_eq!(texts(&root, ".aw-thread--replies .aw-comment__author"), ["Bob", "Cleo", "Dan", "Eve"]);
    assert_eq!(texts(&root, ".aw-thread--replies .aw-thread--replies .aw-comment__author"), ["Dan"]);
    assert!(root.query_selector(".aw-thread__item .aw-more").unwrap().is_none(), "every reply shown: no button");
    assert_eq!(fake.answers_given(&replies_url), 1);
}

/// "Show more" still on its way when the reader changes the order: the new order's first
/// page answers before the old order's next page, which must not join the new thread.
#[wasm_bindgen_test]
async fn a_page_asked_for_before_the_order_changed_is_not_added_to_the_new_thread() {
    let [ana, bob, cleo, dan] = [("1", "Ana"), ("2", "Bob"), ("3", "Cleo"), ("4", "Dan")]
        .map(|(id, author)| comment(id, None, author, "Bonjour.", &format!("2024-10-11T14:0{id}:00Z")));
    let oldest_first = json!({"total": 4, "comments": [ana, bob], "next": "oldest-2"});
    let fake = FakeTransport::seeded(oldest_first);
    let oldest_second = format!("{COMMENTS}?order=oldest&limit=20&cursor=oldest-2");
    fake.answer(&oldest_second, 200, &page(&[cleo], 4).to_string());
    let newest_first = json!({"total": 4, "comments": [dan], "next": "newest-2"});
    fake.answer(&format!("{COMMENTS}?order=newest&limit=20"), 200, &newest_first.to_string());
    fake.hold(&oldest_second);
    let (_widget, root) = mount(fake.clone(), FakePlatform::new(), "en");

    click(&find(&root, ".aw-more button").await);
    eventually("the second page is asked for", || fake.sent.borrow().iter().any(|r| r.url == oldest_second)).await;
    let order = root.query_selector(".aw-order select").unwrap().unwrap();
    order.dyn_ref::<web_sys::HtmlSelectElement>().unwrap().set_value("newest");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    order.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
    eventually("the newest first", || texts(&root, ".aw-comment__author") == ["Dan"]).await;

    fake.release(&oldest_second);
    eventually("the old order's page is answered", || fake.answers_given(&oldest_second) == 1).await;
    rendered().await;
    assert_eq!(texts(&root, ".aw-comment__author"), ["Dan"], "the old order's page is not added");
    let more = root.query_selector(".aw-more button").unwrap().expect("the new thread's next page is still to load");
    assert_eq!(more.text_content().unwrap(), "Show more comments");
    assert!(!more.has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn a_comment_is_posted_once_and_appears_in_place() {
    let fake = FakeTransport::seeded(page(&[], 0));
    let stored = comment("10", None, "Marie Curie", "Très éclairant.", "2024-10-11T15:00:05Z");
    fake.answer(&format!("POST {COMMENTS}"), 201, &stored.to_string());
    let platform = FakePlatform::new();
    let (_widget, root) = mount(fake.clone(), platform.clone(), "fr");

    let label = find(&root, "label[for$=-captcha]").await;
    assert_eq!(label.text_content().unwrap(), format!("Question anti-robot : {}", Puzzle::from_seed(CAPTCHA_SEED).question(article_widget::core::locale::Locale::Fr)));
    fill_form(&root, "Très éclairant.").await;
    platform.advance(5_000.0);
    submit(&root).await;
    find(&root, ".aw-form__status[data-state=busy]").await;
    submit(&root).await; // a second click while sending posts nothing more

    find(&root, ".aw-form__status[data-state=ok]").await;
    assert_eq!(texts(&root, ".aw-form__status[data-state=ok]"), ["Merci ! Votre commentaire est publié."]);
    assert_eq!(texts(&root, ".aw-comment__body"), ["Très éclairant."]);
    assert_eq!(texts(&root, ".aw-comments__heading"), ["1 commentaire"]);
    let posts = fake.posts();
    assert_eq!(posts.len(), 1);
    let body: Value = serde_json::from_str(posts[0].body.as_deref().unwrap()).unwrap();
    assert_eq!((body["name"].as_str(), body["body"].as_str()), (Some("Marie Curie"), Some("Très éclairant.")));
    assert_eq!(body["captcha"]["seed"], CAPTCHA_SEED.to_string());
    assert_eq!(body["captcha"]["answer"], answer());
    assert!(posts[0].headers.iter().any(|(name, key)| *name == "Idempotency-Key" && key.len() == 22));
    assert_eq!(value_of(&root, "body"), "", "the form is reset");
    assert_eq!(value_of(&root, "name"), "Marie Curie", "the name stays for the next comment");
    assert_eq!(platform.load("article-widget:draft:nouvel-ordre-mondial"), None, "the draft is gone once confirmed");
}

/// A server that sends mail says so in its challenge: the form offers reply notifications,
/// off until ticked, and the post asks for them; a server that sends none is not asked.
#[wasm_bindgen_test]
async fn reply_notifications_are_offered_by_a_server_that_sends_mail_and_asked_for_when_ticked() {
    let posted = |offered: bool, tick: bool| async move {
        let fake = FakeTransport::seeded(page(&[], 0));
        if offered {
            let challenge = json!({"seed": CAPTCHA_SEED.to_string(), "expires": "2030-01-01T00:00:00Z", "signature": "ab", "notify": true});
            fake.answer(CAPTCHA, 200, &challenge.to_string());
        }
        let stored = comment("10", None, "Marie Curie", "Prévenez-moi.", "2024-10-11T15:00:05Z");
        fake.answer(&format!("POST {COMMENTS}"), 201, &stored.to_string());
        let platform = FakePlatform::new();
        let (_widget, root) = mount(fake.clone(), platform.clone(), "fr");
        fill_form(&root, "Prévenez-moi.").await;
        let checkbox = root.query_selector("form [name=notify]").unwrap();
        assert_eq!(checkbox.is_some(), offered);
        if let Some(checkbox) = checkbox {
            assert!(!checkbox.dyn_ref::<HtmlInputElement>().unwrap().checked(), "off by default");
            assert_eq!(texts(&root, "label[for$=-notify]"), ["Me prévenir par e-mail des réponses"]);
            if tick {
                click(&checkbox);
            }
        }
        platform.advance(5_000.0);
        submit(&root).await;
        find(&root, ".aw-form__status[data-state=ok]").await;
        let body: Value = serde_json::from_str(fake.posts()[0].body.as_deref().unwrap()).unwrap();
        body.get("notify").cloned()
    };
    assert_eq!(posted(true, true).await, Some(json!(true)));
    assert_eq!(posted(true, false).await, None);
    assert_eq!(posted(false, false).await, None);
}

/// Where the widget keeps the secrets of the reader's own comments on this backend.
const OWN: &str = "article-widget:own:/api/articles/nouvel-ordre-mondial/comments";

/// Sets the text of a `<textarea>` and tells the widget, as typing does.
fn type_into_area(area: &Element, text: &str) {
    area.dyn_ref::<HtmlTextAreaElement>().unwrap().set_value(text);
    let init = InputEventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&InputEvent::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

/// The element that has the focus inside the widget's shadow root.
fn focused(root: &Element) -> Option<Element> {
    root.get_root_node().dyn_into::<web_sys::ShadowRoot>().unwrap().active_element()
}

/// The reader posts, edits their comment in place within the window (the text in a box with
/// Save and Cancel, focused), sees « modifié », and the buttons go when the window ends, on
/// the platform's clock.
#[wasm_bindgen_test]
async fn an_own_comment_is_edited_in_place_within_its_window_and_its_buttons_go_when_it_ends() {
    let fake = FakeTransport::seeded(page(&[], 0));
    let mut stored = comment("10", None, "Marie Curie", "Premier jet.", "2024-10-11T15:00:05Z");
    stored["secret"] = json!("s3cr3t");
    stored["editable_until"] = json!("2024-10-11T15:15:05Z");
    fake.answer(&format!("POST {COMMENTS}"), 201, &stored.to_string());
    let platform = FakePlatform::new();
    let (_widget, root) = mount(fake.clone(), platform.clone(), "fr");
    fill_form(&root, "Premier jet.").await;
    platform.advance(5_000.0);
    submit(&root).await;
    find(&root, ".aw-form__status[data-state=ok]").await;
    assert_eq!(texts(&root, "#aw-comment-10 .aw-own button"), ["Modifier", "Supprimer"]);
    assert_eq!(attributes(&root, "#aw-comment-10 .aw-own button", "aria-label"), ["Modifier votre commentaire", "Supprimer votre commentaire"]);
    let kept = platform.load(OWN).expect("the secret is kept in storage");
    assert!(kept.contains("s3cr3t") && kept.contains("2024-10-11T15:15:05Z"), "{kept}");

    click(&find(&root, "#aw-comment-10 .aw-own button").await);
    let area = find(&root, "#aw-comment-10 textarea").await;
    assert_eq!(area.dyn_ref::<HtmlTextAreaElement>().unwrap().value(), "Premier jet.");
    rendered().await;
    assert_eq!(focused(&root).map(|element| element.id()), Some(area.id()), "the box has the focus");
    assert_eq!(texts(&root, "#aw-comment-10 .aw-comment__body"), Vec::<String>::new(), "the box stands in place of the text");
    type_into_area(&area, "Version corrigée.");
    let mut edited = comment("10", None, "Marie Curie", "Version corrigée.", "2024-10-11T15:00:05Z");
    edited["edited"] = json!("2024-10-11T15:02:00Z");
    fake.answer(&format!("PATCH {COMMENTS}/10"), 200, &edited.to_string());
    click(&find(&root, "#aw-comment-10 button[type=submit]").await);
    let mark = find(&root, "#aw-comment-10 .aw-comment__edited").await;
    assert_eq!((mark.text_content().unwrap(), mark.get_attribute("title").unwrap()), ("modifié".into(), "Modifié le 11 octobre 2024 à 15 h 02".into()));
    assert_eq!(texts(&root, "#aw-comment-10 .aw-comment__body"), ["Version corrigée."]);
    eventually("the focus back on Edit", || focused(&root).and_then(|element| element.text_content()).as_deref() == Some("Modifier")).await;
    let patch = fake.sent.borrow().iter().find(|request| request.method == Method::Patch).cloned().unwrap();
    assert_eq!(patch.body.as_deref(), Some(r#"{"secret":"s3cr3t","body":"Version corrigée."}"#));

    platform.advance(15.0 * 60.0 * 1000.0 - 1.0);
    rendered().await;
    assert_eq!(texts(&root, "#aw-comment-10 .aw-own button").len(), 2, "a millisecond before the end");
    platform.advance(1.0);
    eventually("the buttons to go", || texts(&root, ".aw-own button").is_empty()).await;
    eventually("nothing left to keep", || platform.load(OWN).is_none()).await;
}

/// A refused edit says why beside the box, which keeps the text; a deletion is asked for
/// inline (the focus on "Cancel"), then leaves a placeholder above the comment's reply.
#[wasm_bindgen_test]
async fn a_refused_edit_keeps_the_text_and_a_deletion_leaves_a_placeholder_for_its_reply() {
    let thread = page(
        &[
            comment("1", None, "Marie Curie", "Une question ?", "2024-10-11T14:58:00Z"),
            comment("2", Some("1"), "Ada", "Une réponse.", "2024-10-11T14:59:00Z"),
        ],
        2,
    );
    let fake = FakeTransport::seeded(thread);
    let platform = FakePlatform::new();
    platform.save(OWN, r#"[{"id": "1", "secret": "s1", "until": "2024-10-11T15:13:00Z"}, {"id": "0", "secret": "s0", "until": "2024-10-11T14:00:00Z"}]"#);
    let (_widget, root) = mount(fake.clone(), platform.clone(), "en");
    click(&find(&root, "#aw-comment-1 .aw-own button").await);
    assert!(texts(&root, "#aw-comment-2 .aw-own button").is_empty(), "only the reader's own comment");
    let area = find(&root, "#aw-comment-1 textarea").await;
    type_into_area(&area, "Another question?");
    fake.answer(&format!("PATCH {COMMENTS}/1"), 409, r#"{"error": {"code": "has_replies", "message": "m"}}"#);
    click(&find(&root, "#aw-comment-1 button[type=submit]").await);
    let error = find(&root, "#aw-comment-1 [role=alert]").await;
    assert_eq!(error.text_content().unwrap(), "Someone has replied to this comment: it can no longer be edited, only deleted. Your text is kept.");
    assert_eq!(area.dyn_ref::<HtmlTextAreaElement>().unwrap().value(), "Another question?");

    let cancel = until(|| root.inner_html(), || root.query_selector_all("#aw-comment-1 button").ok().and_then(|buttons| {
        (0..buttons.length()).map(|i| buttons.item(i).unwrap().dyn_into::<Element>().unwrap()).find(|b| b.text_content().as_deref() == Some("Cancel"))
    }))
    .await;
    click(&cancel);
    eventually("the focus back on Edit", || focused(&root).and_then(|element| element.text_content()).as_deref() == Some("Edit")).await;
    let delete = until(|| root.inner_html(), || root.query_selector_all("#aw-comment-1 .aw-own button").ok().and_then(|buttons| buttons.item(1)))
        .await
        .dyn_into::<Element>()
        .unwrap();
    assert_eq!(delete.text_content().unwrap(), "Delete");
    click(&delete);
    let question = find(&root, "#aw-comment-1 [role=group] p").await;
    assert_eq!(question.text_content().unwrap(), "Delete this comment?");
    rendered().await;
    assert_eq!(focused(&root).and_then(|element| element.text_content()).as_deref(), Some("Cancel"), "the safe answer has the focus");
    fake.answer(&format!("DELETE {COMMENTS}/1"), 204, "");
    click(&find(&root, "#aw-comment-1 [role=group] .aw-form__actions button").await);
    find(&root, "#aw-comment-1[data-state=deleted]").await;
    assert_eq!(texts(&root, "#aw-comment-1"), ["Comment deleted"]);
    assert_eq!(texts(&root, ".aw-thread--replies .aw-comment__body"), ["Une réponse."], "its reply stays below it");
    assert_eq!(texts(&root, ".aw-comments__heading"), ["1 comment"]);
    let delete = fake.sent.borrow().iter().find(|request| request.method == Method::Delete).cloned().unwrap();
    assert_eq!(delete.headers, [("X-Comment-Secret".to_owned(), "s1".to_owned())]);
    eventually("the deleted comment's secret to go, and the ended window's", || platform.load(OWN).is_none()).await;
}

#[wasm_bindgen_test]
async fn a_failed_post_keeps_the_text_and_its_retry_reuses_the_key() {
    let fake = FakeTransport::seeded(page(&[], 0));
    let platform = FakePlatform::new();
    let (_widget, root) = mount(fake.clone(), platform.clone(), "en");
    fill_form(&root, "Kept, whatever happens.").await;
    platform.advance(5_000.0);

    submit(&root).await; // no answer: network down
    let status = find(&root, ".aw-form__status[data-state=error]").await;
    assert!(status.text_content().unwrap().contains("Your text is kept: try again."), "{}", status.text_content().unwrap());
    assert_eq!(value_of(&root, "body"), "Kept, whatever happens.");
    assert!(platform.load("article-widget:draft:nouvel-ordre-mondial").unwrap().contains("Kept, whatever happens."));

    fake.answer(&format!("POST {COMMENTS}"), 500, r#"{"error":{"code":"internal","message":"Database locked."}}"#);
    submit(&root).await; // a server error
    let message = until(
        || format!("a 500 in {}", root.inner_html()),
        || texts(&root, ".aw-form__status[data-state=error]").into_iter().find(|t| t.contains("status 500")),
    )
    .await;
    assert_eq!(message, "Your comment was not sent. The server answered with status 500: server error. Your text is kept: try again.");
    assert_eq!(value_of(&root, "body"), "Kept, whatever happens.");

    let mut held = comment("11", None, "Marie Curie", "Kept, whatever happens.", "2024-10-11T15:00:05Z");
    held["status"] = json!("pending");
    fake.answer(&format!("POST {COMMENTS}"), 201, &held.to_string());
    submit(&root).await;
    find(&root, ".aw-form__status[data-state=ok]").await;
    assert_eq!(texts(&root, ".aw-form__status[data-state=ok]"), ["Your comment is awaiting moderation: everyone will see it once approved."]);
    assert_eq!(texts(&root, ".aw-comment[data-state=pending] .aw-comment__body"), ["Kept, whatever happens."]);
    let keys: Vec<String> = fake
        .posts()
        .iter()
        .map(|p| p.headers.iter().find(|(n, _)| *n == "Idempotency-Key").unwrap().1.clone())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|key| *key == keys[0]), "every retry is the same post: {keys:?}");
}

#[wasm_bindgen_test]
async fn every_invalid_field_is_marked_and_summarised() {
    let fake = FakeTransport::seeded(page(&[], 0));
    let (_widget, root) = mount(fake.clone(), FakePlatform::new(), "fr");
    find(&root, "form [name=captcha]").await;
    type_into(&root, "email", "pas-une-adresse");
    submit(&root).await;

    let status = find(&root, ".aw-form__status[data-state=error]").await;
    assert!(status.text_content().unwrap().starts_with("Le formulaire contient 4 erreurs"));
    assert_eq!(status.query_selector_all("li a").unwrap().length(), 4);
    for (name, message) in [
        ("name", "Indiquez votre nom."),
        ("email", "L’adresse e-mail n’est pas valide (exemple : nom@domaine.fr)."),
        ("body", "Écrivez votre commentaire."),
        ("captcha", "Répondez à la question anti-robot."),
    ] {
        let control = root.query_selector(&format!("form [name={name}]")).unwrap().unwrap();
        assert_eq!(control.get_attribute("aria-invalid").as_deref(), Some("true"), "{name}");
        let described_by = control.get_attribute("aria-describedby").unwrap();
        let error_id = described_by.split(' ').find(|id| id.ends_with("-error")).unwrap_or_else(|| panic!("{name}: {described_by}"));
        let error = root.query_selector(&format!("#{error_id}")).unwrap().unwrap();
        assert_eq!(error.text_content().unwrap(), message);
    }
    // The stylesheet reads the states from attributes (aria-invalid, data-state): an invalid
    // field is outlined in the danger colour, unlike a valid one, and the summary stands out.
    let control = |name: &str| root.query_selector(&format!("form [name={name}]")).unwrap().unwrap();
    assert_ne!(style(&control("name"), "border-top-color"), style(&control("website"), "border-top-color"));
    assert_ne!(style(&control("name"), "box-shadow"), "none");
    assert_eq!(style(&control("website"), "box-shadow"), "none");
    assert_ne!(style(&status, "background-color"), "rgba(0, 0, 0, 0)");
    assert!(fake.posts().is_empty());

    type_into(&root, "name", "Marie");
    eventually("the name error goes away as it is fixed", || {
        root.query_selector("form [name=name]").unwrap().unwrap().get_attribute("aria-invalid").as_deref() == Some("false")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_wrong_answer_brings_a_new_question_and_keeps_the_text_and_its_key() {
    let fake = FakeTransport::seeded(page(&[], 0));
    fake.answer(&format!("POST {COMMENTS}"), 422, r#"{"error":{"code":"captcha_wrong","message":"Wrong answer.","field":"captcha"}}"#);
    let platform = FakePlatform::new();
    let (_widget, root) = mount(fake.clone(), platform.clone(), "fr");
    fill_form(&root, "Mon avis.").await;
    platform.advance(5_000.0);
    let challenges_before = fake.sent.borrow().iter().filter(|r| r.url == CAPTCHA).count();
    submit(&root).await;

    let status = find(&root, ".aw-form__status[data-state=error]").await;
    assert!(status.text_content().unwrap().starts_with("Ce n’est pas la bonne réponse"));
    eventually("a new challenge is fetched", || fake.sent.borrow().iter().filter(|r| r.url == CAPTCHA).count() > challenges_before).await;
    find(&root, "form [name=captcha]").await;
    assert_eq!(value_of(&root, "captcha"), "");
    assert_eq!(value_of(&root, "body"), "Mon avis.");

    // Answered again, the same text is the same post: had an earlier attempt been stored,
    // the server would answer it rather than store it twice.
    let stored = comment("12", None, "Marie Curie", "Mon avis.", "2024-10-11T15:00:05Z");
    fake.answer(&format!("POST {COMMENTS}"), 201, &stored.to_string());
    type_into(&root, "captcha", &answer());
    platform.advance(5_000.0);
    submit(&root).await;
    find(&root, ".aw-form__status[data-state=ok]").await;
    let keys: Vec<String> =
        fake.posts().iter().map(|p| p.headers.iter().find(|(n, _)| *n == "Idempotency-Key").unwrap().1.clone()).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "a new question, the same post");
}

#[wasm_bindgen_test]
async fn a_draft_survives_a_reload_with_its_reply_target() {
    let platform = FakePlatform::new();
    let comments = [comment("1", None, "Paul", "Premier", "2024-10-11T14:30:00Z")];
    let (mut widget, root) = mount(FakeTransport::seeded(page(&comments, 1)), platform.clone(), "fr");
    click(&find(&root, ".aw-comment .aw-link-button").await);
    find(&root, ".aw-thread__item form").await;
    type_into(&root, "body", "Je réponds à Paul.");
    eventually("the draft is stored", || platform.load("article-widget:draft:nouvel-ordre-mondial").is_some()).await;
    widget.unmount();

    let (_widget, root) = mount(FakeTransport::seeded(page(&comments, 1)), platform.clone(), "fr");
    let form = find(&root, ".aw-thread__item form").await;
    assert_eq!(texts(&form, "h3"), ["Répondre à \u{2068}Paul\u{2069}"], "the name isolated in the sentence");
    assert_eq!(value_of(&root, "body"), "Je réponds à Paul.");
}

#[wasm_bindgen_test]
async fn lazy_comments_load_when_the_section_comes_near() {
    let document = web_sys::window().unwrap().document().unwrap();
    let spacer: HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    spacer.style().set_property("height", "6000px").unwrap();
    document.body().unwrap().append_child(&spacer).unwrap();
    let fake = FakeTransport::seeded(page(&[], 0));
    let lazy = Config { comments_loading: CommentsLoading::Lazy, ..config("fr") };
    let (_widget, root) = mount_configured(&lazy, fake.clone(), FakePlatform::new());

    find(&root, ".aw-article h1").await;
    rendered().await;
    let section = root.query_selector(".aw-comments").unwrap().unwrap();
    assert!(!near_the_viewport(&section).await, "the section is out of sight");
    rendered().await;
    let asked = |url: &str| fake.sent.borrow().iter().any(|r| r.url == url);
    assert!(!asked(FIRST_PAGE) && !asked(CAPTCHA), "nothing is fetched for comments out of sight");

    root.query_selector(".aw-comments").unwrap().unwrap().scroll_into_view();
    eventually("the comments are fetched once near", || asked(FIRST_PAGE) && asked(CAPTCHA)).await;
    find(&root, ".aw-comments__empty").await;
    find(&root, "form [name=captcha]").await;
    spacer.remove();
}

/// While the article loads, its short placeholder puts the comments section within reach of
/// the viewport: lazy comments watch for it only once the article is in, or every page view
/// would fetch them.
#[wasm_bindgen_test]
async fn lazy_comments_wait_for_the_article_before_watching_the_viewport() {
    let fake = FakeTransport::seeded(page(&[], 0));
    fake.hold(ARTICLE);
    let lazy = Config { comments_loading: CommentsLoading::Lazy, ..config("fr") };
    let host = fresh_host();
    let window = web_sys::window().unwrap();
    window.document().unwrap().body().unwrap().prepend_with_node_1(&host).unwrap();
    window.scroll_to_with_x_and_y(0.0, 0.0);
    // Small enough that the section sits within a screen of the top whatever the window.
    host.style().set_property("zoom", "0.25").unwrap();
    let platform = FakePlatform::new();
    let _widget = embed::mount_with_services(host.clone(), &lazy, fake.clone(), platform.clone());
    let root = rendered_in(&host);

    rendered().await;
    platform.advance(f64::from(PLACEHOLDER_DELAY_MS));
    find(&root, ".aw-placeholder[data-section=article]").await;
    let section = find(&root, ".aw-comments").await;
    assert!(near_the_viewport(&section).await, "the section is within reach of the viewport");
    rendered().await;
    let asked = |url: &str| fake.sent.borrow().iter().any(|r| r.url == url);
    assert!(!asked(FIRST_PAGE) && !asked(CAPTCHA), "nothing is fetched for comments before the article");

    fake.release(ARTICLE);
    find(&root, ".aw-article h1").await;
    root.query_selector(".aw-comments").unwrap().unwrap().scroll_into_view();
    eventually("the comments are fetched once near", || asked(FIRST_PAGE) && asked(CAPTCHA)).await;
    host.remove();
}

#[wasm_bindgen_test]
async fn the_page_hears_when_the_widget_is_ready_and_when_a_comment_is_posted() {
    let fake = FakeTransport::seeded(page(&[], 0));
    let mut held = comment("12", None, "Marie Curie", "Bravo.", "2024-10-11T15:00:05Z");
    held["status"] = json!("pending");
    fake.answer(&format!("POST {COMMENTS}"), 201, &held.to_string());
    let platform = FakePlatform::new();
    let (_widget, root) = mount(fake, platform.clone(), "fr");
    let heard = Rc::new(RefCell::new(Vec::<String>::new()));
    let listener = {
        let heard = heard.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let detail = js_sys::JSON::stringify(&event.detail()).ok().and_then(|s| s.as_string()).unwrap_or_default();
            heard.borrow_mut().push(format!("{} {detail}", event.type_()));
        })
    };
    // The page listens on the document: the events bubble out of the shadow root.
    let document = web_sys::window().unwrap().document().unwrap();
    for name in ["article-widget:ready", "article-widget:comment-posted"] {
        document.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref()).unwrap();
    }

    find(&root, ".aw-article h1").await;
    eventually("ready is heard", || heard.borrow().iter().any(|e| e == "article-widget:ready null")).await;
    fill_form(&root, "Bravo.").await;
    platform.advance(5_000.0);
    submit(&root).await;
    eventually("the post is heard", || {
        heard.borrow().iter().any(|e| e == r#"article-widget:comment-posted {"id":"12","pending":true}"#)
    })
    .await;
    for name in ["article-widget:ready", "article-widget:comment-posted"] {
        document.remove_event_listener_with_callback(name, listener.as_ref().unchecked_ref()).unwrap();
    }
}

const WP_POST: &str = include_str!("../core/tests/fixtures/wordpress_post.json");
const WP_POSTS: &str = include_str!("../core/tests/fixtures/wordpress_posts.json");
const WP_COMMENTS: &str = include_str!("../core/tests/fixtures/wordpress_comments.json");
/// A real WordPress's comments, one imported with a `javascript:` website.
const WP_REAL_COMMENTS: &str = include_str!("../core/tests/fixtures/wordpress-real/comments.json");
const WP_COMMENT_CREATED: &str = include_str!("../core/tests/fixtures/wordpress_comment_created.json");
const WP_ARTICLE: &str = "https://news.example.org/wp-json/wp/v2/posts/4127?_embed=author,wp:featuredmedia,wp:term";
/// Posts of the post's category or tags, which its answer gave.
const WP_RELATED: &str = "https://news.example.org/wp-json/wp/v2/posts?categories=3&tags=12%2C15&tax_relation=OR&exclude=4127&per_page=4&_embed=wp:featuredmedia";
const WP_FIRST_PAGE: &str = "https://news.example.org/wp-json/wp/v2/comments?post=4127&page=1&per_page=100&orderby=date_gmt&order=asc";
const WP_NEW_COMMENT: &str = "https://news.example.org/wp-json/wp/v2/comments";

/// A configuration as a publisher writes it, read as the page's `mount()` reads it.
fn json_config(json: Value) -> Config {
    Config::from_json(&json.to_string(), |_| None).unwrap()
}

/// The answer to the question the widget made itself, found among the fake platform's
/// first seeds by its wording.
fn local_answer(root: &Element) -> String {
    let label = texts(root, "label[for$=-captcha]").remove(0);
    let seed = (1..10u64)
        .map(|n| n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .find(|seed| label.ends_with(&Puzzle::from_seed(*seed).question(article_widget::core::locale::Locale::En)))
        .unwrap_or_else(|| panic!("no seed asks {label:?}"));
    Puzzle::from_seed(seed).answer().to_string()
}

#[wasm_bindgen_test]
async fn a_wordpress_site_by_its_mapping_alone_shows_the_post_and_its_comments_and_takes_one() {
    let fake = FakeTransport::with(&[(WP_ARTICLE, 200, WP_POST), (WP_RELATED, 200, WP_POSTS), (&format!("POST {WP_NEW_COMMENT}"), 201, WP_COMMENT_CREATED)]);
    fake.answer_with_headers(WP_FIRST_PAGE, 200, WP_COMMENTS, &[("x-wp-total", "2"), ("x-wp-totalpages", "1")]);
    let config = json_config(json!({"article": "4127", "mapping": "wordpress", "backend": "https://news.example.org", "lang": "en", "comments": "eager"}));
    let platform = FakePlatform::new();
    let (_widget, root) = mount_configured(&config, fake.clone(), platform.clone());

    let h1 = find(&root, ".aw-article h1").await;
    assert_eq!(h1.text_content().unwrap(), "“New world order”? Putin and Pezeshkian meet in Ashgabat – Analysis", "entities decoded");
    assert_eq!(texts(&root, ".aw-kicker"), ["World & Politics"]);
    assert_eq!(texts(&root, ".aw-byline"), ["By Jean Delaunay"]);
    let link = root.query_selector(".aw-article p a[href='https://en.wikipedia.org/wiki/Ashgabat']").unwrap().expect("the paragraph's link");
    assert_eq!(link.text_content().unwrap(), "Ashgabat");
    assert_eq!(texts(&root, ".aw-article h2"), ["A “very close” partnership"]);
    assert!(root.query_selector("script").unwrap().is_none() && !root.text_content().unwrap().contains("injected"), "the script is gone");
    assert_eq!(attributes(&root, ".aw-article > .aw-figure img", "src"), ["https://news.example.org/wp-content/uploads/2024/10/putin-pezeshkian.jpg"]);
    assert_eq!(attributes(&root, ".aw-article > .aw-figure img", "alt"), ["Two presidents shaking hands"]);
    assert_eq!(texts(&root, ".aw-article > .aw-figure figcaption .aw-figure__text"), ["Massoud Pezeshkian and Vladimir Putin in Ashgabat, Turkmenistan © Reuters"]);
    find(&root, "nav.aw-related").await;
    assert_eq!(texts(&root, ".aw-related__link"), ["BRICS summit: what to expect in Kazan…", "Iran’s oil exports hit a record"]);

    find(&root, ".aw-thread .aw-comment").await;
    assert_eq!(texts(&root, ".aw-comments__heading"), ["2 comments"], "the total from X-WP-Total");
    assert_eq!(texts(&root, ".aw-thread--replies .aw-comment__author"), ["Jean Delaunay"]);
    assert_eq!(texts(&root, ".aw-thread--replies .aw-comment__body"), ["Thanks Marie — China was not at the forum."]);

    // No captcha endpoint: the widget asks its own question and checks it.
    find(&root, "form [name=captcha]").await;
    type_into(&root, "name", "Ada");
    type_into(&root, "email", "ada@example.org");
    type_into(&root, "body", "Me too.");
    type_into(&root, "captcha", &local_answer(&root));
    platform.advance(5_000.0);
    submit(&root).await;
    find(&root, ".aw-form__status[data-state=ok]").await;
    assert_eq!(texts(&root, ".aw-form__status[data-state=ok]"), ["Your comment is awaiting moderation: everyone will see it once approved."]);
    assert_eq!(texts(&root, ".aw-comment[data-state=pending] .aw-comment__body"), ["Me too."]);
    let posts = fake.posts();
    let body: Value = serde_json::from_str(posts[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({"post": 4127, "author_name": "Ada", "author_email": "ada@example.org", "content": "Me too."}));
    assert!(fake.sent.borrow().iter().all(|r| r.url.starts_with("https://news.example.org/wp-json/wp/v2/")));
}

/// What the page's `console.warn` (or another of the console's methods) is given while it
/// lives; the console's own is put back when it is dropped.
struct ConsoleMessages {
    console: js_sys::Object,
    method: &'static str,
    original: wasm_bindgen::JsValue,
    messages: Rc<RefCell<Vec<String>>>,
    _listener: wasm_bindgen::closure::Closure<dyn Fn(wasm_bindgen::JsValue)>,
}

impl ConsoleMessages {
    fn capture(method: &'static str) -> ConsoleMessages {
        let console: js_sys::Object = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap().unchecked_into();
        let original = js_sys::Reflect::get(&console, &method.into()).unwrap();
        let messages = Rc::new(RefCell::new(Vec::new()));
        let kept = messages.clone();
        let listener = wasm_bindgen::closure::Closure::<dyn Fn(wasm_bindgen::JsValue)>::new(move |message: wasm_bindgen::JsValue| {
            kept.borrow_mut().push(message.as_string().unwrap_or_default());
        });
        js_sys::Reflect::set(&console, &method.into(), listener.as_ref()).unwrap();
        ConsoleMessages { console, method, original, messages, _listener: listener }
    }

    /// The messages about answers from URLs (or anything) that start with `prefix`.
    fn about(&self, prefix: &str) -> Vec<String> {
        self.messages.borrow().iter().filter(|m| m.starts_with(&format!("article widget: {prefix}"))).cloned().collect()
    }
}

impl Drop for ConsoleMessages {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::set(&self.console, &self.method.into(), &self.original);
    }
}

/// WordPress returns what importers and plugins stored: in a real WordPress's comments, an
/// imported one whose `author_url` is `javascript:`. It is shown without its link; a comment
/// that cannot be read (here made undated) is left out and counted; the others are shown;
/// and the console says what was left out and where, once.
#[wasm_bindgen_test]
async fn a_bad_value_costs_a_comment_its_link_and_an_unreadable_comment_only_itself() {
    let warnings = ConsoleMessages::capture("warn");
    let mut comments: Value = serde_json::from_str(WP_REAL_COMMENTS).unwrap();
    comments[3]["date_gmt"] = json!("0000-00-00 00:00:00");
    let fake = FakeTransport::with(&[(WP_ARTICLE, 200, WP_POST), (WP_RELATED, 200, WP_POSTS)]);
    fake.answer_with_headers(WP_FIRST_PAGE, 200, &comments.to_string(), &[("x-wp-total", "5"), ("x-wp-totalpages", "1")]);
    let config = json_config(json!({"article": "4127", "mapping": "wordpress", "backend": "https://news.example.org", "lang": "fr", "comments": "eager"}));
    let (_widget, root) = mount_configured(&config, fake, FakePlatform::new());

    find(&root, ".aw-thread .aw-comment").await;
    assert_eq!(texts(&root, ".aw-comment__author"), ["Marie Lefèvre", "Karim Benali", "Marie Lefèvre", "Lecteur importé"]);
    assert_eq!(attributes(&root, "a.aw-comment__author", "href"), ["https://marie.example.org/", "https://marie.example.org/"]);
    assert!(root.query_selector("a[href^=javascript]").unwrap().is_none(), "no link for the imported website");
    assert_eq!(texts(&root, ".aw-comments__heading"), ["4 commentaires"], "the comment left out is not counted as shown");
    assert_eq!(texts(&root, ".aw-comments__skipped"), ["1 commentaire n’a pas pu être affiché."]);
    assert!(root.query_selector(".aw-error").unwrap().is_none());
    let url = WP_FIRST_PAGE;
    assert_eq!(
        warnings.about("https://news.example.org/wp-json/wp/v2/comments"),
        [
            format!("article widget: {url}: at /3/date_gmt: expected an RFC 3339 date (2024-10-11T14:05:00+02:00), found \"0000-00-00 00:00:00\"; the comment at /3 is left out"),
            format!("article widget: {url}: at /4/author_url: expected an http(s), mailto or relative address, found \"javascript:alert(document.domain)\"; the value is left out"),
        ]
    );
}

/// WordPress's related posts and comments need the post's answer: while it has failed they
/// cannot load, so its error block stands alone (no placeholder left turning), and its
/// Retry brings them all.
#[wasm_bindgen_test]
async fn sections_that_wait_for_a_failed_article_step_aside_until_its_retry() {
    let fake = FakeTransport::with(&[(WP_ARTICLE, 503, "busy"), (WP_RELATED, 200, WP_POSTS)]);
    fake.answer_with_headers(WP_FIRST_PAGE, 200, WP_COMMENTS, &[("x-wp-total", "2"), ("x-wp-totalpages", "1")]);
    let config = json_config(json!({"article": "4127", "mapping": "wordpress", "backend": "https://news.example.org", "lang": "en", "comments": "eager"}));
    let (_widget, root) = mount_configured(&config, fake.clone(), FakePlatform::new());

    let error = find(&root, ".aw-error[data-section=article]").await;
    rendered().await;
    assert!(root.query_selector(".aw-skeleton, [data-section=related], .aw-comments").unwrap().is_none(), "only the article's error");
    assert_eq!(fake.sent.borrow().len(), 1, "nothing asked but the post");

    fake.answer(WP_ARTICLE, 200, WP_POST);
    click(&error.query_selector("button").unwrap().unwrap());
    find(&root, ".aw-related__link").await;
    find(&root, ".aw-thread .aw-comment").await;
}

#[wasm_bindgen_test]
async fn an_inline_mapping_pointing_at_nothing_shows_the_json_pointer_with_retry() {
    let fake = FakeTransport::with(&[("https://cms.example/posts/4127", 200, WP_POST)]);
    let mapping = json!({"article": {"url": "/posts/{id}", "fields": {
        "headline": {"at": "/title/rendred", "html": true},
        "published": "/date_gmt",
        "body": {"at": "/content/rendered", "html": true}
    }}});
    let config = json_config(json!({"article": "4127", "backend": "https://cms.example", "mapping": mapping, "lang": "en"}));
    let (_widget, root) = mount_configured(&config, fake, FakePlatform::new());

    let error = find(&root, ".aw-error[data-section=article]").await;
    assert_eq!(texts(&error, ".aw-error__detail"), ["The field /title/rendred is missing: expected a non-empty text."]);
    assert_eq!(texts(&error, ".aw-error__url code"), ["https://cms.example/posts/4127"]);
    assert_eq!(texts(&error, "button"), ["Try again"]);
    assert!(root.query_selector(".aw-comments").unwrap().is_none(), "a mapping without comments has none");
}

/// A JSON Feed holds the article and its related stories: one download serves both.
#[wasm_bindgen_test]
async fn a_json_feed_is_downloaded_once_for_the_article_and_its_related_stories() {
    let feed_url = "https://news.example.org/feed.json";
    let fake = FakeTransport::with(&[(feed_url, 200, include_str!("../core/tests/fixtures/jsonfeed.json"))]);
    let config = json_config(json!({"article": "4120", "mapping": "jsonfeed", "backend": feed_url, "lang": "en"}));
    let (_widget, root) = mount_configured(&config, fake.clone(), FakePlatform::new());

    find(&root, ".aw-article h1").await;
    find(&root, ".aw-related__link").await;
    let urls: Vec<String> = fake.sent.borrow().iter().map(|r| r.url.clone()).collect();
    assert_eq!(urls, [feed_url]);
}

#[wasm_bindgen_test]
async fn comments_a_mapping_can_read_but_not_post_are_shown_closed() {
    let fake = FakeTransport::with(&[
        ("https://cms.example/posts/4127", 200, WP_POST),
        ("https://cms.example/comments?post=4127", 200, WP_COMMENTS),
    ]);
    let mapping = json!({
        "article": {"url": "/posts/{id}", "fields": {"headline": {"at": "/title/rendered", "html": true}, "published": "/date_gmt", "body": {"at": "/content/rendered", "html": true}}},
        "comments": {"url": "/comments?post={id}", "fields": {"id": "/id", "parent": {"at": "/parent", "none": [0]}, "author": "/author_name", "body": {"at": "/content/rendered", "html": true}, "created": "/date_gmt"}}
    });
    let config = json_config(json!({"article": "4127", "backend": "https://cms.example", "mapping": mapping, "lang": "fr", "comments": "eager"}));
    let (_widget, root) = mount_configured(&config, fake.clone(), FakePlatform::new());

    find(&root, ".aw-thread .aw-comment").await;
    assert_eq!(texts(&root, ".aw-comments__heading"), ["2 commentaires"]);
    assert_eq!(texts(&root, ".aw-comments__closed"), ["Les commentaires sont fermés."]);
    assert!(root.query_selector("form, .aw-comment button").unwrap().is_none(), "no form and no reply button");
    assert!(fake.sent.borrow().iter().all(|r| r.method == article_widget::backend::Method::Get), "no captcha, no post");
}

/// `size` comments in one answer, as comment servers that do not page send them: the
/// top-level ones in `replies`, every third comment a reply nested in the one before it.
fn one_answer(size: usize) -> Value {
    let mut roots: Vec<Value> = Vec::new();
    for i in 0..size {
        let item = json!({"id": i, "author": format!("Lecteur {i}"), "text": format!("<p>Commentaire n° {i}</p>"), "created": 1_728_600_000 + i, "replies": []});
        match roots.last_mut() {
            Some(parent) if i % 3 == 2 => parent["replies"].as_array_mut().unwrap().push(item),
            _ => roots.push(item),
        }
    }
    json!({"replies": roots})
}

/// A thread sent whole is decoded in one task and its first slice of top-level threads, as
/// many as a page of the widget's own API, rendered in the next; "show more" reveals the next
/// slice without asking the backend again.
#[wasm_bindgen_test]
async fn a_thread_sent_whole_in_one_answer_is_shown_a_slice_at_a_time() {
    let fake = FakeTransport::with(&[
        ("https://cms.example/posts/4127", 200, WP_POST),
        ("https://cms.example/comments/4127", 200, &one_answer(5_000).to_string()),
    ]);
    let mapping = json!({
        "article": {"url": "/posts/{id}", "fields": {"headline": {"at": "/title/rendered", "html": true}, "published": "/date_gmt", "body": {"at": "/content/rendered", "html": true}}},
        "comments": {"url": "/comments/{id}", "list": "/replies", "replies": "/replies",
            "fields": {"id": "/id", "author": "/author", "body": {"at": "/text", "html": true}, "created": "/created"}}
    });
    let config = json_config(json!({"article": "4127", "backend": "https://cms.example", "mapping": mapping, "lang": "en", "comments": "eager"}));
    let platform = FakePlatform::new();
    let (_widget, root) = mount_configured(&config, fake.clone(), platform.clone());
    let top_level = ".aw-comments > ol.aw-thread > li > .aw-comment .aw-comment__author";

    // Decoded in one task, rendered in the next: the answer waits for a timer of 0 ms.
    eventually("the decoded answer waits for the next task", || platform.timers_left().contains(&0.0)).await;
    assert!(root.query_selector(".aw-comment").unwrap().is_none(), "nothing rendered in the task that decoded it");
    platform.advance(0.0);
    find(&root, ".aw-thread .aw-comment").await;
    assert_eq!(texts(&root, ".aw-comments__heading"), ["5000 comments"]);
    let authors = texts(&root, top_level);
    assert_eq!((authors.len(), authors[19].as_str()), (20, "Lecteur 28"), "the first 20 threads");
    assert_eq!(texts(&root, ".aw-comment").len(), 30, "with their replies, and nothing else");
    let marks = || platform.marks.borrow().iter().filter(|mark| *mark == COMMENTS_RENDERED).count();
    eventually("the comments are marked as shown", || marks() == 1).await;

    let requests = fake.sent.borrow().len();
    click(&find(&root, ".aw-more button").await);
    eventually("a slice more", || texts(&root, top_level).len() == 40).await;
    assert_eq!(texts(&root, top_level)[39], "Lecteur 58");
    assert_eq!(fake.sent.borrow().len(), requests, "revealed without a request");
    eventually("the comments are marked as shown again", || marks() == 2).await;

    // A widget unmounted while its answer waits for the next task leaves no timer behind.
    let platform = FakePlatform::new();
    let (mut widget, _) = mount_configured(&config, fake, platform.clone());
    eventually("the answer waits for the next task", || platform.timers_left().contains(&0.0)).await;
    widget.unmount();
    eventually("its timer is cancelled", || !platform.timers_left().contains(&0.0)).await;
}

/// The same data and configuration give the server render's time text
/// (tests/server_render.rs, `times_are_the_sites_else_the_configured_zones_as_in_the_browser`):
/// a real WordPress's post published at 14:05 in Paris, and its comments, whatever the
/// reader's zone; and a post written in UTC with the publisher's `timezone`.
#[wasm_bindgen_test]
async fn a_server_render_and_the_browser_show_the_same_times() {
    let fake = FakeTransport::with(&[(WP_ARTICLE, 200, include_str!("../core/tests/fixtures/wordpress-real/post.json"))]);
    // Its imported comment's `javascript:` website (which the decoder refuses) made empty:
    // this test is about times.
    let mut comments: Value = serde_json::from_str(include_str!("../core/tests/fixtures/wordpress-real/comments.json")).unwrap();
    for comment in comments.as_array_mut().unwrap() {
        if comment["author_url"].as_str().is_some_and(|url| url.starts_with("javascript:")) {
            comment["author_url"] = json!("");
        }
    }
    fake.answer_with_headers(WP_FIRST_PAGE, 200, &comments.to_string(), &[("x-wp-total", "5"), ("x-wp-totalpages", "1")]);
    let platform = FakePlatform::new();
    platform.reader_offset_minutes.set(-300);
    let config = json_config(json!({"article": "4127", "mapping": "wordpress", "backend": "https://news.example.org", "lang": "fr", "comments": "eager"}));
    let (_widget, root) = mount_configured(&config, fake, platform);
    find(&root, ".aw-thread .aw-comment").await;
    assert_eq!(texts(&root, ".aw-dates__published time"), ["11 octobre 2024 à 14 h 05"]);
    assert_eq!(texts(&root, ".aw-dates__updated time"), ["11 octobre 2024 à 16 h 42"]);
    assert_eq!(attributes(&root, ".aw-dates__published time", "datetime"), ["2024-10-11T14:05:00+02:00"]);
    let times = ["11 octobre 2024 à 15 h 10", "11 octobre 2024 à 15 h 32", "11 octobre 2024 à 16 h 01", "11 octobre 2024 à 17 h 20", "12 octobre 2024 à 9 h 15"];
    assert_eq!(attributes(&root, ".aw-comment__date", "title"), times);

    let in_utc = r#"{"id": "a1", "headline": "H", "published": "2024-10-11T12:05:00Z", "body": []}"#;
    for (timezone, lang, expected) in [("+02:00", "fr", "11 octobre 2024 à 14 h 05"), ("-04:00", "en", "October 11, 2024, 8:05 AM")] {
        let fake = FakeTransport::with(&[("/api/articles/a1", 200, in_utc)]);
        let config = json_config(json!({"article": "a1", "backend": "/api", "lang": lang, "timezone": timezone, "endpoints": {"related": null, "comments": null}}));
        let (_widget, root) = mount_configured(&config, fake, FakePlatform::new());
        find(&root, ".aw-article h1").await;
        assert_eq!(texts(&root, ".aw-dates__published time"), [expected], "{timezone}");
    }
}

/// A comment stamped in UTC (`Z`, as the reference server writes it) is shown in the zone the
/// publisher set, with that zone's offset at its moment, else in the reader's zone; the
/// article, written with the site's offset, is shown at that offset in every case.
#[wasm_bindgen_test]
async fn dates_without_the_sites_offset_are_in_the_configured_zone_else_the_readers() {
    let comments = [comment("1", None, "Paul", "Été", "2024-10-11T14:30:00Z"), comment("2", None, "Ana", "Hiver", "2024-12-03T08:30:00Z")];
    let cases = [
        (Some("Europe/Paris"), 0, ["October 11, 2024, 4:30 PM", "December 3, 2024, 9:30 AM"]),
        (Some("America/New_York"), 0, ["October 11, 2024, 10:30 AM", "December 3, 2024, 3:30 AM"]),
        (Some("Asia/Kathmandu"), 0, ["October 11, 2024, 8:15 PM", "December 3, 2024, 2:15 PM"]),
        (None, 540, ["October 11, 2024, 11:30 PM", "December 3, 2024, 5:30 PM"]),
        (None, -150, ["October 11, 2024, 12:00 PM", "December 3, 2024, 6:00 AM"]),
    ];
    for (timezone, reader, expected) in cases {
        let platform = FakePlatform::new();
        platform.reader_offset_minutes.set(reader);
        let config = Config { timezone: timezone.map(|name| TimeZone::Named(name.into())), ..config("en") };
        let (_widget, root) = mount_configured(&config, FakeTransport::seeded(page(&comments, 2)), platform);
        find(&root, ".aw-thread .aw-comment").await;
        assert_eq!(attributes(&root, ".aw-comment__date", "title"), expected, "{timezone:?} {reader}");
        assert_eq!(texts(&root, ".aw-dates__published time"), ["October 11, 2024, 2:05 PM"], "the site's offset");
    }
}

/// The browser's zones, through `Intl`: each moment's offset, summer and winter time, half and
/// quarter hours; the reader's own zone is the `Date`'s.
#[wasm_bindgen_test]
fn the_browser_knows_each_zones_offset_at_each_moment() {
    let (summer, winter) = (1_728_648_300_000.0, 1_733_214_600_000.0); // 2024-10-11T12:05Z, 2024-12-03T08:30Z
    let cases = [
        ("Europe/Paris", summer, Some(120)),
        ("Europe/Paris", winter, Some(60)),
        ("America/St_Johns", summer, Some(-150)),
        ("America/St_Johns", winter, Some(-210)),
        ("Asia/Kolkata", summer, Some(330)),
        ("Asia/Calcutta", summer, Some(330)),
        ("Asia/Kathmandu", winter, Some(345)),
        ("Australia/Lord_Howe", winter, Some(660)),
        ("UTC", summer, Some(0)),
        ("Europe/London", winter, Some(0)),
        ("Europe/Pariss", summer, None),
        ("Mars/Olympus_Mons", summer, None),
    ];
    for (zone, at, expected) in cases {
        assert_eq!(BrowserPlatform.utc_offset_minutes(Some(zone), at), expected, "{zone} {at}");
    }
    for at in [summer, winter] {
        let reader = -js_sys::Date::new(&at.into()).get_timezone_offset() as i32;
        assert_eq!(BrowserPlatform.utc_offset_minutes(None, at), Some(reader));
    }
}

#[wasm_bindgen_test]
fn a_time_zone_the_browser_does_not_know_is_refused_by_name() {
    let host = fresh_host();
    assert!(embed::mount(host.clone(), json!({"article": "a1", "timezone": "Europe/Pariss"}).to_string().into()).is_err());
    let shown = host.text_content().unwrap();
    assert!(shown.contains("the setting `timezone` must be an IANA time zone such as `Europe/Paris`, `UTC`, or an offset such as `+02:00`, not `Europe/Pariss`, which this browser does not know"), "{shown}");

    let host = fresh_host();
    for (name, value) in [("data-article", "a1"), ("data-timezone", "Paris, France")] {
        host.set_attribute(name, value).unwrap();
    }
    assert!(embed::mount_element(host.clone()).is_err());
    let shown = host.text_content().unwrap();
    assert!(shown.contains("the setting `timezone` must be an IANA time zone"), "{shown}");
    assert!(shown.ends_with("not `Paris, France`"), "{shown}");
}

#[wasm_bindgen_test]
fn a_mapping_that_cannot_be_read_is_refused_with_the_key_at_fault() {
    let bad = json!({"article": {"fields": {"headline": "title/rendered", "published": "/date", "body": "/content"}}});
    let host = fresh_host();
    let config = json!({"article": "4127", "backend": "https://cms.example", "mapping": bad});
    assert!(embed::mount(host.clone(), config.to_string().into()).is_err());
    let shown = host.text_content().unwrap();
    assert!(shown.contains("the setting `mapping`: at /article/fields/headline: expected a JSON Pointer"), "{shown}");

    // The same mapping in the page, named by the element's attributes.
    let document = web_sys::window().unwrap().document().unwrap();
    let script = document.create_element("script").unwrap();
    script.set_attribute("type", "application/json").unwrap();
    script.set_attribute("id", "broken-mapping").unwrap();
    script.set_text_content(Some(&bad.to_string()));
    document.body().unwrap().append_child(&script).unwrap();
    let host = fresh_host();
    for (name, value) in [("data-article", "4127"), ("data-backend", "https://cms.example"), ("data-mapping", "#broken-mapping")] {
        host.set_attribute(name, value).unwrap();
    }
    assert!(embed::mount_element(host.clone()).is_err());
    let shown = host.text_content().unwrap();
    assert!(shown.contains("the element #broken-mapping: at /article/fields/headline: expected a JSON Pointer"), "{shown}");
    script.remove();
}

/// The browser's own transport, nothing faked but its clock: a backend that cannot be
/// reached is named by its URL with the browser's own reason, a relative URL is resolved
/// against the page, a request past its time limit says so, and a request the widget lets
/// go of ends as `Aborted`, which nobody reports.
#[wasm_bindgen_test]
async fn the_fetch_transport_names_the_url_and_the_reason_of_each_failure() {
    use article_widget::backend::fetch::FetchTransport;
    let platform = FakePlatform::new();
    let transport = FetchTransport::new(platform.clone());

    // Nothing listens on port 9 of loopback: the connection is refused.
    let unreachable = "http://127.0.0.1:9/api/articles/x";
    let error = transport.send(HttpRequest::get(unreachable)).await.unwrap_err();
    assert_eq!(error, LoadError { url: unreachable.to_owned(), problem: Problem::Network { detail: "TypeError: Failed to fetch".to_owned() } });

    // The test page's own server has no such file: an HTTP answer, from the page's origin.
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let (url, response) = transport.send(HttpRequest::get("no-such-file.json")).await.unwrap();
    assert_eq!(url, format!("{origin}/no-such-file.json"));
    assert_eq!(response.status, 404);

    assert!(platform.timers_left().is_empty(), "an answered request's time limit is cancelled");

    // The time limit runs on the platform's clock: 15 s pass when the test says so.
    let pending = transport.send(HttpRequest::get("no-such-file.json"));
    assert_eq!(platform.timers_left(), [15_000.0]);
    platform.advance(15_000.0);
    let late = LoadError { url: format!("{origin}/no-such-file.json"), problem: Problem::Timeout { seconds: 15 } };
    assert_eq!(pending.await.unwrap_err(), late);

    let pending = transport.send(HttpRequest::get("no-such-file.json"));
    assert_eq!(transport.in_flight(), 1);
    transport.abort_all();
    assert_eq!(pending.await.unwrap_err().problem, Problem::Aborted);
    assert_eq!(transport.in_flight(), 0, "an ended request leaves the set");
    assert!(platform.timers_left().is_empty(), "nor does its time limit stay");
}

/// A server's render of the seed article with two comments (`tests/prerender.rs` keeps it the
/// same as today's views render), put in a new element of the page as the HTML parser puts
/// it: its template is the element's declarative shadow root.
fn server_rendered(alter: impl Fn(String) -> String) -> (HtmlElement, Config) {
    let fragment = include_str!("fixtures/fragment.html")
        .replace("RENDER_ID", article_widget::prerender::RENDER_ID)
        .replace("STYLESHEET", article_widget::prerender::STYLESHEET);
    let parent = fresh_host();
    let set_html_unsafe = js_sys::Reflect::get(&parent, &"setHTMLUnsafe".into()).unwrap();
    set_html_unsafe.unchecked_into::<js_sys::Function>().call1(&parent, &alter(fragment).into()).unwrap();
    let host: HtmlElement = parent.first_element_child().unwrap().dyn_into().unwrap();
    let config = Config::from_attributes(|name| host.get_attribute(name), |_| None).unwrap();
    (host, config)
}

/// What the widget asked the network for, but its captcha's question.
fn asked_but_the_question(fake: &FakeTransport) -> Vec<String> {
    fake.sent.borrow().iter().map(|r| r.url.clone()).filter(|url| url != CAPTCHA).collect()
}

#[wasm_bindgen_test]
async fn a_servers_markup_is_taken_over_in_place_without_asking_again() {
    let (host, config) = server_rendered(|fragment| fragment);
    let root = rendered_in(&host);
    let headline = root.query_selector(".aw-headline").unwrap().unwrap();
    let comments = root.query_selector_all(".aw-comment").unwrap().length();
    assert_eq!(comments, 2, "the server's comments are there before any script");
    // Recorded at 14:30 UTC, an hour and a half after the first comment.
    let first_comment_time = || root.query_selector(".aw-comment time").unwrap().unwrap().text_content().unwrap();
    assert_eq!(first_comment_time(), "il y a 1 heure");
    assert!(root.query_selector("fieldset.aw-form__fields[disabled]").unwrap().is_some(), "a form that nothing reads yet takes no text");
    let warnings = ConsoleMessages::capture("warn");

    let fake = FakeTransport::seeded(page(&[], 0));
    let platform = FakePlatform::new();
    let _widget = embed::mount_with_services(host.clone(), &config, fake.clone(), platform);
    rendered().await;

    assert!(headline.is_connected() && root.contains(Some(&headline)), "the same element, taken over in place");
    assert_eq!(first_comment_time(), "il y a 2 heures", "relative dates count from the reader's time (15:00 UTC)");
    assert_eq!(root.query_selector_all(".aw-comment").unwrap().length(), 2);
    assert_eq!(asked_but_the_question(&fake), Vec::<String>::new(), "nothing the server rendered is asked for again");
    eventually("the question, asked at the takeover", || root.query_selector("input[name=captcha]").unwrap().is_some()).await;
    assert!(root.query_selector("fieldset.aw-form__fields[disabled]").unwrap().is_none());
    assert!(root.query_selector("noscript").unwrap().is_none());
    assert!(warnings.messages.borrow().is_empty(), "{:?}", warnings.messages.borrow());

    // It runs: a new order asks for its thread.
    let select: web_sys::HtmlSelectElement = root.query_selector(".aw-order select").unwrap().unwrap().dyn_into().unwrap();
    select.set_value("newest");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    rendered().await;
    assert_eq!(asked_but_the_question(&fake), [format!("{COMMENTS}?order=newest&limit=20")]);
}

#[wasm_bindgen_test]
async fn altered_markup_is_rendered_anew_from_the_same_answers_and_the_console_says_why() {
    type Alteration = fn(String) -> String;
    let cases: [(&str, Alteration); 2] = [
        ("altered on its way", |fragment| fragment.replacen(r#"<p class="aw-kicker">Monde</p>"#, "", 1)),
        ("another version of the widget", |fragment| fragment.replacen(article_widget::prerender::RENDER_ID, "0.0.0-old", 1)),
    ];
    for (cause, alter) in cases {
        let (host, config) = server_rendered(alter);
        let root = rendered_in(&host);
        let headline = root.query_selector(".aw-headline").unwrap().unwrap();
        let warnings = ConsoleMessages::capture("warn");

        let fake = FakeTransport::seeded(page(&[], 0));
        let _widget = embed::mount_with_services(host.clone(), &config, fake.clone(), FakePlatform::new());
        rendered().await;

        assert!(!headline.is_connected(), "{cause}: the server's markup is gone");
        let shown = rendered_in(&host);
        assert!(shown.query_selector(".aw-headline").unwrap().unwrap().text_content().unwrap().contains("Nouvel ordre mondial"));
        assert_eq!(shown.query_selector_all(".aw-comment").unwrap().length(), 2, "{cause}");
        assert_eq!(shown.query_selector_all(".aw-kicker").unwrap().length(), 1, "{cause}: rendered as the browser renders it");
        assert_eq!(asked_but_the_question(&fake), Vec::<String>::new(), "{cause}: the answers are used all the same");
        let said = warnings.messages.borrow().clone();
        assert!(said.len() == 1 && said[0].contains(cause), "{cause}: {said:?}");
    }
}

/// Where the proof-of-work solver is: the package's copy (`scripts/pow-worker.sh` builds it
/// into `pkg/pow-worker/`, which the test runner serves from the crate's folder).
fn use_the_packages_solver() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    embed::set_proof_of_work_solver(&format!("{origin}/pkg/pow-worker/"));
}

/// The fake server's captcha answer, asking for proof of work with these parameters (an
/// unsigned challenge: the widget does not check signatures, the server does).
fn seeded_with_pow(parameters: Value) -> Rc<FakeTransport> {
    let fake = FakeTransport::seeded(page(&[], 0));
    let challenge = json!({"seed": CAPTCHA_SEED.to_string(), "expires": "2030-01-01T00:00:00Z", "signature": "ab",
        "pow": {"parameters": parameters, "signature": "unsigned"}});
    fake.answer(CAPTCHA, 200, &challenge.to_string());
    let stored = comment("10", None, "Marie Curie", "Très éclairant.", "2024-10-11T15:00:05Z");
    fake.answer(&format!("POST {COMMENTS}"), 201, &stored.to_string());
    fake
}

/// A challenge solved in a few hundred counters.
fn quick_pow() -> Value {
    json!({"algorithm": "SHA-256", "cost": 1, "keyPrefix": "00", "nonce": "0123456789abcdef", "salt": "a1", "expiresAt": 1_900_000_000})
}

/// A challenge whose answer is counter 2,370 of 500 hashes each: some 300 ms of search.
fn slow_pow() -> Value {
    json!({"algorithm": "SHA-256", "cost": 500, "keyPrefix": "000", "nonce": "0123456789abcdef", "salt": "e5"})
}

/// The reader comes to the form: `focusin` on its first field.
fn focus_form(root: &Element) {
    let field = root.query_selector("form [name=name]").unwrap().unwrap();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    field.dispatch_event(&web_sys::Event::new_with_event_init_dict("focusin", &init).unwrap()).unwrap();
}

/// A reader who comes to the form, writes and posts, the server asking for a proof of work
/// of `parameters`, searched for by the package's solver: the posts the server received once
/// the widget says the comment is in.
async fn post_with_pows_solver(parameters: Value) -> Vec<HttpRequest> {
    use_the_packages_solver();
    let fake = seeded_with_pow(parameters);
    let platform = FakePlatform::new();
    let (_widget, root) = mount(fake.clone(), platform.clone(), "fr");
    find(&root, "form [name=captcha]").await;
    focus_form(&root);
    fill_form(&root, "Très éclairant.").await;
    platform.advance(5_000.0);
    submit(&root).await;
    find(&root, ".aw-form__status[data-state=ok]").await;
    fake.posts()
}

/// Checks the post's `altcha` member: ALTCHA's payload for `parameters`, as sent, with an
/// answer the solver's own check accepts.
fn assert_proof_answers(post: &HttpRequest, parameters: &Value) {
    use article_widget::core::pow::{self, solve, Solution};
    let body: Value = serde_json::from_str(post.body.as_deref().unwrap()).unwrap();
    let payload = body["altcha"].as_str().expect("the payload, a top-level member");
    let payload: Value = serde_json::from_slice(&pow::base64_decode(payload).expect("base64")).unwrap();
    assert_eq!(payload["challenge"]["parameters"], *parameters, "the parameters go back as received");
    assert_eq!(payload["challenge"]["signature"], "unsigned");
    let challenge = pow::decode_challenge(&payload["challenge"].to_string()).unwrap();
    let solution = Solution {
        counter: payload["solution"]["counter"].as_u64().unwrap() as u32,
        derived_key: pow::hex_decode(payload["solution"]["derivedKey"].as_str().unwrap()).unwrap(),
    };
    assert!(solve::verify(&challenge.task, &solution), "{payload}");
    assert!(payload["solution"]["time"].is_u64());
}

#[wasm_bindgen_test]
async fn the_proof_of_work_is_searched_in_a_worker_from_the_first_focus_and_posted() {
    web_sys::window().unwrap().performance().unwrap().clear_resource_timings();
    let posts = post_with_pows_solver(quick_pow()).await;
    assert_eq!(posts.len(), 1);
    assert_proof_answers(&posts[0], &quick_pow());
    // The solver's wasm was loaded by the worker, not by the page (as the fallback does).
    let loaded = fetched();
    assert!(!loaded.iter().any(|url| url.ends_with("pkg/pow-worker/pow_worker.wasm")), "{loaded:?}");
}

/// A PBKDF2 challenge: the worker derives its keys with WebCrypto (the test page is a
/// secure context), the solver's wasm checks them.
fn pbkdf2_pow() -> Value {
    json!({"algorithm": "PBKDF2/SHA-256", "cost": 100, "keyLength": 16, "keyPrefix": "00", "nonce": "0123456789abcdef", "salt": "a1"})
}

/// The counters are handed out in order and their keys checked as they come, however many
/// are in flight: the post's answer is the first counter that answers, as the solver's own
/// search finds it. That counter.
fn assert_the_first_counter_answers(post: &HttpRequest) -> u32 {
    use article_widget::core::pow::{self, solve};
    let body: Value = serde_json::from_str(post.body.as_deref().unwrap()).unwrap();
    let payload: Value = serde_json::from_slice(&pow::base64_decode(body["altcha"].as_str().unwrap()).unwrap()).unwrap();
    let task = pow::decode_challenge(&payload["challenge"].to_string()).unwrap().task;
    let solve::Search::Found(first) = solve::search(&task, 0, 100_000) else { panic!("1 in 256 keys start with 00") };
    assert_eq!(payload["solution"]["counter"], u64::from(first.counter));
    first.counter
}

#[wasm_bindgen_test]
async fn a_pbkdf2_proof_is_derived_by_webcrypto_in_the_worker_and_is_the_first_counter_that_answers() {
    let posts = post_with_pows_solver(pbkdf2_pow()).await;
    assert_proof_answers(&posts[0], &pbkdf2_pow());
    assert_the_first_counter_answers(&posts[0]);
}

#[wasm_bindgen_test]
async fn a_bad_proof_of_work_is_named_on_screen_and_the_form_waits_for_a_new_question() {
    let fake = FakeTransport::seeded(page(&[], 0));
    let challenge = json!({"seed": CAPTCHA_SEED.to_string(), "expires": "2030-01-01T00:00:00Z", "signature": "ab",
        "pow": {"parameters": {"algorithm": "MD5", "cost": 1, "keyPrefix": "00", "nonce": "00", "salt": "01"}, "signature": "s"}});
    fake.answer(CAPTCHA, 200, &challenge.to_string());
    let (_widget, root) = mount(fake, FakePlatform::new(), "en");
    let error = find(&root, ".aw-captcha .aw-field__error").await;
    let text = error.text_content().unwrap();
    assert!(text.contains("/pow/parameters/algorithm") && text.contains("SHA-256"), "{text}");
}

/// Makes `new Worker(…)` throw, as a page's policy or another origin would (or, made with
/// [`NoWorkers::that_fail_to_load`], start a worker whose script is not found), until dropped.
struct NoWorkers {
    constructors: js_sys::Array,
    saved: wasm_bindgen::JsValue,
}

impl NoWorkers {
    fn new() -> NoWorkers {
        NoWorkers::constructed_by(
            "throw new Error(\"Refused to create a worker: the page's Content-Security-Policy has no worker-src for it\");",
        )
    }

    fn that_fail_to_load() -> NoWorkers {
        NoWorkers::constructed_by("return new Saved(new URL(\"no-worker-here.js\", url), options);")
    }

    /// `Worker` replaced by a constructor that counts its calls, then runs `body` (with
    /// `url`, `options`, and the page's own constructor as `Saved`).
    fn constructed_by(body: &str) -> NoWorkers {
        let global = js_sys::global();
        let saved = js_sys::Reflect::get(&global, &"Worker".into()).unwrap();
        let constructors = js_sys::Array::new();
        // A constructor of the page's kind (a Rust closure is not one).
        let make = js_sys::Function::new_with_args(
            "calls, Saved",
            &format!("return function Worker(url, options) {{ calls.push(new.target !== undefined); {body} }}"),
        );
        let replaced = make.call2(&wasm_bindgen::JsValue::NULL, &constructors, &saved).unwrap();
        js_sys::Reflect::set(&global, &"Worker".into(), &replaced).unwrap();
        NoWorkers { constructors, saved }
    }
}

impl Drop for NoWorkers {
    fn drop(&mut self) {
        js_sys::Reflect::set(&js_sys::global(), &"Worker".into(), &self.saved).unwrap();
    }
}

/// Counts the page's WebCrypto derivations (`crypto.subtle.deriveBits`), started and ended,
/// until dropped.
struct Derivations {
    subtle: wasm_bindgen::JsValue,
    counts: js_sys::Object,
}

impl Derivations {
    fn count() -> Derivations {
        let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).unwrap();
        let subtle = js_sys::Reflect::get(&crypto, &"subtle".into()).unwrap();
        let original = js_sys::Reflect::get(&subtle, &"deriveBits".into()).unwrap();
        let counts = js_sys::Object::new();
        let make = js_sys::Function::new_with_args(
            "subtle, original, counts",
            "counts.started = counts.ended = 0; \
             return function deriveBits(...args) { counts.started++; return original.apply(subtle, args).finally(() => counts.ended++); }",
        );
        let counting = js_sys::Reflect::apply(&make, &wasm_bindgen::JsValue::NULL, &js_sys::Array::of3(&subtle, &original, &counts)).unwrap();
        js_sys::Reflect::set(&subtle, &"deriveBits".into(), &counting).unwrap();
        Derivations { subtle, counts }
    }

    fn count_of(&self, which: &str) -> u32 {
        js_sys::Reflect::get(&self.counts, &which.into()).unwrap().as_f64().unwrap() as u32
    }

    fn started(&self) -> u32 {
        self.count_of("started")
    }

    fn ended(&self) -> u32 {
        self.count_of("ended")
    }
}

impl Drop for Derivations {
    fn drop(&mut self) {
        // The prototype's own method shows through again.
        let _ = js_sys::Reflect::delete_property(self.subtle.unchecked_ref::<js_sys::Object>(), &"deriveBits".into());
    }
}

/// The long tasks (50 ms and more) of the page from now on, as the browser reports them:
/// when each began (on the page's `performance.now()` clock) and how long it took.
struct LongTasks {
    tasks: Rc<RefCell<Vec<(f64, f64)>>>,
    observer: web_sys::PerformanceObserver,
}

impl LongTasks {
    fn watch() -> LongTasks {
        let tasks = Rc::new(RefCell::new(Vec::new()));
        let kept = tasks.clone();
        let report = Closure::<dyn Fn(web_sys::PerformanceObserverEntryList)>::new(move |list: web_sys::PerformanceObserverEntryList| {
            kept.borrow_mut().extend(list.get_entries().iter().map(LongTasks::task));
        });
        let observer = web_sys::PerformanceObserver::new(report.as_ref().unchecked_ref()).unwrap();
        report.forget();
        observer.observe(&web_sys::PerformanceObserverInit::new(&js_sys::Array::of1(&"longtask".into())));
        LongTasks { tasks, observer }
    }

    fn task(entry: wasm_bindgen::JsValue) -> (f64, f64) {
        let entry = entry.unchecked_into::<web_sys::PerformanceEntry>();
        (entry.start_time(), entry.duration())
    }

    /// The tasks reported so far, once the browser has delivered its reports.
    async fn reported(&self) -> Vec<(f64, f64)> {
        next_task().await;
        self.tasks.borrow_mut().extend(self.observer.take_records().iter().map(LongTasks::task));
        self.observer.disconnect();
        self.tasks.borrow().clone()
    }
}

/// The URLs the page has fetched since its resource timings were last cleared.
fn fetched() -> Vec<String> {
    let performance = web_sys::window().unwrap().performance().unwrap();
    performance.get_entries_by_type("resource").iter().map(|entry| entry.unchecked_into::<web_sys::PerformanceEntry>().name()).collect()
}

#[wasm_bindgen_test]
async fn without_a_worker_the_page_searches_in_slices_under_50_ms_while_the_reader_types() {
    use_the_packages_solver();
    let no_workers = NoWorkers::new();
    let warnings = ConsoleMessages::capture("warn");
    let fake = seeded_with_pow(slow_pow());
    let platform = FakePlatform::new();
    let (mut widget, root) = mount(fake.clone(), platform.clone(), "fr");
    find(&root, "form [name=captcha]").await;

    fill_form(&root, "T").await;
    platform.advance(5_000.0);
    submit(&root).await;
    let status = find(&root, ".aw-form__status[data-state=busy]").await;
    assert!(status.text_content().unwrap().starts_with("Vérification anti-spam…"), "{}", status.text_content().unwrap());
    // The page's tasks from here until the post is sent: the search, begun at the first
    // focus, goes on while the reader waits and types. Before, the form's filling, and
    // after, the post's answer, are the widget's own renders (slower in the tests'
    // unoptimised build, and on a busy machine the reason of long tasks here).
    let long_tasks = LongTasks::watch();
    let performance = web_sys::window().unwrap().performance().unwrap();
    // The reader goes on typing while the page's thread searches: each keystroke is a task.
    let mut typed = String::from("T");
    while fake.posts().is_empty() {
        typed.push('r');
        type_into(&root, "body", &typed);
        next_task().await;
    }
    let posted_at = performance.now();
    find(&root, ".aw-form__status[data-state=ok]").await;
    // The next question's proof, which starts once it comes (the reader is in the form), is
    // not this test's: the unmount stops it.
    widget.unmount();
    let long: Vec<(f64, f64)> = long_tasks.reported().await.into_iter().filter(|&(began, _)| began < posted_at).collect();
    let constructors = no_workers.constructors.to_vec();
    // Restored before the checks: a failed test leaves the page as it found it.
    drop(no_workers);
    let said = warnings.about("the proof of work");
    drop(warnings);
    assert_eq!(constructors.first(), Some(&wasm_bindgen::JsValue::TRUE), "a worker was tried first, with new");
    assert!(
        said.first().is_some_and(|said| said.starts_with("article widget: the proof of work is searched for on the page's thread, as no worker could run it: Refused to create a worker")),
        "{said:?}"
    );
    assert_proof_answers(&fake.posts()[0], &slow_pow());
    assert!(typed.len() > 3, "the reader typed while it searched: {typed}");
    assert!(long.is_empty(), "tasks of 50 ms or more (when each began, how long): {long:?}");
}

#[wasm_bindgen_test]
async fn a_worker_that_fails_to_load_leaves_the_search_to_the_page() {
    let no_workers = NoWorkers::that_fail_to_load();
    let warnings = ConsoleMessages::capture("warn");
    let posts = post_with_pows_solver(quick_pow()).await;
    drop(no_workers);
    let said = warnings.about("the proof of work");
    drop(warnings);
    assert_proof_answers(&posts[0], &quick_pow());
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].ends_with("/pkg/pow-worker/worker.js could not run"), "{said:?}");
}

#[wasm_bindgen_test]
async fn without_a_worker_pbkdf2_keys_are_derived_by_webcrypto_on_the_page_too() {
    let no_workers = NoWorkers::new();
    let derivations = Derivations::count();
    let posts = post_with_pows_solver(pbkdf2_pow()).await;
    let derived = derivations.started();
    drop((no_workers, derivations));
    assert_proof_answers(&posts[0], &pbkdf2_pow());
    let counter = assert_the_first_counter_answers(&posts[0]);
    assert!(derived > counter, "every counter up to {counter} derived by WebCrypto: {derived}");
}

#[wasm_bindgen_test]
async fn an_unmounted_widget_stops_its_search_on_the_page() {
    use_the_packages_solver();
    let no_workers = NoWorkers::new();
    let derivations = Derivations::count();
    // A key starting with 48 zero bits: never found within the test.
    let endless = json!({"algorithm": "PBKDF2/SHA-256", "cost": 1000, "keyLength": 16, "keyPrefix": "000000000000", "nonce": "0123456789abcdef", "salt": "a1"});
    let (mut widget, root) = mount(seeded_with_pow(endless), FakePlatform::new(), "fr");
    find(&root, "form [name=captcha]").await;
    focus_form(&root);
    eventually("the search derives keys", || derivations.started() > 20).await;
    widget.unmount();
    rendered().await;
    let started = derivations.started();
    // The derivations in flight end, and none follows them.
    eventually("no derivation left in flight", || derivations.ended() == derivations.started()).await;
    next_task().await;
    let after = derivations.started();
    drop((no_workers, derivations));
    assert_eq!(after, started, "no key derived after the unmount");
}

#[wasm_bindgen_test]
async fn a_solver_that_cannot_load_is_said_on_screen_and_in_the_console() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    embed::set_proof_of_work_solver(&format!("{origin}/pkg/no-solver-here/"));
    let errors = ConsoleMessages::capture("error");
    let (_widget, root) = mount(seeded_with_pow(quick_pow()), FakePlatform::new(), "en");
    find(&root, "form [name=captcha]").await;
    focus_form(&root);
    let status = find(&root, ".aw-form__status[data-state=error]").await;
    let said = errors.about("the proof of work");
    drop(errors);
    assert!(status.text_content().unwrap().starts_with("The anti-spam check could not run in this browser."), "{}", status.text_content().unwrap());
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].starts_with("article widget: the proof of work could not be searched for: ") && said[0].contains("/pkg/no-solver-here/search.js"), "{said:?}");
}
