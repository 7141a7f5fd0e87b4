//! Every string a reader sees, one table per language, and the formatting of dates and
//! problems in that language.

use crate::comment::{FieldError, FieldProblem};
use crate::datetime::DateTime;
use crate::error::{CaptchaRefusal, EditRefusal, Expected, Found, LoadError, PostError, Problem};

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
            Problem::Timeout { seconds } => fill(m.problem_timeout, &[("seconds", &seconds.to_string())]),
            Problem::Aborted => m.problem_aborted.to_owned(),
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

    /// "0 commentaire", "1 commentaire", "2 commentaires"; "0 comments", "1 comment".
    pub fn comment_count(self, count: u64) -> String {
        let m = self.messages();
        let word = if self.is_singular(count) { m.comment_one } else { m.comment_many };
        format!("{count} {word}")
    }

    /// « 1 commentaire n’a pas pu être affiché. », "2 comments could not be shown.": the
    /// comments of a thread left out as unreadable (their details are in the console).
    pub fn skipped_comments(self, count: u64) -> String {
        let m = self.messages();
        let template = if self.is_singular(count) { m.comments_skipped_one } else { m.comments_skipped_many };
        fill(template, &[("count", &self.format_count(count))])
    }

    /// « Afficher 1 autre réponse », "Show 9,980 more replies": under a thread whose replies
    /// its page cut.
    /// The proof of work's progress while a submit waits: counters tried so far.
    pub fn proof_progress(self, tried: u64) -> String {
        let m = self.messages();
        let template = if self.is_singular(tried) { m.proof_progress_one } else { m.proof_progress_many };
        fill(template, &[("count", &self.format_count(tried))])
    }

    pub fn more_replies(self, count: u64) -> String {
        let m = self.messages();
        let template = if self.is_singular(count) { m.more_replies_one } else { m.more_replies_many };
        fill(template, &[("count", &self.format_count(count))])
    }

    /// French takes the singular for 0 and 1, English for 1 alone.
    fn is_singular(self, count: u64) -> bool {
        match self {
            Locale::Fr => count <= 1,
            Locale::En => count == 1,
        }
    }

    /// "il y a 5 minutes", "3 hours ago" for a moment in the last week; `None` when older,
    /// for which the absolute date reads better. A moment in the future (a clock ahead of
    /// the reader's) is "just now".
    pub fn relative_time(self, then: &DateTime, now_unix_seconds: i64) -> Option<String> {
        let m = self.messages();
        let elapsed = (now_unix_seconds - then.unix_seconds()).max(0);
        let (count, one, many) = match elapsed {
            0..=59 => return Some(m.just_now.to_owned()),
            60..=3_599 => (elapsed / 60, m.minute_one, m.minute_many),
            3_600..=86_399 => (elapsed / 3_600, m.hour_one, m.hour_many),
            86_400..=604_799 => (elapsed / 86_400, m.day_one, m.day_many),
            _ => return None,
        };
        let unit = if self.is_singular(count as u64) { one } else { many };
        Some(fill(m.ago, &[("count", &count.to_string()), ("unit", unit)]))
    }

    pub fn describe_field_error(self, error: &FieldError) -> String {
        use crate::comment::Field;
        let m = self.messages();
        let field = match error.field {
            Field::Name => m.label_name,
            Field::Email => m.label_email,
            Field::Website => m.label_website,
            Field::Body | Field::Captcha => m.label_body,
        };
        match (error.field, error.problem) {
            (_, FieldProblem::TooLong { max }) => {
                fill(m.field_too_long, &[("field", field), ("max", &self.format_count(max as u64))])
            }
            (_, FieldProblem::ControlCharacter) => fill(m.field_control_character, &[("field", field)]),
            (_, FieldProblem::Invisible) => fill(m.field_invisible, &[("field", field)]),
            (Field::Name, _) => m.field_name_required.to_owned(),
            (Field::Email, FieldProblem::Required) => m.field_email_required.to_owned(),
            (Field::Email, _) => m.field_email_invalid.to_owned(),
            (Field::Website, _) => m.field_website_invalid.to_owned(),
            (Field::Body, _) => m.field_body_required.to_owned(),
            (Field::Captcha, _) => m.field_captcha_required.to_owned(),
        }
    }

    /// What went wrong with a post, in a sentence that ends by saying the text is kept.
    pub fn describe_post_error(self, error: &PostError) -> String {
        let m = self.messages();
        match error {
            PostError::Fields(errors) => {
                let template = if errors.len() == 1 { m.post_fields_one } else { m.post_fields_many };
                fill(template, &[("count", &errors.len().to_string())])
            }
            PostError::Captcha(CaptchaRefusal::Wrong) => m.captcha_wrong.to_owned(),
            PostError::Captcha(CaptchaRefusal::Stale) => m.captcha_stale.to_owned(),
            PostError::Captcha(CaptchaRefusal::TooFast) => m.captcha_too_fast.to_owned(),
            PostError::RateLimited { retry_after_seconds: Some(seconds) } => {
                fill(m.post_rate_limited_for, &[("seconds", &seconds.to_string())])
            }
            PostError::RateLimited { retry_after_seconds: None } => m.post_rate_limited.to_owned(),
            PostError::Edit(EditRefusal::WindowClosed) => m.edit_window_closed.to_owned(),
            PostError::Edit(EditRefusal::HasReplies) => m.edit_has_replies.to_owned(),
            PostError::Edit(EditRefusal::NotYours) => m.edit_not_yours.to_owned(),
            PostError::Refused { message, .. } => fill(m.post_refused, &[("message", message)]),
            PostError::Failed(error) => fill(m.post_failed, &[("reason", &self.describe(error))]),
        }
    }

    /// A count with the thousands separator of the language: « 10 000 », "10,000".
    pub fn format_count(self, count: u64) -> String {
        let digits = count.to_string();
        let separator = match self {
            Locale::Fr => "\u{202f}",
            Locale::En => ",",
        };
        let mut out = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index) % 3 == 0 {
                out.push_str(separator);
            }
            out.push(digit);
        }
        out
    }

    pub(crate) fn expected(self, expected: Expected) -> &'static str {
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
            Expected::CommentStatus => m.expected_comment_status,
            Expected::DecimalString => m.expected_decimal_string,
            Expected::NonNegativeInteger => m.expected_non_negative_integer,
            Expected::JsonPointer => m.expected_json_pointer,
            Expected::FieldSpec => m.expected_field_spec,
            Expected::KnownKey => m.expected_known_key,
            Expected::DateFormat => m.expected_date_format,
            Expected::UnixTime => m.expected_unix_time,
            Expected::LocalDateTime => m.expected_local_datetime,
            Expected::Identifier => m.expected_identifier,
            Expected::MatchingItem => m.expected_matching_item,
            Expected::Placeholder => m.expected_placeholder,
            Expected::AltchaPlaceholder => m.expected_altcha_placeholder,
            Expected::PagingRule => m.expected_paging_rule,
            Expected::Scalar => m.expected_scalar,
            Expected::Hex => m.expected_hex,
            Expected::ProofOfWorkAlgorithm => m.expected_proof_of_work_algorithm,
            Expected::KeyLength => m.expected_key_length,
        }
    }

    pub(crate) fn found(self, found: &Found) -> String {
        let m = self.messages();
        match found {
            Found::Missing => m.found_missing.to_owned(),
            Found::Null => fill(m.found_value, &[("value", "null")]),
            Found::Boolean => m.found_boolean.to_owned(),
            Found::Number => m.found_number.to_owned(),
            Found::Text => m.found_text.to_owned(),
            Found::List => m.found_list.to_owned(),
            Found::Object => m.found_object.to_owned(),
            Found::Value(value) => fill(m.found_value, &[("value", value)]),
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

/// A reader's name (or any text of theirs) as a bidi isolate, for a sentence around it:
/// between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, its right-to-left letters and
/// its own overrides cannot reorder the words after it.
pub fn isolate(text: &str) -> String {
    format!("\u{2068}{text}\u{2069}")
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
    /// `{seconds}`.
    pub problem_timeout: &'static str,
    pub problem_aborted: &'static str,
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
    // What was expected and what was found, as `problem_missing` and `problem_shape` put
    // them: in English after "expected" and "found"; in French with the participle, which
    // agrees with the noun (« une liste attendue », « un nombre trouvé »).
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
    pub expected_comment_status: &'static str,
    pub expected_decimal_string: &'static str,
    pub expected_non_negative_integer: &'static str,
    pub expected_json_pointer: &'static str,
    pub expected_field_spec: &'static str,
    pub expected_known_key: &'static str,
    pub expected_date_format: &'static str,
    pub expected_unix_time: &'static str,
    pub expected_local_datetime: &'static str,
    pub expected_identifier: &'static str,
    pub expected_matching_item: &'static str,
    pub expected_placeholder: &'static str,
    pub expected_altcha_placeholder: &'static str,
    pub expected_paging_rule: &'static str,
    pub expected_scalar: &'static str,
    pub expected_hex: &'static str,
    pub expected_proof_of_work_algorithm: &'static str,
    pub expected_key_length: &'static str,
    pub found_missing: &'static str,
    pub found_boolean: &'static str,
    pub found_number: &'static str,
    pub found_text: &'static str,
    pub found_list: &'static str,
    pub found_object: &'static str,
    /// `{value}`: a value quoted as found, or `null`.
    pub found_value: &'static str,
    pub comments_heading: &'static str,
    pub comment_one: &'static str,
    pub comment_many: &'static str,
    pub comments_empty: &'static str,
    pub comments_closed: &'static str,
    pub comments_failed: &'static str,
    /// `{count}`.
    pub comments_skipped_one: &'static str,
    pub comments_skipped_many: &'static str,
    pub loading_comments: &'static str,
    pub order_label: &'static str,
    pub order_oldest: &'static str,
    pub order_newest: &'static str,
    pub load_more: &'static str,
    pub loading_more: &'static str,
    /// On a server-rendered form, for readers whose browser runs no script.
    pub needs_javascript: &'static str,
    pub more_failed: &'static str,
    /// `{count}`: replies of a thread not shown yet.
    pub more_replies_one: &'static str,
    pub more_replies_many: &'static str,
    pub replies_failed: &'static str,
    pub reply: &'static str,
    pub reply_to: &'static str,
    pub in_reply_to: &'static str,
    pub awaiting_moderation: &'static str,
    pub posted: &'static str,
    pub form_heading: &'static str,
    pub reply_heading: &'static str,
    pub cancel_reply: &'static str,
    /// After the date of a comment its author changed; `edited_at` its title, `{date}`.
    pub edited: &'static str,
    pub edited_at: &'static str,
    /// In place of the author and text of a deleted comment kept for its replies.
    pub comment_deleted: &'static str,
    /// The author's own comment, while they may change it.
    pub edit: &'static str,
    pub edit_label: &'static str,
    pub delete: &'static str,
    pub delete_label: &'static str,
    pub delete_confirm: &'static str,
    pub delete_yes: &'static str,
    pub cancel: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub edit_window_closed: &'static str,
    pub edit_has_replies: &'static str,
    pub edit_not_yours: &'static str,
    pub required: &'static str,
    pub optional: &'static str,
    pub label_name: &'static str,
    pub label_email: &'static str,
    pub email_hint: &'static str,
    pub label_website: &'static str,
    pub label_body: &'static str,
    pub characters: &'static str,
    pub captcha_label: &'static str,
    pub captcha_hint: &'static str,
    pub captcha_new: &'static str,
    pub remember_me: &'static str,
    pub notify_replies: &'static str,
    pub forget_me: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    /// The proof of work being searched for while a submit waits; `{count}` keys tried.
    pub proof_progress_one: &'static str,
    pub proof_progress_many: &'static str,
    pub proof_failed: &'static str,
    pub draft_restored: &'static str,
    pub field_name_required: &'static str,
    pub field_email_required: &'static str,
    pub field_email_invalid: &'static str,
    pub field_website_invalid: &'static str,
    pub field_body_required: &'static str,
    pub field_captcha_required: &'static str,
    pub field_too_long: &'static str,
    /// `{field}`: a name or a body holding a control character.
    pub field_control_character: &'static str,
    /// `{field}`: a name or a body of invisible characters alone.
    pub field_invisible: &'static str,
    pub post_fields_one: &'static str,
    pub post_fields_many: &'static str,
    pub captcha_wrong: &'static str,
    pub captcha_stale: &'static str,
    pub captcha_too_fast: &'static str,
    pub post_rate_limited: &'static str,
    pub post_rate_limited_for: &'static str,
    pub post_refused: &'static str,
    pub post_failed: &'static str,
    pub just_now: &'static str,
    pub ago: &'static str,
    pub minute_one: &'static str,
    pub minute_many: &'static str,
    pub hour_one: &'static str,
    pub hour_many: &'static str,
    pub day_one: &'static str,
    pub day_many: &'static str,
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
    problem_timeout: "Le serveur n’a pas répondu dans les {seconds} secondes.",
    problem_aborted: "La requête a été annulée.",
    problem_status: "Le serveur a répondu avec le code {status}{meaning}.",
    status_not_found: " : ressource introuvable",
    status_forbidden: " : accès refusé",
    status_server: " : erreur du serveur",
    problem_syntax: "La réponse n’est pas du JSON valide (ligne {line}, colonne {column}).",
    problem_missing: "Le champ {path} manque : {expected}.",
    problem_shape: "Le champ {path} est invalide : {expected}, {found}.",
    expected_text: "un texte attendu",
    expected_non_blank_text: "un texte non vide attendu",
    expected_list: "une liste attendue",
    expected_object: "un objet attendu",
    expected_datetime: "une date RFC 3339 attendue (2024-10-11T14:05:00+02:00)",
    expected_heading_level: "un niveau de titre 2, 3 ou 4 attendu",
    expected_block_type: "un type de bloc attendu (paragraph, heading, quote, list, image)",
    expected_inline_type: "un type de texte attendu (text, emphasis, strong, link)",
    expected_positive_integer: "un entier positif attendu",
    expected_url: "une adresse http(s), mailto ou relative attendue",
    expected_boolean: "true ou false attendu",
    expected_comment_status: "un statut de commentaire attendu (published, pending)",
    expected_decimal_string: "un entier positif écrit en chiffres entre guillemets attendu",
    expected_non_negative_integer: "un entier positif ou nul attendu",
    expected_json_pointer: "un pointeur JSON attendu, comme /title/rendered (ou \"\" pour tout le document)",
    expected_field_spec: "un champ attendu : un pointeur JSON, un objet avec « at » ou une liste de ceux-ci",
    expected_known_key: "une clé connue à cet endroit de la correspondance attendue (voir docs/mapping.md)",
    expected_date_format: "un format de date attendu (auto, rfc3339, naive_utc, unix_seconds, unix_ms)",
    expected_unix_time: "une date Unix attendue (secondes ou millisecondes depuis 1970)",
    expected_local_datetime: "une heure locale sans décalage attendue (2024-10-11T14:05:00), à moins d’un jour de son heure UTC, en minutes entières",
    expected_identifier: "un identifiant attendu (texte non vide ou entier)",
    expected_matching_item: "un élément attendu pour l’article demandé",
    expected_placeholder: "un paramètre entre accolades connu à cet endroit attendu (voir docs/mapping.md), éventuellement suivi de :number",
    expected_altcha_placeholder: "un paramètre {altcha} attendu dans l’envoi, pour la réponse",
    expected_paging_rule: "un objet attendu avec page_count ou next_cursor, pas les deux",
    expected_scalar: "un texte, un nombre, true, false ou null attendu",
    expected_hex: "des octets en hexadécimal attendus, deux chiffres chacun",
    expected_proof_of_work_algorithm: "un algorithme de preuve de travail connu attendu (SHA-256, PBKDF2/SHA-256)",
    expected_key_length: "une longueur de clé que l’algorithme donne attendue (32 octets au plus pour SHA-256, 64 pour PBKDF2)",
    found_missing: "rien trouvé",
    found_boolean: "un booléen trouvé",
    found_number: "un nombre trouvé",
    found_text: "un texte trouvé",
    found_list: "une liste trouvée",
    found_object: "un objet trouvé",
    found_value: "{value} trouvé",
    comments_heading: "Commentaires",
    comment_one: "commentaire",
    comment_many: "commentaires",
    comments_empty: "Aucun commentaire pour l’instant. Soyez le premier à donner votre avis !",
    comments_closed: "Les commentaires sont fermés.",
    comments_failed: "Les commentaires n’ont pas pu être chargés.",
    comments_skipped_one: "{count} commentaire n’a pas pu être affiché.",
    comments_skipped_many: "{count} commentaires n’ont pas pu être affichés.",
    loading_comments: "Chargement des commentaires…",
    order_label: "Ordre",
    order_oldest: "Plus anciens d’abord",
    order_newest: "Plus récents d’abord",
    load_more: "Afficher plus de commentaires",
    loading_more: "Chargement…",
    needs_javascript: "Pour commenter, activez JavaScript.",
    more_failed: "Les commentaires suivants n’ont pas pu être chargés.",
    more_replies_one: "Afficher {count} autre réponse",
    more_replies_many: "Afficher {count} autres réponses",
    replies_failed: "Les réponses suivantes n’ont pas pu être chargées.",
    reply: "Répondre",
    reply_to: "Répondre à {author}",
    in_reply_to: "en réponse à {author}",
    awaiting_moderation: "Votre commentaire est en attente de modération : il sera visible de tous une fois validé.",
    posted: "Merci ! Votre commentaire est publié.",
    form_heading: "Laisser un commentaire",
    reply_heading: "Répondre à {author}",
    cancel_reply: "Annuler la réponse",
    edited: "modifié",
    edited_at: "Modifié le {date}",
    comment_deleted: "Commentaire supprimé",
    edit: "Modifier",
    edit_label: "Modifier votre commentaire",
    delete: "Supprimer",
    delete_label: "Supprimer votre commentaire",
    delete_confirm: "Supprimer ce commentaire ?",
    delete_yes: "Oui, supprimer",
    cancel: "Annuler",
    save: "Enregistrer",
    saving: "Enregistrement…",
    edit_window_closed: "Le délai pour modifier ou supprimer ce commentaire est passé. Votre texte est conservé.",
    edit_has_replies: "Quelqu’un a répondu à ce commentaire : il ne peut plus être modifié, seulement supprimé. Votre texte est conservé.",
    edit_not_yours: "Ce commentaire ne peut plus être modifié depuis ce navigateur. Votre texte est conservé.",
    required: "obligatoire",
    optional: "facultatif",
    label_name: "Nom",
    label_email: "E-mail",
    email_hint: "Votre adresse ne sera jamais publiée.",
    label_website: "Site web",
    label_body: "Commentaire",
    characters: "{count} / {max} caractères",
    captcha_label: "Question anti-robot : {question}",
    captcha_hint: "Répondez en chiffres ou en lettres.",
    captcha_new: "Nouvelle question",
    remember_me: "Se souvenir de moi sur ce navigateur",
    notify_replies: "Me prévenir par e-mail des réponses",
    forget_me: "Oublier mes informations",
    submit: "Publier le commentaire",
    submitting: "Envoi en cours…",
    proof_progress_one: "Vérification anti-spam… {count} essai",
    proof_progress_many: "Vérification anti-spam… {count} essais",
    proof_failed: "La vérification anti-spam n’a pas pu se faire dans ce navigateur. Envoyez à nouveau pour réessayer ; votre texte est conservé.",
    draft_restored: "Votre brouillon a été restauré.",
    field_name_required: "Indiquez votre nom.",
    field_email_required: "Indiquez votre adresse e-mail.",
    field_email_invalid: "L’adresse e-mail n’est pas valide (exemple : nom@domaine.fr).",
    field_website_invalid: "Le site web doit être une adresse commençant par http:// ou https://.",
    field_body_required: "Écrivez votre commentaire.",
    field_captcha_required: "Répondez à la question anti-robot.",
    field_too_long: "{field} : {max} caractères au plus.",
    field_control_character: "{field} : retirez les caractères de contrôle (invisibles), qui ne sont pas acceptés.",
    field_invisible: "{field} : au moins un caractère visible est nécessaire.",
    post_fields_one: "Le formulaire contient une erreur : corrigez-la puis envoyez à nouveau.",
    post_fields_many: "Le formulaire contient {count} erreurs : corrigez-les puis envoyez à nouveau.",
    captcha_wrong: "Ce n’est pas la bonne réponse à la question anti-robot. Voici une nouvelle question ; votre texte est conservé.",
    captcha_stale: "La question anti-robot a expiré. Voici une nouvelle question ; votre texte est conservé.",
    captcha_too_fast: "Envoi trop rapide. Relisez votre commentaire puis envoyez-le à nouveau ; votre texte est conservé.",
    post_rate_limited: "Trop de commentaires envoyés en peu de temps. Réessayez dans un moment ; votre texte est conservé.",
    post_rate_limited_for: "Trop de commentaires envoyés en peu de temps. Réessayez dans {seconds} secondes ; votre texte est conservé.",
    post_refused: "Le serveur a refusé le commentaire : {message} Votre texte est conservé.",
    post_failed: "Votre commentaire n’a pas été envoyé. {reason} Votre texte est conservé : réessayez.",
    just_now: "à l’instant",
    ago: "il y a {count} {unit}",
    minute_one: "minute",
    minute_many: "minutes",
    hour_one: "heure",
    hour_many: "heures",
    day_one: "jour",
    day_many: "jours",
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
    problem_timeout: "The server did not answer within {seconds} seconds.",
    problem_aborted: "The request was cancelled.",
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
    expected_comment_status: "a comment status (published, pending)",
    expected_decimal_string: "an unsigned integer written in digits between quotes",
    expected_non_negative_integer: "a non-negative integer",
    expected_json_pointer: "a JSON Pointer such as /title/rendered (or \"\" for the whole document)",
    expected_field_spec: "a field: a JSON Pointer, an object with \"at\", or a list of them",
    expected_known_key: "a key known in this part of the mapping (see docs/mapping.md)",
    expected_date_format: "a date format (auto, rfc3339, naive_utc, unix_seconds, unix_ms)",
    expected_unix_time: "a Unix time (seconds or milliseconds since 1970)",
    expected_local_datetime: "a local time without offset (2024-10-11T14:05:00), less than a day from its UTC time in whole minutes",
    expected_identifier: "an id (a non-empty text or an integer)",
    expected_matching_item: "an element for the requested article",
    expected_placeholder: "a placeholder in braces known here (see docs/mapping.md), optionally followed by :number",
    expected_altcha_placeholder: "an {altcha} placeholder in the post, for its answer",
    expected_paging_rule: "an object with either page_count or next_cursor, not both",
    expected_scalar: "a text, a number, true, false or null",
    expected_hex: "bytes in hexadecimal, two digits each",
    expected_proof_of_work_algorithm: "a known proof-of-work algorithm (SHA-256, PBKDF2/SHA-256)",
    expected_key_length: "a key length the algorithm gives (at most 32 bytes for SHA-256, 64 for PBKDF2)",
    found_missing: "nothing",
    found_boolean: "a boolean",
    found_number: "a number",
    found_text: "a text",
    found_list: "a list",
    found_object: "an object",
    found_value: "{value}",
    comments_heading: "Comments",
    comment_one: "comment",
    comment_many: "comments",
    comments_empty: "No comments yet. Be the first to share your thoughts!",
    comments_closed: "Comments are closed.",
    comments_failed: "Comments could not be loaded.",
    comments_skipped_one: "{count} comment could not be shown.",
    comments_skipped_many: "{count} comments could not be shown.",
    loading_comments: "Loading comments…",
    order_label: "Order",
    order_oldest: "Oldest first",
    order_newest: "Newest first",
    load_more: "Show more comments",
    loading_more: "Loading…",
    needs_javascript: "Commenting needs JavaScript.",
    more_failed: "The next comments could not be loaded.",
    more_replies_one: "Show {count} more reply",
    more_replies_many: "Show {count} more replies",
    replies_failed: "The next replies could not be loaded.",
    reply: "Reply",
    reply_to: "Reply to {author}",
    in_reply_to: "in reply to {author}",
    awaiting_moderation: "Your comment is awaiting moderation: everyone will see it once approved.",
    posted: "Thank you! Your comment is published.",
    form_heading: "Leave a comment",
    reply_heading: "Reply to {author}",
    cancel_reply: "Cancel reply",
    edited: "edited",
    edited_at: "Edited {date}",
    comment_deleted: "Comment deleted",
    edit: "Edit",
    edit_label: "Edit your comment",
    delete: "Delete",
    delete_label: "Delete your comment",
    delete_confirm: "Delete this comment?",
    delete_yes: "Yes, delete",
    cancel: "Cancel",
    save: "Save",
    saving: "Saving…",
    edit_window_closed: "The time to edit or delete this comment is over. Your text is kept.",
    edit_has_replies: "Someone has replied to this comment: it can no longer be edited, only deleted. Your text is kept.",
    edit_not_yours: "This comment can no longer be changed from this browser. Your text is kept.",
    required: "required",
    optional: "optional",
    label_name: "Name",
    label_email: "Email",
    email_hint: "Your address will never be published.",
    label_website: "Website",
    label_body: "Comment",
    characters: "{count} / {max} characters",
    captcha_label: "Anti-robot question: {question}",
    captcha_hint: "Answer in digits or words.",
    captcha_new: "New question",
    remember_me: "Remember me on this browser",
    notify_replies: "Email me when someone replies",
    forget_me: "Forget my details",
    submit: "Post comment",
    submitting: "Sending…",
    proof_progress_one: "Anti-spam check… {count} try",
    proof_progress_many: "Anti-spam check… {count} tries",
    proof_failed: "The anti-spam check could not run in this browser. Send again to try once more; your text is kept.",
    draft_restored: "Your draft was restored.",
    field_name_required: "Enter your name.",
    field_email_required: "Enter your email address.",
    field_email_invalid: "The email address is not valid (example: name@domain.com).",
    field_website_invalid: "The website must be an address starting with http:// or https://.",
    field_body_required: "Write your comment.",
    field_captcha_required: "Answer the anti-robot question.",
    field_too_long: "{field}: {max} characters at most.",
    field_control_character: "{field}: remove the control characters (invisible ones), which are not accepted.",
    field_invisible: "{field}: at least one visible character is needed.",
    post_fields_one: "The form has one error: fix it and send again.",
    post_fields_many: "The form has {count} errors: fix them and send again.",
    captcha_wrong: "That is not the right answer to the anti-robot question. Here is a new question; your text is kept.",
    captcha_stale: "The anti-robot question expired. Here is a new one; your text is kept.",
    captcha_too_fast: "Sent too quickly. Read your comment over, then send it again; your text is kept.",
    post_rate_limited: "Too many comments in a short time. Try again in a moment; your text is kept.",
    post_rate_limited_for: "Too many comments in a short time. Try again in {seconds} seconds; your text is kept.",
    post_refused: "The server refused the comment: {message} Your text is kept.",
    post_failed: "Your comment was not sent. {reason} Your text is kept: try again.",
    just_now: "just now",
    ago: "{count} {unit} ago",
    minute_one: "minute",
    minute_many: "minutes",
    hour_one: "hour",
    hour_many: "hours",
    day_one: "day",
    day_many: "days",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comment::Field;
    use crate::error::ShapeError;

    #[test]
    fn counts_take_each_language_s_plural() {
        let cases = [(0, "0 commentaire", "0 comments"), (1, "1 commentaire", "1 comment"), (2, "2 commentaires", "2 comments")];
        for (count, fr, en) in cases {
            assert_eq!((Locale::Fr.comment_count(count).as_str(), Locale::En.comment_count(count).as_str()), (fr, en));
        }
        assert_eq!(Locale::Fr.format_count(10_000), "10\u{202f}000");
        assert_eq!(Locale::Fr.more_replies(1), "Afficher 1 autre réponse");
        assert_eq!(Locale::Fr.more_replies(9_980), "Afficher 9\u{202f}980 autres réponses");
        assert_eq!((Locale::En.more_replies(1).as_str(), Locale::En.more_replies(2).as_str()), ("Show 1 more reply", "Show 2 more replies"));
        assert_eq!((Locale::Fr.proof_progress(0).as_str(), Locale::Fr.proof_progress(1_234).as_str()), ("Vérification anti-spam… 0 essai", "Vérification anti-spam… 1\u{202f}234 essais"));
        assert_eq!((Locale::En.proof_progress(0).as_str(), Locale::En.proof_progress(1).as_str()), ("Anti-spam check… 0 tries", "Anti-spam check… 1 try"));
        assert_eq!(Locale::En.format_count(1_234_567), "1,234,567");
        assert_eq!(Locale::En.format_count(999), "999");
    }

    #[test]
    fn recent_moments_are_relative() {
        let then = at("2024-10-11T14:00:00+02:00");
        let now = then.unix_seconds();
        let cases = [
            (-30, Some("à l’instant"), Some("just now")),
            (59, Some("à l’instant"), Some("just now")),
            (60, Some("il y a 1 minute"), Some("1 minute ago")),
            (150, Some("il y a 2 minutes"), Some("2 minutes ago")),
            (3_600, Some("il y a 1 heure"), Some("1 hour ago")),
            (86_400 * 2, Some("il y a 2 jours"), Some("2 days ago")),
            (86_400 * 7, None, None),
        ];
        for (elapsed, fr, en) in cases {
            assert_eq!(Locale::Fr.relative_time(&then, now + elapsed).as_deref(), fr, "{elapsed}");
            assert_eq!(Locale::En.relative_time(&then, now + elapsed).as_deref(), en, "{elapsed}");
        }
    }

    #[test]
    fn post_errors_say_the_text_is_kept() {
        let errors = [
            PostError::Fields(vec![FieldError { field: Field::Name, problem: FieldProblem::Required }]),
            PostError::Captcha(CaptchaRefusal::Wrong),
            PostError::Captcha(CaptchaRefusal::Stale),
            PostError::Captcha(CaptchaRefusal::TooFast),
            PostError::RateLimited { retry_after_seconds: Some(30) },
            PostError::RateLimited { retry_after_seconds: None },
            PostError::Refused { status: 409, code: "duplicate".into(), message: "Duplicate comment.".into() },
            PostError::Failed(LoadError { url: "u".into(), problem: Problem::Timeout { seconds: 15 } }),
            PostError::Edit(EditRefusal::WindowClosed),
            PostError::Edit(EditRefusal::HasReplies),
            PostError::Edit(EditRefusal::NotYours),
        ];
        for error in &errors[1..] {
            for (locale, kept) in [(Locale::Fr, "texte est conservé"), (Locale::En, "text is kept")] {
                let text = locale.describe_post_error(error);
                assert!(text.contains(kept) && !text.contains('{'), "{text}");
            }
        }
        assert_eq!(Locale::Fr.describe_post_error(&errors[0]), "Le formulaire contient une erreur : corrigez-la puis envoyez à nouveau.");
        assert!(Locale::En.describe_post_error(&errors[4]).contains("30 seconds"));
        assert!(Locale::Fr.describe_post_error(&errors[7]).contains("dans les 15 secondes"));
    }

    #[test]
    fn field_errors_name_the_field_and_the_limit() {
        let too_long = FieldError { field: Field::Body, problem: FieldProblem::TooLong { max: 10_000 } };
        assert_eq!(Locale::Fr.describe_field_error(&too_long), "Commentaire : 10\u{202f}000 caractères au plus.");
        assert_eq!(Locale::En.describe_field_error(&too_long), "Comment: 10,000 characters at most.");
        let control = FieldError { field: Field::Name, problem: FieldProblem::ControlCharacter };
        assert_eq!(
            Locale::Fr.describe_field_error(&control),
            "Nom : retirez les caractères de contrôle (invisibles), qui ne sont pas acceptés."
        );
        assert!(Locale::En.describe_field_error(&control).starts_with("Name: remove the control characters"));
        let invisible = FieldError { field: Field::Body, problem: FieldProblem::Invisible };
        assert_eq!(Locale::Fr.describe_field_error(&invisible), "Commentaire : au moins un caractère visible est nécessaire.");
        assert_eq!(Locale::En.describe_field_error(&invisible), "Comment: at least one visible character is needed.");
        let invalid = FieldError { field: Field::Email, problem: FieldProblem::InvalidEmail };
        assert!(Locale::En.describe_field_error(&invalid).starts_with("The email address is not valid"));
    }

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
    fn french_participles_agree_with_what_was_expected_and_found() {
        let describe = |expected, found| {
            let problem = Problem::Shape(ShapeError { path: "/x".into(), expected, found });
            Locale::Fr.describe(&LoadError { url: "https://example.org/a".into(), problem })
        };
        let quoted = |value: &str| Found::Value(format!("\"{value}\""));
        let cases = [
            (Expected::Url, Found::List, "Le champ /x est invalide : une adresse http(s), mailto ou relative attendue, une liste trouvée."),
            (Expected::List, Found::Object, "Le champ /x est invalide : une liste attendue, un objet trouvé."),
            (
                Expected::DateTime,
                quoted("hier"),
                "Le champ /x est invalide : une date RFC 3339 attendue (2024-10-11T14:05:00+02:00), \"hier\" trouvé.",
            ),
            (Expected::UnixTime, Found::Null, "Le champ /x est invalide : une date Unix attendue (secondes ou millisecondes depuis 1970), null trouvé."),
            (
                Expected::KnownKey,
                quoted("headlin"),
                "Le champ /x est invalide : une clé connue à cet endroit de la correspondance attendue (voir docs/mapping.md), \"headlin\" trouvé.",
            ),
            (Expected::Scalar, Found::Boolean, "Le champ /x est invalide : un texte, un nombre, true, false ou null attendu, un booléen trouvé."),
            (Expected::Object, Found::Missing, "Le champ /x manque : un objet attendu."),
            (Expected::NonBlankText, Found::Text, "Le champ /x est invalide : un texte non vide attendu, un texte trouvé."),
        ];
        for (expected, found, text) in cases {
            assert_eq!(describe(expected, found), text);
        }
        // Every phrase: « une … » takes « attendue » or « trouvée », any other « attendu » or « trouvé ».
        let expected = [
            Expected::Text, Expected::NonBlankText, Expected::List, Expected::Object, Expected::DateTime, Expected::HeadingLevel,
            Expected::BlockType, Expected::InlineType, Expected::PositiveInteger, Expected::Url, Expected::Boolean,
            Expected::CommentStatus, Expected::DecimalString, Expected::NonNegativeInteger, Expected::JsonPointer,
            Expected::FieldSpec, Expected::KnownKey, Expected::DateFormat, Expected::UnixTime, Expected::LocalDateTime, Expected::Identifier,
            Expected::MatchingItem, Expected::Placeholder, Expected::AltchaPlaceholder, Expected::PagingRule, Expected::Scalar, Expected::Hex,
            Expected::ProofOfWorkAlgorithm, Expected::KeyLength,
        ];
        let found = [Found::Missing, Found::Null, Found::Boolean, Found::Number, Found::Text, Found::List, Found::Object, quoted("x")];
        let phrases = expected
            .into_iter()
            .map(|e| (Locale::Fr.expected(e).to_owned(), "attendu"))
            .chain(found.iter().map(|found| (Locale::Fr.found(found), "trouvé")));
        for (phrase, participle) in phrases {
            let feminine = format!("{participle}e");
            let agrees = if phrase.starts_with("une ") { phrase.contains(&feminine) } else { phrase.contains(participle) && !phrase.contains(&feminine) };
            assert!(agrees, "{phrase}");
        }
    }

    #[test]
    fn comments_left_out_are_counted_in_each_language() {
        let cases = [
            (1, "1 commentaire n’a pas pu être affiché.", "1 comment could not be shown."),
            (2, "2 commentaires n’ont pas pu être affichés.", "2 comments could not be shown."),
            (1_200, "1\u{202f}200 commentaires n’ont pas pu être affichés.", "1,200 comments could not be shown."),
        ];
        for (count, fr, en) in cases {
            assert_eq!((Locale::Fr.skipped_comments(count).as_str(), Locale::En.skipped_comments(count).as_str()), (fr, en));
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
            (Problem::Aborted, "annulée", "cancelled"),
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
