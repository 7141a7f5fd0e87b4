//! The widget's only `#[wasm_bindgen]` surface: mounting widgets on a page, updating and
//! unmounting them, telling the page what happened, and where the proof-of-work solver is.
//!
//! Each widget renders into its host element's shadow root, with the stylesheet adopted
//! there (a constructable stylesheet, so a strict `style-src 'self'` allows it): the page's
//! CSS cannot reach inside, and the widget's cannot reach out.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use article_widget_core::locale::Locale;
use article_widget_core::shape::Shape;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, CustomEvent, CustomEventInit, Element, HtmlElement, Node, ShadowRoot, ShadowRootInit, ShadowRootMode};
use yew::{AppHandle, Callback};

use crate::backend::fetch::FetchTransport;
use crate::backend::{self, Transport};
use crate::config::{Config, ConfigError};
use crate::platform::{BrowserPlatform, Platform, Services};
use crate::prerender::{self, Answers, TakeoverProblem, ANSWERS_ATTRIBUTE, RENDER_ID, STYLESHEET};
use crate::views::{Mount, MountProps, WidgetEvent, WidgetProps};
use crate::zone::Zone;

/// The attribute that marks an element for [`mount_all`].
pub const MARKER: &str = "data-article-widget";

/// The custom element's tag, defined by `www/article-widget.js`.
const CUSTOM_ELEMENT: &str = "ARTICLE-WIDGET";


/// A mounted widget.
#[wasm_bindgen]
pub struct WidgetHandle {
    host: HtmlElement,
    /// The host's app, in [`APPS`].
    app: usize,
    /// The browser transport, whose requests an unmount aborts (`None` for a test's own).
    transport: Option<Rc<FetchTransport>>,
}

thread_local! {
    /// One Yew app per host element, for the life of the page (see [`Mount`]); each host
    /// remembers its app's index in the property below.
    static APPS: RefCell<Vec<AppHandle<Mount>>> = const { RefCell::new(Vec::new()) };
}

// The package may load both of its builds on one page (`www/package/article-widget.js`):
// each keeps its apps under its own property of the host, and prefixes its element ids
// with its own letters, so that neither takes the other's app or ids.
#[cfg(feature = "mappings")]
const APP_PROPERTY: &str = "__articleWidgetAppWithMappings";
#[cfg(feature = "mappings")]
const ID_PREFIX: &str = "awm";
#[cfg(not(feature = "mappings"))]
const APP_PROPERTY: &str = "__articleWidgetApp";
#[cfg(not(feature = "mappings"))]
const ID_PREFIX: &str = "aw";

#[wasm_bindgen]
impl WidgetHandle {
    /// Shows another configuration (another article, say) in the same element; nothing of
    /// the previous one remains.
    pub fn update(&mut self, config: JsValue) -> Result<(), JsError> {
        let config = config_from_js(&config).map_err(|e| report(&self.host, &e))?;
        self.unmount();
        *self = mount_in_browser(self.host.clone(), &config);
        Ok(())
    }

    /// Removes the widget and aborts its requests on their way. The element keeps its
    /// shadow root, empty, ready for another mount.
    pub fn unmount(&mut self) {
        if let Some(transport) = self.transport.take() {
            transport.abort_all();
        }
        show(self.app, None);
    }

    /// Requests of this widget still on their way (for tests and diagnostics).
    #[wasm_bindgen(js_name = requestsInFlight)]
    pub fn requests_in_flight(&self) -> usize {
        self.transport.as_ref().map_or(0, |t| t.in_flight())
    }
}

/// Mounts a widget in `host` with a configuration object (see README): `article`,
/// `backend`, `lang`, `comments`, `timezone`, `mapping`, `endpoints`. Throws, logs and shows a
/// configuration error.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, config: JsValue) -> Result<WidgetHandle, JsError> {
    let config = config_from_js(&config).map_err(|e| report(&host, &e))?;
    Ok(mount_in_browser(host, &config))
}

