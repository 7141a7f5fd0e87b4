//! Comments: the model a thread is made of, and the validation of a new comment, with the
//! same rules in the browser (every error at once, bound to its field) and on the server.

use crate::datetime::DateTime;
use crate::url::SafeUrl;

pub const NAME_MAX_CHARS: usize = 100;
/// RFC 5321's limit on a forward path.
pub const EMAIL_MAX_CHARS: usize = 254;
pub const WEBSITE_MAX_CHARS: usize = 2_000;
pub const BODY_MAX_CHARS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: String,
    /// The comment this one answers, in the same article.
    pub parent: Option<String>,
    pub author: String,
    pub website: Option<SafeUrl>,
    /// Plain text; line breaks are the author's.
    pub body: String,
    pub created: DateTime,
    /// When its author (or a moderator) last changed it; `None` if never.
    pub edited: Option<DateTime>,
    pub status: CommentStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentStatus {
    Published,
    /// Held for moderation: shown to its author only.
    Pending,
    /// Deleted by its author, kept as a placeholder (no author, no text) so that its
    /// replies keep their place in the thread.
    Deleted,
}

impl CommentStatus {
    pub fn code(self) -> &'static str {
        match self {
            CommentStatus::Published => "published",
            CommentStatus::Pending => "pending",
            CommentStatus::Deleted => "deleted",
        }
    }

    pub fn from_code(code: &str) -> Option<CommentStatus> {
        match code {
            "published" => Some(CommentStatus::Published),
            "pending" => Some(CommentStatus::Pending),
            "deleted" => Some(CommentStatus::Deleted),
            _ => None,
        }
    }
}

/// What the author of a comment just posted may do with it: the secret that lets them
/// edit or delete it (which only they hold), until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ownership {
    pub secret: String,
    pub editable_until: DateTime,
}

/// A comment as its post's answer gives it: with its author's [`Ownership`] when the
/// backend lets authors change their comments.
#[derive(Clone, Debug, PartialEq)]
pub struct PostedComment {
    pub comment: Comment,
    pub ownership: Option<Ownership>,
}

impl From<Comment> for PostedComment {
    fn from(comment: Comment) -> Self {
        PostedComment { comment, ownership: None }
    }
}

/// One page of a thread, as a backend sends it.
#[derive(Clone, Debug, PartialEq)]
pub struct CommentPage {
    /// Published comments in the article, replies included, as the backend counts them:
    /// those left out as unreadable too.
    pub total: u64,
    /// Flat, each with its parent; see [`crate::thread::build`].
    pub comments: Vec<Comment>,
    /// Comments of this page that could not be read and are left out (the decoder's
    /// warnings say why).
    pub skipped: u64,
    /// Where the next page is, if there is one.
    pub next: Option<String>,
    /// The threads of this page whose replies were cut (a server bounds a page's size): how
    /// many are not in it, and where they go on. Empty for APIs that send every reply.
    pub more_replies: Vec<MoreReplies>,
}

/// Replies of one comment that its page left out, fetched a page at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoreReplies {
    /// The comment whose replies (at any depth) these are.
    pub root: String,
    /// How many are not shown yet.
    pub count: u64,
    /// Where they go on, after the last one sent; `None`: from the first.
    pub cursor: Option<String>,
}

/// What a reader typed, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentDraft {
    pub name: String,
    pub email: String,
    pub website: String,
    pub body: String,
}

/// A draft that passed [`validate`]: trimmed, within limits, website safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidComment {
    pub name: String,
    pub email: String,
    pub website: Option<SafeUrl>,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Email,
    Website,
    Body,
    Captcha,
}

