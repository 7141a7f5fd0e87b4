//! What the widget needs from its surroundings besides the network: the time, timers,
//! randomness and a little storage. The browser provides them in the widget; tests and
//! server rendering can provide others, so that a test drives time rather than waits for it.
//! Views reach them only from effects and callbacks.

use std::rc::Rc;

use crate::backend::Backend;

pub trait Platform {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> f64;
    /// Unpredictable bits, for captcha seeds and idempotency keys.
    fn random_u64(&self) -> u64;
    /// The stored value of `key`, if any. Storage may be unavailable (private browsing,
    /// disabled by the reader): then nothing is stored, and nothing fails.
    fn load(&self, key: &str) -> Option<String>;
    fn save(&self, key: &str, value: &str);
    fn remove(&self, key: &str);
    /// Notes on the browser's performance timeline (`performance.mark`) that `name` just
    /// happened, so that benchmarks (`bench/`) can time what readers see; elsewhere nothing.
    fn mark(&self, _name: &str) {}
    /// Calls `callback` once, `ms` milliseconds from now, unless the returned [`Timer`] is
    /// dropped first. With 0, the callback runs in the next task, never in the current one.
    fn schedule(&self, ms: u32, callback: Box<dyn FnOnce()>) -> Timer;
}

/// A callback waiting for its time ([`Platform::schedule`]); dropping the timer cancels the
/// callback if it has not run yet, so that an effect's clean-up or an ended request leaves
/// nothing to fire.
#[must_use = "dropping a timer cancels its callback"]
pub struct Timer {
    cancel: Option<Box<dyn FnOnce()>>,
}

impl Timer {
    /// A timer that `cancel` stops; a platform calls it at most once, after which the
    /// callback must not run.
    pub fn new(cancel: impl FnOnce() + 'static) -> Timer {
        Timer { cancel: Some(Box::new(cancel)) }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel();
        }
    }
}

/// Marked once the article is in the DOM; the next frame paints it.
pub const ARTICLE_RENDERED: &str = "article-widget:article-rendered";
/// Marked each time the comments shown change: the first page, then each "show more".
pub const COMMENTS_RENDERED: &str = "article-widget:comments-rendered";

/// Everything a widget talks to, shared by its components.
#[derive(Clone)]
pub struct Services {
    pub backend: Rc<dyn Backend>,
    pub platform: Rc<dyn Platform>,
}

/// The same services, not merely equal ones: a new backend means new data.
impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend) && Rc::ptr_eq(&self.platform, &other.platform)
    }
}

/// An idempotency key: 22 URL-safe characters carrying 128 random bits.
pub fn random_key(platform: &dyn Platform) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut high, mut low) = (platform.random_u64(), platform.random_u64());
    (0..22)
        .map(|i| {
            let source = if i < 11 { &mut high } else { &mut low };
            let digit = ALPHABET[(*source & 63) as usize];
            *source >>= 6;
            char::from(digit)
        })
        .collect()
}

#[cfg(target_arch = "wasm32")]
pub use browser::BrowserPlatform;

#[cfg(target_arch = "wasm32")]
mod browser {
    use gloo_timers::callback::Timeout;

    use super::{Platform, Timer};

    /// `Date.now()`, `setTimeout`, `crypto.getRandomValues` and `localStorage`.
    #[derive(Default)]
    pub struct BrowserPlatform;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    impl Platform for BrowserPlatform {
        fn now_ms(&self) -> f64 {
            js_sys::Date::now()
        }

        fn random_u64(&self) -> u64 {
            let mut bytes = [0u8; 8];
            let filled = web_sys::window()
                .and_then(|w| w.crypto().ok())
                .map(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok())
                .unwrap_or(false);
            if !filled {
                // No Web Crypto (very old browsers): Math.random is weak, but a captcha
                // seed and an idempotency key only need to differ, not to be secret.
                bytes = (js_sys::Math::random() * u64::MAX as f64).to_bits().to_le_bytes();
            }
            u64::from_le_bytes(bytes)
        }

        fn load(&self, key: &str) -> Option<String> {
            storage()?.get_item(key).ok().flatten()
        }

        fn save(&self, key: &str, value: &str) {
            if let Some(storage) = storage() {
                let _ = storage.set_item(key, value);
            }
        }

        fn remove(&self, key: &str) {
            if let Some(storage) = storage() {
                let _ = storage.remove_item(key);
            }
        }

        fn mark(&self, name: &str) {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark(name);
            }
        }

        fn schedule(&self, ms: u32, callback: Box<dyn FnOnce()>) -> Timer {
            // Dropping a `Timeout` clears it.
            let timeout = Timeout::new(ms, callback);
            Timer::new(move || drop(timeout))
        }
    }
}
