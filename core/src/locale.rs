//! Every string a reader sees, one table per language, and the formatting of dates and
//! problems in that language.

use crate::datetime::DateTime;
use crate::error::{Expected, Found, LoadError, Problem};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    /// The locale of a BCP 47 tag (`fr`, `fr-CA`, `en_GB`), if the widget speaks it.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?;
        match primary.to_ascii_lowercase().as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first spoken locale among candidates given in order of preference (configuration,
    /// then the page's `<html lang>`, then the browser's languages); English otherwise.
    pub fn negotiate<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Locale {
        candidates.into_iter().find_map(Locale::from_tag).unwrap_or_default()
    }

    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::En => &EN,
            Locale::Fr => &FR,
        }
    }

    /// A date with its time: « 11 octobre 2024 à 14 h 05 », "October 11, 2024, 2:05 PM".
    pub fn format_datetime(self, at: &DateTime) -> String {
        let date = self.format_date(at);
        match self {
            Locale::Fr => format!("{date} à {} h {:02}", at.hour, at.minute),
            Locale::En => {
                let hour12 = match at.hour % 12 {
                    0 => 12,
                    h => h,
                };
                let meridiem = if at.hour < 12 { "AM" } else { "PM" };
                format!("{date}, {hour12}:{:02} {meridiem}", at.minute)
            }
        }
    }

    /// A date alone: « 1er octobre 2024 », "October 1, 2024".
    pub fn format_date(self, at: &DateTime) -> String {
        let month = self.messages().months[usize::from(at.month - 1)];
        match self {
            Locale::Fr if at.day == 1 => format!("1er {month} {}", at.year),
            Locale::Fr => format!("{} {month} {}", at.day, at.year),
            Locale::En => format!("{month} {}, {}", at.day, at.year),
        }
    }

    /// One sentence for the reader that says what went wrong, without the URL (shown apart).
    pub fn describe(self, error: &LoadError) -> String {
        let m = self.messages();
        match &error.problem {
            Problem::Network { .. } => m.problem_network.to_owned(),
            Problem::Status { status } => {
                let meaning = match status {
                    404 | 410 => m.status_not_found,
                    401 | 403 => m.status_forbidden,
                    500..=599 => m.status_server,
                    _ => "",
                };
                fill(m.problem_status, &[("status", &status.to_string()), ("meaning", meaning)])
            }
            Problem::Syntax { line, column, .. } => fill(
                m.problem_syntax,
                &[("line", &line.to_string()), ("column", &column.to_string())],
            ),
            Problem::Shape(shape) => {
                let expected = self.expected(shape.expected);
                match &shape.found {
                    Found::Missing => fill(m.problem_missing, &[("path", &shape.path), ("expected", expected)]),
                    found => fill(
                        m.problem_shape,
                        &[("path", &shape.path), ("expected", expected), ("found", &self.found(found))],
                    ),
                }
            }
        }
    }

    fn expected(self, expected: Expected) -> &'static str {
        let m = self.messages();
        match expected {
            Expected::Text => m.expected_text,
            Expected::NonBlankText => m.expected_non_blank_text,
            Expected::List => m.expected_list,
            Expected::Object => m.expected_object,
            Expected::DateTime => m.expected_datetime,
            Expected::HeadingLevel => m.expected_heading_level,
            Expected::BlockType => m.expected_block_type,
            Expected::InlineType => m.expected_inline_type,
            Expected::PositiveInteger => m.expected_positive_integer,
            Expected::Url => m.expected_url,
            Expected::Boolean => m.expected_boolean,
        }
    }

    fn found(self, found: &Found) -> String {
        let m = self.messages();
        match found {
            Found::Missing => m.found_missing.to_owned(),
            Found::Null => "null".to_owned(),
            Found::Boolean => m.found_boolean.to_owned(),
            Found::Number => m.found_number.to_owned(),
            Found::Text => m.found_text.to_owned(),
            Found::List => m.found_list.to_owned(),
            Found::Object => m.found_object.to_owned(),
            Found::Value(value) => value.clone(),
        }
    }
}