impl Field {
    /// The field's name in the API (`error.field`) and in form controls.
    pub fn code(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Email => "email",
            Field::Website => "website",
            Field::Body => "body",
            Field::Captcha => "captcha",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        [Field::Name, Field::Email, Field::Website, Field::Body, Field::Captcha].into_iter().find(|f| f.code() == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong { max: usize },
    InvalidEmail,
    /// Not an absolute http(s) URL.
    InvalidWebsite,
    /// Holds a control character (C0, DEL or C1; see [`validate`] for the ones a body may hold).
    ControlCharacter,
    /// Made only of characters that show nothing: spaces, zero-width characters and joiners,
    /// bidi marks and overrides, variation selectors, other default-ignorables.
    Invisible,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub problem: FieldProblem,
}

/// Checks every field and reports every problem at once, in form order.
///
/// Names and bodies refuse control characters ([`FieldProblem::ControlCharacter`]): they can
/// end a line in a log or a mail, hide text, or reach a terminal. A body may hold line feeds,
/// carriage returns (`\r\n` as forms send them) and tabs, which the views show as line
/// breaks and spaces; a name is one line and holds none. Both refuse a text made only of
/// characters that show nothing ([`FieldProblem::Invisible`]), which would pass for no name
/// (or no comment) while counting as one. Bidi controls inside a visible text are allowed
/// (right-to-left names need them): the views isolate each name and text, so that one cannot
/// reorder the rest of the thread.
pub fn validate(draft: &CommentDraft) -> Result<ValidComment, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |field, problem: Option<FieldProblem>| {
        if let Some(problem) = problem {
            errors.push(FieldError { field, problem });
        }
    };
    let name = draft.name.trim();
    check(Field::Name, text_problem(name, NAME_MAX_CHARS, |c| c.is_control()));
    let email = draft.email.trim();
    check(Field::Email, required_within(email, EMAIL_MAX_CHARS).or((!is_email(email)).then_some(FieldProblem::InvalidEmail)));
    let website = draft.website.trim();
    let safe_website = website_url(website);
    if !website.is_empty() {
        check(
            Field::Website,
            too_long(website, WEBSITE_MAX_CHARS).or(safe_website.is_none().then_some(FieldProblem::InvalidWebsite)),
        );
    }
    let body = validate_body(&draft.body);
    check(Field::Body, body.as_ref().err().copied());
    if errors.is_empty() {
        let body = body.unwrap_or_default();
        Ok(ValidComment { name: name.to_owned(), email: email.to_owned(), website: safe_website, body })
    } else {
        Err(errors)
    }
}

/// A comment's text as posted or edited: trimmed at its ends (it keeps its inner line
/// breaks), or its first problem.
pub fn validate_body(body: &str) -> Result<String, FieldProblem> {
    let body = body.trim();
    match text_problem(body, BODY_MAX_CHARS, |c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Some(problem) => Err(problem),
        None => Ok(body.to_owned()),
    }
}

fn required_within(text: &str, max: usize) -> Option<FieldProblem> {
    if text.is_empty() { Some(FieldProblem::Required) } else { too_long(text, max) }
}

/// A name's or a body's first problem: missing, a character `refused`, nothing visible, too long.
fn text_problem(text: &str, max: usize, refused: impl Fn(char) -> bool) -> Option<FieldProblem> {
    if text.is_empty() {
        Some(FieldProblem::Required)
    } else if text.chars().any(refused) {
        Some(FieldProblem::ControlCharacter)
    } else if text.chars().all(is_invisible) {
        Some(FieldProblem::Invisible)
    } else {
        too_long(text, max)
    }
}

/// Whether a character shows nothing by itself: white space, Unicode's
/// Default_Ignorable_Code_Point (soft hyphen, zero-width spaces and joiners, bidi marks,
/// embeddings, overrides and isolates, variation selectors, Hangul fillers, tags…), and the
/// blank Braille pattern, which fonts draw empty.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{AD}'
                | '\u{34F}'
                | '\u{61C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

fn too_long(text: &str, max: usize) -> Option<FieldProblem> {
    (text.chars().count() > max).then_some(FieldProblem::TooLong { max })
}

/// A deliberately plain check (`local@domain.tld`, no spaces): the only real test of an
/// address is mail, and rejecting a valid one loses a reader's comment.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else { return false };
    let labels_ok = domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    !local.is_empty()
        && domain.contains('.')
        && labels_ok
        && !text.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','))
}

/// A commenter's website must be an absolute http(s) URL with a host.
fn website_url(text: &str) -> Option<SafeUrl> {
    let lower = text.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || text.chars().any(char::is_whitespace) {
        return None;
    }
    SafeUrl::parse(text)
}