/// Mounts a widget in `host`, configured by its attributes: `article`, `backend`, … on an
/// `<article-widget>`, `data-article`, `data-backend`, … on any other element.
#[wasm_bindgen(js_name = mountElement)]
pub fn mount_element(host: HtmlElement) -> Result<WidgetHandle, JsError> {
    let prefix = if host.tag_name() == CUSTOM_ELEMENT { "" } else { "data-" };
    let attribute = |name: &str| host.get_attribute(&format!("{prefix}{name}"));
    let config = Config::from_attributes(attribute, page_element_text).and_then(known_time_zone).map_err(|e| report(&host, &e))?;
    Ok(mount_in_browser(host, &config))
}

/// Names the folder of the proof-of-work solver (its URL, ending in `/`: `search.js` and the
/// files it loads beside it), which the widgets search with when a server asks for proof of
/// work: the package's entry calls it with its own `pow-worker/` folder, found from its own
/// URL as it finds the widget's wasm.
#[wasm_bindgen(js_name = setProofOfWorkSolver)]
pub fn set_proof_of_work_solver(folder: &str) {
    crate::proof::set_solver_folder(folder);
}

/// Mounts a widget in every element marked `data-article-widget` on the page.
#[wasm_bindgen(js_name = mountAll)]
pub fn mount_all() -> Vec<WidgetHandle> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return Vec::new() };
    let Ok(elements) = document.query_selector_all(&format!("[{MARKER}]")) else { return Vec::new() };
    (0..elements.length())
        .filter_map(|i| elements.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter_map(|host| mount_element(host).ok())
        .collect()
}

/// Mounts a widget with the browser's `fetch` and platform.
fn mount_in_browser(host: HtmlElement, config: &Config) -> WidgetHandle {
    let platform: Rc<dyn Platform> = Rc::new(BrowserPlatform);
    let transport = Rc::new(FetchTransport::new(platform.clone()));
    mount_with(host, config, Some(transport.clone()), transport, platform)
}

/// Mounts a widget with a given transport and platform: the browser's, or fakes in tests.
pub fn mount_with_services(host: HtmlElement, config: &Config, transport: Rc<dyn Transport>, platform: Rc<dyn Platform>) -> WidgetHandle {
    mount_with(host, config, None, transport, platform)
}

fn mount_with(
    host: HtmlElement,
    config: &Config,
    abortable: Option<Rc<FetchTransport>>,
    transport: Rc<dyn Transport>,
    platform: Rc<dyn Platform>,
) -> WidgetHandle {
    // Element ids must be unique on the page, however many widgets it has.
    static MOUNTED: AtomicU32 = AtomicU32::new(0);
    let zone = Rc::new(Zone::new(config.timezone.clone(), platform.clone()));
    // A server's render is taken over by the host's first mount, not by a later one.
    let server_render = if has_app(&host) { None } else { ServerRender::find(&host) };
    let (backend, first_render) = match &server_render {
        Some(server) => prerender::take_over(config, server.answers.clone(), transport, &zone),
        None => (backend::connect(config, transport), None),
    };
    let backend = match first_render {
        Some(_) => backend,
        None => {
            let (backend, article_request) = backend::head_start(backend);
            wasm_bindgen_futures::spawn_local(article_request);
            backend
        }
    };
    let widget = WidgetProps {
        services: Services { backend, zone, platform },
        locale: reader_locale(config),
        article: config.article.clone().into(),
        id_prefix: format!("{ID_PREFIX}{}", MOUNTED.fetch_add(1, Ordering::Relaxed) + 1).into(),
        comments_loading: config.comments_loading,
        on_event: announcer(host.clone()),
        first_render: first_render.map(Rc::new),
    };
    let app = match server_render {
        Some(server) if widget.first_render.is_some() => take_over(&host, server, widget),
        _ => {
            let app = app_of(&host);
            show(app, Some(widget));
            app
        }
    };
    WidgetHandle { host, app, transport: abortable }
}

