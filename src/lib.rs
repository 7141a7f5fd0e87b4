//! The article widget: a Yew front end over the pure core in `article-widget-core`.
//!
//! - [`config`]: what a publisher sets, read from attributes (pure).
//! - [`backend`]: the one seam to the network; adapters turn JSON into the core's model.
//! - [`platform`]: time, time zones, randomness and storage, from the browser or a stand-in.
//! - [`zone`]: the offset each date is shown at, settled as answers arrive.
//! - [`storage`]: what the widget keeps in storage (draft, remembered details), as JSON.
//! - [`proof`]: the proof of work searched for by the solver's own wasm, in a worker.
//! - [`state`]: the widget's state, its one `Action` enum and its reducer (pure).
//! - [`views`]: function components from state to HTML; no browser API, so they also
//!   render on a server.
//! - `embed` (wasm only): the `#[wasm_bindgen]` surface that mounts widgets on a page.

pub use article_widget_core as core;

pub mod backend;
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod embed;
pub mod platform;
pub mod prerender;
pub mod proof;
pub mod state;
pub mod storage;
pub mod views;
pub mod zone;

/// The widget's memory comes from Talc rather than the standard library's dlmalloc: less code
/// to download (Cargo.toml). It holds somewhat more memory once a very long thread is shown
/// whole (README, Benchmarks: 40.7 against 35.3 MB for 10,000 comments).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
