//! The moderation app in headless Chromium: a fresh element per test, a fake of the admin
//! API behind the app's real `Api`, and real DOM events. A test waits only for events (the
//! fake's answers, Yew's renders), never for a set time.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use article_widget_core::error::{LoadError, Problem};
use article_widget_core::locale::Locale;
use article_widget_moderation::api::{Api, LocalFuture, Request, Response, Transport};
use article_widget_moderation::views::{App, AppProps};
use gloo_timers::future::TimeoutFuture;
use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const SESSION: &str = "GET /api/admin/session";
const SIGN_IN: &str = "POST /api/admin/session";
const PENDING: &str = "GET /api/admin/comments?status=pending";
const APPROVE: &str = "POST /api/admin/comments/12/status";

/// Answers "METHOD url" from a table a test may change, in a later task as over a network;
/// an unknown one gets no answer at all (a network failure). Records every request.
#[derive(Default)]
struct FakeAdmin {
    answers: RefCell<HashMap<String, Response>>,
    sent: RefCell<Vec<Request>>,
}

impl FakeAdmin {
    fn with(answers: &[(&str, u16, Value)]) -> Rc<FakeAdmin> {
        let fake = Rc::new(FakeAdmin::default());
        for (route, status, body) in answers {
            fake.answer(route, *status, body);
        }
        fake
    }

    fn answer(&self, route: &str, status: u16, body: &Value) {
        self.answer_after(route, status, body, None);
    }

    fn answer_after(&self, route: &str, status: u16, body: &Value, retry_after: Option<u64>) {
        let body = if body.is_null() { String::new() } else { body.to_string() };
        self.answers.borrow_mut().insert(route.to_owned(), Response { status, body, retry_after });
    }

    fn sent_to(&self, route: &str) -> Vec<Request> {
        self.sent.borrow().iter().filter(|r| format!("{} {}", r.method, r.url) == route).cloned().collect()
    }
}

impl Transport for FakeAdmin {
    fn send(&self, request: Request) -> LocalFuture<Result<Response, LoadError>> {
        let route = format!("{} {}", request.method, request.url);
        let answer = self.answers.borrow().get(&route).cloned();
        let url = request.url.clone();
        self.sent.borrow_mut().push(request);
        Box::pin(async move {
            TimeoutFuture::new(0).await;
            answer.ok_or(LoadError { url, problem: Problem::Network { detail: "TypeError: Failed to fetch".into() } })
        })
    }
}

fn error(code: &str) -> Value {
    json!({"error": {"code": code, "message": "refused"}})
}

fn signed_in() -> Value {
    json!({"name": "alice", "csrf": "t0k"})
}

/// The contract's example comment: held for its three links, with a hostile text.
fn held_comment() -> Value {
    json!({"id": "12", "article": "nouvel-ordre-mondial", "parent": null, "author": "Camille", "email": "camille@example.fr",
        "website": "https://camille.example", "body": "<img src=x onerror=\"window.injected=1\"><script>window.injected=2</script>\nhttps://a.example https://b.example https://c.example",
        "created": "2026-12-07T14:00:00Z", "edited": null, "status": "pending", "client_prefix": "2001:db8:1:2::/64", "replies": 2, "links": 3})
}

fn list(comments: Value, pending: u64, published: u64) -> Value {
    json!({"counts": {"pending": pending, "published": published, "rejected": 0, "spam": 3, "deleted": 0}, "comments": comments, "next": null})
}

fn mount(fake: &Rc<FakeAdmin>) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let transport: Rc<dyn Transport> = fake.clone();
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { api: Api::new(transport), locale: Locale::Fr }).render();
    root
}

/// Checks after each task until `check` gives something; fails after five seconds of real
/// time, which only bound a test that would otherwise hang.
async fn until<T>(what: &str, check: impl Fn() -> Option<T>) -> T {
    let give_up_at = js_sys::Date::now() + 5_000.0;
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(js_sys::Date::now() < give_up_at, "waited in vain for {what}");
        TimeoutFuture::new(0).await;
    }
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).and_then(|e| e.text_content()).unwrap_or_default()
}

async fn text_becomes(root: &Element, selector: &str, expected: &str) {
    until(&format!("{selector} to read {expected:?}, not {:?}", text(root, selector)), || (text(root, selector) == expected).then_some(())).await;
}

fn click(root: &Element, selector: &str) {
    find(root, selector).unwrap_or_else(|| panic!("no {selector}")).unchecked_into::<HtmlElement>().click();
}

fn focused_id() -> String {
    web_sys::window().unwrap().document().unwrap().active_element().map(|e| e.id()).unwrap_or_default()
}

async fn signed_in_queue(fake: &Rc<FakeAdmin>) -> Element {
    let root = mount(fake);
    until("the queue", || find(&root, ".mod-comment")).await;
    root
}