/// A server's render of the widget in its host: the markup's container in the declarative
/// shadow root, and the answers it was rendered from, in the light DOM.
struct ServerRender {
    container: Element,
    answers: Answers,
}

impl ServerRender {
    fn find(host: &HtmlElement) -> Option<ServerRender> {
        let container = host.shadow_root()?.query_selector("div[data-aw-render]").ok()??;
        let script = host.query_selector(&format!(":scope > script[{ANSWERS_ATTRIBUTE}]")).ok()??;
        let answers = Answers::from_json(&script.text_content()?);
        if answers.is_none() {
            warn(&TakeoverProblem::Unreadable);
        }
        Some(ServerRender { container, answers: answers? })
    }

    /// Why this markup cannot be taken over in place, if it cannot: rendered by other code,
    /// or altered since (its shape is not the one the server wrote). Yew's hydration would
    /// panic on such markup, and a panic aborts the widget.
    fn problem(&self) -> Option<TakeoverProblem> {
        let rendered_by = self.container.get_attribute("data-aw-render").unwrap_or_default();
        if rendered_by != RENDER_ID {
            return Some(TakeoverProblem::OtherVersion { server: rendered_by, browser: RENDER_ID });
        }
        let mut shape = Shape::new();
        add_shape(&self.container, &mut shape);
        let written = self.container.get_attribute("data-aw-shape").unwrap_or_default();
        (written != format!("{:016x}", shape.finish())).then_some(TakeoverProblem::Altered)
    }
}

/// Adds the elements and comments under `node` to `shape`, in document order.
fn add_shape(node: &Node, shape: &mut Shape) {
    let mut child = node.first_child();
    while let Some(node) = child {
        match node.node_type() {
            Node::ELEMENT_NODE => {
                shape.open(&node.node_name());
                add_shape(&node, shape);
                shape.close();
            }
            Node::COMMENT_NODE => shape.comment(&node.node_value().unwrap_or_default()),
            _ => {}
        }
        child = node.next_sibling();
    }
}

/// The host's app, made from a server's render: Yew's hydration takes the markup over in
/// place, so the reader sees no change; markup that cannot be taken over is replaced by a
/// render of the same state in the browser, and the console says why.
fn take_over(host: &HtmlElement, server: ServerRender, widget: WidgetProps) -> usize {
    let props = MountProps { widget: Some(widget) };
    let renderer = yew::Renderer::<Mount>::with_root_and_props(server.container.clone(), props);
    let app = match server.problem() {
        None => renderer.hydrate(),
        Some(problem) => {
            warn(&problem);
            server.container.replace_children_with_node_0();
            renderer.render()
        }
    };
    register(host, app)
}

fn warn(problem: &TakeoverProblem) {
    web_sys::console::warn_1(&format!("article widget: {problem}").into());
}

/// The index of `host`'s app, created (with the shadow root) on the first mount.
fn app_of(host: &HtmlElement) -> usize {
    if let Some(index) = js_sys::Reflect::get(host, &APP_PROPERTY.into()).ok().and_then(|v| v.as_f64()) {
        return index as usize;
    }
    let root = shadow_root(host);
    // A server's markup that was not taken over (a `mount()` with other settings) goes.
    if let Ok(Some(server_markup)) = root.query_selector("div[data-aw-render]") {
        server_markup.remove();
    }
    let container = host.owner_document().expect("an element in a document").create_element("div").expect("a div");
    root.append_child(&container).expect("appending to a shadow root");
    let app = yew::Renderer::<Mount>::with_root_and_props(container, MountProps { widget: None }).render();
    register(host, app)
}

/// Whether `host` has its app already.
fn has_app(host: &HtmlElement) -> bool {
    js_sys::Reflect::get(host, &APP_PROPERTY.into()).ok().is_some_and(|v| v.as_f64().is_some())
}

