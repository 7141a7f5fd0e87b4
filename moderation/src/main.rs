//! The moderation page's entry, which Trunk builds from `moderation/index.html`: the app
//! mounted on the page's `<div id="app">`, in the browser's language (French by default).

use std::rc::Rc;

use article_widget_core::moderation::messages::messages;
use article_widget_moderation::api::{Api, FetchTransport};
use article_widget_moderation::locale_for;
use article_widget_moderation::views::{App, AppProps};

fn main() {
    let window = web_sys::window().expect("a window");
    let languages: Vec<String> = window.navigator().languages().iter().filter_map(|language| language.as_string()).collect();
    let locale = locale_for(languages.iter().map(String::as_str));
    let document = window.document().expect("a document");
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", locale.tag());
    }
    document.set_title(messages(locale).title);
    let root = document.get_element_by_id("app").expect("the page's <div id=\"app\">");
    yew::Renderer::<App>::with_root_and_props(root, AppProps { api: Api::new(Rc::new(FetchTransport)), locale }).render();
}
