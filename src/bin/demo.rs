//! The standalone demo that Trunk builds from `index.html`: mounts every marked element.

fn main() {
    #[cfg(target_arch = "wasm32")]
    std::mem::forget(article_widget::embed::mount_all());
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("The demo runs in a browser: ./scripts/demo.sh builds and serves it.");
}
