//! What can go wrong between a backend and the screen, as data: the views and the console
//! describe it, in the reader's language and in English for the integrator.

use std::fmt;

/// A resource that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The absolute URL that was requested.
    pub url: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No HTTP answer at all: offline, unknown host, or a cross-origin refusal, which browsers
    /// do not tell apart from a network failure.
    Network { detail: String },
    /// An HTTP answer whose status is not 2xx.
    Status { status: u16 },
    /// The body is not JSON; line and column are 1-based.
    Syntax { line: usize, column: usize, detail: String },
    /// JSON, but not of the expected shape.
    Shape(ShapeError),
    /// No answer within the time the widget waits.
    Timeout { seconds: u32 },
    /// Cancelled by the widget itself, unmounted or shown with another configuration: not a
    /// failure to report.
    Aborted,
}

/// A value in a JSON document that is missing or not what the format needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    /// Where, as a JSON Pointer (RFC 6901), for example `/body/3/content`.
    pub path: String,
    pub expected: Expected,
    pub found: Found,
}

/// What a format needs at a place. Each has a name in every locale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Text,
    NonBlankText,
    List,
    Object,
    DateTime,
    HeadingLevel,
    BlockType,
    InlineType,
    PositiveInteger,
    Url,
    Boolean,
    CommentStatus,
    /// An unsigned integer written as a string, as JSON numbers lose precision past 2^53.
    DecimalString,
    NonNegativeInteger,
    /// A place in a document, as a JSON Pointer (RFC 6901).
    JsonPointer,
    /// Where a mapped field lies: a pointer, an object with `at`, or a list of them.
    FieldSpec,
    /// A key that this part of a mapping knows; found names the unknown one.
    KnownKey,
    DateFormat,
    /// Seconds or milliseconds since 1970-01-01T00:00:00Z.
    UnixTime,
    /// An id: a non-blank string or an integer.
    Identifier,
    /// An element of a list that is the requested item.
    MatchingItem,
    /// A placeholder of a request body template.
    Placeholder,
    /// How a list says where its next page is.
    PagingRule,
}

/// What was found instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Missing,
    Null,
    Boolean,
    Number,
    Text,
    List,
    Object,
    /// A value of the right JSON type that is still wrong, quoted as found (shortened).
    Value(String),
}

/// In English, as the English reader's table words it.
impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::locale::Locale::En.found(self))
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
        write!(f, "at {}: expected {}, found {}", self.path, crate::locale::Locale::En.expected(self.expected), self.found)
    }
}

impl std::error::Error for LoadError {}

/// Why a comment was not posted. In every case the reader's text is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostError {
    /// Fields to fix, found by the form's checks or by the server.
    Fields(Vec<crate::comment::FieldError>),
    /// The captcha was not passed; a new question is needed.
    Captcha(CaptchaRefusal),
    /// Too many posts in a short time.
    RateLimited { retry_after_seconds: Option<u64> },
    /// The server refused the comment for a reason of its own, in its words.
    Refused { status: u16, code: String, message: String },
    /// No answer, a server error, or an answer that cannot be read.
    Failed(LoadError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptchaRefusal {
    Wrong,
    /// Expired, already used, or not signed by this server: a new challenge is needed.
    Stale,
    /// Sent sooner after the question appeared than a person could have.
    TooFast,
}

impl fmt::Display for PostError {
    /// English, for the console.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostError::Fields(errors) => {
                f.write_str("invalid fields:")?;
                errors.iter().try_for_each(|error| write!(f, " {}", crate::locale::Locale::En.describe_field_error(error)))
            }
            PostError::Captcha(refusal) => f.write_str(match refusal {
                CaptchaRefusal::Wrong => "captcha refused: wrong answer",
                CaptchaRefusal::Stale => "captcha refused: expired, used or unsigned challenge",
                CaptchaRefusal::TooFast => "captcha refused: answered too fast",
            }),
            PostError::RateLimited { retry_after_seconds: Some(seconds) } => write!(f, "rate limited; retry after {seconds} s"),
            PostError::RateLimited { retry_after_seconds: None } => f.write_str("rate limited"),
            PostError::Refused { status, code, message } => write!(f, "refused with status {status}: {code}: {message}"),
            PostError::Failed(error) => write!(f, "{error}"),
        }
    }
}
