//! What can go wrong between a backend and the screen, as data: the views and the console
//! describe it, in the reader's language and in English for the integrator.
//!
//! The types alone, depending on no wording: `locale.rs` words them for the reader, and
//! their English console texts (`Display`) are in `console.rs`, which takes the English
//! table's words from `locale.rs`. So the dependency goes one way, from the wording to the
//! types, and `locale.rs` can name every type here without a cycle.

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
    /// A local date and time without offset, given with its UTC time (WordPress's `date`).
    LocalDateTime,
    /// An id: a non-blank string or an integer.
    Identifier,
    /// An element of a list that is the requested item.
    MatchingItem,
    /// A placeholder of a request body template.
    Placeholder,
    /// A post that answers a proof of work names `{altcha}` in its body or headers.
    AltchaPlaceholder,
    /// How a list says where its next page is.
    PagingRule,
    /// A value to compare with: a text, a number, a boolean or null.
    Scalar,
    /// Bytes in hexadecimal, two digits each (a proof of work's nonce, salt or key prefix).
    Hex,
    /// A proof of work's key derivation the solver knows (`pow::Algorithm::NAMES`).
    ProofOfWorkAlgorithm,
    /// A proof of work's key length its algorithm gives.
    KeyLength,
}

/// A problem a decoder got past: the value or the record at fault is left out, and the rest
/// of the answer is shown. A bad value costs only itself, a bad record only itself; only an
/// answer without what a section cannot do without fails it (a [`LoadError`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What is wrong, and where.
    pub problem: ShapeError,
    pub left_out: LeftOut,
}

/// What a [`Warning`] costs the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// The value itself: an optional field, read as absent.
    Value,
    /// The whole record the value is in, at its JSON Pointer.
    Record { record: Record, path: String },
}

/// The parts of an answer that are left out whole when they cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Comment,
    RelatedStory,
    Author,
    Image,
    Block,
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

/// `Display` (which `Error` needs) is in `console.rs`.
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
    /// A change to the reader's own comment that the server no longer allows.
    Edit(EditRefusal),
    /// The server refused the comment for a reason of its own, in its words.
    Refused { status: u16, code: String, message: String },
    /// No answer, a server error, or an answer that cannot be read.
    Failed(LoadError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditRefusal {
    /// Past the time its author had to edit or delete it.
    WindowClosed,
    /// Someone answered it: it may be deleted, not edited.
    HasReplies,
    /// The secret kept with it is not (or no longer) the comment's, or it is gone.
    NotYours,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptchaRefusal {
    Wrong,
    /// Expired, already used, or not signed by this server: a new challenge is needed.
    Stale,
    /// Sent sooner after the question appeared than a person could have.
    TooFast,
}