/// A name, a body, and the problems [`validate`] finds in them, field by field.
#[cfg(any(test, feature = "checks"))]
pub type HostileText = (&'static str, &'static str, &'static [(Field, FieldProblem)]);

/// Hostile names and bodies, each with the problems [`validate`] finds in it (name first, as
/// in the form): control characters, texts of invisible characters, and bidi overrides,
/// which are allowed (the views isolate them). Shared by the core's tests and the reference
/// server's (`server/tests/api.rs`, over HTTP), so that both refuse the same.
#[cfg(any(test, feature = "checks"))]
pub const HOSTILE_TEXTS: &[HostileText] = {
    use Field::{Body, Name};
    use FieldProblem::{ControlCharacter, Invisible};
    &[
        ("Marie\u{0}", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\u{7}Curie", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\nCurie", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\tCurie", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\u{1b}[31m", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\u{7f}", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\u{85}Curie", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie\u{9b}", "Bonjour", &[(Name, ControlCharacter)]),
        ("Marie", "Bonjour\u{0}", &[(Body, ControlCharacter)]),
        ("Marie", "Bon\u{8}jour", &[(Body, ControlCharacter)]),
        ("Marie", "Bonjour\u{1b}[2J", &[(Body, ControlCharacter)]),
        ("Marie", "Bonjour\u{9c}", &[(Body, ControlCharacter)]),
        ("Marie\u{0}", "\u{0}", &[(Name, ControlCharacter), (Body, ControlCharacter)]),
        ("\u{200B}", "Bonjour", &[(Name, Invisible)]),
        ("\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}", "Bonjour", &[(Name, Invisible)]),
        ("\u{202E}", "Bonjour", &[(Name, Invisible)]),
        ("\u{200E}\u{200F}\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}", "Bonjour", &[(Name, Invisible)]),
        ("\u{FE0F}\u{FE00}\u{E0100}", "Bonjour", &[(Name, Invisible)]),
        ("\u{AD}\u{34F}\u{115F}\u{3164}\u{FFA0}\u{2800}\u{E0041}", "Bonjour", &[(Name, Invisible)]),
        ("\u{3000}\u{200B}\u{A0}\u{2003}", "Bonjour", &[(Name, Invisible)]),
        ("Marie", "\u{200B}\u{200B}\n\u{200B}", &[(Body, Invisible)]),
        // Allowed: line breaks and tabs in a body, a right-to-left override in a visible
        // name or body, joiners inside a name (emoji sequences, Indic scripts), an Arabic name.
        ("Marie", "Bonjour,\r\n\tmerci.\n", &[]),
        ("\u{202E}Marie", "Bonjour \u{202E}ruojnoB", &[]),
        ("Ma\u{200D}rie \u{1F469}\u{200D}\u{1F4BB}", "Bonjour", &[]),
        ("\u{645}\u{631}\u{64A}\u{645}", "\u{645}\u{631}\u{62D}\u{628}\u{627}", &[]),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, email: &str, website: &str, body: &str) -> CommentDraft {
        CommentDraft { name: name.into(), email: email.into(), website: website.into(), body: body.into() }
    }

    #[test]
    fn a_good_draft_is_trimmed_and_kept() {
        let valid = validate(&draft("  Marie ", " marie@example.fr ", " https://marie.example/blog ", "\n Bonjour,\n\nmerci. \n")).unwrap();
        assert_eq!(valid.name, "Marie");
        assert_eq!(valid.email, "marie@example.fr");
        assert_eq!(valid.website.unwrap().as_str(), "https://marie.example/blog");
        assert_eq!(valid.body, "Bonjour,\n\nmerci.");
        assert_eq!(validate(&draft("M", "m@x.io", "", "b")).unwrap().website, None);
    }

    #[test]
    fn every_error_is_reported_at_once_in_form_order() {
        let errors = validate(&draft(" ", "not-an-email", "javascript:alert(1)", " \n ")).unwrap_err();
        let expected = [
            (Field::Name, FieldProblem::Required),
            (Field::Email, FieldProblem::InvalidEmail),
            (Field::Website, FieldProblem::InvalidWebsite),
            (Field::Body, FieldProblem::Required),
        ];
        assert_eq!(errors, expected.map(|(field, problem)| FieldError { field, problem }));
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let at_limit = "é".repeat(NAME_MAX_CHARS);
        assert!(validate(&draft(&at_limit, "a@b.co", "", "x")).is_ok());
        let errors = validate(&draft(&format!("{at_limit}é"), "a@b.co", "", &"x".repeat(BODY_MAX_CHARS + 1))).unwrap_err();
        assert_eq!(
            errors,
            [
                FieldError { field: Field::Name, problem: FieldProblem::TooLong { max: NAME_MAX_CHARS } },
                FieldError { field: Field::Body, problem: FieldProblem::TooLong { max: BODY_MAX_CHARS } },
            ]
        );
    }

    #[test]
    fn emails_and_websites() {
        for good in ["a@b.co", "jean.delaunay+news@exemple.fr", "x@sub.domain.example"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@.co", "a@b..co", "a b@c.co", "a@b.co>", "a@-b.co"] {
            assert!(!is_email(bad), "{bad}");
        }
        for good in ["http://a.example", "HTTPS://a.example/x?y#z"] {
            assert!(website_url(good).is_some(), "{good}");
        }
        for bad in ["a.example", "/relative", "ftp://a.example", "https://", "https:///x", "https://a b", "mailto:a@b.co"] {
            assert!(website_url(bad).is_none(), "{bad}");
        }
    }

    /// Hostile names and bodies, and what each gets: the same table runs against the
    /// reference server over HTTP (`server/tests/api.rs`).
    #[test]
    fn control_characters_and_invisible_texts_are_refused() {
        for (name, body, expected) in HOSTILE_TEXTS {
            let errors = validate(&draft(name, "a@b.co", "", body)).err().unwrap_or_default();
            let got: Vec<_> = errors.iter().map(|e| (e.field, e.problem)).collect();
            assert_eq!(got, expected.to_vec(), "name {name:?}, body {body:?}");
        }
    }

    #[test]
    fn field_codes_round_trip() {
        for field in [Field::Name, Field::Email, Field::Website, Field::Body, Field::Captcha] {
            assert_eq!(Field::from_code(field.code()), Some(field));
        }
        assert_eq!(CommentStatus::from_code("pending"), Some(CommentStatus::Pending));
    }
}
