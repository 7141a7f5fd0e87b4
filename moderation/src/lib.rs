//! The reference server's moderation page: a Yew app on the server's admin API
//! (`/api/admin/`, its shapes in `article_widget_core::moderation`), served at `/moderation/`.
//!
//! One seam to the network ([`api`]), one state with one [`state::Action`] enum and a pure
//! reducer ([`state`]), and thin views ([`views`]) whose callbacks send the requests and
//! dispatch their answers.

pub mod api;
pub mod state;
pub mod views;

use article_widget_core::locale::Locale;

/// The app's language: the first of the browser's languages it speaks, else French.
pub fn locale_for<'a>(languages: impl IntoIterator<Item = &'a str>) -> Locale {
    languages.into_iter().find_map(Locale::from_tag).unwrap_or(Locale::Fr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_unless_the_browser_asks_for_english() {
        assert_eq!(locale_for([]), Locale::Fr);
        assert_eq!(locale_for(["de-DE", "en-GB", "fr"]), Locale::En);
        assert_eq!(locale_for(["fr-CA", "en"]), Locale::Fr);
        assert_eq!(locale_for(["de"]), Locale::Fr);
    }
}
