//! The errors' English texts for the integrator's console: their `Display`.
//!
//! Kept apart from `error.rs` so that the error types depend on no wording: these texts
//! take the English reader's words from `locale.rs` (so that the two never drift apart),
//! and `locale.rs` itself depends on the error types to word them for the reader. With the
//! texts here, the dependency goes one way: `console` → `locale` → `error`.

use std::fmt;

use crate::error::{CaptchaRefusal, EditRefusal, Found, LeftOut, LoadError, PostError, Problem, Record, ShapeError, Warning};
use crate::locale::Locale;

/// In English, as the English reader's table words it.
impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Locale::En.found(self))
    }
}

/// English, with every detail: what the console shows the integrator.
impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.problem)
    }
}

/// English, with every detail, without the URL.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Network { detail } => write!(
                f,
                "no response ({detail}); if the backend is on another origin, it must allow this one (CORS)"
            ),
            Problem::Status { status } => write!(f, "HTTP status {status}"),
            Problem::Syntax { line, column, detail } => {
                write!(f, "invalid JSON at line {line}, column {column}: {detail}")
            }
            Problem::Shape(shape) => write!(f, "{shape}"),
            Problem::Timeout { seconds } => write!(f, "no response within {seconds} s"),
            Problem::Aborted => write!(f, "cancelled: the widget was unmounted or shown with another configuration"),
        }
    }
}

/// In the words the English reader sees, so that the two never drift apart.
impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: expected {}, found {}", self.path, Locale::En.expected(self.expected), self.found)
    }
}

/// English, without the URL: the problem, then what the reader is shown without.
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; ", self.problem)?;
        match &self.left_out {
            LeftOut::Value => f.write_str("the value is left out"),
            LeftOut::Record { record, path } => {
                let record = match record {
                    Record::Comment => "comment",
                    Record::RelatedStory => "related story",
                    Record::Author => "author",
                    Record::Image => "image",
                    Record::Block => "block",
                };
                write!(f, "the {record} at {path} is left out")
            }
        }
    }
}

impl fmt::Display for PostError {
    /// English, for the console.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostError::Fields(errors) => {
                f.write_str("invalid fields:")?;
                errors.iter().try_for_each(|error| write!(f, " {}", Locale::En.describe_field_error(error)))
            }
            PostError::Captcha(refusal) => f.write_str(match refusal {
                CaptchaRefusal::Wrong => "captcha refused: wrong answer",
                CaptchaRefusal::Stale => "captcha refused: expired, used or unsigned challenge",
                CaptchaRefusal::TooFast => "captcha refused: answered too fast",
            }),
            PostError::Edit(refusal) => f.write_str(match refusal {
                EditRefusal::WindowClosed => "change refused: the time to edit or delete the comment is over",
                EditRefusal::HasReplies => "edit refused: the comment has replies",
                EditRefusal::NotYours => "change refused: the secret kept is not the comment's, or the comment is gone",
            }),
            PostError::RateLimited { retry_after_seconds: Some(seconds) } => write!(f, "rate limited; retry after {seconds} s"),
            PostError::RateLimited { retry_after_seconds: None } => f.write_str("rate limited"),
            PostError::Refused { status, code, message } => write!(f, "refused with status {status}: {code}: {message}"),
            PostError::Failed(error) => write!(f, "{error}"),
        }
    }
}
