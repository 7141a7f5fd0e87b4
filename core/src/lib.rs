//! The pure core of the article widget: the article model, its native JSON format, dates,
//! locales and the errors that a backend can cause. No DOM, no network, no UI framework:
//! everything here runs and is tested natively, and the reference server can share it.

pub mod article;
pub mod captcha;
#[cfg(feature = "checks")]
pub mod checks;
pub mod comment;
mod console;
pub mod datetime;
pub mod error;
#[cfg(feature = "mappings")]
pub mod html;
pub mod json;
pub mod locale;
#[cfg(feature = "mappings")]
pub mod mapping;
#[cfg(feature = "moderation")]
pub mod moderation;
pub mod native;
pub mod pow;
pub mod schema_org;
pub mod shape;
pub mod thread;
pub mod url;
