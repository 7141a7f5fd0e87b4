//! What the widget needs from its surroundings besides the network: the time, timers, time
//! zones, randomness and a little storage. The browser provides them in the widget; tests and
//! server rendering can provide others, so that a test drives time rather than waits for it.
//! Views reach them only from effects and callbacks.

use std::rc::Rc;

use crate::backend::Backend;
use crate::zone::Zone;

pub trait Platform {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    fn now_ms(&self) -> f64;
    /// Minutes east of UTC at `at_ms` (milliseconds since 1970) in the IANA zone `zone`
    /// (`Europe/Paris`), or in the reader's own zone when `None`; `None` when this platform
    /// does not know the zone. The browser knows every zone (`Intl`); elsewhere none is known,
    /// and dates without the site's offset are shown in UTC.
    fn utc_offset_minutes(&self, _zone: Option<&str>, _at_ms: f64) -> Option<i32> {
        None
    }
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

/// Everything a widget talks to, shared by its components, and the zone its dates are shown
/// in, which asks the platform.
#[derive(Clone)]
pub struct Services {
    pub backend: Rc<dyn Backend>,
    pub platform: Rc<dyn Platform>,
    pub zone: Rc<Zone>,
}

/// The same services, not merely equal ones: a new backend means new data.
impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.backend, &other.backend) && Rc::ptr_eq(&self.platform, &other.platform) && Rc::ptr_eq(&self.zone, &other.zone)
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
    use std::cell::RefCell;

    use article_widget_core::datetime::parse_offset;
    use gloo_timers::callback::Timeout;
    use js_sys::Intl::{DateTimeFormat, DateTimeFormatOptions, TimeZoneNameFormat};
    use js_sys::{Array, Date, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    use super::{Platform, Timer};

    /// `Date.now()`, `setTimeout`, `Intl` time zones, `crypto.getRandomValues` and `localStorage`.
    #[derive(Default)]
    pub struct BrowserPlatform;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    thread_local! {
        /// The last zone asked about, with an `Intl.DateTimeFormat` that writes its offset:
        /// making one costs far more than using it, and a page's widgets share a zone.
        static OFFSET_FORMAT: RefCell<Option<(String, DateTimeFormat)>> = const { RefCell::new(None) };
    }

    /// `date` in `zone` with its offset, as `Intl` writes it in English: "10/11/2024,
    /// GMT+02:00" ("GMT" alone at UTC); `None` when the browser does not know the zone.
    fn with_offset(zone: &str, date: &Date) -> Option<String> {
        OFFSET_FORMAT.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.as_ref().is_none_or(|(name, _)| name != zone) {
                let options = DateTimeFormatOptions::new();
                options.set_time_zone(zone);
                options.set_time_zone_name(TimeZoneNameFormat::LongOffset);
                // The constructor, reached through a formatter of the reader's zone (which
                // cannot fail), is called so that its RangeError for an unknown zone is caught.
                let constructor = DateTimeFormat::new(&Array::new(), &Object::new()).constructor();
                let format = Reflect::construct(&constructor, &Array::of2(&"en-US".into(), &options)).ok()?;
                *cache = Some((zone.to_owned(), format.unchecked_into()));
            }
            let (_, format) = cache.as_ref()?;
            format.format().call1(&JsValue::UNDEFINED, date).ok()?.as_string()
        })
    }

    impl Platform for BrowserPlatform {
        fn now_ms(&self) -> f64 {
            js_sys::Date::now()
        }

        fn utc_offset_minutes(&self, zone: Option<&str>, at_ms: f64) -> Option<i32> {
            let date = Date::new(&JsValue::from_f64(at_ms));
            let Some(zone) = zone else { return Some(-date.get_timezone_offset() as i32) };
            let text = with_offset(zone, &date)?;
            // After "GMT": nothing at UTC, "+02:00", or a historical offset's "+00:09:21",
            // whose seconds are dropped.
            let offset = text.get(text.bytes().rposition(|b| b == b'G')? + 3..)?;
            if offset.is_empty() { Some(0) } else { parse_offset(offset.get(..6)?).map(i32::from) }
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