/// Replaces each `{name}` in a template with its value. Templates are ours, so a name
/// without a value is a bug that the tests catch (it stays visible as `{name}`).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// The strings of one language. Templates take `{name}` placeholders, filled by [`fill`].
#[derive(Debug)]
pub struct Messages {
    pub months: [&'static str; 12],
    pub published: &'static str,
    pub updated: &'static str,
    pub byline_prefix: &'static str,
    pub and: &'static str,
    pub credit: &'static str,
    pub related_heading: &'static str,
    pub loading_article: &'static str,
    pub loading_related: &'static str,
    pub article_failed: &'static str,
    pub related_failed: &'static str,
    pub address: &'static str,
    pub retry: &'static str,
    pub problem_network: &'static str,
    /// `{status}`, `{meaning}`.
    pub problem_status: &'static str,
    pub status_not_found: &'static str,
    pub status_forbidden: &'static str,
    pub status_server: &'static str,
    /// `{line}`, `{column}`.
    pub problem_syntax: &'static str,
    /// `{path}`, `{expected}`.
    pub problem_missing: &'static str,
    /// `{path}`, `{expected}`, `{found}`.
    pub problem_shape: &'static str,
    pub expected_text: &'static str,
    pub expected_non_blank_text: &'static str,
    pub expected_list: &'static str,
    pub expected_object: &'static str,
    pub expected_datetime: &'static str,
    pub expected_heading_level: &'static str,
    pub expected_block_type: &'static str,
    pub expected_inline_type: &'static str,
    pub expected_positive_integer: &'static str,
    pub expected_url: &'static str,
    pub expected_boolean: &'static str,
    pub found_missing: &'static str,
    pub found_boolean: &'static str,
    pub found_number: &'static str,
    pub found_text: &'static str,
    pub found_list: &'static str,
    pub found_object: &'static str,
}

static FR: Messages = Messages {
    months: [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre",
    ],
    published: "Publié le",
    updated: "Mis à jour le",
    byline_prefix: "Par",
    and: "et",
    credit: "Crédit\u{a0}: ",
    related_heading: "À lire aussi",
    loading_article: "Chargement de l’article…",
    loading_related: "Chargement des articles liés…",
    article_failed: "L’article n’a pas pu être chargé.",
    related_failed: "Les articles liés n’ont pas pu être chargés.",
    address: "Adresse\u{a0}:",
    retry: "Réessayer",
    problem_network: "Le serveur n’a pas répondu. Vérifiez votre connexion ; si le serveur est sur un autre domaine, il doit autoriser celui-ci (CORS).",
    problem_status: "Le serveur a répondu avec le code {status}{meaning}.",
    status_not_found: " : ressource introuvable",
    status_forbidden: " : accès refusé",
    status_server: " : erreur du serveur",
    problem_syntax: "La réponse n’est pas du JSON valide (ligne {line}, colonne {column}).",
    problem_missing: "Le champ {path} manque : {expected} attendu.",
    problem_shape: "Le champ {path} est invalide : {expected} attendu, {found} trouvé.",
    expected_text: "un texte",
    expected_non_blank_text: "un texte non vide",
    expected_list: "une liste",
    expected_object: "un objet",
    expected_datetime: "une date RFC 3339 (2024-10-11T14:05:00+02:00)",
    expected_heading_level: "un niveau de titre 2, 3 ou 4",
    expected_block_type: "un type de bloc (paragraph, heading, quote, list, image)",
    expected_inline_type: "un type de texte (text, emphasis, strong, link)",
    expected_positive_integer: "un entier positif",
    expected_url: "une adresse http(s), mailto ou relative",
    expected_boolean: "true ou false",
    found_missing: "rien",
    found_boolean: "un booléen",
    found_number: "un nombre",
    found_text: "un texte",
    found_list: "une liste",
    found_object: "un objet",
};

static EN: Messages = Messages {
    months: [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ],
    published: "Published",
    updated: "Updated",
    byline_prefix: "By",
    and: "and",
    credit: "Credit: ",
    related_heading: "Related stories",
    loading_article: "Loading the article…",
    loading_related: "Loading related stories…",
    article_failed: "The article could not be loaded.",
    related_failed: "Related stories could not be loaded.",
    address: "Address:",
    retry: "Try again",
    problem_network: "The server did not answer. Check your connection; if the server is on another domain, it must allow this one (CORS).",
    problem_status: "The server answered with status {status}{meaning}.",
    status_not_found: ": not found",
    status_forbidden: ": access denied",
    status_server: ": server error",
    problem_syntax: "The answer is not valid JSON (line {line}, column {column}).",
    problem_missing: "The field {path} is missing: expected {expected}.",
    problem_shape: "The field {path} is invalid: expected {expected}, found {found}.",
    expected_text: "a text",
    expected_non_blank_text: "a non-empty text",
    expected_list: "a list",
    expected_object: "an object",
    expected_datetime: "an RFC 3339 date (2024-10-11T14:05:00+02:00)",
    expected_heading_level: "a heading level 2, 3 or 4",
    expected_block_type: "a block type (paragraph, heading, quote, list, image)",
    expected_inline_type: "an inline type (text, emphasis, strong, link)",
    expected_positive_integer: "a positive integer",
    expected_url: "an http(s), mailto or relative address",
    expected_boolean: "true or false",
    found_missing: "nothing",
    found_boolean: "a boolean",
    found_number: "a number",
    found_text: "a text",
    found_list: "a list",
    found_object: "an object",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ShapeError;

    fn at(text: &str) -> DateTime {
        DateTime::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn formats_dates_per_locale() {
        let cases = [
            ("2024-10-11T14:05:00+02:00", Locale::Fr, "11 octobre 2024 à 14 h 05"),
            ("2024-10-11T14:05:00+02:00", Locale::En, "October 11, 2024, 2:05 PM"),
            ("2024-10-01T09:00:00Z", Locale::Fr, "1er octobre 2024 à 9 h 00"),
            ("2024-10-01T09:00:00Z", Locale::En, "October 1, 2024, 9:00 AM"),
            ("2025-02-03T00:07:00-05:00", Locale::Fr, "3 février 2025 à 0 h 07"),
            ("2025-02-03T00:07:00-05:00", Locale::En, "February 3, 2025, 12:07 AM"),
            ("2025-08-15T12:30:00Z", Locale::En, "August 15, 2025, 12:30 PM"),
            ("2025-08-15T12:30:00Z", Locale::Fr, "15 août 2025 à 12 h 30"),
        ];
        for (input, locale, expected) in cases {
            assert_eq!(locale.format_datetime(&at(input)), expected, "{input} {locale:?}");
        }
        assert_eq!(Locale::Fr.format_date(&at("2024-12-25T10:00:00Z")), "25 décembre 2024");
        assert_eq!(Locale::En.format_date(&at("2024-12-25T10:00:00Z")), "December 25, 2024");
    }

    #[test]
    fn negotiates_the_first_spoken_language() {
        let cases: [(&[&str], Locale); 6] = [
            (&["fr"], Locale::Fr),
            (&["", "fr-CA", "en"], Locale::Fr),
            (&["de-DE", "EN_gb"], Locale::En),
            (&["es", "FR"], Locale::Fr),
            (&["de", "it"], Locale::En),
            (&[], Locale::En),
        ];
        for (candidates, expected) in cases {
            assert_eq!(Locale::negotiate(candidates.iter().copied()), expected, "{candidates:?}");
        }
    }

    #[test]
    fn describes_every_problem_in_both_languages_without_leftover_placeholders() {
        let shape = |found| {
            Problem::Shape(ShapeError { path: "/headline".into(), expected: Expected::NonBlankText, found })
        };
        let problems = [
            (Problem::Network { detail: "TypeError: Failed to fetch".into() }, "CORS", "CORS"),
            (Problem::Status { status: 404 }, "code 404 : ressource introuvable", "status 404: not found"),
            (Problem::Status { status: 503 }, "code 503 : erreur du serveur", "status 503: server error"),
            (Problem::Status { status: 418 }, "code 418.", "status 418."),
            (
                Problem::Syntax { line: 3, column: 14, detail: "expected `,`".into() },
                "ligne 3, colonne 14",
                "line 3, column 14",
            ),
            (shape(Found::Missing), "Le champ /headline manque : un texte non vide attendu.", "The field /headline is missing: expected a non-empty text."),
            (shape(Found::Number), "un texte non vide attendu, un nombre trouvé", "expected a non-empty text, found a number"),
        ];
        for (problem, fr, en) in problems {
            let error = LoadError { url: "https://example.org/a".into(), problem };
            for (locale, needle) in [(Locale::Fr, fr), (Locale::En, en)] {
                let text = locale.describe(&error);
                assert!(text.contains(needle), "{locale:?}: {text:?} lacks {needle:?}");
                assert!(!text.contains('{'), "{locale:?}: placeholder left in {text:?}");
            }
        }
    }
}
