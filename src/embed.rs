//! The widget's only `#[wasm_bindgen]` surface: mounting widgets on a page and unmounting them.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use article_widget_core::locale::Locale;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::AppHandle;

use crate::backend::fetch::FetchTransport;
use crate::backend::{NativeBackend, Transport};
use crate::config::Config;
use crate::platform::{BrowserPlatform, Platform, Services};
use crate::views::{Widget, WidgetProps};

/// The attribute that marks an element for [`mount_all`].
pub const MARKER: &str = "data-article-widget";

/// A mounted widget; `unmount()` removes it from its element.
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<Widget>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Mounts a widget into `element`, configured by its `data-*` attributes (see README).
/// A configuration error is thrown, written to the console and shown in the element.
#[wasm_bindgen(js_name = mountElement)]
pub fn mount_element(element: Element) -> Result<WidgetHandle, JsError> {
    match Config::from_attributes(|name| element.get_attribute(name)) {
        Ok(config) => Ok(mount(element, &config, Rc::new(FetchTransport), Rc::new(BrowserPlatform))),
        Err(error) => {
            web_sys::console::error_1(&error.to_string().into());
            element.set_text_content(Some(&error.to_string()));
            Err(JsError::new(&error.to_string()))
        }
    }
}

/// Mounts a widget into every element marked `data-article-widget` on the page.
#[wasm_bindgen(js_name = mountAll)]
pub fn mount_all() -> Vec<WidgetHandle> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return Vec::new() };
    let Ok(elements) = document.query_selector_all(&format!("[{MARKER}]")) else { return Vec::new() };
    (0..elements.length())
        .filter_map(|i| elements.item(i)?.dyn_into::<Element>().ok())
        .filter_map(|element| mount_element(element).ok())
        .collect()
}

/// Mounts a widget with a given transport and platform: the browser's, or fakes in tests.
pub fn mount(element: Element, config: &Config, transport: Rc<dyn Transport>, platform: Rc<dyn Platform>) -> WidgetHandle {
    // Element ids must be unique on the page, however many widgets it has.
    static MOUNTED: AtomicU32 = AtomicU32::new(0);
    let props = WidgetProps {
        services: Services { backend: Rc::new(NativeBackend::new(config, transport)), platform },
        locale: reader_locale(config),
        article: config.article.clone().into(),
        id_prefix: format!("aw{}", MOUNTED.fetch_add(1, Ordering::Relaxed) + 1).into(),
    };
    WidgetHandle { app: Some(yew::Renderer::<Widget>::with_root_and_props(element, props).render()) }
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