#[wasm_bindgen_test]
async fn signing_in_sends_the_name_and_password_and_shows_the_queue() {
    let fake = FakeAdmin::with(&[(SESSION, 401, error("signed_out")), (SIGN_IN, 200, signed_in()), (PENDING, 200, list(json!([held_comment()]), 1, 40))]);
    let root = mount(&fake);
    let name: HtmlInputElement = until("the sign-in form", || find(&root, "#mod-name")).await.unchecked_into();
    name.set_value("alice");
    find(&root, "#mod-password").unwrap().unchecked_into::<HtmlInputElement>().set_value("correct horse battery");
    click(&root, ".mod-sign-in button[type=submit]");
    until("the queue", || find(&root, ".mod-comment")).await;
    let sent = fake.sent_to(SIGN_IN);
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({"name": "alice", "password": "correct horse battery"}));
    assert!(!sent[0].headers.iter().any(|(name, _)| *name == "X-CSRF-Token"), "signing in has no token yet");
    assert_eq!(text(&root, ".mod-account").trim_end_matches("Se déconnecter").trim(), "Connecté·e : alice");
    assert_eq!(focused_id(), "mod-heading");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_refused_sign_in_says_why_and_takes_focus() {
    let fake = FakeAdmin::with(&[(SESSION, 401, error("signed_out")), (SIGN_IN, 401, error("bad_credentials"))]);
    let root = mount(&fake);
    until("the sign-in form", || find(&root, "#mod-name")).await;
    // Both fields are required: the browser refuses an empty form before any request.
    click(&root, ".mod-sign-in button[type=submit]");
    find(&root, "#mod-name").unwrap().unchecked_into::<HtmlInputElement>().set_value("alice");
    find(&root, "#mod-password").unwrap().unchecked_into::<HtmlInputElement>().set_value("wrong password!");
    click(&root, ".mod-sign-in button[type=submit]");
    text_becomes(&root, "#mod-sign-in-error", "Nom ou mot de passe incorrect.").await;
    assert_eq!(focused_id(), "mod-sign-in-error");
    assert_eq!(fake.sent_to(SIGN_IN).len(), 1);
    fake.answer_after(SIGN_IN, 429, &error("rate_limited"), Some(600));
    click(&root, ".mod-sign-in button[type=submit]");
    text_becomes(&root, "#mod-sign-in-error", "Trop d’essais : réessayez dans 10 min.").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_queue_shows_what_a_decision_needs_as_text() {
    let fake = FakeAdmin::with(&[(SESSION, 200, signed_in()), (PENDING, 200, list(json!([held_comment()]), 1, 40))]);
    let root = signed_in_queue(&fake).await;
    let comment = find(&root, "#mod-comment-12").unwrap();
    let facts = text(&comment, ".mod-facts");
    for expected in ["nouvel-ordre-mondial", "camille@example.fr", "https://camille.example", "2001:db8:1:2::/64", "7 décembre 2026 à 14 h 00 UTC", "Liens3", "Réponses2"] {
        assert!(facts.contains(expected), "{expected} in {facts}");
    }
    assert_eq!(text(&comment, "h3"), "Camille — en attente");
    // The author's markup is text: no element made of it, no script run.
    assert!(text(&comment, ".mod-body").starts_with("<img src=x onerror=\"window.injected=1\"><script>"));
    assert!(find(&comment, ".mod-body img").is_none() && find(&comment, ".mod-body script").is_none());
    assert!(js_sys::Reflect::get(&web_sys::window().unwrap(), &"injected".into()).unwrap().is_undefined());
    assert_eq!(text(&root, "button[data-status=pending]"), "En attente (1)");
    assert_eq!(text(&root, "button[data-status=all]"), "Tous (44)");
    assert_eq!(find(&root, "button[data-status=pending]").unwrap().get_attribute("aria-pressed").as_deref(), Some("true"));
    root.remove();
}

#[wasm_bindgen_test]
async fn approving_sends_the_token_and_moves_the_counts() {
    let mut approved = held_comment();
    approved["status"] = json!("published");
    let fake = FakeAdmin::with(&[(SESSION, 200, signed_in()), (PENDING, 200, list(json!([held_comment()]), 1, 40)), (APPROVE, 200, approved)]);
    let root = signed_in_queue(&fake).await;
    click(&root, "#mod-comment-12 button[data-action=published]");
    text_becomes(&root, "#mod-notice", "Commentaire de Camille approuvé.").await;
    let sent = fake.sent_to(APPROVE);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].headers.contains(&("X-CSRF-Token", "t0k".to_owned())), "{:?}", sent[0].headers);
    assert!(sent[0].headers.contains(&("Content-Type", "application/json".to_owned())));
    assert_eq!(serde_json::from_str::<Value>(sent[0].body.as_deref().unwrap()).unwrap(), json!({"status": "published"}));
    assert_eq!(text(&root, "button[data-status=pending]"), "En attente (0)");
    assert_eq!(text(&root, "button[data-status=published]"), "Publiés (41)");
    assert!(find(&root, "#mod-comment-12").is_none(), "no longer held");
    assert_eq!(text(&root, ".mod-empty"), "Aucun commentaire.");
    assert_eq!(focused_id(), "mod-notice");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_failed_action_is_shown_and_keeps_the_comment() {
    let fake = FakeAdmin::with(&[(SESSION, 200, signed_in()), (PENDING, 200, list(json!([held_comment()]), 1, 40))]);
    let root = signed_in_queue(&fake).await;
    // No answer at all.
    click(&root, "#mod-comment-12 button[data-action=rejected]");
    let notice = until("the failure", || find(&root, "#mod-notice[data-state=failed]")).await;
    assert!(notice.text_content().unwrap().starts_with("Échec : "), "{:?}", notice.text_content());
    assert_eq!(focused_id(), "mod-notice");
    assert!(find(&root, "#mod-comment-12").is_some());
    // A deletion, confirmed, that the server refuses in its words.
    click(&root, "#mod-comment-12 button[data-action=delete]");
    until("the confirmation", || find(&root, "button[data-action=confirm-delete]")).await;
    assert_eq!(focused_id(), "mod-open-form");
    fake.answer("DELETE /api/admin/comments/12", 404, &error("not_found"));
    click(&root, "button[data-action=confirm-delete]");
    text_becomes(&root, "#mod-notice", "Introuvable : il a peut-être été supprimé entre-temps.").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn an_answer_of_another_shape_names_its_field() {
    let mut archived = held_comment();
    archived["status"] = json!("archived");
    let fake = FakeAdmin::with(&[(SESSION, 200, signed_in()), (PENDING, 200, list(json!([archived]), 1, 40))]);
    let root = mount(&fake);
    let failed = until("the failure", || find(&root, ".mod-failed")).await;
    assert_eq!(text(&failed, "p"), "Réponse illisible du serveur : le champ /comments/0/status est invalide (\"archived\").");
    fake.answer("GET /api/admin/comments?status=pending", 200, &list(json!([held_comment()]), 1, 40));
    click(&failed, "button");
    until("the queue after a retry", || find(&root, ".mod-comment")).await;
    root.remove();
}

#[wasm_bindgen_test]
async fn a_session_that_ended_brings_the_sign_in_back_with_the_reason() {
    let fake = FakeAdmin::with(&[(SESSION, 200, signed_in()), (PENDING, 200, list(json!([held_comment()]), 1, 40)), (APPROVE, 401, error("signed_out"))]);
    let root = signed_in_queue(&fake).await;
    click(&root, "#mod-comment-12 button[data-action=published]");
    text_becomes(&root, "#mod-sign-in-error", "Votre session a pris fin : reconnectez-vous.").await;
    assert!(find(&root, ".mod-comment").is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn searching_asks_for_the_text_author_and_article_and_more_goes_on_from_the_cursor() {
    let mut first = list(json!([held_comment()]), 1, 40);
    first["next"] = json!("c/2");
    let mut older = held_comment();
    older["id"] = json!("11");
    older["author"] = json!("Dominique");
    let searched = "GET /api/admin/comments?status=pending&q=liens%20%C3%A9t%C3%A9&author=camille&article=nouvel-ordre-mondial";
    let fake = FakeAdmin::with(&[
        (SESSION, 200, signed_in()),
        (PENDING, 200, list(json!([]), 1, 40)),
        (searched, 200, first),
        (&format!("{searched}&before=c%2F2"), 200, list(json!([older]), 1, 40)),
    ]);
    let root = mount(&fake);
    until("the empty queue", || find(&root, ".mod-empty")).await;
    for (field, value) in [("#mod-q", "liens été"), ("#mod-author", "camille"), ("#mod-article", "nouvel-ordre-mondial")] {
        find(&root, field).unwrap().unchecked_into::<HtmlInputElement>().set_value(value);
    }
    click(&root, ".mod-search button[type=submit]");
    until("the search's answer", || find(&root, "#mod-comment-12")).await;
    click(&root, ".mod-more");
    until("the next page", || find(&root, "#mod-comment-11")).await;
    let ids: Vec<String> = (0..2).map(|i| root.query_selector_all(".mod-comment").unwrap().item(i).unwrap().unchecked_into::<Element>().id()).collect();
    assert_eq!(ids, ["mod-comment-12", "mod-comment-11"], "the next page after the first");
    assert!(find(&root, ".mod-more").is_none(), "no more after the last page");
    // The search stays in its fields for the next one.
    assert_eq!(find(&root, "#mod-q").unwrap().unchecked_into::<HtmlInputElement>().value(), "liens été");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_server_without_the_admin_api_is_named_as_such() {
    let fake = FakeAdmin::with(&[(SESSION, 404, error("not_found"))]);
    let root = mount(&fake);
    text_becomes(&root, "#mod-sign-in-error", "Échec : Le serveur a répondu avec le code 404 : ressource introuvable.").await;
    root.remove();
}