/// Keeps `app` as the host's, for the life of the page; its index.
fn register(host: &HtmlElement, app: AppHandle<Mount>) -> usize {
    let index = APPS.with(|apps| {
        let mut apps = apps.borrow_mut();
        apps.push(app);
        apps.len() - 1
    });
    let _ = js_sys::Reflect::set(host, &APP_PROPERTY.into(), &(index as f64).into());
    index
}

/// Shows `widget` (or nothing) in the app at `index`.
fn show(index: usize, widget: Option<WidgetProps>) {
    APPS.with(|apps| apps.borrow_mut()[index].update(MountProps { widget }));
}

/// The host's open shadow root, with the widget's stylesheet, created on first use.
fn shadow_root(host: &HtmlElement) -> ShadowRoot {
    let root = host.shadow_root().unwrap_or_else(|| {
        host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).expect("an element that can host a shadow root")
    });
    thread_local! {
        // One parsed stylesheet shared by every widget on the page.
        static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
    }
    let sheet = SHEET.with(|sheet| {
        sheet
            .borrow_mut()
            .get_or_insert_with(|| {
                let sheet = CssStyleSheet::new().expect("constructable stylesheets");
                sheet.replace_sync(STYLESHEET).expect("the widget's stylesheet parses");
                sheet
            })
            .clone()
    });
    let sheets = js_sys::Array::of1(&sheet);
    js_sys::Reflect::set(&root, &"adoptedStyleSheets".into(), &sheets).expect("adoptedStyleSheets");
    root
}

/// Tells the page, through DOM events on the host that cross the shadow boundary:
/// `article-widget:ready` when the article is shown, `article-widget:comment-posted`
/// (detail: `{ id, pending }`) when the backend confirmed a comment.
fn announcer(host: HtmlElement) -> Callback<WidgetEvent> {
    Callback::from(move |event: WidgetEvent| {
        let (name, detail) = match event {
            WidgetEvent::Ready => ("article-widget:ready", JsValue::NULL),
            WidgetEvent::CommentPosted { id, pending } => {
                let detail = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&detail, &"id".into(), &id.into());
                let _ = js_sys::Reflect::set(&detail, &"pending".into(), &pending.into());
                ("article-widget:comment-posted", detail.into())
            }
        };
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = host.dispatch_event(&event);
        }
    })
}

/// A configuration object (or JSON text) as the widget's [`Config`].
fn config_from_js(config: &JsValue) -> Result<Config, ConfigError> {
    let text = match config.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(config).ok().and_then(|s| s.as_string()).unwrap_or_default(),
    };
    Config::from_json(&text, page_element_text).and_then(known_time_zone)
}

/// Refuses a configured time zone this browser does not know.
fn known_time_zone(config: Config) -> Result<Config, ConfigError> {
    config.check_time_zone(|name| BrowserPlatform.utc_offset_minutes(Some(name), 0.0).is_some())
}

/// The text of the page's element with this id, such as a
/// `<script type="application/json" id="my-api">` holding a mapping.
fn page_element_text(id: &str) -> Option<String> {
    web_sys::window()?.document()?.get_element_by_id(id)?.text_content()
}

/// A configuration error: in the console, in the element, and thrown.
fn report(host: &HtmlElement, error: &ConfigError) -> JsError {
    web_sys::console::error_1(&error.to_string().into());
    host.set_text_content(Some(&error.to_string()));
    JsError::new(&error.to_string())
}

/// The configured language, else the page's `<html lang>`, else the browser's languages.
fn reader_locale(config: &Config) -> Locale {
    let window = web_sys::window();
    let page = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"));
    let browser: Vec<String> = window
        .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    Locale::negotiate(config.lang.iter().chain(page.iter()).chain(browser.iter()).map(String::as_str))
}
