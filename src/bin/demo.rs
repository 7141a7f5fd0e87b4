//! The standalone demo that Trunk builds from `index.html`: mounts every marked element, and
//! takes over in place every `<article-widget>` the server rendered into the page (its
//! `<!--#include virtual="/fragment?…" -->`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        // The proof-of-work solver of the package that Trunk copies beside the demo.
        if let Some(solver) = web_sys::window().and_then(|window| window.document()).and_then(|document| document.base_uri().ok().flatten()) {
            if let Ok(folder) = web_sys::Url::new_with_base("pkg/pow-worker/", &solver) {
                article_widget::embed::set_proof_of_work_solver(&folder.href());
            }
        }
        std::mem::forget(article_widget::embed::mount_all());
        let document = web_sys::window().and_then(|window| window.document());
        if let Some(rendered) = document.and_then(|document| document.query_selector_all("article-widget").ok()) {
            for host in (0..rendered.length()).filter_map(|i| rendered.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()) {
                // A failure is shown in the element and the console by the widget itself.
                if let Ok(handle) = article_widget::embed::mount_element(host) {
                    std::mem::forget(handle);
                }
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("The demo runs in a browser: ./scripts/demo.sh builds and serves it.");
}
